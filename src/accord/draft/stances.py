"""Stance hints: which actor says what about which issue, from cue words, with negation.

A cue is a verb or phrase of support (``supports``, ``insists on``, ``is ready to``) or
opposition (``rejects``, ``opposes``, ``refuses``, ``boycotts``); ``not``, ``never``, ``n't``
and the like in the few words before it turn it round (``does not support`` leans against,
``is not ready to`` too). A cue belongs to the nearest actor named before it in the same clause
(clauses end at ``;``, ``:`` and ``but``/``while``/``whereas``), and to the actors joined to
that one by ``and`` or commas: ``Russia and Iran reject ...``. A cue is *strong* when it says
where the actor stands without hedging (``rejects``, ``insists on``, ``supports``), weak
otherwise (``wants``, ``is ready to``, any negated cue but ``never``); only a strong cue
suggests a position, and an insistent one (``insists``, ``demands``, ``refuses``, ``vetoes``,
``boycotts``) a high salience. Everything else is left to the analyst.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Strength = Literal["strong", "weak"]

_PRO_STRONG = (
    r"support(?:s|ed|ing)?",
    r"in support of",
    r"in favou?r of",
    r"backs|backed|backing",
    r"insist(?:s|ed|ing)?(?: on| that)?",
    r"insistence on",
    r"demand(?:s|ed|ing)?",
    r"call(?:s|ed|ing)? for",
    r"press(?:es|ed|ing)? for",
    r"push(?:es|ed|ing)? for",
    r"(?:is|are|was|were|remains?) determined to",
    r"champion(?:s|ed|ing)?",
)
_PRO_WEAK = (
    r"wants?|wanted|wanting",
    r"seek(?:s|ing)?|sought",
    r"favou?r(?:s|ed|ing)?",
    r"(?:ready|willing|prepared|open) to",
    r"agree(?:s|d|ing)? to",
    r"accept(?:s|ed|ing)?",
    r"welcom(?:e|es|ed|ing)",
    r"endors(?:e|es|ed|ing)",
    r"pledg(?:e|es|ed|ing) to",
    r"propos(?:e|es|ed|ing)",
    r"hop(?:e|es|ed|ing) (?:for|to)",
    r"keen (?:on|to)",
)
_CON_STRONG = (
    r"reject(?:s|ed|ing)?",
    r"rejection of",
    r"oppos(?:e|es|ed|ing)",
    r"opposition to",
    r"refus(?:e|es|ed|ing)(?: to)?",
    r"veto(?:es|ed|ing)?",
    r"block(?:s|ed|ing)?",
    r"boycott(?:s|ed|ing)?",
    r"rul(?:e|es|ed|ing) out",
    r"condemn(?:s|ed|ing)?",
    r"(?:is|are|was|were|remains?) against",
)
_CON_WEAK = (
    r"resist(?:s|ed|ing)?",
    r"object(?:s|ed|ing)? to",
    r"(?:reluctant|unwilling|wary|sceptical|skeptical) (?:to|of|about)",
    r"warn(?:s|ed|ing)? against",
)
_INTENSE = re.compile(
    r"insist|demand|refus|veto|boycott|determined|never|critical|red line|existential|at any "
    r"cost|non-negotiable|overriding|priorit",
    re.I,
)
_NOUNISH = frozenset(
    [
        "a",
        "an",
        "the",
        "its",
        "their",
        "his",
        "her",
        "our",
        "any",
        "no",
        "such",
        "this",
        "that",
        "of",
        "for",
        "with",
        "air",
        "military",
        "financial",
        "popular",
        "public",
        "huge",
        "major",
        "strong",
        "external",
        "stumbling",
        "political",
        "diplomatic",
    ]
)
"""Words before ``support``, ``block``, ``demand`` ... that make them nouns, not cues."""
_NOUN_CUES = frozenset(
    {"support", "block", "demand", "demands", "veto", "boycott", "call", "calls", "backing"}
)

_NEGATORS = frozenset(
    [
        "not",
        "n't",
        "never",
        "no",
        "neither",
        "nor",
        "hardly",
        "cannot",
        "nobody",
        "none",
        "fail",
        "fails",
        "failed",
        "without",
    ]
)

_ALTERNATIVES: list[tuple[str, int, Strength]] = (
    [(p, +1, "strong") for p in _PRO_STRONG]
    + [(p, +1, "weak") for p in _PRO_WEAK]
    + [(p, -1, "strong") for p in _CON_STRONG]
    + [(p, -1, "weak") for p in _CON_WEAK]
)
_CUES = re.compile(
    r"\b(?:" + "|".join(f"(?P<c{k}>{p})" for k, (p, _, _) in enumerate(_ALTERNATIVES)) + r")\b",
    re.I,
)
_CLAUSE = re.compile(
    r";|:|\s[-–—]\s|,\s*(?:but|while|whereas|although|though|yet)\b|\s(?:but|while|whereas)\s"
)
_JOIN = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|&)\s*$", re.I)
_WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class Cue:
    """A cue word in a sentence: which way it points and how firmly, after negation."""

    start: int
    end: int
    text: str
    direction: int
    """+1 for, -1 against (after negation)."""
    strength: Strength
    negated: bool
    intense: bool
    """An insistent cue (``insists``, ``refuses`` ...): the issue matters much to the actor."""

    def describe(self) -> str:
        """Return ``'rejects' (against, strong)``."""
        way = "for" if self.direction > 0 else "against"
        neg = ", negated" if self.negated else ""
        return f"'{self.text}' ({way}, {self.strength}{neg})"


def _negation(text: str, start: int, floor: int) -> str | None:
    """Return the negating word among the four words before ``start`` (not before ``floor``)."""
    words = _WORD.findall(text[floor:start])[-4:]
    lowered = [w.lower() for w in words]
    for k, w in enumerate(lowered):
        if w == "not" and k + 1 < len(lowered) and lowered[k + 1] == "only":
            continue
        if w in _NEGATORS or w.endswith("n't"):
            return w
    return None


def find_cues(text: str, floor: int = 0) -> list[Cue]:
    """Return the cue words in ``text`` with their direction, strength and negation."""
    out: list[Cue] = []
    for m in _CUES.finditer(text):
        assert m.lastgroup is not None
        _, direction, strength = _ALTERNATIVES[int(m.lastgroup[1:])]
        word = m.group().lower()
        before = _WORD.findall(text[max(floor, m.start() - 30) : m.start()])
        if word.split()[0] in _NOUN_CUES and before and before[-1].lower() in _NOUNISH:
            continue
        negator = _negation(text, m.start(), floor)
        intense = bool(_INTENSE.search(word))
        final: Strength = strength
        if negator is not None:
            direction = -direction
            final = "strong" if negator == "never" else "weak"
            intense = intense or negator == "never"
        out.append(
            Cue(m.start(), m.end(), m.group(), direction, final, negator is not None, intense)
        )
    return out


def clauses(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each clause of a sentence."""
    bounds = [0]
    for m in _CLAUSE.finditer(text):
        bounds.append(m.start())
        bounds.append(m.end())
    bounds.append(len(text))
    return [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


@dataclass(frozen=True)
class Said:
    """A cue attributed to an actor in one clause of a sentence."""

    actor: str
    cue: Cue
    clause: tuple[int, int]


def attribute(text: str, mentions: Sequence[tuple[str, int, int]]) -> list[Said]:
    """Return the cues of a sentence attributed to the actors mentioned in it.

    ``mentions`` are ``(actor, start, end)`` in the sentence, in order. A cue goes to the
    nearest actor named before it in its clause and to those joined to that one by ``and``,
    ``or`` or commas; a cue with no actor before it in its clause goes to no one (``supported
    by Russia`` says nothing about Russia's stance here).
    """
    out: list[Said] = []
    if not mentions:
        return out
    for lo, hi in clauses(text):
        inside = [m for m in mentions if lo <= m[1] and m[2] <= hi]
        if not inside:
            continue
        for cue in find_cues(text[lo:hi]):
            start = lo + cue.start
            before = [m for m in inside if m[2] <= start]
            if not before:
                continue
            owners = [before[-1]]
            for prev in reversed(before[:-1]):
                if _JOIN.match(text[prev[2] : owners[-1][1]]):
                    owners.append(prev)
                else:
                    break
            # the negation window ends at the owner: "Russia, not Iran, supports" is not negated
            cue_here = _shift(cue, lo)
            negator = _negation(text, start, owners[0][2])
            if cue.negated and negator is None:
                cue_here = _unnegate(cue_here)
            seen: set[str] = set()
            for actor, _, _ in reversed(owners):
                if actor not in seen:
                    seen.add(actor)
                    out.append(Said(actor, cue_here, (lo, hi)))
    return out


def _shift(cue: Cue, by: int) -> Cue:
    return Cue(
        cue.start + by, cue.end + by, cue.text, cue.direction, cue.strength, cue.negated,
        cue.intense,
    )  # fmt: skip


def _unnegate(cue: Cue) -> Cue:
    """Return the cue as if its negation (which lay before the actor) were not there."""
    fresh = find_cues(cue.text)
    base = fresh[0] if fresh else cue
    return Cue(cue.start, cue.end, cue.text, base.direction, base.strength, False, base.intense)


@dataclass(frozen=True)
class Hint:
    """What the article suggests about one actor's stance on one issue."""

    direction: int
    """+1 for the issue's proposal (the scale's upper end), -1 against, 0 mixed."""
    strength: Strength
    intense: bool
    cue: Cue | None
    sentence_ref: str
    sentence: str

    def describe(self) -> str:
        """Return a one-line account: the cue and the sentence it is in."""
        if self.cue is None:
            return f"mixed cues ({self.sentence_ref})"
        return f"{self.cue.describe()} in {self.sentence_ref}"
