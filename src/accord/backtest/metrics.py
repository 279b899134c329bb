"""Forecast errors and their uncertainty: point metrics and a cluster bootstrap by proposal.

Metrics of absolute errors ``|forecast - outcome|`` (points on the 0-100 scale): mean (MAE),
root mean square (RMSE), median, and the share within 10 points.

Confidence intervals are 95% percentile intervals of a bootstrap that resamples *proposals*
with replacement and keeps all issues of each drawn proposal. Issues of one proposal share the
actors, the dossier and often a package deal, so their errors are correlated; resampling issues
as if independent would make the intervals too narrow. Paired comparisons apply the same
resamples to both models and take percentiles of the difference, so that what both models get
wrong on the same proposals cancels out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
METRICS: tuple[str, ...] = ("mae", "rmse", "median_ae", "within10")
WITHIN = 10.0
"""The threshold of the ``within10`` share (points)."""


def weighted_stats(ae: FloatArray, weight: FloatArray) -> dict[str, FloatArray]:
    """Return each metric per row of integer ``weight`` (rows, issues) over errors ``ae``.

    A weight is how many times an issue appears in a (re)sample; the median is that of the
    expanded sample (the mean of the two middle values when their count is even).
    """
    w = np.atleast_2d(weight).astype(float)
    n = w.sum(axis=1)
    safe = np.where(n > 0, n, 1.0)
    mae = (w * ae).sum(axis=1) / safe
    rmse = np.sqrt((w * ae**2).sum(axis=1) / safe)
    within = (w * (ae <= WITHIN)).sum(axis=1) / safe
    order = np.argsort(ae, kind="stable")
    cum = np.cumsum(w[:, order], axis=1)
    sorted_ae = ae[order]

    def at(k: FloatArray) -> FloatArray:
        return sorted_ae[np.argmax(cum > k[:, None], axis=1)]

    median = 0.5 * (at(np.floor((n - 1) / 2)) + at(np.floor(n / 2)))
    empty = n <= 0
    out = {"mae": mae, "rmse": rmse, "median_ae": median, "within10": within}
    return {k: np.where(empty, np.nan, v) for k, v in out.items()}


def point(ae: FloatArray) -> dict[str, float]:
    """Return the metrics of a set of absolute errors."""
    stats = weighted_stats(ae, np.ones((1, ae.size)))
    return {k: float(v[0]) for k, v in stats.items()}


@dataclass(frozen=True)
class Resamples:
    """Bootstrap resamples of clusters: ``weight[b, i]`` = times issue i is in resample b."""

    weight: FloatArray

    @classmethod
    def draw(
        cls, clusters: Sequence[str] | np.ndarray, n_boot: int, seed: int | Sequence[int]
    ) -> Resamples:
        """Resample the distinct clusters (e.g. proposal ids of the issues) with replacement."""
        names, code = np.unique(np.asarray(clusters, dtype=str), return_inverse=True)
        rng = np.random.default_rng(seed)
        c = len(names)
        counts = rng.multinomial(c, np.full(c, 1.0 / c), size=n_boot).astype(float)
        return cls(counts[:, code])


def _ci(values: FloatArray) -> tuple[float, float]:
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(ok, [0.025, 0.975])
    return float(lo), float(hi)


def summary(
    ae: FloatArray, resamples: Resamples, base_ae: FloatArray | None = None
) -> dict[str, dict[str, float]]:
    """Return ``{metric: {value, lo, hi}}``, or the paired difference to ``base_ae``.

    NaN errors (no forecast) are left out; a paired difference uses the issues where both have
    one.
    """
    valid = np.isfinite(ae) if base_ae is None else np.isfinite(ae) & np.isfinite(base_ae)
    a = np.where(valid, ae, 0.0)
    est = weighted_stats(a, valid[None, :].astype(float))
    boot = weighted_stats(a, resamples.weight * valid)
    if base_ae is not None:
        b = np.where(valid, base_ae, 0.0)
        base_est = weighted_stats(b, valid[None, :].astype(float))
        base_boot = weighted_stats(b, resamples.weight * valid)
        est = {k: est[k] - base_est[k] for k in METRICS}
        boot = {k: boot[k] - base_boot[k] for k in METRICS}
    out = {}
    for k in METRICS:
        lo, hi = _ci(boot[k])
        out[k] = {"value": float(est[k][0]), "lo": lo, "hi": hi}
    return out
