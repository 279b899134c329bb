"""Compose the report's figures from the chart functions and render them to SVG.

Each function lays out one figure (a grid of panels, one per issue, where that fits), draws the
panels with :mod:`accord.reports.charts` and returns a :class:`~accord.reports.content.Chart`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from accord.reports import charts, style, svg
from accord.reports.content import Chart
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from accord.analysis.bottom_line import BottomLine
    from accord.analysis.deal import DealForecast
    from accord.models.base import Result
    from accord.process.compare import Comparison

PANEL = (5.2, 3.6)
"""Width and height of one panel, in inches."""


def _grid(n: int, panel: tuple[float, float] = PANEL) -> tuple[Figure, list[Axes]]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    cols = 1 if n == 1 else 2
    rows = -(-n // cols)
    fig = Figure(figsize=(panel[0] * cols, panel[1] * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _chart(fig: Figure, slug: str, title: str, caption: str) -> Chart:
    text = svg.render(fig, prefix=slug)
    svg.close(fig)
    return Chart(slug=slug, title=title, caption=caption, svg=text)


def per_issue(
    scenario: Scenario,
    draw: Callable[..., Any],
    slug: str,
    title: str,
    caption: str,
    issues: Sequence[str] | None = None,
    **opts: Any,
) -> Chart:
    """Return one figure with a panel per issue, each drawn by ``draw(ax=..., issue=...)``."""
    chosen = list(issues) if issues is not None else list(scenario.issue_ids)
    fig, axes = _grid(len(chosen))
    for ax, issue in zip(axes, chosen, strict=True):
        draw(ax=ax, issue=issue, **opts)
    return _chart(fig, slug, title, caption)


def actor_map(scenario: Scenario, forecasts: dict[str, float] | None = None) -> Chart:
    """Return the actor map of every issue (with the lead model's forecast marked)."""
    fig, axes = _grid(len(scenario.issues))
    for ax, issue in zip(axes, scenario.issue_ids, strict=True):
        charts.actor_map(
            scenario, ax, issue=issue, forecast=(forecasts or {}).get(issue), legend=False
        )
    handles = style.bloc_handles(scenario)
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(len(handles), 6),
            frameon=False,
            fontsize="small",
            title="bloc",
        )
    return _chart(
        fig,
        "actor-map",
        "Actor map",
        "Each bubble is an actor: its position on the issue (x), its capability (y) and how "
        "much the issue matters to it (area). Colours are blocs; the dotted line is the status "
        "quo and the dashed line the lead model's forecast.",
    )


def trajectories(scenario: Scenario, result: Result) -> Chart:
    """Return every actor's path round by round on every issue, for one iterative model."""
    return per_issue(
        scenario,
        lambda ax, issue: charts.trajectories(result, ax, issue=issue, scenario=scenario),
        f"trajectories-{result.model}",
        f"Trajectories: {result.model}",
        f"Every actor's position round by round under '{result.model}' (colours are blocs); "
        "the dashed black line is the forecast.",
    )


def histograms(scenario: Scenario, data: Any, slug: str, caption: str) -> Chart:
    """Return the Monte Carlo histogram of every issue."""

    def draw(ax: Axes, issue: str) -> None:
        iss = scenario.issue(issue)
        charts.histogram(data, ax, issue=issue, scale=(iss.scale.min, iss.scale.max))
        ax.set_title(iss.name, fontsize="medium")

    return per_issue(scenario, draw, slug, "Monte Carlo distribution of the forecast", caption)


def tornado(scenario: Scenario, data: Any, slug: str, caption: str) -> Chart:
    """Return the sensitivity tornado of every issue."""
    return per_issue(
        scenario,
        lambda ax, issue: charts.tornado(data, ax, issue=issue),
        slug,
        "Sensitivity: which inputs move the forecast",
        caption,
    )


def bottom_line(data: BottomLine) -> Chart:
    """Return, per issue, the models alone against the deal-aware consensus."""
    return per_issue(
        data.scenario,
        lambda ax, issue: charts.bottom_line(data, ax, issue=issue),
        "bottom-line",
        "The bottom line: where each issue ends up",
        "Top row: each model's own forecast (hollow dots) and their median (bar), as if a deal "
        "were certain. Bottom row: the consensus's expected outcome (black dot) with its 95% "
        "interval over the uncertain inputs (blue bar) and the range of the models' expected "
        "outcomes (grey bar); the dotted line is where the issue stays without a deal.",
    )


def deal(scenario: Scenario, data: DealForecast) -> Chart:
    """Return, per issue, every model's own forecast against its deal-aware expected outcome."""
    return per_issue(
        scenario,
        lambda ax, issue: charts.deal_outcomes(data, ax, issue=issue),
        "deal",
        "Will they settle: each model's forecast and its expected outcome",
        "Per model, its own forecast (hollow dot) and its expected outcome (black dot): the "
        "settlement if they settle (diamond), weighted by P(deal), and the no-deal outcome "
        "(dotted line) otherwise. The shaded band is the zone of agreement at the coded values, "
        "where there is one.",
    )


def designs(scenario: Scenario, comparison: Comparison) -> Chart:
    """Return the design comparison (one bar group per design, one bar per issue)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    n = len(comparison.runs)
    fig = Figure(figsize=(max(8.0, 0.9 * n + 2), 4.4), layout="constrained")
    ax = fig.add_subplot()
    charts.design_comparison(
        comparison, ax, labels={i.id: i.name for i in scenario.issues}, measure="expected"
    )
    ax.set_title(
        f"Expected outcome per design ('{comparison.model.name}')", fontsize="medium", pad=28
    )
    return _chart(
        fig,
        "designs",
        "Process designs compared",
        "The expected outcome of each issue under each process design, baseline first: the "
        "settlement where they settle and the no-deal outcome where they do not, averaged over "
        "the draws.",
    )
