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
    """Return the weighted mean of each row."""
    return (position * weight).sum(axis=-1) / weight.sum(axis=-1)


def weighted_median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Return the lower weighted median of each row.

    The smallest position x such that the weight at or below x reaches half the total. In one
    dimension with single-peaked preferences this position beats every other actor position in
    a pairwise weighted vote (it is the Condorcet winner whenever one exists).
    """
    order = np.argsort(position, axis=-1, kind="stable")
    x = np.take_along_axis(position, order, axis=-1)
    w = np.take_along_axis(weight, order, axis=-1)
    cum = np.cumsum(w, axis=-1)
    half = 0.5 * cum[..., -1:]
    # A relative tolerance keeps exact halves (e.g. 0.1 + 0.2 vs 0.3) from flipping.
    idx = np.argmax(cum >= half * (1 - 1e-12), axis=-1)
    return np.take_along_axis(x, idx[..., None], axis=-1)[..., 0]
