"""Bargains between an initiator and its target (spec §6b) and their value to every actor (§6c).

Each initiator i with a target j yields one or two bargains, each a pair (b_init, b_rcvr) of
K-vectors on the [0, 1] scale: b_init for i, b_rcvr for j.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from accord.models.base import FloatArray
from accord.models.smp import kernel
from accord.models.smp.params import BargainModel, InterVecBargain
from accord.models.smp.utility import beta, distance_to

IntArray = NDArray[np.intp]
TINY_W = 1e-6


def r4(z: FloatArray) -> FloatArray:
    """Round to the 1e-4 grid as KTAB does: floor(0.5 + 1e4 z) / 1e4."""
    return np.floor(0.5 + 1e4 * z) / 1e4


def interpolate(
    t_i: FloatArray,
    t_j: FloatArray,
    s_i: FloatArray,
    s_j: FloatArray,
    p_i: FloatArray,
    p_j: FloatArray,
    how: InterVecBargain,
) -> tuple[FloatArray, FloatArray]:
    """Return (b_i, b_j) per dimension for positions t, saliences s (..., K) and p (..., 1)."""
    if how == "s2pmax":
        d_i = np.maximum(0.0, p_j - p_i)
        d_j = np.maximum(0.0, p_i - p_j)
        e_i = d_i * s_j * s_j / (d_i * s_j * s_j + TINY_W + (1.0 - d_i) * s_i * s_i)
        e_j = d_j * s_i * s_i / (d_j * s_i * s_i + TINY_W + (1.0 - d_j) * s_j * s_j)
        return t_i + e_i * (t_j - t_i), t_j + e_j * (t_i - t_j)
    if how == "s2p2":
        w_i = (s_i * s_i) * (p_i * p_i)
        w_j = (s_j * s_j) * (p_j * p_j)
    else:
        w_i = s_i * p_i
        w_j = s_j * p_j
    den = w_i + TINY_W + w_j
    b_i = r4(((w_i + TINY_W) * t_i + w_j * t_j) / den)
    b_j = r4((w_i * t_i + (w_j + TINY_W) * t_j) / den)
    return b_i, b_j


def make_bargains(
    x: FloatArray,
    sal: FloatArray,
    cap: FloatArray,
    sigma: FloatArray,
    target: IntArray,
    phi_init: FloatArray,
    gain_rcvr_view: FloatArray | None,
    how: InterVecBargain,
    model: BargainModel,
) -> tuple[FloatArray, FloatArray]:
    """Return b_init, b_rcvr, each (B, N initiators, V, K); V = 2 for init_rcvr_interp, else 1.

    phi_init : (B, N) phi of E(i, i, i, j); gain_rcvr_view : (B, N) Delta of E(j, i, i, j),
    which KTAB passes as the initiator's "probability" in the target's view (a quirk).
    """
    take = np.take_along_axis
    t_i = x
    t_j = take(x, target[..., None], axis=1)
    s_i = sal
    s_j = take(sal, target[..., None], axis=1)
    p = phi_init[..., None]
    own = interpolate(t_i, t_j, s_i, s_j, p, 1.0 - p, how)
    if model == "init_only_interp":
        return own[0][:, :, None, :], own[1][:, :, None, :]
    assert gain_rcvr_view is not None
    q = gain_rcvr_view[..., None]
    other = interpolate(t_i, t_j, s_i, s_j, q, 1.0 - q, how)
    if model == "init_rcvr_interp":
        return np.stack([own[0], other[0]], axis=2), np.stack([own[1], other[1]], axis=2)
    # pw_comp_interp: weights c_i sigma_i (own view) and c_i sigma_j (target's view), a quirk.
    w_own = (cap * sigma)[..., None]
    w_oth = (cap * take(sigma, target, axis=1))[..., None]
    b_i = (w_own * own[0] + w_oth * other[0]) / (w_own + w_oth)
    b_j = (w_own * own[1] + w_oth * other[1]) / (w_own + w_oth)
    return b_i[:, :, None, :], b_j[:, :, None, :]


def bargain_values(
    x: FloatArray,
    s2: FloatArray,
    r: FloatArray,
    u_true: FloatArray,
    target: IntArray,
    b_init: FloatArray,
    b_rcvr: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Return every actor's value of the status quo (B, N) and of each bargain (B, N, N, V).

    The value of bargain m to actor a is the mean over all N positions of a's true utility with
    the two parties' positions replaced by the bargain's.
    """
    n = u_true.shape[-1]
    row = u_true.sum(axis=-1)  # (B, A)
    sq = row / n
    if kernel.use_compiled_distances(n, x.shape[-1]):
        # the same numbers, bit for bit, with no (B, A, I, V, K) temporaries
        flat = kernel.bargain_values(x, s2, r, u_true, row, target, b_init, b_rcvr)
        return sq, flat.reshape(*u_true.shape, b_init.shape[2])
    u_rcvr = np.take_along_axis(u_true, target[:, None, :], axis=2)  # [b, a, i] = U_a,j(i)
    ideal = x[:, :, None, None, :]  # (B, A, 1, 1, K)
    w = s2[:, :, None, None, :]
    ra = r[:, :, None, None]
    d_init = distance_to(ideal, w, b_init[:, None])  # (B, A, I, V)
    d_rcvr = distance_to(ideal, w, b_rcvr[:, None])
    base = row[:, :, None] - u_true - u_rcvr  # (B, A, I): u_true[b, a, i] = U_a,i
    val = (base[..., None] + beta(d_init, ra) + beta(d_rcvr, ra)) / n
    return sq, val
