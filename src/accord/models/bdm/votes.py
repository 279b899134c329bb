"""Votes of the BDM expected-utility model: pairwise vote sums, probabilities, median, mean.

Everything works on a batch of one-issue problems: ``x``, ``w`` (capability x salience), ``r``
(risk exponents) are (B, n) arrays, ``big_r`` (the issue's range R) is (B,).

The spec's vote of voter k for position a over position b is
``v_k(a, b) = w_k ((|x_k - b| / R)^r_k - (|x_k - a| / R)^r_k)``. Summing ``max(0, v_k)`` over
voters for every pair of actors is an n^3 computation per problem when done literally. In one
dimension it is not needed: v_k(x_i, x_j) > 0 exactly for the voters nearer to x_i than to x_j,
i.e. the voters on x_i's side of the midpoint (x_i + x_j) / 2. With actors (= voters) sorted by
position those form a contiguous run, so the sum is a difference of prefix sums of ``w_k g_k(x_a)``
(g_k(y) = (|x_k - y| / R)^r_k) and costs n^2 per problem (:func:`preference_sums`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MEDIAN_TOL = 1e-12
"""A position replaces the median champion when its vote margin exceeds this x total weight.

The spec's test is ``margin > 0``; the tolerance keeps rounding noise (summation order) from
deciding exact ties, which in exact arithmetic have margin 0.
"""


DIRECT_COUNT_MAX = 16
"""Up to this many actors the midpoint counts compare every voter directly (n^3 bytes)."""


def count_below(sorted_rows: FloatArray, query: FloatArray) -> IntArray:
    """Return, per query, how many entries of its row of ``sorted_rows`` are strictly smaller.

    ``sorted_rows`` is (B, n), each row ascending; ``query`` is (B, ...). Small n: every entry
    is compared with every query. One row: ``np.searchsorted``. Otherwise a branch-free batched
    binary search (rows padded with +inf to a power of two; ``bit_length(n)`` vectorised
    steps). No loop over rows in any case.
    """
    b, n = sorted_rows.shape
    q = query.reshape(b, -1)
    if n <= DIRECT_COUNT_MAX:
        below = sorted_rows.T[:, :, None] < q[None, :, :]  # (voter, B, queries)
        counts = np.add.reduce(below.view(np.uint8), axis=0, dtype=np.int16)
        return counts.astype(np.intp).reshape(query.shape)
    if b == 1:
        return np.searchsorted(sorted_rows[0], q[0], side="left").reshape(query.shape)
    step = 1 << (int(n).bit_length() - 1)
    width = 2 * step
    padded = np.full((b, width), np.inf)
    padded[:, :n] = sorted_rows
    flat = padded.ravel()
    base = (np.arange(b, dtype=np.intp) * width - 1)[:, None]
    pos = np.zeros(q.shape, dtype=np.intp)
    while step:
        # pos counts entries known to be below q; look ``step`` entries further
        pos += step * (np.take(flat, base + pos + step) < q)
        step >>= 1
    return pos.reshape(query.shape)


@dataclass(frozen=True, eq=False)
class Geometry:
    """Pairwise geometry of positions sorted ascending in every row, (B, n) -> (B, n, n).

    gap = |x_i - x_j|; d = gap / R; left, right = x_i < x_j, x_i > x_j.
    flat_cut: flat index of cum[b, m_ij, j] in a (B, n + 1, n) array, where
    m_ij = #{k: x_k < (x_i + x_j) / 2} (symmetric in i, j). If x_i < x_j the voters
    [0, m_ij) prefer x_i; if x_i > x_j the voters [m_ij, n) do (voters exactly at the midpoint
    may be counted; their vote is 0 in exact arithmetic).
    """

    gap: FloatArray
    d: FloatArray
    left: NDArray[np.bool_]
    right: NDArray[np.bool_]
    flat_cut: IntArray

    @classmethod
    def of(cls, xs: FloatArray, big_r: FloatArray) -> Geometry:
        """Return the geometry of sorted positions ``xs`` (B, n) with ranges ``big_r`` (B,)."""
        b, n = xs.shape
        xi = xs[:, :, None]
        xj = xs[:, None, :]
        gap = np.abs(xi - xj)
        cut = count_below(xs, 0.5 * (xi + xj))
        base = (np.arange(b) * (n + 1))[:, None, None]
        flat_cut = (base + cut) * n + np.arange(n)[None, None, :]
        # d never exceeds 1 in exact arithmetic (positions lie on the range); rounding can push
        # it a hair above, where (0.5 - 0.5 d) ** r would turn NaN.
        d = np.minimum(gap / big_r[:, None, None], 1.0)
        return cls(gap, d, xi < xj, xi > xj, flat_cut)


def preference_sums(geo: Geometry, w: FloatArray, r: FloatArray | None) -> FloatArray:
    """Return N with ``N[b, i, j] = sum_k max(0, v_k(x_i, x_j))`` (r=None means every r_k = 1).

    Voters k are the (sorted) actors themselves, so g_k(x_a) = d[k, a]^r_k. With
    cum[b, m, a] = sum of w_k g_k(x_a) over the m leftmost voters, H_ij = cum[m_ij, j] and
    K = H - H^T: N_ij = K_ij if x_i < x_j, (T_j - T_i) - K_ij if x_i > x_j (T = cum[n]),
    0 if x_i = x_j. Cost O(B n^2) time and memory instead of the literal O(B n^3).
    """
    g = geo.d if r is None else geo.d ** r[:, :, None]
    b, n = w.shape
    cum = np.zeros((b, n + 1, n))
    np.cumsum(g * w[:, :, None], axis=1, out=cum[:, 1:, :])
    h = np.take(cum, geo.flat_cut)
    k = h - h.transpose(0, 2, 1)
    total = cum[:, n, :]
    right = (total[:, None, :] - total[:, :, None]) - k
    top = np.where(geo.left, k, np.where(geo.right, right, 0.0))
    return np.maximum(top, 0.0, out=top)


def probabilities(top: FloatArray, variant: str) -> FloatArray:
    """Return P[b, i, j], the chance that x_i prevails over x_j, from :func:`preference_sums`.

    ``scholz``: one global denominator per problem, the sum of |v_k(x_a, x_b)| over all voters
    and ordered pairs; since |v| = max(0, v(a, b)) + max(0, v(b, a)) it equals 2 sum(N). 0 when
    nobody votes. ``paper``: N_ij / (N_ij + N_ji), 0.5 when no voter cares about the pair.
    """
    if variant == "scholz":
        total = 2.0 * top.sum(axis=(1, 2))
        safe = np.where(total > 0, total, 1.0)
        return np.where(total[:, None, None] > 0, top / safe[:, None, None], 0.0)
    both = top + top.transpose(0, 2, 1)
    safe = np.where(both > 0, both, 1.0)
    return np.where(both > 0, top / safe, 0.5)


def median_walk(x: FloatArray, w: FloatArray, big_r: FloatArray) -> FloatArray:
    """Return the spec's median (step 2) of each row, vectorised, ties to the midpoint.

    With every r = 1 the vote margin of a over b is F(b) - F(a) with the convex function
    F(y) = sum_k w_k |x_k - y| / R. The positions whose F is (within ``MEDIAN_TOL``) minimal
    are the tied medians: a single position, or, when the weight splits evenly, every position
    from the lower to the upper weighted median (F is flat between them). The spec's walk over
    ascending positions ends on the lowest of them, the same walk downwards on the highest; the
    median is the midpoint of the two, which does not depend on which end of the scale is low
    (and is the weighted median of :mod:`accord.models.weights`).
    """
    dist = np.abs(x[:, :, None] - x[:, None, :]) / big_r[:, None, None]
    f = (w[:, :, None] * dist).sum(axis=1)  # F at each actor's position
    slack = MEDIAN_TOL * w.sum(axis=1, keepdims=True)
    near = f <= f.min(axis=1, keepdims=True) + slack
    lowest = np.where(near, x, np.inf).min(axis=1)
    highest = np.where(near, x, -np.inf).max(axis=1)
    return 0.5 * (lowest + highest)  # exactly the position when only one is tied


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Return sum(w x) / sum(w) per row."""
    with np.errstate(invalid="ignore", divide="ignore"):  # no weight at all: NaN, reported
        return (w * x).sum(axis=1) / w.sum(axis=1)
