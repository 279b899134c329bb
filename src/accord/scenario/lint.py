"""Checks of a raw scenario for values that are valid but probably mistaken (warnings, not errors).

The one check so far is the salience scale. A file declares its saliences on 0-100
(``salience_scale: 100``, or ``# salience_scale: 100`` in a CSV table, or implicitly because
some salience exceeds 1); everything is then divided by 100. Two slips are common:

- **The whole file on 0-1 although declared 0-100**: ``salience_scale: 100`` and every salience
  at most 1 (at least one above 0). Each would be read as at most 1% of the scale: one warning
  for the file, at the declaration.
- **One cell on 0-1 in a file on 0-100**: the file's saliences are on 0-100 (declared, or some
  salience above 1), every salience of 1 or more is a whole number (as people write 0-100),
  and a salience lies strictly between 0 and 1, e.g. ``0.8`` among ``80``, ``40`` ...: read as
  0.8 of 100, it nearly silences the actor. One warning per cell, naming the file, the line or
  row, the actor and the issue. (A file with fractional saliences such as ``37.5`` gets no cell
  warning: there a small fraction may be meant.)

A salience of exactly 0 or 1 is never warned about (both are meaningful on either scale).
Checks run on the raw data before validation, so they see the numbers as written; the model
(:mod:`accord.scenario.model`) stays free of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.errors import ScenarioWarning
from accord.scenario.validate import RawScenario


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def salience_warnings(raw: RawScenario, source: str | Path | None = None) -> list[ScenarioWarning]:
    """Return a warning for saliences that look written on 0-1 in a file on 0-100."""
    stances = raw.data.get("stances")
    if not isinstance(stances, list | tuple):
        return []
    cells = [
        (i, s, v)
        for i, s in enumerate(stances)
        if isinstance(s, dict) and (v := _number(s.get("salience"))) is not None
    ]
    if not cells:
        return []
    declared = raw.data.get("salience_scale")
    values = [v for _, _, v in cells]
    if declared == 100 and all(v <= 1 for v in values) and any(v > 0 for v in values):
        return [
            ScenarioWarning(
                f"the file declares saliences on 0-100 (salience_scale: 100), but all "
                f"{len(values)} are at most 1, so each is read as at most 1% of the scale; "
                "if they are written on 0-1, declare salience_scale: 1 (or remove the "
                "declaration)",
                source=source,
                where=raw.locate(("salience_scale",)),
            )
        ]
    if not (declared == 100 or (declared is None and any(v > 1 for v in values))):
        return []
    if not all(v.is_integer() for v in values if v >= 1):
        return []
    how = "declared with salience_scale: 100" if declared == 100 else "some exceed 1"
    return [
        ScenarioWarning(
            f"salience {v:g} of '{s.get('actor')}' on '{s.get('issue')}' looks written on 0-1, "
            f"but this file's saliences are on 0-100 ({how}), so it is read as {v:g} out of "
            f"100; did you mean {v * 100:g}?",
            source=source,
            where=raw.locate(("stances", i, "salience")),
        )
        for i, s, v in cells
        if 0 < v < 1
    ]
