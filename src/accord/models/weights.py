"""Shared weighting helpers for one-issue kernels (capability x salience, with a fallback)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def effective_weight(capability: FloatArray, salience: FloatArray) -> FloatArray:
    """Return capability x salience per row, or capability alone where no actor cares at all.

    When every salience on an issue is zero the issue matters to nobody; weighting by capability
    keeps the forecast defined instead of dividing by zero.
    """
    w = capability * salience
    dead = w.sum(axis=-1, keepdims=True) <= 0
    return np.where(dead, capability, w)


def weighted_mean(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Return the weighted mean of each row (NaN where no actor carries any weight).

    Only a row in which every capability is 0 has no weight at all; its NaN is reported by
    ``Model.run`` (an error naming the draw, or a draw counted as invalid), never as a warning.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return (position * weight).sum(axis=-1) / weight.sum(axis=-1)


HALF_TOL = 1e-12
"""Cumulative weights within this (relative) margin of half the total count as exactly half."""


def weighted_median_bounds(
    position: FloatArray, weight: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return the lower and upper weighted medians of each row.

    The lower median L is the smallest position with at least half the total weight at or below
    it; the upper median U is the largest position with at least half the total weight at or
    above it. L < U exactly when the weight at or below L is exactly half the total (an even
    split); then U is the next position above L that carries weight. Otherwise L = U. Mirroring
    the positions (x -> -x) swaps the two. Positions without weight are never L or U.
    """
    order = np.argsort(position, axis=-1, kind="stable")
    x = np.take_along_axis(position, order, axis=-1)
    w = np.take_along_axis(weight, order, axis=-1)
    cum = np.cumsum(w, axis=-1)
    above = np.flip(np.cumsum(np.flip(w, axis=-1), axis=-1), axis=-1)  # weight at or above
    # A relative tolerance keeps exact halves (e.g. 0.1 + 0.2 vs 0.3) from flipping.
    half = 0.5 * cum[..., -1:] * (1 - HALF_TOL)
    low = np.argmax(cum >= half, axis=-1)
    n = x.shape[-1]
    high = n - 1 - np.argmax(np.flip(above >= half, axis=-1), axis=-1)
    lower = np.take_along_axis(x, low[..., None], axis=-1)[..., 0]
    upper = np.take_along_axis(x, high[..., None], axis=-1)[..., 0]
    return lower, upper


def weighted_median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Return the weighted median of each row: the midpoint of the lower and upper medians.

    Without an even split the two coincide and the median is that position: in one dimension
    with single-peaked preferences it beats every other actor position in a pairwise weighted
    vote (the Condorcet winner). When the weight at or below a position is exactly half the
    total, every point between it and the next weighted position above ties in such votes; the
    midpoint of the two is taken, the usual convention for an even split. The rule does not
    depend on which end of the scale is low: mirroring every position mirrors the median.
    """
    lower, upper = weighted_median_bounds(position, weight)
    return 0.5 * (lower + upper)  # exactly L when L = U
