"""Expected utilities and risk exponents of the BDM expected-utility model.

Matrices are indexed ``[b, i, j]`` for the pair (i, j) in batch row b. The utilities of a
challenge depend on the pair only through d_ij = |x_i - x_j| / R, which is symmetric, and on
the perceiver's risk exponent; :class:`Stakes` holds them so that EU_i(i, j) and EU_i(j, i)
(both seen with r_i) share one set of powers. See ``docs/models/bdm.md`` for the equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.models.bdm.votes import Geometry

FloatArray = NDArray[np.float64]

RISK_TOL = 1e-12
"""Dangers whose spread is within this (relative) tolerance count as all equal (every r = 1)."""


@dataclass(frozen=True, eq=False)
class Stakes:
    """Utilities of a challenge between i and j seen with exponent r_i (None: every r = 1).

    gap = |x_i - x_j|, d = gap / R, us = 2 - 4 (0.5 - 0.5 d)^r (success),
    uf = 2 - 4 (0.5 + 0.5 d)^r (failure), usq = 2 - 4 (0.5)^r (status quo), all (B, n, n)
    or broadcastable; ``rp`` the exponent, (B, n, 1), or None.
    """

    gap: FloatArray
    d: FloatArray
    us: FloatArray
    uf: FloatArray
    usq: FloatArray | float
    rp: FloatArray | None


def stakes(geo: Geometry, r: FloatArray | None) -> Stakes:
    """Return the :class:`Stakes` of every pair, perceiver = the row actor i (exponent r_i)."""
    gap, d = geo.gap, geo.d
    if r is None:
        return Stakes(gap, d, 2 - 4 * (0.5 - 0.5 * d), 2 - 4 * (0.5 + 0.5 * d), 0.0, None)
    rp = r[:, :, None]
    us = 2 - 4 * (0.5 - 0.5 * d) ** rp
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rp
    return Stakes(gap, d, us, uf, 2 - 4 * 0.5**rp, rp)


def challenge_eu(st: Stakes, s_target: FloatArray, p: FloatArray, q: float) -> FloatArray:
    """Return s_t (P Us + (1 - P) Uf) + (1 - s_t) Us - Q Usq (spec step 5), (B, n, n)."""
    return s_target * (p * st.us + (1 - p) * st.uf) + (1 - s_target) * st.us - q * st.usq


def no_challenge_term(
    x: FloatArray, st: Stakes, mu: FloatArray, big_r: FloatArray, q: float
) -> FloatArray:
    """Return the paper variant's (1 - Q)(T Ub + (1 - T) Uw) for challenger i, (B, n, n).

    m = |x_i - mu| / R, Ub = 2 - 4 (0.5 - 0.25 (m + d))^r, Uw = 2 - 4 (0.5 + 0.25 (m + d))^r,
    T = 1 if |x_i - mu| < |x_i - x_j| else 0.
    """
    off = np.abs(x - mu[:, None])[:, :, None]
    m = off / big_r[:, None, None]
    if st.rp is None:
        ub = 2 - 4 * (0.5 - 0.25 * (m + st.d))
        uw = 2 - 4 * (0.5 + 0.25 * (m + st.d))
    else:
        ub = 2 - 4 * (0.5 - 0.25 * (m + st.d)) ** st.rp
        uw = 2 - 4 * (0.5 + 0.25 * (m + st.d)) ** st.rp
    return (1 - q) * np.where(off < st.gap, ub, uw)


def own_eyes_eu(
    x: FloatArray,
    s: FloatArray,
    p: FloatArray,
    st: Stakes,
    q: float,
    big_r: FloatArray,
    mu: FloatArray | None,
) -> FloatArray:
    """Return ``E[b, i, j] = EU_i(i, j)``: i challenging j through i's own eyes.

    With ``mu`` (the median, (B,)) the paper variant's no-challenge term is subtracted.
    """
    eu = challenge_eu(st, s[:, None, :], p, q)
    if mu is not None:
        eu -= no_challenge_term(x, st, mu, big_r, q)
    return eu


def danger(
    x: FloatArray,
    geo: Geometry,
    s: FloatArray,
    p1: FloatArray,
    q: float,
    big_r: FloatArray,
    mu: FloatArray | None,
) -> FloatArray:
    """Return danger_i = sum_{j != i} EU(j, i) with every r = 1, (B, n); ``p1`` uses r = 1."""
    e1 = own_eyes_eu(x, s, p1, stakes(geo, None), q, big_r, mu)
    n = x.shape[1]
    e1[:, np.arange(n), np.arange(n)] = 0.0
    return e1.sum(axis=1)  # column i: sum over challengers j


def risk_exponents(dangers: FloatArray) -> FloatArray:
    """Return r_i = (1 - Rb_i/3) / (1 + Rb_i/3), Rb = (2 danger - max - min) / (max - min).

    Rb = 0 (every r = 1) when all dangers are equal within ``RISK_TOL``.
    """
    hi = dangers.max(axis=1, keepdims=True)
    lo = dangers.min(axis=1, keepdims=True)
    scale = np.maximum(1.0, np.maximum(np.abs(hi), np.abs(lo)))
    flat = hi - lo <= RISK_TOL * scale
    spread = np.where(flat, 1.0, hi - lo)
    rb = np.where(flat, 0.0, (2 * dangers - hi - lo) / spread)
    return (1 - rb / 3) / (1 + rb / 3)
