"""Actors: who an article mentions, how often, and the first and strongest sentence on each.

Names come from the gazetteer (:mod:`accord.draft.gazetteer`): a leader, minister, capital or
demonym counts for its state. The generic words for a conflict's parties are resolved against
the article's country, the one the conflict is in: ``the regime`` is the government of the
regime named last (``the Putin regime``, ``Assad's regime``) or else of that country; ``the
opposition`` and ``rebels`` are that country's. The country is the state most often placed as
the theatre (``in Syria``, ``the Syrian civil war``, ``war in Ukraine``), else the state most
mentioned; ``country=`` overrides it.

Capitalised names of two words or more that the gazetteer does not know (``Institute of
Oriental Studies``, ``Geneva II Conference``) are listed as candidates for the analyst, never
made actors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from accord.draft.gazetteer import Entry, Gazetteer, Hit, Kind
from accord.draft.stances import Said, attribute
from accord.draft.text import Article, Sentence

_THEATRE_BEFORE = re.compile(
    r"\b(?:in|into|inside|within|across|throughout|war on|peace in|settlement in)\s+(?:the\s+)?$"
)
_THEATRE_AFTER = re.compile(r"^['’]?s?\s+(?:civil war|war|conflict|crisis|peace process)\b")
_CANDIDATE_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "If",
        "As",
        "For",
        "With",
        "By",
        "From",
        "To",
        "Of",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "Instead",
        "However",
        "Yet",
        "So",
        "Then",
        "While",
        "When",
        "After",
        "Before",
        "Since",
        "Although",
        "Though",
        "Despite",
        "Under",
        "Over",
        "Here",
        "There",
        "What",
        "Who",
        "Why",
        "How",
        "Such",
        "Some",
        "Many",
        "Most",
        "All",
        "Both",
        "Each",
        "Every",
        "Given",
        "Regarding",
        "According",
        "Indeed",
        "First",
        "Second",
        "Third",
        "Finally",
        "Meanwhile",
        "Still",
        "Even",
        "Only",
        "Also",
        "Let",
        "Unfortunately",
        "Naturally",
        "Conceivably",
        "Regardless",
        "Rather",
        "Namely",
        "Among",
        "Between",
        "Not",
        "Nor",
        "Or",
        "Our",
        "We",
        "They",
        "He",
        "She",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "President",
        "Minister",
        "Secretary",
        "Senator",
        "Director",
        "Foreign",
        "Prime",
        "King",
        "Prince",
        "Former",
        "Senior",
        "Chief",
        "Executive",
        "Professor",
        "Dean",
        "Assistant",
        "Minister",
        "General",
        "Photo",
    ]
)
_MONTHS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "al", "bin", "el", "du", "von", "der"})
_CAP_WORD = re.compile(r"[A-Z][\w'’.-]*|(?:of|the|for|and|de|al|bin|el|du|von|der)\b")


@dataclass(frozen=True)
class Mention:
    """One resolved mention of an actor in a sentence."""

    actor: str
    start: int
    end: int
    text: str
    via: str


@dataclass
class ActorFinding:
    """An actor the articles mention, with the evidence."""

    id: str
    name: str
    kind: str
    source: str
    """Where the gazetteer entry's facts come from."""
    iso3: str | None = None
    mentions: int = 0
    names: Counter[str] = field(default_factory=Counter)
    """How it was named (``Moscow``, ``Lavrov``, ``Russian``), with counts."""
    sentences: list[Sentence] = field(default_factory=list)
    first: Sentence | None = None
    strongest: Sentence | None = None
    strength: float = -1.0


@dataclass
class Candidate:
    """A capitalised name the gazetteer does not know: perhaps an actor."""

    name: str
    mentions: int
    first: Sentence


@dataclass
class ActorScan:
    """The actors of a set of articles."""

    country: str | None
    """The id of the article's country (where the conflict is), if one was found."""
    actors: list[ActorFinding]
    candidates: list[Candidate]
    mentions: dict[tuple[str, int], list[Mention]]
    """Per sentence (article id, index): the actors mentioned, in order."""
    said: dict[tuple[str, int], list[Said]]
    """Per sentence: the cues attributed to actors."""

    def actor(self, actor_id: str) -> ActorFinding:
        """Return one actor's finding."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)


def _theatre(gaz: Gazetteer, sentence: Sentence, hit: Hit) -> bool:
    entry = gaz.entries.get(hit.actor)
    if entry is None or entry.kind != "state" or hit.role is not None:
        return False
    before = sentence.text[max(0, hit.start - 30) : hit.start]
    after = sentence.text[hit.end : hit.end + 30]
    return bool(_THEATRE_BEFORE.search(before) or _THEATRE_AFTER.match(after))


def main_country(
    gaz: Gazetteer, hits: dict[tuple[str, int], tuple[Sentence, list[Hit]]]
) -> str | None:
    """Return the state the articles place as the theatre, else the one most mentioned."""
    theatre: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for sentence, found in hits.values():
        for hit in found:
            entry = gaz.entries.get(hit.actor)
            if entry is None or entry.kind != "state":
                continue
            count[hit.actor] += 1
            if _theatre(gaz, sentence, hit):
                theatre[hit.actor] += 1
    if theatre:
        best = max(theatre.values())
        return max((a for a, n in theatre.items() if n == best), key=lambda a: count[a])
    return count.most_common(1)[0][0] if count else None


def _derived(gaz: Gazetteer, actor: str) -> Entry:
    """Return the entry of an actor made from a role word (``syria_opposition``)."""
    if actor in gaz.entries:
        return gaz.entries[actor]
    base, _, role = actor.rpartition("_")
    if base in gaz.entries:
        state = gaz.entries[base]
        name = f"{state.name}: {'the opposition' if role == 'opposition' else 'armed rebel groups'}"
        kind: Kind = "party" if role == "opposition" else "armed_group"
        return Entry(actor, name, kind, "role words resolved against the country", state.iso3)
    names = {"government": "The government", "opposition": "The opposition", "rebels": "Rebels"}
    return Entry(actor, names.get(actor, actor), "party", "role words (no country found)")


def _resolve(hit: Hit, country: str | None, regime: str | None) -> str | None:
    """Return the actor a role word stands for, given the country and the last regime named."""
    if hit.via != "role":
        return hit.actor
    if hit.role == "government":
        if "regime" in hit.text.lower() and regime is not None:
            return regime
        return country or "government"
    if hit.role in ("opposition", "rebels"):
        return f"{country}_{hit.role}" if country else hit.role
    return None  # pragma: no cover - every role is one of the three


def _candidates(sentence: Sentence, taken: list[Hit]) -> list[str]:
    """Return capitalised multi-word names in a sentence outside the gazetteer's hits."""
    text = sentence.text
    spans = [(h.start, h.end) for h in taken]
    out: list[str] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        while run and (run[-1].group() in _CONNECTORS or run[-1].group() in _CANDIDATE_STOP):
            run.pop()
        while run and (run[0].group() in _CONNECTORS or run[0].group() in _CANDIDATE_STOP):
            run.pop(0)
        capitals = [m for m in run if m.group()[0].isupper()]
        if len(capitals) >= 2 and not any(m.group() in _MONTHS for m in capitals):
            name = text[run[0].start() : run[-1].end()].rstrip(".,’'")
            out.append(name)
        run.clear()

    position = 0
    for m in _CAP_WORD.finditer(text):
        gap = text[position : m.start()]
        inside = any(s <= m.start() < e for s, e in spans)
        if run and (gap.strip() or inside):
            flush()
        if not inside:
            run.append(m)
        position = m.end()
    flush()
    return out


def find_actors(
    articles: Sequence[Article], gaz: Gazetteer, *, country: str | None = None
) -> ActorScan:
    """Return the actors the articles mention, their evidence, and candidate names."""
    raw: dict[tuple[str, int], tuple[Sentence, list[Hit]]] = {}
    candidates: dict[str, Candidate] = {}
    for article in articles:
        for sentence in article.sentences:
            if sentence.caption:
                continue
            hits = gaz.match(sentence.text)
            if hits:
                raw[(sentence.article, sentence.index)] = (sentence, hits)
            for name in _candidates(sentence, hits):
                found = candidates.get(name)
                if found is None:
                    candidates[name] = Candidate(name, 1, sentence)
                else:
                    found.mentions += 1
    if country is None:
        country = main_country(gaz, raw)
    findings: dict[str, ActorFinding] = {}
    mentions: dict[tuple[str, int], list[Mention]] = {}
    said: dict[tuple[str, int], list[Said]] = {}
    regime: dict[str, str | None] = {}
    for key, (sentence, hits) in raw.items():
        resolved: list[Mention] = []
        for hit in hits:
            actor = _resolve(hit, country, regime.get(sentence.article))
            if actor is None:
                continue
            if hit.via != "role" and hit.role == "government" and "regime" in hit.text.lower():
                regime[sentence.article] = actor
            resolved.append(Mention(actor, hit.start, hit.end, hit.text, hit.via))
        if not resolved:
            continue
        mentions[key] = resolved
        cues = attribute(sentence.text, [(m.actor, m.start, m.end) for m in resolved])
        if cues:
            said[key] = cues
        strength: Counter[str] = Counter()
        for s in cues:
            strength[s.actor] += 2 if s.cue.strength == "strong" else 1
        for k, m in enumerate(resolved):
            finding = findings.get(m.actor)
            if finding is None:
                entry = _derived(gaz, m.actor)
                finding = findings[m.actor] = ActorFinding(
                    entry.id, entry.name, entry.kind, entry.source, entry.iso3
                )
            finding.mentions += 1
            finding.names[m.text] += 1
            if not finding.sentences or finding.sentences[-1] is not sentence:
                finding.sentences.append(sentence)
                if finding.first is None:
                    finding.first = sentence
                score = strength[m.actor] + (0.5 if k == 0 else 0.0)
                if score > finding.strength:
                    finding.strength = score
                    finding.strongest = sentence
    known = {n.lower() for f in findings.values() for n in f.names}
    listed = [c for c in candidates.values() if c.name.lower() not in known]
    listed.sort(key=lambda c: (-c.mentions, c.first.article, c.first.index))
    actors = sorted(
        findings.values(),
        key=lambda a: (
            -a.mentions,
            a.first.article if a.first else "",
            a.first.index if a.first else 0,
        ),
    )
    return ActorScan(country, actors, listed, mentions, said)
