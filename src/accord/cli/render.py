"""Rich tables for the terminal. Pure formatting: takes results, returns renderables."""

from __future__ import annotations

import json
import os
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from accord.forecast import Forecast
from accord.models.registry import ModelInfo
from accord.scenario.model import Anchor, Issue, Scenario


def console(stderr: bool = False) -> Console:
    """Return a console for tables: the terminal's width, or ``$COLUMNS``, else 120 columns."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal or os.environ.get("COLUMNS", "").isdigit() else 120
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)


def fmt(x: float) -> str:
    """Format a position for display."""
    return f"{x:.1f}"


def _nearest_anchor(issue: Issue, value: float) -> Anchor | None:
    return min(issue.anchors, key=lambda a: abs(a.value - value)) if issue.anchors else None


def forecast_table(fc: Forecast) -> Group:
    """One row per model, one column per issue; then the issues and the anchors forecasts are near.

    A cell is the forecast and, in grey, the nearest labelled point of the issue's scale.
    """
    s = fc.scenario
    facts = [f"as of {s.date.isoformat()}"] if s.date else []
    facts += [f"{len(s.actors)} actors", f"{len(s.issues)} issues"]
    table = Table(title=s.title, caption=" · ".join(facts), title_justify="left")
    table.add_column("Model", style="bold", no_wrap=True)
    for issue in s.issues:
        table.add_column(issue.id, justify="right", no_wrap=True)
    table.add_column("Rounds", justify="right", no_wrap=True)
    legend: dict[str, list[Anchor]] = {}
    for r in fc.results:
        cells = []
        for k, issue in enumerate(s.issues):
            value = float(r.forecast[0, k])
            cell = fmt(value)
            anchor = _nearest_anchor(issue, value)
            if anchor is not None:
                cell += f" [dim]≈{anchor.value:g}[/]"
                if anchor not in legend.setdefault(issue.id, []):
                    legend[issue.id].append(anchor)
            cells.append(cell)
        rounds = int(r.rounds[0].max())
        note = "" if bool(r.converged[0].all()) else " [dim](limit)[/]"
        cells.append(f"{rounds}{note}" if rounds else "-")
        table.add_row(r.model, *cells)
    lines = []
    for issue in s.issues:
        scale = f"{issue.scale.min:g}-{issue.scale.max:g} {issue.scale.unit}"
        lines.append(f"[bold]{issue.id}[/]: {issue.name} ({scale})")
        for anchor in sorted(legend.get(issue.id, []), key=lambda a: a.value):
            lines.append(f"  [dim]≈{anchor.value:g}[/] {anchor.label}")
    return Group(table, *(Text.from_markup(line) for line in lines))


def positions_table(fc: Forecast, issue_index: int) -> Table:
    """Return a table of every actor's start and end position on one issue, per model."""
    s = fc.scenario
    issue = s.issues[issue_index]
    table = Table(title=f"Positions on '{issue.name}'", title_justify="left")
    table.add_column("Actor")
    table.add_column("Start", justify="right")
    for r in fc.results:
        if r.rounds[0, issue_index] > 0:
            table.add_column(f"{r.model} end", justify="right")
    for a, actor in enumerate(s.actors):
        row = [actor.name, fmt(s.stance(actor.id, issue.id).position)]
        row += [
            fmt(float(r.final_positions[0, a, issue_index]))
            for r in fc.results
            if r.rounds[0, issue_index] > 0
        ]
        table.add_row(*row)
    return table


def models_table(infos: list[ModelInfo]) -> Table:
    """Return a table of the registered models with their one-line descriptions."""
    table = Table(title="Models", title_justify="left")
    table.add_column("Name", style="bold")
    table.add_column("What it does")
    table.add_column("Issues")
    for info in infos:
        table.add_row(info.name, info.summary, "jointly" if info.joint else "one at a time")
    return table


def scenario_summary(s: Scenario) -> str:
    """One line describing a valid scenario."""
    when = f", as of {s.date.isoformat()}" if s.date else ""
    issues = ", ".join(i.id for i in s.issues)
    return f"ok: '{s.title}'{when}: {len(s.actors)} actors, {len(s.issues)} issues ({issues})"


def dumps(data: Any) -> str:
    """Return deterministic, indented JSON."""
    return json.dumps(data, indent=2, sort_keys=True, allow_nan=False)


def saved(run_id: str | None) -> None:
    """Tell on stderr under which id a run was saved (nothing when saving is off)."""
    if run_id:
        Console(stderr=True, highlight=False).print(f"saved as {run_id}")
