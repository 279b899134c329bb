"""Check a scenario file and say whether it is valid: the verdict of ``accord validate``.

:func:`check` loads a file the way every command does and returns a :class:`Verdict`: valid or
not, the problem that stops it (loading stops at the first one, named with its line or row) and
the warnings (:mod:`accord.scenario.lint`) about values that are valid but probably mistaken.
``Verdict.to_dict`` is the JSON of ``accord validate --json`` (schema in ``docs/json/``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import AccordError, ScenarioWarning
from accord.scenario.files import load
from accord.scenario.model import Scenario

FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`Verdict.to_dict`."""


@dataclass(frozen=True)
class Finding:
    """A problem or a warning: where in the file (line, row or field) and what."""

    where: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"where": self.where, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    """Whether a scenario file is valid, why not, and what looks mistaken in it."""

    file: str
    problems: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    scenario: Scenario | None
    """The scenario when the file is valid."""

    @property
    def valid(self) -> bool:
        """Return whether the file holds a valid scenario."""
        return self.scenario is not None

    def summary(self) -> dict[str, Any] | None:
        """Return what the valid scenario holds (None when the file is not valid)."""
        s = self.scenario
        if s is None:
            return None
        return {
            "title": s.title,
            "date": s.date.isoformat() if s.date else None,
            "actors": len(s.actors),
            "issues": len(s.issues),
            "stances": len(s.stances),
            "actor_ids": list(s.actor_ids),
            "issue_ids": list(s.issue_ids),
            "hash": s.content_hash(),
        }

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record (``accord validate --json``)."""
        return {
            "format_version": FORMAT_VERSION,
            "valid": self.valid,
            "file": self.file,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [w.to_dict() for w in self.warnings],
            "summary": self.summary(),
        }


def check(path: str | Path, *, format: str | None = None, allow_draft: bool = False) -> Verdict:
    """Load a scenario file and return the verdict; never raises for a bad file.

    A value still marked draft is a problem unless ``allow_draft``.
    """
    scenario: Scenario | None = None
    problems: list[Finding] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            scenario = load(path, format=format, allow_draft=allow_draft)
        except AccordError as exc:
            problems.append(Finding(exc.where, exc.message))
    found = tuple(
        Finding(w.message.where, w.message.message)
        for w in caught
        if isinstance(w.message, ScenarioWarning)
    )
    return Verdict(str(path), tuple(problems), found, scenario)
