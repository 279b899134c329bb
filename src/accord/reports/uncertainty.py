"""Read the numbers charts need out of Monte Carlo and sensitivity results.

The chart functions accept the analysis objects themselves; this module is the one place that
knows their shapes, and it also accepts plain inputs (an array of draws, a :class:`Tornado`)
so that charts can be drawn and tested without running an analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.models.base import FloatArray, Result


@dataclass(frozen=True)
class Bar:
    """One input of a tornado: the forecast with the input at its low and at its high end."""

    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Tornado:
    """The bars of one issue's tornado around its base forecast."""

    issue: str
    base: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True, eq=False)
class Draws:
    """Forecasts over draws, (draws, issues), with the issues' ids: what histograms draw."""

    issue_ids: tuple[str, ...]
    forecasts: FloatArray


@dataclass(frozen=True, eq=False)
class Counts:
    """Stored Monte Carlo summaries without their draws: histograms draw their counts."""

    summaries: tuple[Any, ...]

    @property
    def issue_ids(self) -> tuple[str, ...]:
        """Return the issues' ids."""
        return tuple(s.issue for s in self.summaries)


def swing(bar: Bar, base: float) -> float:
    """Return the extent of a bar: the largest minus the smallest of its ends and the base."""
    return max(bar.low, bar.high, base) - min(bar.low, bar.high, base)


def ranked(tornado: Tornado) -> list[Bar]:
    """Return the bars that move the forecast, widest swing first (ties by label)."""
    moving = [b for b in tornado.bars if swing(b, tornado.base) > 0]
    return sorted(moving, key=lambda b: (-swing(b, tornado.base), b.label))


def _index(issue_ids: Any, issue: str | None) -> int:
    ids = list(issue_ids)
    if issue is None:
        return 0
    if issue not in ids:
        raise KeyError(f"unknown issue '{issue}'")
    return ids.index(issue)


def draws_of(data: Any, issue: str | None = None) -> FloatArray:
    """Return one issue's forecasts over Monte Carlo draws as a 1-D float array.

    ``data`` is an :class:`accord.analysis.montecarlo.MonteCarloResult`, a :class:`Result`
    with several draws, or the forecasts themselves (1-D, or (draws, issues)).
    """
    if hasattr(data, "forecasts") and hasattr(data, "issue_ids"):  # a MonteCarloResult
        k = _index(data.issue_ids, issue)
        return np.asarray(data.forecasts[:, k], dtype=float)
    if isinstance(data, Result):
        return np.asarray(data.forecast[:, _index(data.issue_ids, issue)], dtype=float)
    arr = np.asarray(data, dtype=float)
    if arr.ndim == 2:
        return arr[:, 0 if issue is None else int(issue)]
    return arr.reshape(-1)


def _label(inp: Any, issue: str) -> str:
    """Return a short label: 'usa position', 'usa capability', 'usa salience (territory)'."""
    text = f"{inp.actor} {inp.kind}" if inp.actor is not None else inp.kind.replace("_", "-")
    return text if inp.issue in (None, issue) else f"{text} ({inp.issue})"


def tornado_of(data: Any, issue: str | None = None) -> Tornado:
    """Return the tornado of one issue.

    ``data`` is an :class:`accord.analysis.sensitivity.Tornado` (every issue), a
    :class:`Tornado` (one issue), or a list or dict of the latter.
    """
    if isinstance(data, Tornado):
        return data
    if all(hasattr(data, a) for a in ("at_low", "at_high", "base", "inputs", "issue_ids")):
        k = _index(data.issue_ids, issue)
        name = data.issue_ids[k]
        bars = tuple(
            Bar(_label(inp, name), float(data.at_low[i, k]), float(data.at_high[i, k]))
            for i, inp in enumerate(data.inputs)
        )
        return Tornado(name, float(data.base[k]), bars)
    if isinstance(data, dict | tuple | list):
        items = list(data.values()) if isinstance(data, dict) else list(data)
        if issue is None:
            return tornado_of(items[0])
        for t in items:
            if isinstance(t, Tornado) and t.issue == issue:
                return t
        raise KeyError(f"unknown issue '{issue}'")
    raise TypeError(f"cannot draw a tornado from {type(data).__name__}")
