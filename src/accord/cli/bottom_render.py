"""The bottom line in the terminal: one row per issue, then the why. Pure formatting."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accord.analysis.bottom_line import BottomLine, Driver, IssueLine
from accord.analysis.explain import short_label, verdict
from accord.cli.render import clean, safe
from accord.formatting import pct

STILL = "[dim]no single input moves it[/]"
LABEL_CHARS = 38
"""Anchor labels in the table are cut to this many characters."""


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _span(lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "–"
    return _num(lo) if abs(hi - lo) < 0.05 else f"{lo:.1f}–{hi:.1f}"


def settle_cell(line: IssueLine, draws: int) -> str:
    """Return 'P(deal) 16%: a deal is unlikely; blocked by syria_gov'."""
    text = f"[bold]{pct(line.p_deal)}[/]: {verdict(line.p_deal, draws)}"
    if line.p_deal < 1 and line.blockers:
        text += "; blocked by " + ", ".join(safe(b.actor) for b in line.blockers)
    return text


def where_cell(line: IssueLine) -> str:
    """Return the consensus with its nearest anchor (cut short)."""
    text = f"[bold]{_num(line.consensus)}[/]"
    if line.label:
        text += f"\n[dim]{safe(short_label(line.label, LABEL_CHARS))}[/]"
    return text


def driver_text(d: Driver, issue: str) -> str:
    """Return one driver: "syria_gov's position 0–10: 20.0 → 40.0"."""
    return f"{safe(d.describe(issue))} {d.low:g}–{d.high:g}: {d.at_low:.1f} → {d.at_high:.1f}"


def bottom_line_view(bl: BottomLine) -> Group:
    """Return the bottom line table and, under it, the why of every issue."""
    s = bl.scenario
    inputs = (
        f"{bl.draws:,} draws of {bl.n_inputs} uncertain inputs"
        if bl.draws > 1
        else ("the coded values only (no draws)")
    )
    table = Table(
        title=f"Bottom line: {safe(s.title)}",
        title_justify="left",
        caption=f"consensus of {len(bl.models)} models (median per draw); {inputs}; seed {bl.seed}",
        show_lines=True,
    )
    table.add_column("Issue", style="bold", no_wrap=True)
    table.add_column("Will they settle?", ratio=3)
    table.add_column("Ends up", ratio=3)
    table.add_column("95% inputs", justify="right", no_wrap=True)
    table.add_column("Models", justify="right", no_wrap=True)
    table.add_column("Models alone", justify="right", no_wrap=True)
    table.add_column("Moves it most", ratio=4)
    for line in bl.issues:
        moves = "\n".join(driver_text(d, line.issue) for d in line.drivers) or STILL
        table.add_row(
            safe(line.issue),
            settle_cell(line, bl.draws),
            where_cell(line),
            _span(*line.interval),
            _span(*line.model_range),
            f"{line.own_consensus:.1f} [dim]({_span(*line.own_range)})[/]",
            moves,
        )
    why: list[Text] = [Text("Why", style="bold")]
    for line in bl.issues:
        why.append(Text.from_markup(f"[bold]{safe(line.issue)}[/]: {safe(line.name)}"))
        why.extend(Text(f"  - {clean(sentence)}") for sentence in line.why)
    legend = Text(
        "Ends up: the consensus's expected outcome = P(deal) x settlement + (1 - P(deal)) x "
        "no-deal outcome, and the nearest anchor. 95% inputs: its interval over the draws. "
        "Models: the lowest and highest model's expected outcome. Models alone: the models' own "
        "forecasts before the agreement analysis (median, range). Moves it most: each input "
        "alone at the low and high end of its range.",
        style="dim",
    )
    return Group(table, legend, *why)
