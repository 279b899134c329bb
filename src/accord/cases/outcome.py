"""What happened next: the outcome file of a case (never read by models)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from accord.scenario.files import read_text
from accord.scenario.io_yaml import parse_located
from accord.scenario.model import Range, Scenario, ScenarioProblem, Slug
from accord.scenario.validate import validate_located

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Event(_Frozen):
    """A dated event that followed the case's date."""

    date: dt.date
    what: Text
    source: Text


class IssueOutcome(_Frozen):
    """Where an issue actually ended up, on its own scale, by a date."""

    issue: Slug
    position: float
    range: Range | None = None
    by: dt.date
    why: Text
    source: Text


class Outcome(_Frozen):
    """The outcome file of a case."""

    case: Slug
    as_of: dt.date
    summary: Text
    events: tuple[Event, ...] = ()
    outcomes: tuple[IssueOutcome, ...]

    def of(self, issue: str) -> IssueOutcome | None:
        """Return the outcome recorded for an issue, if any."""
        return next((o for o in self.outcomes if o.issue == issue), None)


def check_outcome(outcome: Outcome, scenario: Scenario) -> None:
    """Raise :class:`ScenarioProblem` if the outcome does not fit the scenario."""
    issues = {i.id: i for i in scenario.issues}
    seen: set[str] = set()
    for k, o in enumerate(outcome.outcomes):
        if o.issue not in issues:
            raise ScenarioProblem(("outcomes", k, "issue"), f"unknown issue '{o.issue}'")
        if o.issue in seen:
            raise ScenarioProblem(("outcomes", k, "issue"), f"issue '{o.issue}' coded twice")
        seen.add(o.issue)
        scale = issues[o.issue].scale
        if not scale.contains(o.position):
            raise ScenarioProblem(
                ("outcomes", k, "position"),
                f"position {o.position:g} is outside the scale [{scale.min:g}, {scale.max:g}]",
            )
        if o.range is not None and not (o.range.contains(o.position)):
            raise ScenarioProblem(("outcomes", k, "range"), "the range must contain the position")
        if scenario.date is not None and o.by < scenario.date:
            raise ScenarioProblem(
                ("outcomes", k, "by"), f"{o.by} is before the case's date {scenario.date}"
            )
    missing = [i for i in scenario.issue_ids if i not in seen]
    if missing:
        raise ScenarioProblem(("outcomes",), f"no outcome coded for issue '{missing[0]}'")


def load_outcome(path: str | Path, scenario: Scenario | None = None) -> Outcome:
    """Read an outcome file (checked against ``scenario`` when given)."""
    data, locate = parse_located(read_text(path), path)
    check = (lambda o: check_outcome(o, scenario)) if scenario is not None else None
    return validate_located(Outcome, data, locate, path, check)
