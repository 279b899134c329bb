"""Unreviewed draft values: find them, and refuse a scenario that still holds them.

``accord draft`` writes a first scenario from articles in which every suggested value carries a
``draft`` mark (``draft: true`` on an entry, or ``draft: [position, salience]`` naming the
fields). An analyst reviews each value and removes its mark. Until then the loader refuses the
scenario, naming the first unreviewed cell with its file, line and field, unless it is asked to
accept drafts (``allow_draft=True``; ``--allow-draft`` on the command line).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from accord.errors import AccordError
from accord.scenario.model import Loc, Scenario
from accord.scenario.validate import Locator, _describe


@dataclass(frozen=True)
class DraftCell:
    """One value still marked draft: where it sits in the scenario, and which field it is."""

    path: Loc
    """The canonical path of the value, e.g. ``("stances", 7, "position")``."""
    entry: str
    """What the entry is: ``actor usa``, ``issue assad``, ``stance of usa on assad``."""
    field: str

    def label(self) -> str:
        """Return ``position of the stance of usa on assad``."""
        return f"{self.field} of the {self.entry}"


def draft_cells(scenario: Scenario) -> Iterator[DraftCell]:
    """Yield the values still marked draft, in file order: actors, issues, then stances."""
    for j, actor in enumerate(scenario.actors):
        for name in actor.drafted():
            yield DraftCell(("actors", j, name), f"actor {actor.id}", name)
    for i, issue in enumerate(scenario.issues):
        for name in issue.drafted():
            yield DraftCell(("issues", i, name), f"issue {issue.id}", name)
    for k, stance in enumerate(scenario.stances):
        for name in stance.drafted():
            yield DraftCell(
                ("stances", k, name), f"stance of {stance.actor} on {stance.issue}", name
            )


def has_drafts(scenario: Scenario) -> bool:
    """Return whether any value of the scenario is still marked draft."""
    return next(draft_cells(scenario), None) is not None


def refuse_drafts(
    scenario: Scenario,
    source: str | Path | None = None,
    locate: Locator | None = None,
    data: dict[str, object] | None = None,
) -> None:
    """Raise an :class:`AccordError` naming the first draft value, if there is one.

    ``locate`` and ``data`` (from the file's :class:`~accord.scenario.validate.RawScenario`)
    turn the cell's path into ``line 42 (stances[7] (usa on assad).position)``.
    """
    cells = list(draft_cells(scenario))
    if not cells:
        return
    first = cells[0]
    where = None
    if locate is not None:
        line = locate(first.path)
        # A field not written in the file (a default) is found at its entry's draft mark.
        if data is not None:
            path = _describe(first.path, dict(data))
            where = f"{line} ({path})" if line else path
        else:
            where = line
    more = f" (and {len(cells) - 1} more)" if len(cells) > 1 else ""
    raise AccordError(
        f"unreviewed draft value: the {first.label()} is still marked draft{more}; review "
        "each value and remove it from its entry's `draft` mark, or accept drafts with "
        "--allow-draft (allow_draft=True)",
        source=source,
        where=where,
    )
