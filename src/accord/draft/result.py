"""What a draft holds, cell by cell, each with the sentence it comes from.

:class:`Draft` is what the command line writes as YAML (:mod:`accord.draft.writer`) and what
the web app renders: actors, issues and one stance per actor and issue, every suggested number
a :class:`Cell` that says whether it is still a draft, why it has its value, and the sentence
behind it (:class:`Evidence`). ``Draft.to_dict()`` is the same as plain JSON-ready data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A sentence of an article: its citation (``a1:12``) and its text."""

    ref: str
    text: str


@dataclass(frozen=True)
class Cell:
    """One suggested value: the number, whether it awaits review, why, and its sentence."""

    value: float
    draft: bool
    why: str
    evidence: Evidence | None = None
    placeholder: bool = False
    """A value only there so that the scenario is complete: the article says nothing on it."""


@dataclass(frozen=True)
class ArticleInfo:
    """An article the draft read."""

    id: str
    title: str
    name: str
    sentences: int


@dataclass
class DraftActor:
    """An actor found in the articles."""

    id: str
    name: str
    kind: str
    mentions: int
    names: dict[str, int]
    """How the articles name it, with counts (``Moscow``: 3, ``Lavrov``: 2)."""
    capability: Cell
    first: Evidence | None
    strongest: Evidence | None
    gazetteer_source: str


@dataclass
class DraftIssue:
    """An issue given or suggested, with the sentences that name it."""

    id: str
    name: str
    given: bool
    scale: tuple[float, float, str]
    anchors: dict[float, str]
    terms: dict[str, int]
    sentences: list[Evidence]


@dataclass
class DraftStance:
    """One actor on one issue: the sentences that connect them and the suggested values."""

    actor: str
    issue: str
    position: Cell
    salience: Cell
    hint: str | None
    """The cue the suggestion rests on (``'rejects' (against, strong) in a1:12``)."""
    sentences: list[Evidence]


@dataclass(frozen=True)
class CandidateName:
    """A capitalised name the gazetteer does not know."""

    name: str
    mentions: int
    first: Evidence


@dataclass
class Draft:
    """A first scenario drafted from articles: every suggestion traced to a sentence."""

    title: str
    articles: list[ArticleInfo]
    country: str | None
    actors: list[DraftActor]
    issues: list[DraftIssue]
    stances: list[DraftStance]
    candidates: list[CandidateName] = field(default_factory=list)
    capability_citation: str | None = None

    def stance(self, actor: str, issue: str) -> DraftStance:
        """Return the stance of an actor on an issue."""
        for s in self.stances:
            if s.actor == actor and s.issue == issue:
                return s
        raise KeyError((actor, issue))

    def actor(self, actor_id: str) -> DraftActor:
        """Return an actor of the draft."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def to_dict(self) -> dict[str, Any]:
        """Return the draft as JSON-ready data (anchor values as strings)."""
        data = asdict(self)
        for issue in data["issues"]:
            issue["anchors"] = {f"{k:g}": v for k, v in issue["anchors"].items()}
            issue["scale"] = list(issue["scale"])
        return data

    def to_scenario_data(self) -> dict[str, Any]:
        """Return the scenario data (``Scenario.model_validate`` reads it), draft marks kept."""
        from accord.draft.writer import scenario_data

        return scenario_data(self)

    def to_yaml(self) -> str:
        """Return the draft as a YAML scenario (``accord validate --allow-draft`` reads it)."""
        from accord.draft.writer import draft_yaml

        return draft_yaml(self)
