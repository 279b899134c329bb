"""One SMP state and one turn (spec §4, §6, §8), vectorised over the draw axis.

A :class:`Context` holds what does not change during a run (capabilities, saliences); a
:class:`State` holds what KTAB recomputes for every state before anything else (distances, risk
attitudes, true utilities). :func:`take_turn` moves every actor simultaneously.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.models.base import FloatArray
from accord.models.smp import kernel
from accord.models.smp.bargain import bargain_values, make_bargains
from accord.models.smp.challenge import best_challenges, receiver_view
from accord.models.smp.params import SMPParams
from accord.models.smp.pce import pce
from accord.models.smp.utility import (
    beta,
    distance_matrix,
    distance_to,
    distance_weights,
    perceived_risk,
    risk_attitudes,
)

IntArray = NDArray[np.intp]
POS_TOL = 1e-3
"""Two positions closer than this (Euclidean, [0, 1] scale) count as one when reporting."""
PICK_TOL = 1e-12
"""Deterministic mode: options whose probabilities lie within this of the largest tie, and the
first of them (the status quo, then the lowest option index) is taken. Without it rounding
noise, which differs between a scenario and its mirror image, would decide exact ties."""


@dataclass(frozen=True)
class Context:
    """Fixed inputs of a batch of draws: cap (B, N), sal (B, N, K) and derived weights."""

    cap: FloatArray
    sal: FloatArray
    sigma: FloatArray
    s2: FloatArray
    omega: FloatArray

    @classmethod
    def build(cls, cap: FloatArray, sal: FloatArray) -> Context:
        """Derive total salience, distance weights and challenge weights c sigma."""
        sigma = sal.sum(axis=-1)
        return cls(cap, sal, sigma, distance_weights(sal), cap * sigma)

    def take(self, rows: IntArray) -> Context:
        """Return the context of some draws."""
        return Context(
            self.cap[rows], self.sal[rows], self.sigma[rows], self.s2[rows], self.omega[rows]
        )


@dataclass(frozen=True)
class State:
    """What every actor knows about one state: D (B, N, N), R (B, N), U_true (B, N, N)."""

    dist: FloatArray
    risk: FloatArray
    u_true: FloatArray

    def take(self, rows: IntArray) -> State:
        """Return the state of some draws."""
        return State(self.dist[rows], self.risk[rows], self.u_true[rows])


def evaluate_state(ctx: Context, x: FloatArray, params: SMPParams) -> State:
    """Compute distances, the risk-neutral PCE over all N positions, R and true utilities."""
    dist = distance_matrix(x, ctx.s2, x)
    pi0 = pce(ctx.cap, 1.0 - dist, params.voting_rule, params.vp_model, params.pce_model)
    r = risk_attitudes(pi0, params.big_r_range)
    return State(dist, r, beta(dist, r[:, :, None]))


def _close(x: FloatArray) -> NDArray[np.bool_]:
    """Return whether each pair of actors is closer than ``POS_TOL``, (B, N, N)."""
    b, n, k = x.shape
    sq = np.zeros((b, n, n))
    for d in range(k):
        diff = x[:, :, None, d] - x[:, None, :, d]
        sq += diff * diff
    return np.asarray(np.sqrt(sq) < POS_TOL)


def ktab_unique_positions(x: FloatArray, close: NDArray[np.bool_] | None = None) -> IntArray:
    """Return each actor's representative as KTAB finds it, (B, N).

    Actors are scanned in order; an actor joins the first earlier representative closer than
    ``POS_TOL``, or becomes a representative itself. This depends on the order in which the
    actors are listed whenever three positions lie within ``POS_TOL`` of one another in a
    chain; it is kept for the reported win probabilities only (KTAB's output, reproduced).
    """
    b, n, _ = x.shape
    close = _close(x) if close is None else close
    is_rep = np.zeros((b, n), dtype=bool)
    rep = np.zeros((b, n), dtype=np.intp)
    for a in range(n):
        cand = close[:, a, :a] & is_rep[:, :a]
        found = cand.any(axis=-1)
        rep[:, a] = np.where(found, np.argmax(cand, axis=-1) if a else 0, a)
        is_rep[:, a] = ~found
    return rep


def unique_positions(
    x: FloatArray, close: NDArray[np.bool_] | None = None
) -> tuple[IntArray, FloatArray]:
    """Return each actor's cluster and each cluster's position, independently of actor order.

    Two actors belong to one cluster when a chain of actors, each closer than ``POS_TOL``
    (Euclidean, [0, 1] scale) to the next, links them: the connected components of the
    "closer than POS_TOL" graph (single linkage). KTAB's scan (:func:`ktab_unique_positions`)
    made one cluster or two of actors at 54.43, 54.45 and 54.53 (on 0-100) depending on which
    came first, and so moved the forecast by up to 4% of the scale. A cluster is named by its
    lowest actor index (its representative) and sits at the mean of its members' positions,
    which is exactly their position when they coincide (the usual case: actors that took the
    same bargain).

    Returns
    -------
    rep : (B, N) the representative of each actor's cluster
    centre : (B, N, K) each representative's cluster position (other rows: the actor's own)

    """
    b, n, _ = x.shape
    close = _close(x) if close is None else close
    rep = np.broadcast_to(np.arange(n), (b, n)).copy()
    for _ in range(n):  # min-label propagation: at most the longest chain's length
        nxt = np.where(close, rep[:, None, :], n).min(axis=-1)
        if np.array_equal(nxt, rep):
            break
        rep = nxt
    is_rep = rep == np.arange(n)
    centre = x.copy()
    shared = (~is_rep).any(axis=-1)
    if shared.any():
        rows = np.flatnonzero(shared)
        r = rep[rows]
        member = r[:, :, None] == np.arange(n)  # (R, actor, cluster)
        size = member.sum(axis=1)  # (R, cluster)
        # mean offset from the representative: exactly 0 when the members coincide
        offset = x[rows] - np.take_along_axis(x[rows], r[:, :, None], axis=1)
        mean = np.einsum("ran,rak->rnk", member, offset) / np.maximum(size, 1)[:, :, None]
        centre[rows] = np.where(is_rep[rows][:, :, None], x[rows] + mean, x[rows])
    return rep, centre


def _election(
    ctx: Context, x: FloatArray, state: State, params: SMPParams, rep: IntArray, at: FloatArray
) -> FloatArray:
    """Return the probability of each representative's position (B, N; 0 elsewhere).

    The election is among the representatives' positions ``at`` (B, N, K), each actor judging
    them by its own true utilities.
    """
    b, n, _ = x.shape
    count = (rep == np.arange(n)).sum(axis=-1)
    per_rep = np.zeros((b, n))
    for m in np.unique(count):
        rows = np.flatnonzero(count == m)
        cols = np.sort(np.unique(rep[rows], axis=None)) if rows.size == 1 else None
        if cols is not None:
            col_idx = cols[None, :]
        else:
            flags = np.zeros((rows.size, n), dtype=bool)
            np.put_along_axis(flags, rep[rows], True, axis=1)
            col_idx = np.nonzero(flags)[1].reshape(rows.size, int(m))
        util = np.take_along_axis(state.u_true[rows], col_idx[:, None, :], axis=2)
        point = np.take_along_axis(at[rows], col_idx[:, :, None], axis=1)  # (R, M, K)
        moved = (point != np.take_along_axis(x[rows], col_idx[:, :, None], axis=1)).any(axis=-1)
        if moved.any():  # a cluster of distinct positions: utilities of its mean position
            ideal, s2 = x[rows][:, :, None, :], ctx.s2[rows][:, :, None, :]
            at_mean = beta(distance_to(ideal, s2, point[:, None]), state.risk[rows][:, :, None])
            util = np.where(moved[:, None, :], at_mean, util)
        p = pce(ctx.cap[rows], util, params.voting_rule, params.vp_model, params.pce_model)
        per_rep[rows[:, None], col_idx] = p
    return per_rep


def reported_probabilities(
    ctx: Context, x: FloatArray, state: State, params: SMPParams
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return KTAB's reported win probabilities and the clusters behind the forecast.

    Returns each actor's reported probability (B, N), as KTAB reports it (its scan of the
    actors in order, :func:`ktab_unique_positions`); the probability of each cluster of
    :func:`unique_positions` at its representative (B, N; zero for the other actors); and each
    representative's cluster position (B, N, K). The last two do not depend on actor order and
    give the forecast; the two clusterings coincide (and the election is computed once) unless
    some positions lie within ``POS_TOL`` of one another without coinciding.
    """
    close = _close(x)
    ktab = ktab_unique_positions(x, close)
    per_ktab = _election(ctx, x, state, params, ktab, x)
    rep, centre = unique_positions(x, close)
    per_rep = per_ktab.copy()
    differ = (rep != ktab).any(axis=-1) | (centre != x).any(axis=(1, 2))
    if differ.any():
        rows = np.flatnonzero(differ)
        sub = Context(ctx.cap[rows], ctx.sal[rows], ctx.sigma[rows], ctx.s2[rows], ctx.omega[rows])
        per_rep[rows] = _election(sub, x[rows], state.take(rows), params, rep[rows], centre[rows])
    return np.take_along_axis(per_ktab, ktab, axis=1), per_rep, centre


@dataclass(frozen=True)
class TurnRecord:
    """What happened in one turn, for events (indices are within the batch passed in)."""

    target: IntArray
    has_target: NDArray[np.bool_]
    phi: FloatArray
    gain: FloatArray
    b_init: FloatArray
    b_rcvr: FloatArray
    choice_initiator: IntArray
    choice_view: IntArray
    choice_prob: FloatArray
    n_options: IntArray


def _adopt(
    new_x: FloatArray,
    ch_i: IntArray,
    ch_v: IntArray,
    rb: IntArray,
    rk: IntArray,
    option: IntArray,
    views: int,
    b_init: FloatArray,
    b_rcvr: FloatArray,
) -> None:
    """Move actor rk of draw rb to its side of the chosen bargain (option = initiator V + view).

    The initiator takes the bargain's b_init, its target b_rcvr; the initiator and view are
    recorded in ``ch_i`` and ``ch_v``.
    """
    ini, view = np.divmod(option, views)
    pos = np.where((ini == rk)[:, None], b_init[rb, ini, view], b_rcvr[rb, ini, view])
    new_x[rb, rk] = pos
    ch_i[rb, rk] = ini
    ch_v[rb, rk] = view


def take_turn(
    ctx: Context,
    x: FloatArray,
    state: State,
    params: SMPParams,
    uniforms: FloatArray | None = None,
) -> tuple[FloatArray, TurnRecord]:
    """Return the positions after one simultaneous turn, (B, N, K), and a record of it.

    ``uniforms`` (B, N) are the random numbers of stochastic mode, one per actor.
    """
    b, n, _ = x.shape
    r_h = perceived_risk(state.risk, params.big_r_adjust)
    target, has, phi_t, gain_t = best_challenges(
        state.dist, r_h, ctx.omega, ctx.sigma, params.voting_rule, params.third_party_commit
    )
    rcvr_gain = None
    if params.bargain_model != "init_only_interp":
        _, rcvr_gain = receiver_view(
            state.dist,
            r_h,
            ctx.omega,
            ctx.sigma,
            target,
            params.voting_rule,
            params.third_party_commit,
        )
    b_init, b_rcvr = make_bargains(
        x,
        ctx.sal,
        ctx.cap,
        ctx.sigma,
        target,
        phi_t,
        rcvr_gain,
        params.inter_vec_bargain,
        params.bargain_model,
    )
    views = b_init.shape[2]
    sq_val, val = bargain_values(x, ctx.s2, state.risk, state.u_true, target, b_init, b_rcvr)
    val = val.reshape(b, n, n * views)  # option o = i * V + v

    # Which bargains involve actor k: those it initiated and those aimed at it.
    idx = np.arange(n)
    mine = idx[None, :, None] == idx[None, None, :]
    inv = has[:, None, :] & (mine | (target[:, None, :] == idx[None, :, None]))
    inv = np.repeat(inv, views, axis=2)  # (B, actor k, option o)
    count = inv.sum(axis=-1)
    # each (draw, actor)'s involved options in ascending order, one row after the other
    involved = np.nonzero(inv.reshape(b * n, -1))[1]
    first = np.concatenate([[0], np.cumsum(count.ravel())[:-1]])  # where each row's start

    new_x = x.copy()
    ch_i = np.full((b, n), -1, dtype=np.intp)
    ch_v = np.zeros((b, n), dtype=np.intp)
    ch_p = np.ones((b, n))
    if uniforms is None and params.pce_model == "conditional" and kernel.use_compiled(n):
        # every (draw, actor)'s election in one compiled pass (same steps as the loop below)
        flat_pick, flat_p = kernel.option_elections(
            ctx.cap,
            sq_val,
            val,
            involved,
            first,
            count.ravel(),
            params.voting_rule,
            params.vp_model,
            PICK_TOL,
        )
        pick = flat_pick.reshape(b, n)
        ch_p = flat_p.reshape(b, n)
        rb, rk = np.nonzero(pick > 0)
        option = involved[first[rb * n + rk] + pick[rb, rk] - 1]
        _adopt(new_x, ch_i, ch_v, rb, rk, option, views, b_init, b_rcvr)
        record = TurnRecord(target, has, phi_t, gain_t, b_init, b_rcvr, ch_i, ch_v, ch_p, count + 1)
        return new_x, record
    for m in np.unique(count):
        rows_b, rows_k = np.nonzero(count == m)
        opts = involved[first[rows_b * n + rows_k][:, None] + np.arange(m)]  # (R, m)
        util = np.concatenate(
            [sq_val[rows_b][:, :, None], val[rows_b[:, None], :, opts].transpose(0, 2, 1)],
            axis=2,
        )  # (R, A, m + 1): SQ first
        p = pce(ctx.cap[rows_b], util, params.voting_rule, params.vp_model, params.pce_model)
        if uniforms is None:
            pick = np.argmax(p >= p.max(axis=-1, keepdims=True) - PICK_TOL, axis=-1)
        else:
            below = np.cumsum(p, axis=-1) < uniforms[rows_b, rows_k][:, None]
            pick = np.minimum(below.sum(axis=-1), m)
        ch_p[rows_b, rows_k] = p[np.arange(p.shape[0]), pick]
        moved = pick > 0
        if not np.any(moved):
            continue
        option = opts[moved, pick[moved] - 1]
        _adopt(new_x, ch_i, ch_v, rows_b[moved], rows_k[moved], option, views, b_init, b_rcvr)
    record = TurnRecord(target, has, phi_t, gain_t, b_init, b_rcvr, ch_i, ch_v, ch_p, count + 1)
    return new_x, record
