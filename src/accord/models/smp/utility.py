"""Distances, risk-aware utilities and risk attitudes ("BigR") of KTAB's SMP (spec §3-§4).

Arrays carry a leading draw axis ``B``; actors are ``N``, dimensions ``K``. Positions are on
KTAB's [0, 1] scale.
"""

from __future__ import annotations

import numpy as np

from accord.models.base import FloatArray
from accord.models.smp import kernel
from accord.models.smp.params import BigRAdjust, BigRRange


def distance_weights(salience: FloatArray) -> FloatArray:
    """Return the squared saliences that weight distances, (B, N, K).

    Only relative saliences matter. An actor with no salience at all (KTAB rejects such input)
    measures distance with equal weights on every dimension, so that its distances stay defined.
    """
    s2 = salience * salience
    none = s2.sum(axis=-1, keepdims=True) <= 0.0
    return np.where(none, 1.0, s2)


def distance_to(ideal: FloatArray, s2: FloatArray, point: FloatArray) -> FloatArray:
    """Return d_a(y) for ideals (..., K), weights (..., K) and points broadcastable to them.

    d_a(y) = sqrt( sum_k s_ak^2 (xi_ak - y_k)^2 / sum_k s_ak^2 ).
    """
    diff = ideal - point
    return np.sqrt((s2 * (diff * diff)).sum(axis=-1) / s2.sum(axis=-1))


def distance_matrix(ideal: FloatArray, s2: FloatArray, x: FloatArray) -> FloatArray:
    """Return D[b, i, j] = d_i(x_j), (B, N, N).

    With the compiled kernels on (:func:`.kernel.use_compiled`), :func:`.kernel.distances`
    computes the same numbers bit for bit without the (B, N, N, K) temporaries.
    """
    if ideal is x and kernel.use_compiled_distances(x.shape[1], x.shape[-1]):
        return kernel.distances(x, s2)
    return distance_to(ideal[:, :, None, :], s2[:, :, None, :], x[:, None, :, :])


def beta(d: FloatArray, r: FloatArray) -> FloatArray:
    """Return the risk-aware utility of distance ``d`` with risk attitude ``r`` (broadcast).

    (1 - d)(1 + d R) for d <= 1, otherwise (1 - d)(1 + R). Distances between points of the
    unit cube never exceed 1, so the second branch is evaluated only when needed.
    """
    d = np.asarray(d)
    inner = d * r
    inner += 1.0
    inner *= 1.0 - d
    if d.size == 0 or float(d.max()) <= 1.0:
        return inner
    return np.where(d <= 1.0, inner, (1.0 - d) * (1.0 + r))


def risk_attitudes(pi0: FloatArray, rng: BigRRange) -> FloatArray:
    """Return R from the risk-neutral outcome probabilities of the actors' positions, (B, N).

    When every probability is equal the mapping is 0/0 (KTAB leaves it undefined); accord then
    sets every R to 0 (risk-neutral).
    """
    top = pi0.max(axis=-1, keepdims=True)
    bot = pi0.min(axis=-1, keepdims=True)
    span = top - bot
    flat = span <= 0.0
    span = np.where(flat, 1.0, span)
    if rng == "mid":
        r = (3.0 * pi0 - top - 2.0 * bot) / (2.0 * span)
    elif rng == "min":
        r = (pi0 - bot) / span
    else:
        r = (2.0 * pi0 - top - bot) / span
    return np.where(flat, 0.0, r)


def perceived_risk(r: FloatArray, adjust: BigRAdjust) -> FloatArray:
    """Return R^h_i, actor h's estimate of actor i's risk attitude, (B, H, N)."""
    rh = r[:, :, None]
    ri = r[:, None, :]
    if adjust == "none":
        return np.broadcast_to(rh, (*r.shape, r.shape[-1])).copy()
    if adjust == "one_third":
        return (2.0 * rh + ri) / 3.0
    if adjust == "half":
        return (rh + ri) / 2.0
    if adjust == "two_thirds":
        return (rh + 2.0 * ri) / 3.0
    raise ValueError(f"unsupported big_r_adjust {adjust!r}")
