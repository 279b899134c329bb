"""The report's first section: the bottom line across models, per issue, and why.

Everything here formats a :class:`~accord.analysis.bottom_line.BottomLine`; nothing computes a
number of its own.
"""

from __future__ import annotations

from accord.analysis.bottom_line import BottomLine, Driver, IssueLine
from accord.analysis.explain import short_label, verdict
from accord.formatting import pct
from accord.reports import figures
from accord.reports.content import Block, Items, Paragraph, Section, Table, num

LABEL_CHARS = 70
"""Anchor labels in the bottom line table are cut to this many characters."""


def _span(lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "–"
    return num(lo) if abs(hi - lo) < 0.05 else f"{num(lo)}–{num(hi)}"


def settle_words(line: IssueLine, draws: int) -> str:
    """Return e.g. '16%: a deal is unlikely; blocked by syria_gov'."""
    text = f"{pct(line.p_deal)}: {verdict(line.p_deal, draws)}"
    if line.p_deal < 1 and line.blockers:
        text += "; blocked by " + ", ".join(b.actor for b in line.blockers)
    return text


def where_words(line: IssueLine) -> str:
    """Return the consensus with the anchor nearest to it."""
    if line.consensus is None:
        return "–"
    label = short_label(line.label, LABEL_CHARS)
    return f"{num(line.consensus)} ({label})" if label else num(line.consensus)


def driver_words(d: Driver, issue: str) -> str:
    """Return one driver: "syria_gov's position (5–30): 20.0 to 40.0"."""
    return f"{d.describe(issue)} ({d.low:g}–{d.high:g}): {num(d.at_low)} to {num(d.at_high)}"


def _headline(line: IssueLine, draws: int) -> str:
    text = f"{line.name}: {verdict(line.p_deal, draws)} (P(deal) {pct(line.p_deal)})"
    if line.consensus is not None:
        text += f"; expected outcome {where_words(line)}"
    lo, hi = line.interval
    if draws > 1 and lo is not None and hi is not None:
        text += f", 95% {_span(lo, hi)} over the inputs"
    mlo, mhi = line.model_range
    if mlo is not None and mhi is not None:
        text += (
            "; the models agree"
            if abs(mhi - mlo) < 0.05
            else f"; the models range {_span(mlo, mhi)}"
        )
    if line.driver_actors:
        text += "; moved most by " + ", ".join(a for a, _ in line.driver_actors)
    return text + "."


def bottom_line_section(bl: BottomLine, charts: bool) -> Section:
    """Return 'The bottom line': headline bullets, the table, the chart and the why per issue."""
    draws = bl.draws
    how = (
        f"{draws:,} random draws of the {bl.n_inputs} uncertain inputs (seed {bl.seed})"
        if draws > 1
        else "the coded values only"
    )
    driver_how = (
        "each input alone at either end of its range"
        if bl.driver_spread is None
        else f"each input alone moved by ± {bl.driver_spread:.0%} of its valid width (the "
        "scenario declares no ranges)"
    )
    blocks: list[Block] = [
        Paragraph(
            f"The consensus of {len(bl.models)} models ({', '.join(bl.models)}): in each of "
            f"{how}, the median of the models' forecasts, made deal-aware — where the actors "
            "whose consent an agreement needs all accept some point, they settle there; where "
            "none does, the issue stays at its no-deal outcome. Input uncertainty (the 95% "
            "interval over the draws) and model disagreement (the range of the models' own "
            "expected outcomes) are shown side by side."
        ),
        Items(tuple(_headline(line, draws) for line in bl.issues)),
        Table(
            (
                "Issue",
                "Will they settle?",
                "Expected outcome",
                "95% over inputs",
                "Across models",
                "Models alone",
                "Moves it most",
            ),
            tuple(
                (
                    line.name,
                    settle_words(line, draws),
                    where_words(line),
                    _span(*line.interval) if draws > 1 else "–",
                    _span(*line.model_range),
                    f"{num(line.own_consensus)} ({_span(*line.own_range)})",
                    "; ".join(driver_words(d, line.issue) for d in line.drivers) or "nothing",
                )
                for line in bl.issues
            ),
            numeric=(False, False, False, True, True, True, False),
            caption="Expected outcome = P(deal) × settlement + (1 − P(deal)) × no-deal outcome "
            "of the consensus; across models = the lowest and highest model's expected outcome; "
            "models alone = the models' own forecasts before the agreement analysis (median and "
            f"range); moves it most = {driver_how}, the consensus outcome at each end",
        ),
    ]
    if charts:
        blocks.append(figures.bottom_line(bl))
    for line in bl.issues:
        blocks.append(Paragraph(f"Why — {line.name}"))
        blocks.append(Items(line.why))
    return Section("bottom-line", "The bottom line", tuple(blocks))
