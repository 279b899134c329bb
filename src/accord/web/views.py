"""Presentation helpers for the pages: number formats, the editor's grid, result tables.

Only layout lives here: the numbers come from a scenario or from a saved run's JSON record.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from accord.scenario.model import Range, Scenario

Table = dict[str, list[Any]]
"""``{"head": [...], "rows": [[...], ...]}``."""


def num(value: Any, digits: int | None = None) -> str:
    """Return a number for display: ``digits`` decimals, or up to 12 significant digits.

    The default keeps values exact enough to send back unchanged (``80.00000000000001``
    shows as ``80``); None and non-numbers show as ``–``.
    """
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    if not math.isfinite(value):
        return "–"
    return f"{value:.12g}" if digits is None else f"{value:.{digits}f}"


def _span(r: Range | None, factor: float = 1.0) -> str:
    if r is None:
        return ""
    return f"range {num(r.low * factor)}–{num(r.high * factor)}"


def grid(scenario: Scenario) -> dict[str, Any]:
    """Return the editor's table: one row per actor, a position and a salience per issue.

    Saliences are shown on 0-100, as scenario files write them.
    """
    issues = [
        {
            "id": i.id,
            "name": i.name,
            "scale": f"{num(i.scale.min)}–{num(i.scale.max)} {i.scale.unit}",
            "anchors": [(num(a.value), a.label) for a in i.anchors],
        }
        for i in scenario.issues
    ]
    rows = []
    for a in scenario.actors:
        cells = []
        for i in scenario.issues:
            st = scenario.stance(a.id, i.id)
            cells.append(
                {
                    "issue": i.id,
                    "position": num(st.position),
                    "position_range": _span(st.position_range),
                    "salience": num(st.salience * 100),
                    "salience_range": _span(st.salience_range, 100.0),
                }
            )
        rows.append(
            {
                "id": a.id,
                "name": a.name,
                "bloc": a.bloc or "",
                "capability": num(a.capability),
                "capability_range": _span(a.capability_range),
                "cells": cells,
            }
        )
    return {"issues": issues, "rows": rows}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _run_table(results: Mapping[str, Any]) -> Table:
    runs = [r for r in results.get("results", []) if isinstance(r, Mapping)]
    issues: Sequence[str] = results.get("scenario", {}).get("issues", [])
    rows = [
        [r.get("model", "?"), *(num(_first(r.get("forecast", {}).get(i)), 1) for i in issues)]
        for r in runs
    ]
    return {"head": ["Model", *issues], "rows": rows}


def _mc_table(results: Mapping[str, Any]) -> Table:
    rows = []
    for s in results.get("issues", []):
        lo80, hi80 = s.get("interval80") or (None, None)
        lo95, hi95 = s.get("interval95") or (None, None)
        rows.append(
            [
                s.get("name", s.get("issue")),
                num(s.get("mean"), 1),
                num(s.get("median"), 1),
                f"{num(lo80, 1)}–{num(hi80, 1)}",
                f"{num(lo95, 1)}–{num(hi95, 1)}",
                f"{100 * s['converged']:.0f}%" if isinstance(s.get("converged"), float) else "–",
            ]
        )
    head = ["Issue", "Mean", "Median", "80% interval", "95% interval", "Converged"]
    return {"head": head, "rows": rows}


def _compare_table(results: Mapping[str, Any]) -> Table:
    table = [row for row in results.get("table", []) if isinstance(row, Mapping)]
    issues = list(dict.fromkeys(r["issue"] for r in table if r.get("issue") != "all"))
    rows = []
    for design in dict.fromkeys(r["design"] for r in table):
        mine = {r["issue"]: r for r in table if r["design"] == design}
        overall = mine.get("all", {})
        rows.append(
            [
                design,
                *(num(mine.get(i, {}).get("forecast"), 1) for i in issues),
                num(overall.get("breadth"), 2),
                num(overall.get("spoiler_risk"), 2),
                "yes" if overall.get("stable") else "no",
            ]
        )
    return {"head": ["Design", *issues, "Breadth", "Spoiler risk", "Stable"], "rows": rows}


def results_table(record: Mapping[str, Any]) -> Table | None:
    """Return the main table of a saved run's results (None for kinds without one)."""
    results = record.get("results") or {}
    kind = record.get("kind")
    if kind == "run":
        return _run_table(results)
    if kind == "mc":
        return _mc_table(results)
    if kind == "compare":
        return _compare_table(results)
    return None
