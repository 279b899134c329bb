"""The analyst's charts: actor map, trajectories, histogram, tornado, designs, deal outcomes.

Every chart is a function ``chart(data, ax=None, **opts) -> Axes``: it draws on ``ax`` when
given and creates a figure only when ``ax`` is None. matplotlib is imported inside the functions
(with the Agg backend), never when this module is imported. Colours come from fixed palettes,
assigned in the order blocs and issues first appear, so the same inputs draw the same picture.
Texts are drawn as written: a ``$`` in a name is a dollar sign, never math text
(:func:`~accord.reports.style.literal_text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from accord.reports import uncertainty
from accord.reports.style import (
    FORECAST,
    NO_BLOC,
    PALETTE,
    actor_colours,
    bloc_handles,
    issue_index,
    label_ends,
    literal_text,
    new_axes,
)
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from accord.analysis.bottom_line import BottomLine
    from accord.analysis.deal import DealForecast
    from accord.models.base import Result
    from accord.process.compare import Comparison

SERIES_PREFERENCE = ("median", "mean", "expected")
"""Per-round series that may trace a model's forecast, in order of preference."""


@literal_text
def actor_map(
    data: Scenario,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    forecast: float | None = None,
    labels: bool = True,
    legend: bool = True,
) -> Axes:
    """Draw every actor on one issue: position × capability, bubble area = salience.

    Parameters
    ----------
    data:
        The scenario.
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default).
    forecast:
        A forecast to mark with a dashed vertical line.
    labels:
        Whether to write each actor's id beside its bubble.
    legend:
        Whether to add a legend of the blocs' colours.

    Returns
    -------
    Axes
        The axes, with one scatter collection of all actors.

    """
    ax = new_axes(ax)
    k = issue_index(data.issue_ids, issue)
    iss = data.issues[k]
    colours = actor_colours(data)
    x = [data.stance(a.id, iss.id).position for a in data.actors]
    y = [a.capability for a in data.actors]
    size = [30 + 570 * data.stance(a.id, iss.id).salience for a in data.actors]
    ax.scatter(
        x,
        y,
        s=size,
        c=[colours[a.id] for a in data.actors],
        alpha=0.6,
        edgecolors="white",
        linewidths=0.8,
        zorder=3,
    )
    if labels:
        for a, xi, yi in zip(data.actors, x, y, strict=True):
            ax.annotate(
                a.id,
                (xi, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=6.5,
                color="#333333",
                zorder=4,
            )
    if iss.status_quo is not None:
        ax.axvline(iss.status_quo, color="#aaaaaa", linestyle=":", linewidth=1, zorder=1)
    if forecast is not None:
        ax.axvline(forecast, color=FORECAST, linestyle="--", linewidth=1, zorder=2)
    ax.set_xlim(iss.scale.min - 0.05 * iss.scale.width, iss.scale.max + 0.05 * iss.scale.width)
    ax.set_ylim(0, max(y) * 1.15)
    ax.set_xlabel(f"position on '{iss.id}' ({iss.scale.unit})")
    ax.set_ylabel("capability")
    ax.set_title(iss.name, fontsize="medium")
    if legend:
        ax.legend(handles=bloc_handles(data), fontsize="x-small", frameon=False, title="bloc")
    return ax


def _forecast_series(result: Result, draw: int, k: int) -> np.ndarray:
    """Return the per-round series that ends at the forecast, or a constant forecast line."""
    target = float(result.forecast[draw, k])
    for name in SERIES_PREFERENCE:
        s = result.series.get(name)
        if s is not None and np.isclose(s[-1, draw, k], target, atol=1e-9):
            return np.asarray(s[:, draw, k], dtype=float)
    return np.full(result.trajectory.shape[0], target)


@literal_text
def trajectories(
    data: Result,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    draw: int = 0,
    scenario: Scenario | None = None,
    labels: bool = True,
) -> Axes:
    """Draw every actor's position round by round on one issue, and the forecast line.

    Parameters
    ----------
    data:
        A model's result.
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default).
    draw:
        Which draw of a batched run to draw.
    scenario:
        The scenario, for colours by bloc and the issue's scale (grey lines without it).
    labels:
        Whether to write each actor's id at the end of its line.

    Returns
    -------
    Axes
        The axes, with one line per actor (labelled with its id) and one labelled 'forecast'.

    """
    ax = new_axes(ax)
    k = issue_index(data.issue_ids, issue)
    colours = actor_colours(scenario) if scenario is not None else {}
    rounds = np.arange(data.trajectory.shape[0])
    ends = []
    for a, actor in enumerate(data.actor_ids):
        path = data.trajectory[:, draw, a, k]
        ax.plot(
            rounds,
            path,
            color=colours.get(actor, NO_BLOC),
            linewidth=1.1,
            alpha=0.8,
            label=actor,
            zorder=2,
        )
        ends.append(float(path[-1]))
    ax.plot(
        rounds,
        _forecast_series(data, draw, k),
        color=FORECAST,
        linewidth=2.4,
        linestyle="--",
        label="forecast",
        zorder=3,
    )
    if scenario is not None:
        iss = scenario.issue(data.issue_ids[k])
        low, high, title = iss.scale.min, iss.scale.max, iss.name
    else:
        low = float(np.nanmin(data.trajectory[:, draw, :, k]))
        high = float(np.nanmax(data.trajectory[:, draw, :, k]))
        title = data.issue_ids[k]
    if labels:
        line = (high - low) * 0.032 or 1.0
        label_ends(ax, float(rounds[-1]), ends, data.actor_ids, colours, line)
    ax.set_xlim(0, max(int(rounds[-1]), 1) * 1.3)
    ax.set_ylim(low - 0.04 * (high - low), high + 0.04 * (high - low))
    ax.set_xlabel("round")
    ax.set_ylabel("position")
    ax.set_title(f"{title} — {data.model}", fontsize="medium")
    return ax


@literal_text
def histogram(
    data: Any,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    bins: int = 30,
    scale: tuple[float, float] | None = None,
    intervals: Sequence[float] = (0.8, 0.95),
) -> Axes:
    """Draw the Monte Carlo distribution of one issue's forecast with central intervals.

    Parameters
    ----------
    data:
        A Monte Carlo result, a :class:`~accord.models.base.Result` with several draws, or the
        forecasts themselves (a 1-D array).
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default; ignored for a plain array).
    bins:
        The number of bins.
    scale:
        The issue's ``(min, max)``: the histogram's range (the data's range by default).
    intervals:
        Central probability intervals to shade (those of Monte Carlo's summaries).

    Returns
    -------
    Axes
        The axes: one bar per bin, one shaded span per interval and a line at the median.

    """
    ax = new_axes(ax)
    if isinstance(data, uncertainty.Counts):
        return _stored_histogram(data, ax, issue)
    values = uncertainty.draws_of(data, issue)
    values = values[np.isfinite(values)]
    if not values.size:
        ax.text(0.5, 0.5, "no finite forecast in any draw", transform=ax.transAxes, ha="center")
        return ax
    rng = scale if scale is not None else (float(values.min()), float(values.max()))
    if rng[1] <= rng[0]:
        rng = (rng[0] - 0.5, rng[0] + 0.5)
    ax.hist(values, bins=bins, range=rng, color="#4c72b0", alpha=0.85, zorder=2)
    for share in sorted(intervals, reverse=True):
        lo, hi = np.quantile(values, [(1 - share) / 2, (1 + share) / 2])
        ax.axvspan(
            float(lo),
            float(hi),
            color="#f0b429",
            alpha=0.18 + 0.12 * (1 - share),
            zorder=1,
            label=f"{share:.0%}: {lo:.1f}–{hi:.1f}",
        )
    median = float(np.median(values))
    ax.axvline(
        median,
        color=FORECAST,
        linestyle="--",
        linewidth=1.4,
        zorder=3,
        label=f"median {median:.1f}",
    )
    ax.set_xlim(*rng)
    ax.set_xlabel("forecast")
    ax.set_ylabel("draws")
    ax.legend(fontsize="x-small", frameon=False, loc="best")
    if issue is not None:
        ax.set_title(issue, fontsize="medium")
    return ax


def _stored_histogram(data: uncertainty.Counts, ax: Axes, issue: str | None) -> Axes:
    """Draw a stored Monte Carlo summary: its histogram counts and its central intervals."""
    ids = data.issue_ids
    s = data.summaries[ids.index(issue) if issue is not None else 0]
    edges = np.asarray(s.bin_edges, dtype=float)
    ax.stairs(np.asarray(s.counts, dtype=float), edges, fill=True, color="#4c72b0", alpha=0.85)
    for share, (lo, hi) in ((0.95, s.interval95), (0.8, s.interval80)):
        if lo is not None and hi is not None:
            ax.axvspan(
                lo, hi, color="#f0b429", alpha=0.18 + 0.12 * (1 - share), zorder=1,
                label=f"{share:.0%}: {lo:.1f}–{hi:.1f}",
            )  # fmt: skip
    if s.median is not None:
        ax.axvline(
            s.median, color=FORECAST, linestyle="--", linewidth=1.4, zorder=3,
            label=f"median {s.median:.1f}",
        )  # fmt: skip
    ax.set_xlim(float(edges[0]), float(edges[-1]))
    ax.set_xlabel("forecast")
    ax.set_ylabel("draws")
    ax.legend(fontsize="x-small", frameon=False, loc="best")
    ax.set_title(s.issue, fontsize="medium")
    return ax


@literal_text
def tornado(
    data: Any,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    top: int = 10,
) -> Axes:
    """Draw a sensitivity tornado: how far each input moves one issue's forecast.

    Parameters
    ----------
    data:
        A sensitivity result, or a :class:`~accord.reports.uncertainty.Tornado`.
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default).
    top:
        How many inputs to show, widest swing first (inputs that move nothing are left out).

    Returns
    -------
    Axes
        The axes: two bars (low and high end of the input) per input shown.

    """
    ax = new_axes(ax)
    t = uncertainty.tornado_of(data, issue)
    bars = uncertainty.ranked(t)[:top]
    bars.reverse()  # widest at the top
    y = np.arange(len(bars))
    low = np.array([b.low for b in bars]) - t.base
    high = np.array([b.high for b in bars]) - t.base
    ax.barh(y + 0.17, low, left=t.base, color="#4c72b0", height=0.34, label="input at its low end")
    ax.barh(
        y - 0.17, high, left=t.base, color="#dd8452", height=0.34, label="input at its high end"
    )
    ax.axvline(t.base, color=FORECAST, linewidth=1)
    ax.set_yticks(y, [b.label for b in bars], fontsize="x-small")
    ax.set_ylim(-0.7, max(len(bars), 4) - 0.3)  # a lone bar keeps a bar's height
    if not bars:
        ax.text(0.5, 0.5, "no input moves this forecast", transform=ax.transAxes, ha="center")
    ax.set_xlabel(f"forecast of '{t.issue}' (base {t.base:.1f})")
    ax.legend(fontsize="x-small", frameon=False, loc="lower right")
    return ax


@literal_text
def design_comparison(
    data: Comparison | pd.DataFrame,
    ax: Axes | None = None,
    *,
    issues: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    measure: str = "forecast",
) -> Axes:
    """Draw one measure of every issue under every design: one bar group per design.

    Parameters
    ----------
    data:
        A :class:`~accord.process.compare.Comparison`, or its ``table()``.
    ax:
        Axes to draw on (a new figure when None).
    issues:
        The issues to show (every issue by default).
    labels:
        Display names of issues for the legend.
    measure:
        The column of the comparison's table to draw: ``forecast`` (the model's own point) or
        ``expected`` (the deal-aware expected outcome), for instance.

    Returns
    -------
    Axes
        The axes: one bar per design and issue.

    """
    table: pd.DataFrame = data if isinstance(data, pd.DataFrame) else data.table()
    rows = [r for r in table.to_dict(orient="records") if r["issue"] != "all"]
    designs = list(dict.fromkeys(str(r["design"]) for r in rows))
    shown = (
        list(issues) if issues is not None else list(dict.fromkeys(str(r["issue"]) for r in rows))
    )
    value = {(str(r["design"]), str(r["issue"])): float(r[measure]) for r in rows}
    ax = new_axes(ax, size=(max(6.4, 0.55 * len(designs) * max(len(shown), 1) / 2), 4.2))
    width = 0.8 / max(len(shown), 1)
    x = np.arange(len(designs))
    for j, issue in enumerate(shown):
        heights = [value[d, issue] for d in designs]
        ax.bar(
            x - 0.4 + width * (j + 0.5),
            heights,
            width=width,
            color=PALETTE[j % len(PALETTE)],
            label=(labels or {}).get(issue, issue),
        )
    ax.set_xticks(x, designs, rotation=35, ha="right", fontsize="x-small")
    ax.set_ylabel("expected outcome" if measure == "expected" else measure.replace("_", " "))
    ax.legend(
        fontsize="x-small",
        frameon=False,
        ncols=min(len(shown), 4),
        loc="upper center",
        bbox_to_anchor=(0.5, 1.12),
    )
    return ax


@literal_text
def deal_outcomes(
    data: DealForecast,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    legend: bool = True,
) -> Axes:
    """Draw, per model, its own forecast of one issue and its deal-aware expected outcome.

    Parameters
    ----------
    data:
        A deal-aware forecast (:func:`accord.analysis.deal.deal_forecast`).
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default).
    legend:
        Whether to add a legend below the axes.

    Returns
    -------
    Axes
        The axes: one row per model (first model on top) with a grey line from the model's own
        forecast (hollow dot) to its expected outcome (black dot), the settlement if they settle
        (diamonds, where there is one), the no-deal outcome (dotted line) and the zone of
        agreement at the coded values (shaded, where there is one).

    """
    from accord.reports.content import pct

    ax = new_axes(ax)
    scenario = data.scenario
    k = issue_index(scenario.issue_ids, issue)
    iss = scenario.issues[k]
    deals = [d for d in data.issue_deals() if d.issue == iss.id]
    y = np.arange(len(deals))[::-1].astype(float)
    nan = float("nan")
    own = [d.point for d in deals]
    expected = [nan if d.expected is None else d.expected for d in deals]
    for yi, a, b in zip(y, own, expected, strict=True):
        ax.plot([a, b], [yi, yi], color="#b0b0b0", linewidth=1.2, zorder=1)
    ax.scatter(
        own,
        y,
        s=36,
        facecolors="none",
        edgecolors="#555555",
        linewidths=1.1,
        zorder=3,
        label="model's own forecast",
    )
    settled = [
        (d.settlement, yi) for d, yi in zip(deals, y, strict=True) if d.settlement is not None
    ]
    if settled:
        ax.scatter(
            [s for s, _ in settled],
            [yi for _, yi in settled],
            s=22,
            marker="D",
            color=PALETTE[0],
            zorder=4,
            label="settlement if they settle",
        )
    ax.scatter(expected, y, s=30, color=FORECAST, zorder=5, label="expected outcome")
    no_deal = deals[0].no_deal if deals else None
    if no_deal is not None:
        ax.axvline(
            no_deal, color=PALETTE[1], linestyle=":", linewidth=1.4, zorder=2, label="no deal"
        )
    for zone in data.zones():
        at = zone["at_coded_values"]
        if iss.id in zone["issues"] and at["exists"]:
            lo, hi = at["span"][zone["issues"].index(iss.id)]
            if lo is not None and hi is not None:
                ax.axvspan(
                    lo, hi, color=PALETTE[2], alpha=0.15, zorder=0, label="zone (coded values)"
                )
    ax.set_yticks(y, [d.model for d in deals], fontsize="x-small")
    ax.set_ylim(-0.7, max(len(deals), 1) - 0.3)
    ax.set_xlim(iss.scale.min - 0.05 * iss.scale.width, iss.scale.max + 0.05 * iss.scale.width)
    ax.set_xlabel(f"position on '{iss.id}' ({iss.scale.unit})")
    p_deal = deals[0].p_deal if deals else 0.0
    ax.set_title(f"{iss.name}: P(deal) {pct(p_deal)}", fontsize="medium")
    if legend:
        ax.legend(
            fontsize="x-small",
            frameon=False,
            ncols=2,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
        )
    return ax


@literal_text
def bottom_line(
    data: BottomLine,
    ax: Axes | None = None,
    *,
    issue: str | None = None,
    legend: bool = True,
) -> Axes:
    """Draw the bottom line of one issue: the models alone, then the deal-aware consensus.

    Parameters
    ----------
    data:
        A bottom line (:func:`accord.analysis.bottom_line.bottom_line`).
    ax:
        Axes to draw on (a new figure when None).
    issue:
        The issue id (the first issue by default).
    legend:
        Whether to add a legend below the axes.

    Returns
    -------
    Axes
        The axes, with two rows on the issue's scale: on top every model's own forecast
        (hollow dots) and their median (a bar); below, the range of the models' deal-aware
        expected outcomes (grey bar), the consensus's 95% interval over the inputs (thick bar)
        and its expected outcome (black dot); the no-deal outcome as a dotted line and the
        scale's anchors as ticks.

    """
    from accord.formatting import pct

    ax = new_axes(ax)
    scenario = data.scenario
    k = issue_index(scenario.issue_ids, issue)
    iss = scenario.issues[k]
    line = data.issues[k]
    own = [v for _, v in line.own]
    ax.scatter(
        own,
        [1.0] * len(own),
        s=40,
        facecolors="none",
        edgecolors="#555555",
        linewidths=1.1,
        zorder=3,
        label="a model's own forecast",
    )
    ax.plot(
        [line.own_consensus] * 2, [0.8, 1.2], color="#555555", linewidth=2.2, zorder=4,
        label="their median",
    )  # fmt: skip
    mlo, mhi = line.model_range
    if mlo is not None and mhi is not None:
        ax.plot(
            [mlo, mhi], [0.0, 0.0], color="#b0b0b0", linewidth=9, solid_capstyle="butt",
            zorder=1, label="range of the models' expected outcomes",
        )  # fmt: skip
    lo, hi = line.interval
    if lo is not None and hi is not None and data.draws > 1:
        ax.plot(
            [lo, hi], [0.0, 0.0], color=PALETTE[0], linewidth=4, solid_capstyle="butt",
            zorder=2, label="95% over the inputs",
        )  # fmt: skip
    if line.consensus is not None:
        ax.scatter(
            [line.consensus], [0.0], s=60, color=FORECAST, zorder=5,
            label="expected outcome (consensus)",
        )  # fmt: skip
    if line.no_deal is not None:
        ax.axvline(
            line.no_deal, color=PALETTE[1], linestyle=":", linewidth=1.4, zorder=0,
            label="no deal",
        )  # fmt: skip
    for anchor in iss.anchors:
        ax.axvline(anchor.value, color="#e3e6ea", linewidth=0.8, zorder=-1)
    ax.set_yticks([1.0, 0.0], ["models alone", "with the deal"], fontsize="x-small")
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlim(iss.scale.min - 0.05 * iss.scale.width, iss.scale.max + 0.05 * iss.scale.width)
    ax.set_xticks([a.value for a in iss.anchors] or ax.get_xticks())
    ax.set_xlabel(f"position on '{iss.id}' ({iss.scale.unit}); ticks at the anchors")
    ax.set_title(f"{iss.name}: P(deal) {pct(line.p_deal)}", fontsize="medium")
    if legend:
        ax.legend(
            fontsize="x-small",
            frameon=False,
            ncols=2,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.28),
        )
    return ax
