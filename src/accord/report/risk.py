"""The report's sections on uncertainty (Monte Carlo, tornado) and on one actor's levers.

Both run the lead model through :mod:`accord.analysis`. A scenario without ranges, or an
installation without the analysis extras, gives a short note instead of a section's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.errors import AccordError
from accord.models.base import Model
from accord.report import figures, uncertainty
from accord.report.content import Block, Paragraph, Section, Table, num, span
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.analysis.levers import Lever

TORNADO_TOP = 3
"""Inputs per issue listed in the tornado table (the chart shows more)."""
LEVERS_TOP = 5
"""Other actors listed per issue in the levers table."""


def _monte_carlo(
    scenario: Scenario, model: Model, seed: int, draws: int, charts: bool
) -> list[Block]:
    try:
        from accord.analysis import montecarlo
    except ImportError as exc:
        return [Paragraph(f"Monte Carlo is not available here ({exc}).", note=True)]
    try:
        mc = montecarlo.run(scenario, model, draws=draws, seed=seed)
    except AccordError as exc:
        return [Paragraph(f"No Monte Carlo: {exc.one_line()}", note=True)]
    rows = []
    for s in mc.summaries:
        likely = max(s.regions, key=lambda r: r.probability) if s.regions else None
        rows.append(
            (
                s.name,
                num(s.mean),
                num(s.median),
                span(*s.interval80, digits=1),
                span(*s.interval95, digits=1),
                f"{likely.label} ({likely.probability:.0%})" if likely else "",
                f"{s.converged:.0%}",
            )
        )
    p = mc.provenance
    blocks: list[Block] = [
        Table(
            (
                "Issue",
                "Mean",
                "Median",
                "80% interval",
                "95% interval",
                "Most likely outcome",
                "Converged",
            ),
            tuple(rows),
            numeric=(False, True, True, True, True, False, True),
            caption=f"Monte Carlo: '{p.model}' on {p.draws} draws of the {p.n_inputs} uncertain "
            f"inputs (seed {p.seed}); 'most likely outcome' is the anchor whose part of the "
            "scale holds the most draws",
        )
    ]
    if charts:
        blocks.append(
            figures.histograms(
                scenario,
                mc,
                "monte-carlo",
                "How often each forecast came up over the draws; the shaded bands are the 80% "
                "and 95% central intervals, the dashed line the median.",
            )
        )
    return blocks


def _tornado(scenario: Scenario, model: Model, seed: int, charts: bool) -> list[Block]:
    try:
        from accord.analysis import sensitivity
    except ImportError as exc:  # pragma: no cover - part of accord
        return [Paragraph(f"Sensitivity is not available here ({exc}).", note=True)]
    try:
        result = sensitivity.tornado(scenario, model, seed=seed)
    except AccordError as exc:
        return [Paragraph(f"No tornado: {exc.one_line()}", note=True)]
    rows = []
    for issue in scenario.issues:
        t = uncertainty.tornado_of(result, issue.id)
        for bar in uncertainty.ranked(t)[:TORNADO_TOP]:
            rows.append(
                (
                    issue.name,
                    bar.label,
                    num(t.base),
                    num(bar.low),
                    num(bar.high),
                    num(uncertainty.swing(bar, t.base)),
                )
            )
    blocks: list[Block] = [
        Table(
            ("Issue", "Input", "Base", "Input low", "Input high", "Swing"),
            tuple(rows),
            numeric=(False, False, True, True, True, True),
            caption=f"The {TORNADO_TOP} inputs that move each forecast most when set, one at a "
            f"time, to either end of their range ('{model.name}')",
        )
    ]
    if charts:
        blocks.append(
            figures.tornado(
                scenario,
                result,
                "tornado",
                "Each bar is the forecast with one input at the low (blue) or high (orange) "
                "end of its range, every other input at its coded value.",
            )
        )
    return blocks


def uncertainty_section(
    scenario: Scenario, model: Model, seed: int, draws: int, charts: bool
) -> Section:
    """Return Monte Carlo's summary (when ``draws`` > 0) and the sensitivity tornado."""
    blocks: list[Block] = []
    if draws > 0:
        blocks += _monte_carlo(scenario, model, seed, draws, charts)
    else:
        blocks.append(Paragraph("Monte Carlo was not run (0 draws).", note=True))
    blocks += _tornado(scenario, model, seed, charts)
    return Section("uncertainty", "Uncertainty", tuple(blocks))


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
