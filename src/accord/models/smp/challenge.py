"""Challenge evaluation E(h, k, i, j) -> (phi, Delta) and target choice (spec §5, §6a).

:func:`evaluate` works on any batch of (perspective h, initiator i, target j) triples whose
perspective utilities are given as arrays broadcastable to a common shape ``S`` (principal
terms) and ``S + (N,)`` (one entry per potential third party n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.models.base import FloatArray
from accord.models.smp import kernel
from accord.models.smp.params import ThirdPartyCommit, VotingRule
from accord.models.smp.pce import vote
from accord.models.smp.utility import beta

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
TINY_S = 1e-10
CHALLENGE_BLOCK = 1 << 17
"""Elements of one (draws, initiators, targets, third parties) block; small blocks stay in cache."""
TARGET_MIN_GAIN = 1e-5
"""A target qualifies only when the initiator expects to gain more than this."""
TARGET_TIE_TOL = 1e-12
"""Gains within this of the largest count as equal (then the lowest index j is the target).

Without it a tie that is exact in real arithmetic (two targets at equal distances) would be
decided by rounding noise, which differs between a scenario and its mirror image (x -> 1 - x).
"""


@dataclass(frozen=True)
class Perspective:
    """h's utilities for a batch of challenges i -> j (all arrays broadcast together).

    u_ii, u_ij, u_ji, u_jj : principals' utilities, shape ``S``.
    u_ni, u_nj, u_nn : every actor n's utility of i's position, j's and its own, ``S + (N,)``.
    third : whether n is a third party (n not in {i, j}), ``S + (N,)``.
    """

    u_ii: FloatArray
    u_ij: FloatArray
    u_ji: FloatArray
    u_jj: FloatArray
    u_ni: FloatArray
    u_nj: FloatArray
    u_nn: FloatArray
    third: FloatArray


def win_probability(
    u: Perspective,
    w_i: FloatArray,
    w_j: FloatArray,
    w_n: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> FloatArray:
    """Return phi = S_i / (S_i + S_j), the estimated chance that i's challenge succeeds.

    w_i, w_j : principals' weights c sigma (shape ``S``); w_n : every actor's, ``S + (N,)``.

    A third party n weighs siding with i, worth p A1 + q A2, against siding with j, worth
    p A3 + q A4 (spec §5). Under ``no`` and ``full`` commitment A1 = A3 and A2 = A4, so every
    third party's final vote is exactly zero and phi rests on the principals. Under ``semi``
    the difference is computed as Y + p (A - Y) with A = u_nn - u_ni and Y = u_nj - u_nn, the
    same quantity in fewer array passes.
    """
    a_i = vote(w_i, u.u_ii - u.u_ij, rule)
    a_j = vote(w_j, u.u_ji - u.u_jj, rule)
    s_i0 = TINY_S + np.maximum(a_i, 0.0) + np.maximum(a_j, 0.0)
    s_j0 = TINY_S + np.maximum(-a_i, 0.0) + np.maximum(-a_j, 0.0)
    if commit != "semi":
        return s_i0 / (s_i0 + s_j0)
    v = vote(w_n, u.u_ni - u.u_nj, rule)
    num = np.maximum(v, 0.0)
    num += s_i0[..., None]  # S_i0 + v+
    np.negative(v, out=v)
    np.maximum(v, 0.0, out=v)  # v-
    den = num + s_j0[..., None]
    den += v
    p = np.divide(num, den, out=num)
    y = u.u_nj - u.u_nn
    gap = (u.u_nn - u.u_ni) - y
    gap *= p
    gap += y  # p (A1 - A3) + q (A2 - A4)
    vn = vote(w_n, gap, rule)
    vn *= u.third
    pos = np.maximum(vn, 0.0)
    np.negative(vn, out=vn)
    np.maximum(vn, 0.0, out=vn)
    s_i = s_i0 + pos.sum(axis=-1)
    s_j = s_j0 + vn.sum(axis=-1)
    return s_i / (s_i + s_j)


def expected_gain(
    phi: FloatArray, u_ki: FloatArray, u_kj: FloatArray, sigma_j: FloatArray
) -> FloatArray:
    """Return Delta = E_chlg - E_SQ, k's expected change in utility from the challenge."""
    e_sq = u_ki + u_kj
    e_chlg = (1.0 - sigma_j) * 2.0 * u_ki + sigma_j * (phi * 2.0 * u_ki + (1.0 - phi) * 2.0 * u_kj)
    return e_chlg - e_sq


def all_challenges(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[FloatArray, FloatArray]:
    """Return phi[b, i, j] and Delta[b, i, j] = E(i, i, i, j) for every ordered pair.

    dist : D[b, a, m] = d_a(x_m); r_h : R^h_a[b, h, a]; omega = c sigma and sigma : (B, N).
    Computed in blocks of draws and initiators so that temporaries stay small.
    """
    b, n, _ = dist.shape
    phi = np.zeros((b, n, n))
    gain = np.zeros((b, n, n))
    draw_step = max(1, min(b, CHALLENGE_BLOCK // (n * n)))
    init_step = max(1, CHALLENGE_BLOCK // (draw_step * n * n))
    for b0 in range(0, b, draw_step):
        rows = slice(b0, b0 + draw_step)
        for i0 in range(0, n, init_step):
            ii = np.arange(i0, min(n, i0 + init_step))
            ph, ga = _challenge_block(
                dist[rows], r_h[rows], omega[rows], sigma[rows], ii, rule, commit
            )
            phi[rows, i0 : i0 + ii.size] = ph
            gain[rows, i0 : i0 + ii.size] = ga
    return phi, gain


def _challenge_block(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    ii: IntArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[FloatArray, FloatArray]:
    """Return (phi, Delta) of E(i, i, i, j) for the initiators ``ii`` and every j, (B, I, N)."""
    n = dist.shape[-1]
    idx = np.arange(n)
    dt = np.swapaxes(dist, 1, 2)  # dt[b, m, a] = d_a(x_m)
    d_self = np.diagonal(dist, axis1=1, axis2=2)  # d_n(x_n), (B, N)
    rh = r_h[:, ii, :]  # (B, I, N): R^i_n
    u_ni = beta(dt[:, ii, :], rh)  # U^i_{n,i}: (B, I, N)
    u_nn = beta(d_self[:, None, :], rh)  # U^i_{n,n}: (B, I, N)
    u_nj = beta(dt[:, None, :, :], rh[:, :, None, :])  # U^i_{n,j}: (B, I, J, N)
    r_self = r_h[:, ii, ii][:, :, None]  # R^i_i = R_i: (B, I, 1)
    u_ii = beta(d_self[:, ii, None], r_self)  # U^i_{i,i}: (B, I, 1)
    u_ij = beta(dist[:, ii, :], r_self)  # U^i_{i,j}: (B, I, J)
    third = (idx[None, :, None] != idx[None, None, :]) & (ii[:, None, None] != idx[None, None, :])
    persp = Perspective(
        u_ii=u_ii,
        u_ij=u_ij,
        u_ji=u_ni,  # U^i_{j,i} is entry n = j of U^i_{n,i}: (B, I, J)
        u_jj=u_nn,  # U^i_{j,j}: (B, I, J)
        u_ni=u_ni[:, :, None, :],
        u_nj=u_nj,
        u_nn=u_nn[:, :, None, :],
        third=third[None],  # (1, I, J, N): n not in {i, j}
    )
    ph = win_probability(
        persp, omega[:, ii, None], omega[:, None, :], omega[:, None, None, :], rule, commit
    )
    return ph, expected_gain(ph, u_ii, u_ij, sigma[:, None, :])


def choose_targets(gain: FloatArray) -> tuple[IntArray, BoolArray]:
    """Return each actor's target (largest gain above 1e-5, ties to the lowest j) and a flag.

    Gains within ``TARGET_TIE_TOL`` of the largest tie. The tie rule goes by actor index, as
    KTAB's does, never by position, so it treats both ends of the scales alike.
    """
    n = gain.shape[-1]
    g = np.where(np.eye(n, dtype=bool)[None], -np.inf, gain)
    g = np.where(g > TARGET_MIN_GAIN, g, -np.inf)
    best = g.max(axis=-1, keepdims=True)
    target = np.argmax(g >= best - TARGET_TIE_TOL, axis=-1)
    has = np.isfinite(best[..., 0])
    return target, has


def best_challenges(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[IntArray, BoolArray, FloatArray, FloatArray]:
    """Return each initiator's target, whether it has one, and phi and Delta of E(i, i, i, j).

    The compiled kernel (:func:`.kernel.targets`, which skips targets that cannot be chosen)
    runs when :func:`.kernel.use_compiled` says so; otherwise :func:`all_challenges` and
    :func:`choose_targets`, the reference. Both give the same targets, and phi and Delta of
    them to rounding (1e-15).
    """
    n = dist.shape[1]
    if kernel.use_compiled(n):
        target, has, phi_t, gain_t, _ = kernel.targets(
            dist, r_h, omega, sigma, rule, commit == "semi"
        )
        return target, has, phi_t, gain_t
    phi, gain = all_challenges(dist, r_h, omega, sigma, rule, commit)
    target, has = choose_targets(gain)
    phi_t = np.take_along_axis(phi, target[..., None], axis=-1)[..., 0]
    gain_t = np.take_along_axis(gain, target[..., None], axis=-1)[..., 0]
    return target, has, phi_t, gain_t


def receiver_view(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    target: IntArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[FloatArray, FloatArray]:
    """Return (phi, Delta) of E(j, i, i, j) for every initiator i and its target j = target[i].

    This is the target's estimate of the challenge, with the gain to the initiator.
    """
    b, n, _ = dist.shape
    bi = np.arange(b)[:, None]
    ii = np.arange(n)[None, :]
    jj = target
    dt = np.swapaxes(dist, 1, 2)  # dt[b, m, a] = d_a(x_m)
    d_self = np.diagonal(dist, axis1=1, axis2=2)
    rh = r_h[bi, jj, :]  # R^j_n: (B, I, N)
    u_ni = beta(dt[bi, ii, :], rh)  # U^j_{n,i}
    u_nj = beta(dt[bi, jj, :], rh)  # U^j_{n,j}
    u_nn = beta(d_self[:, None, :], rh)  # U^j_{n,n}
    take = np.take_along_axis
    u_ii = take(u_ni, ii[..., None].repeat(b, 0), axis=-1)[..., 0]
    u_ij = take(u_nj, ii[..., None].repeat(b, 0), axis=-1)[..., 0]
    u_ji = take(u_ni, jj[..., None], axis=-1)[..., 0]
    u_jj = take(u_nn, jj[..., None], axis=-1)[..., 0]
    nn = np.arange(n)
    third = (nn[None, None, :] != ii[..., None]) & (nn[None, None, :] != jj[..., None])
    persp = Perspective(u_ii, u_ij, u_ji, u_jj, u_ni, u_nj, u_nn, third)
    w_j = take(omega, jj, axis=-1)
    ph = win_probability(persp, omega, w_j, omega[:, None, :], rule, commit)
    sig_j = take(sigma, jj, axis=-1)
    return ph, expected_gain(ph, u_ii, u_ij, sig_j)
