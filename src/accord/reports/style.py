"""Colours, axes and label placement shared by the charts (no matplotlib at import time).

Colours come from a fixed palette, assigned to blocs (and issues) in the order they first
appear in the scenario, so the same inputs always draw the same picture.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np

from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
)
"""Colours of blocs (and of issues in the design comparison), in order of first appearance."""
NO_BLOC = "#7f7f7f"
FORECAST = "#000000"

P = ParamSpec("P")
R = TypeVar("R")


def literal_text(draw: Callable[P, R]) -> Callable[P, R]:
    """Make a chart function draw every text it makes as written: ``$`` is never math text.

    Names, labels and units come from the scenario; matplotlib reads ``$...$`` as math text
    (and fails on ``Smith $ Co and $x``) or, with ``text.usetex``, hands it to LaTeX. Texts made
    inside ``draw`` (titles, labels, legends, tick labels set there) are made with both off.
    """

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import matplotlib

        from accord.reports.svg import PLAIN_TEXT

        with matplotlib.rc_context(PLAIN_TEXT):  # type: ignore[arg-type]
            return draw(*args, **kwargs)

    return wrapper


def new_axes(ax: Axes | None, size: tuple[float, float] = (6.4, 4.2)) -> Axes:
    """Return ``ax``, or the axes of a new figure (Agg backend, no display)."""
    if ax is not None:
        return ax
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=size).add_subplot()


def bloc_colours(scenario: Scenario) -> dict[str, str]:
    """Return a colour per bloc id, assigned in the order the blocs first appear."""
    blocs = list(dict.fromkeys(a.bloc for a in scenario.actors if a.bloc))
    return {b: PALETTE[i % len(PALETTE)] for i, b in enumerate(blocs)}


def actor_colours(scenario: Scenario) -> dict[str, str]:
    """Return each actor's colour: its bloc's, or grey when it has none."""
    blocs = bloc_colours(scenario)
    return {a.id: blocs[a.bloc] if a.bloc else NO_BLOC for a in scenario.actors}


def bloc_handles(scenario: Scenario) -> list[Any]:
    """Return legend handles: one coloured dot per bloc (and 'no bloc' when needed)."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=c, label=b)
        for b, c in bloc_colours(scenario).items()
    ]
    if any(a.bloc is None for a in scenario.actors):
        handles.append(Line2D([], [], marker="o", linestyle="", color=NO_BLOC, label="no bloc"))
    return handles


def issue_index(issue_ids: Sequence[str], issue: str | None) -> int:
    """Return the index of an issue id (0 for None); KeyError for an unknown one."""
    if issue is None:
        return 0
    if issue not in issue_ids:
        raise KeyError(f"unknown issue '{issue}'")
    return list(issue_ids).index(issue)


def _spread(values: Sequence[float], heights: Sequence[float]) -> list[float]:
    """Return label centres near ``values`` such that labels of these heights do not overlap."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    out = [float(v) for v in values]
    for prev, i in itertools.pairwise(order):
        out[i] = max(out[i], out[prev] + (heights[prev] + heights[i]) / 2)
    shift = (max(out) - max(values)) / 2 if values else 0.0  # centre the stack on the data
    return [v - shift for v in out]


def _end_groups(ends: Sequence[float], tol: float) -> list[list[int]]:
    """Return groups of actor indices whose last positions lie within ``tol`` of a neighbour."""
    groups: list[list[int]] = []
    for i in sorted(range(len(ends)), key=lambda i: (ends[i], i)):
        if groups and ends[i] - ends[groups[-1][-1]] <= tol:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _wrap(names: Sequence[str], width: int = 30) -> list[str]:
    lines: list[str] = []
    for name in names:
        if lines and len(lines[-1]) + len(name) + 2 <= width:
            lines[-1] += f", {name}"
        else:
            lines.append(name)
    return lines


def label_ends(
    ax: Axes,
    x: float,
    ends: Sequence[float],
    ids: Sequence[str],
    colours: Mapping[str, str],
    line: float,
) -> None:
    """Write actor ids at the end of their lines; actors that end together share a label."""
    groups = _end_groups(ends, tol=line / 3)
    texts = [_wrap([ids[i] for i in g]) for g in groups]
    centres = _spread(
        [float(np.mean([ends[i] for i in g])) for g in groups], [line * len(t) for t in texts]
    )
    for g, text, y in zip(groups, texts, centres, strict=True):
        tints = {colours.get(ids[i], NO_BLOC) for i in g}
        ax.annotate(
            "\n".join(text),
            (x, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=6,
            linespacing=1.0,
            color=tints.pop() if len(tints) == 1 else "#333333",
        )
