"""Issues: given by the analyst (``--issues ISSUES.yaml``) or suggested from contested terms.

Suggested issues come from a fixed list of what peace negotiations contest, each with the terms
that name it (a transition and the leader's role; a ceasefire; partition, federation or
autonomy; sanctions; guarantees; alliance membership; arms supplies; humanitarian access;
elections; talks versus a military victory; a campaign against terrorist groups;
reconstruction; withdrawal; prisoners; minority rights). An issue is suggested when its terms
recur: they appear in at least two sentences. Each suggestion keeps its sentences.

Every issue is a 0-100 scale whose upper end is the issue's proposal carried out in full (a
full ceasefire, partition, sanctions kept, full membership); a cue of support places an actor
toward 100, a cue of opposition toward 0. An issues file may set its own scale and anchors and
say, with ``supports``, which end support points to.

An issues file (YAML)::

    issues:
      - id: assad
        name: Assad's role in a transition
        terms: [Assad, transition, step down]     # words that name it (case-insensitive)
        scale: {min: 0, max: 100, unit: points}
        anchors: {0: "Assad stays with full powers", 100: "a transition without Assad"}
        supports: 100                              # where a cue of support points (default max)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.draft.text import Article, Sentence
from accord.errors import AccordError
from accord.scenario.io_common import slugify


@dataclass(frozen=True)
class IssueSpec:
    """An issue to look for: its id, name, terms, scale and anchors."""

    id: str
    name: str
    terms: tuple[str, ...]
    """Regular expressions (case-insensitive, whole words) that name the issue."""
    low: str
    high: str
    scale: tuple[float, float, str] = (0.0, 100.0, "points")
    anchors: dict[float, str] | None = None
    supports: float | None = None
    """Where a cue of support places an actor; default: the scale's upper end."""
    given: bool = False
    """Given by the analyst (not a suggestion)."""

    def anchor_map(self) -> dict[float, str]:
        """Return the anchors: given ones, else the scale's two ends."""
        if self.anchors:
            return dict(self.anchors)
        return {self.scale[0]: self.low, self.scale[1]: self.high}

    @property
    def support_end(self) -> float:
        """Return the end of the scale a cue of support points to."""
        return self.scale[1] if self.supports is None else self.supports


SUGGESTED: tuple[IssueSpec, ...] = (
    IssueSpec(
        "transition",
        "Political transition (the leader's role)",
        (
            r"political transition",
            r"transition(?:al)?",
            r"steps? down",
            r"stepping down",
            r"departure",
            r"oust(?:s|ed|ing)?",
            r"regime change",
            r"get rid of",
            r"plays? no role",
            r"fate of",
            r"(?:future|role) of (?:the )?(?:president|leader|regime)",
        ),
        "the leader stays with full powers",
        "a transition with no role for the leader",
    ),
    IssueSpec(
        "ceasefire",
        "Ceasefire",
        (
            r"cease-?fires?",
            r"cease fires?",
            r"truces?",
            r"armistice",
            r"de-?escalation",
            r"cessation of hostilities",
            r"end (?:to )?the (?:fighting|violence)",
            r"stop the (?:fighting|violence)",
        ),
        "no ceasefire: the fighting goes on",
        "a full and lasting ceasefire",
    ),
    IssueSpec(
        "territory",
        "Territorial settlement (partition, federation, autonomy)",
        (
            r"partition(?:s|ed|ing)?",
            r"partitioning",
            r"federa(?:tion|l|lism|ted|lly)",
            r"autonom(?:y|ous)",
            r"secession",
            r"independence",
            r"annex(?:ation|ed|es)?",
            r"territor(?:y|ies|ial)",
            r"reintegration",
            r"special status",
            r"break(?:s|ing)? up",
            r"referend(?:um|a|ums)",
            r"breakaway",
        ),
        "one unitary state: every region under the central government",
        "partition: the regions go their own way",
    ),
    IssueSpec(
        "sanctions",
        "Sanctions",
        (r"sanctions?", r"embargo(?:es)?", r"price cap", r"export controls?", r"asset freezes?"),
        "every sanction lifted",
        "sanctions kept and tightened",
    ),
    IssueSpec(
        "guarantees",
        "Security guarantees",
        (
            r"guarantees?",
            r"guarantors?",
            r"security assurances?",
            r"legal assurances?",
            r"peacekeep(?:ers|ing)",
            r"monitoring mission",
        ),
        "no guarantees",
        "binding guarantees with external guarantors",
    ),
    IssueSpec(
        "membership",
        "Alliance membership (NATO)",
        (
            r"nato membership",
            r"membership",
            r"enlargement",
            r"join(?:s|ing)? nato",
            r"accession",
            r"neutrality",
            r"neutral status",
        ),
        "no membership: neutrality",
        "full membership",
    ),
    IssueSpec(
        "arms",
        "Arms supplies and arms control",
        (
            r"arms shipments?",
            r"arms suppl(?:y|ies)",
            r"weapons? (?:shipments?|deliveries|supplies)",
            r"military aid",
            r"lethal aid",
            r"arms control",
            r"disarmament",
            r"arms race",
            r"chemical weapons",
            r"arms push",
        ),
        "unlimited arms supplies",
        "strict limits on arms supplies",
    ),
    IssueSpec(
        "humanitarian",
        "Humanitarian access",
        (
            r"humanitarian (?:aid|access|corridors?|assistance|relief|suffering|disaster)",
            r"aid deliver(?:y|ies)",
            r"refugees?",
            r"sieges?",
            r"besieged",
        ),
        "no humanitarian access",
        "full humanitarian access",
    ),
    IssueSpec(
        "elections",
        "Elections",
        (r"elections?", r"electoral", r"ballots?", r"polls"),
        "no elections",
        "free elections soon",
    ),
    IssueSpec(
        "settlement",
        "Negotiated settlement or military victory",
        (
            r"negotiations?",
            r"negotiated settlement",
            r"peace talks",
            r"talks",
            r"peace process",
            r"political process",
            r"political solution",
            r"dialogue",
            r"peace settlement",
            r"settlement",
            r"engag(?:e|es|ed|ing|ement)",
            r"mediat(?:ion|ed|e|or)",
            r"compromise",
        ),
        "a military victory: no negotiated settlement",
        "a negotiated settlement",
    ),
    IssueSpec(
        "counter_terrorism",
        "Campaign against terrorist groups",
        (
            r"counter-?terrorism",
            r"fight(?:ing)? against (?:terror\w*|IS|ISIS|ISIL|Daesh|the Islamic State)",
            r"defeat(?:ing)? (?:IS|ISIS|ISIL|Daesh|terror\w*|the Islamic State)",
            r"destr(?:oy|uction of) (?:IS|ISIS|ISIL|Daesh|the Islamic State)",
            r"anti-(?:IS|ISIS|terror\w*)",
            r"joint military operations?",
            r"war on terror",
            r"terrorist (?:groups|organi[sz]ations)",
        ),
        "no joint campaign",
        "a joint campaign of all parties",
    ),
    IssueSpec(
        "reconstruction",
        "Reconstruction",
        (r"reconstruct(?:ion|ing)?", r"rebuild(?:ing)?", r"recovery fund"),
        "no reconstruction money",
        "reconstruction fully funded from abroad",
    ),
    IssueSpec(
        "withdrawal",
        "Withdrawal of foreign forces",
        (r"withdraw(?:al|s|n)?", r"pull(?:s|ing)? out", r"foreign forces", r"troop reductions?"),
        "foreign forces stay",
        "every foreign force withdraws",
    ),
    IssueSpec(
        "prisoners",
        "Prisoners and detainees",
        (r"prisoners?", r"detainees?", r"hostages?", r"prisoner exchanges?"),
        "no release",
        "every prisoner released",
    ),
    IssueSpec(
        "minorities",
        "Minority rights",
        (r"minorit(?:y|ies)", r"minority rights", r"language rights"),
        "no protection of minorities",
        "guaranteed minority rights",
    ),
)
"""The issues ``accord draft`` suggests when no issues file is given."""

MIN_SENTENCES = 2
"""An issue is suggested when its terms appear in at least this many sentences."""


@dataclass
class IssueFinding:
    """An issue and the sentences that name it."""

    spec: IssueSpec
    sentences: list[Sentence] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    """The words that named it, with their counts."""


class IssueMatcher:
    """Finds the terms of several issues in sentences with one regular expression."""

    def __init__(self, specs: Sequence[IssueSpec]) -> None:
        self.specs = tuple(specs)
        parts = [
            f"(?P<i{k}>{'|'.join(spec.terms)})" for k, spec in enumerate(self.specs) if spec.terms
        ]
        self.pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I) if parts else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Return ``(issue index, start, end)`` for every term in ``text``."""
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            assert m.lastgroup is not None
            out.append((int(m.lastgroup[1:]), m.start(), m.end()))
        return out


def find_issues(
    articles: Sequence[Article], specs: Sequence[IssueSpec] | None = None
) -> tuple[list[IssueFinding], dict[tuple[str, int], list[tuple[int, int, int]]]]:
    """Return the issues found (given ones always, suggested ones when they recur).

    Also returns, per sentence (article id, index), the issue terms found in it as
    ``(finding index, start, end)``.
    """
    given = specs is not None
    chosen = tuple(specs) if specs is not None else SUGGESTED
    matcher = IssueMatcher(chosen)
    findings = [IssueFinding(spec) for spec in chosen]
    where: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
    for article in articles:
        for sentence in article.sentences:
            if sentence.caption:
                continue
            found = matcher.find(sentence.text)
            if not found:
                continue
            where[(sentence.article, sentence.index)] = found
            for k in dict.fromkeys(f[0] for f in found):
                findings[k].sentences.append(sentence)
            for k, start, end in found:
                term = sentence.text[start:end].lower()
                findings[k].terms[term] = findings[k].terms.get(term, 0) + 1
    keep = [k for k, f in enumerate(findings) if given or len(f.sentences) >= MIN_SENTENCES]
    renumber = {old: new for new, old in enumerate(keep)}
    kept = [findings[k] for k in keep]
    per_sentence = {
        key: [(renumber[k], s, e) for k, s, e in found if k in renumber]
        for key, found in where.items()
    }
    return kept, {k: v for k, v in per_sentence.items() if v}


def load_issues(path: str | Path) -> list[IssueSpec]:
    """Read an issues file: a list of issues (id, name, terms, scale, anchors, supports)."""
    import yaml

    source = str(path)
    try:
        data: Any = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise AccordError("file not found", source=source) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AccordError(f"cannot read the issues file: {exc}", source=source) from None
    if isinstance(data, dict):
        data = data.get("issues")
    if not isinstance(data, list) or not data:
        raise AccordError(
            "an issues file lists issues: `issues: [{id: ..., name: ..., terms: [...]}]`",
            source=source,
        )
    out: list[IssueSpec] = []
    for k, item in enumerate(data):
        where = f"issues[{k}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not (item.get("id") or item.get("name")):
            raise AccordError("each issue needs an id or a name", source=source, where=where)
        unknown = set(item) - {"id", "name", "terms", "scale", "anchors", "supports"}
        if unknown:
            raise AccordError(
                f"unknown key '{sorted(unknown)[0]}' (an issue takes id, name, terms, scale, "
                "anchors, supports)",
                source=source,
                where=where,
            )
        name = str(item.get("name") or item["id"])
        issue_id = slugify(str(item.get("id") or name)) or f"issue{k + 1}"
        terms = item.get("terms") or [name]
        if isinstance(terms, str):
            terms = [terms]
        scale = item.get("scale") or {}
        try:
            lo, hi = float(scale.get("min", 0)), float(scale.get("max", 100))
            anchors = {float(v): str(t) for v, t in (item.get("anchors") or {}).items()}
            supports = None if item.get("supports") is None else float(item["supports"])
        except (TypeError, ValueError, AttributeError) as exc:
            raise AccordError(f"bad scale or anchors: {exc}", source=source, where=where) from None
        out.append(
            IssueSpec(
                issue_id,
                name,
                tuple(re.escape(str(t)).replace(r"\ ", r"\s+") for t in terms),
                f"against: {name}",
                f"for: {name}",
                (lo, hi, str(scale.get("unit", "points"))),
                anchors or None,
                supports,
                given=True,
            )
        )
    return out
