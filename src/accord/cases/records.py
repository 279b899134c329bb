"""The JSON records of ``accord cases list|run|report --json`` (schemas in ``docs/json/``).

Each record carries a top-level ``format_version``: the integer below for its kind, raised
whenever a key is renamed, removed or changes meaning (a new key does not raise it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.cases.library import load, names
from accord.cases.report import DEAL_SUFFIX, STATUS_QUO, CaseReport
from accord.forecast import Forecast
from accord.process.compare import Comparison

LIST_FORMAT_VERSION = 1
"""Version of :func:`list_record` (``accord cases list --json``)."""
RUN_FORMAT_VERSION = 1
"""Version of :func:`run_record` (``accord cases run --json``)."""
REPORT_FORMAT_VERSION = 1
"""Version of :func:`report_record` (``accord cases report --json``)."""


def case_rows() -> list[dict[str, Any]]:
    """Return one row per case: id, title, date, size, designs and whether an outcome exists."""
    rows: list[dict[str, Any]] = []
    for name in names():
        case = load(name)
        s = case.scenario
        rows.append(
            {
                "case": name,
                "title": s.title,
                "date": s.date.isoformat() if s.date else None,
                "actors": len(s.actors),
                "issues": len(s.issues),
                "designs": len(case.designs.designs) if case.designs else 0,
                "outcome": case.has_outcome,
            }
        )
    return rows


def list_record(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return the record of ``cases list``: the rows of :func:`case_rows`."""
    return {"format_version": LIST_FORMAT_VERSION, "cases": list(rows)}


def run_record(name: str, forecast: Forecast, comparison: Comparison | None) -> dict[str, Any]:
    """Return the record of ``cases run``: the forecast (as ``accord run``) and the designs."""
    out: dict[str, Any] = {**forecast.to_dict(), "format_version": RUN_FORMAT_VERSION}
    out["case"] = name
    if comparison is not None:
        out["designs"] = comparison.to_dict()
    return out


def report_record(
    reports: Sequence[CaseReport],
    board: list[dict[str, Any]],
    draws: int,
    seed: int,
) -> dict[str, Any]:
    """Return the record of ``cases report``: every case's verdicts and the scoreboard.

    ``models`` names the models scored (each also has a ``<model>+deal`` row; the baseline
    ``status_quo`` is not a model).
    """
    models = dict.fromkeys(
        v.model
        for r in reports
        for v in r.verdicts
        if v.model != STATUS_QUO and not v.model.endswith(DEAL_SUFFIX)
    )
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "cases": [
            {
                "case": r.case,
                "title": r.title,
                "date": r.date,
                "summary": r.outcome.summary,
                "verdicts": [v.to_dict() for v in r.verdicts],
            }
            for r in reports
        ],
        "scoreboard": board,
        "models": list(models),
        "draws": draws,
        "seed": seed,
    }
