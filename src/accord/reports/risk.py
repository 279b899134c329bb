"""The report's sections on uncertainty (draws, model disagreement, drivers) and on levers.

The uncertainty section reuses the bottom line's draws and tornado (or a saved Monte Carlo
run's stored summaries); the levers section runs :func:`accord.analysis.levers.levers` with the
report's lead model (the consensus of its models, or the one model chosen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.models.base import Model
from accord.reports import figures, uncertainty
from accord.reports.content import Block, Paragraph, Section, Table, num, span
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.analysis.bottom_line import BottomLine
    from accord.analysis.levers import Lever
    from accord.analysis.montecarlo import IssueSummary


@dataclass(frozen=True)
class StoredMonteCarlo:
    """A saved Monte Carlo run's summaries and how they were made (see :mod:`.runs`)."""

    summaries: tuple[IssueSummary, ...]
    model_words: str
    draws: int
    seed: int
    n_inputs: int


TORNADO_TOP = 3
"""Inputs per issue listed in the tornado table (the chart shows more)."""
LEVERS_TOP = 5
"""Other actors listed per issue in the levers table."""


def _summary_table(summaries: Sequence[IssueSummary], caption: str) -> Table:
    rows = []
    for s in summaries:
        likely = max(s.regions, key=lambda r: r.probability) if s.regions else None
        rows.append(
            (
                s.name,
                num(s.mean),
                num(s.median),
                span(*s.interval80, digits=1),
                span(*s.interval95, digits=1),
                f"{likely.label} ({likely.probability:.0%})" if likely else "",
            )
        )
    return Table(
        ("Issue", "Mean", "Median", "80% interval", "95% interval", "Most likely outcome"),
        tuple(rows),
        numeric=(False, True, True, True, True, False),
        caption=caption,
    )


def _consensus_draws(scenario: Scenario, bl: BottomLine, charts: bool) -> list[Block]:
    """Return the distribution of the consensus's outcome over the bottom line's draws."""
    from accord.analysis.montecarlo import summarize_issue

    summaries = [
        summarize_issue(bl.outcome[:, k], issue) for k, issue in enumerate(scenario.issues)
    ]
    blocks: list[Block] = [
        _summary_table(
            summaries,
            f"The consensus's outcome over the {bl.draws:,} draws of the {bl.n_inputs} "
            f"uncertain inputs (seed {bl.seed}), the same draws as the bottom line: the "
            "settlement where they settle, the no-deal outcome where they do not; 'most likely "
            "outcome' is the anchor whose part of the scale holds the most draws",
        )
    ]
    if charts:
        blocks.append(
            figures.histograms(
                scenario,
                uncertainty.Draws(scenario.issue_ids, bl.outcome),
                "monte-carlo",
                "How often each outcome of the consensus came up over the draws; the shaded "
                "bands are the 80% and 95% central intervals, the dashed line the median.",
            )
        )
    return blocks


def _stored_monte_carlo(scenario: Scenario, stored: StoredMonteCarlo, charts: bool) -> list[Block]:
    """Return the saved Monte Carlo run's own summaries (its draws, never fewer)."""
    blocks: list[Block] = [
        _summary_table(
            stored.summaries,
            f"Monte Carlo of the saved run: {stored.model_words} on {stored.draws:,} draws of the "
            f"{stored.n_inputs} uncertain inputs (seed {stored.seed}), the model's forecast "
            "before the agreement analysis, as stored",
        )
    ]
    if charts:
        blocks.append(
            figures.histograms(
                scenario,
                uncertainty.Counts(stored.summaries),
                "monte-carlo",
                "How often each forecast came up over the saved run's draws (its stored "
                "histogram); the shaded bands are the 80% and 95% central intervals.",
            )
        )
    return blocks


def _disagreement(scenario: Scenario, bl: BottomLine) -> Table:
    """Return every model's expected outcome with its 95% interval, the consensus first."""
    rows = [
        (
            "consensus (median)",
            *(
                f"{num(line.consensus)} [{span(*line.interval, digits=1)}]"
                if bl.draws > 1
                else num(line.consensus)
                for line in bl.issues
            ),
        )
    ]
    by_model: dict[str, dict[str, Any]] = {}
    for d in bl.deal.issue_deals():
        by_model.setdefault(d.model, {})[d.issue] = d
    for model, deals in by_model.items():
        cells = []
        for issue in scenario.issue_ids:
            d = deals[issue]
            value = "–" if d.expected is None else num(d.expected)
            lo, hi = d.expected_interval
            cells.append(f"{value} [{span(lo, hi, digits=1)}]" if bl.draws > 1 else value)
        rows.append((model, *cells))
    return Table(
        ("Forecaster", *(i.name for i in scenario.issues)),
        tuple(rows),
        numeric=(False, *(True for _ in scenario.issues)),
        caption="Input uncertainty against model disagreement: each model's expected outcome "
        "with its 95% interval over the draws (within a row), and how far the rows lie apart "
        "(between rows)",
    )


def _drivers(scenario: Scenario, bl: BottomLine, charts: bool) -> list[Block]:
    found = bl.drivers
    if found is None or not found.inputs:
        return [Paragraph("No input could be varied to find what moves the outcome.", note=True)]
    rows = []
    for line in bl.issues:
        t = uncertainty.tornado_of(found, line.issue)
        for bar in uncertainty.ranked(t)[:TORNADO_TOP]:
            rows.append(
                (
                    line.name,
                    bar.label,
                    num(t.base),
                    num(bar.low),
                    num(bar.high),
                    num(uncertainty.swing(bar, t.base)),
                )
            )
    how = (
        "set, one at a time, to either end of its range"
        if found.spread is None
        else f"moved, one at a time, by ± {found.spread:.0%} of its valid width (no ranges are "
        "declared)"
    )
    blocks: list[Block] = [
        Table(
            ("Issue", "Input", "Base", "Input low", "Input high", "Swing"),
            tuple(rows),
            numeric=(False, False, True, True, True, True),
            caption=f"The {TORNADO_TOP} inputs that move the consensus's outcome most when {how}",
        )
    ]
    if charts:
        blocks.append(
            figures.tornado(
                scenario,
                found,
                "tornado",
                "Each bar is the consensus's outcome with one input at the low (blue) or high "
                "(orange) end of its range, every other input at its coded value.",
            )
        )
    return blocks


def uncertainty_section(
    scenario: Scenario,
    bl: BottomLine,
    charts: bool,
    stored: StoredMonteCarlo | None = None,
) -> Section:
    """Return the outcome's distribution over the draws, model disagreement and the drivers.

    Nothing is run again: the numbers are the bottom line's own draws and tornado, or a saved
    Monte Carlo run's stored summaries.
    """
    blocks: list[Block] = []
    if stored is not None:
        blocks += _stored_monte_carlo(scenario, stored, charts)
    elif bl.draws > 1:
        blocks += _consensus_draws(scenario, bl, charts)
    else:
        blocks.append(
            Paragraph(
                "No draws: the report was made at the coded values only, or no input of the "
                "scenario has a range.",
                note=True,
            )
        )
    blocks.append(_disagreement(scenario, bl))
    blocks += _drivers(scenario, bl, charts)
    return Section("uncertainty", "Uncertainty and what moves the outcome", tuple(blocks))


def _describe(lever: Lever) -> str:
    """Return e.g. 'position down by 5' (saliences on 0-100, like the scenario tables)."""
    if lever.direction == "none":
        return "no small shift helps"
    shift = lever.up if lever.direction == "up" else lever.down
    if lever.kind == "salience":
        shift *= 100
    return f"{lever.kind} {lever.direction} by {shift:.3g}"


def levers_section(scenario: Scenario, actor: str, model: Model, seed: int) -> Section:
    """Return whose inputs, moved a little, bring the forecast closest to ``actor``'s ideal."""
    from accord.analysis.levers import levers

    result = levers(scenario, actor, model, seed=seed)
    name = scenario.actor(actor).name
    rows, own, stuck = [], [], []
    for il in result.issues:
        issue = scenario.issue(il.issue).name
        helpful = [(o, max(k.values(), key=lambda lv: (lv.best, lv.kind))) for o, k in il.ranking()]
        helpful = [(o, best) for o, best in helpful if best.best > 0][:LEVERS_TOP]
        if not helpful:
            stuck.append(issue)
        for other, best in helpful:
            rows.append(
                (
                    issue,
                    num(il.ideal),
                    num(il.forecast),
                    scenario.actor(other).name,
                    _describe(best),
                    num(best.best, 2),
                )
            )
        mine = max(il.own, key=lambda lv: (lv.best, lv.kind))
        own.append((issue, num(il.ideal), num(il.forecast), _describe(mine), num(mine.best, 2)))
    steps = result.steps
    blocks: list[Block] = [
        Paragraph(
            f"Which actors' inputs, shifted a little, bring the forecast of '{model.name}' "
            f"closest to {name}'s own position (its ideal): positions by "
            f"{steps['position']:.0%} of the scale, saliences by "
            f"{100 * steps['salience']:g} points of 100, capabilities by "
            f"{steps['capability']:.0%} of the largest. Gain = points closer to the ideal."
        ),
        Table(
            ("Issue", "Ideal", "Forecast", "Work on", "Best lever", "Gain"),
            tuple(rows),
            numeric=(False, True, True, False, False, True),
            caption=f"Levers for {name}: the other actors worth working on, best first",
        ),
        Table(
            ("Issue", "Ideal", "Forecast", f"{name}'s own best move", "Gain"),
            tuple(own),
            numeric=(False, True, True, False, True),
            caption=f"What {name} can do by itself",
        ),
    ]
    if stuck:
        blocks.insert(
            2,
            Paragraph(
                f"No other actor's small shift helps {name} on: {'; '.join(stuck)}.", note=True
            ),
        )
    return Section("levers", f"Levers for {name}", tuple(blocks))
