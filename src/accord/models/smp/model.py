"""The registered SMP model: maps accord's arrays to KTAB's space, runs turns, reports results."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from accord.models.base import Event, FloatArray, Model, Output, history_wanted
from accord.models.registry import register
from accord.models.smp import kernel
from accord.models.smp.params import SMPParams
from accord.models.smp.turn import (
    Context,
    TurnRecord,
    evaluate_state,
    reported_probabilities,
    take_turn,
)
from accord.scenario.arrays import ScenarioArrays

SALIENCE_TOL = 1e-9
"""Total saliences up to 1 + this count as valid KTAB input and are left untouched."""
RATIO_EPS = 1e-4
"""Added to the first step's size in the stopping ratio, as KTAB does."""


def ktab_saliences(salience: FloatArray) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Return saliences KTAB accepts, each actor's total and whether it was rescaled.

    KTAB requires each actor's total salience sigma_i = sum_k s_ik <= 1 (its overall attention).
    accord puts each issue's salience on its own 0-1 scale, so the total may exceed 1; such an
    actor's saliences are divided by sigma_i (its relative saliences, which set its distances,
    are unchanged). Valid KTAB inputs are used exactly as given.
    """
    total = salience.sum(axis=-1)
    rescale = total > 1.0 + SALIENCE_TOL
    scale = np.where(rescale, total, 1.0)
    return salience / scale[..., None], total, rescale


@dataclass
class SMPRun:
    """Per-draw histories of a run, in KTAB's [0, 1] space (see :func:`simulate`).

    positions, probabilities, rep_probabilities, rep_positions : one (B, N[, K]) array per
        state; a draw that has stopped repeats its last state. rep_probabilities holds the
        reported probability of each unique position (cluster) at its representative actor and
        0 elsewhere; rep_positions the cluster's position at its representative.
    rho : per draw, the stopping ratio of every step it took.
    events : (turn, positions before it, record) per turn; only when recording.
    """

    positions: list[FloatArray]
    probabilities: list[FloatArray]
    rep_probabilities: list[FloatArray]
    rep_positions: list[FloatArray]
    rho: list[list[float]]
    rounds: NDArray[np.int64]
    converged: NDArray[np.bool_]
    events: list[tuple[int, FloatArray, TurnRecord]] = field(default_factory=list)


KERNEL_SPEEDUP = 30.0
"""How much faster the N^3 part runs with the compiled kernels, for the cost estimate (measured
27x at 160 actors, more at 640; the estimate stays on the safe side)."""


TURN_OPS = 5e4
"""The fixed cost of one turn on the compiled path (its Python steps, ~2 ms), in operations."""


def expected_turns(n: int, params: SMPParams) -> int:
    """Return the turns a run of ``n`` actors is expected to take: about 3.4 sqrt(N)."""
    return min(params.max_turns, max(params.min_turns, math.ceil(3.4 * math.sqrt(n))))


def simulate(
    cap: FloatArray,
    x0: FloatArray,
    sal: FloatArray,
    params: SMPParams,
    rng: np.random.Generator,
    record: bool = False,
    history: bool = True,
) -> tuple[SMPRun, FloatArray]:
    """Run the SMP on a batch of draws in KTAB's space; return the histories and R of turn 0.

    Draws that have stopped are dropped from the computation and their last state is repeated.
    In stochastic mode each draw gets its own child generator of ``rng`` and takes one uniform
    number per actor and turn, in actor order, so a draw's path does not depend on the batch.

    ``history=False``: the positions of every turn are still returned (the caller keeps the
    first and last), and the reported probabilities (an election among the unique positions,
    about 40% of a turn's time) are computed only for each draw's final state, when it stops;
    ``probabilities``, ``rep_probabilities`` and ``rep_positions`` then hold that one state.
    The final state is identical either way (each draw's election is its own computation).
    """
    b, n, _ = x0.shape
    kernel.prepare(n)
    ctx = Context.build(cap, sal)
    x = x0.copy()
    state = evaluate_state(ctx, x, params)
    risk0 = state.risk.copy()
    if history:
        prob, per_rep, centre = reported_probabilities(ctx, x, state, params)
    else:  # every draw takes at least one turn (max_turns >= 1): filled in when it stops
        prob, per_rep, centre = np.zeros((b, n)), np.zeros((b, n)), x0.copy()
    run = SMPRun(
        positions=[x0.copy()],
        probabilities=[prob],
        rep_probabilities=[per_rep],
        rep_positions=[centre],
        rho=[[] for _ in range(b)],
        rounds=np.zeros(b, dtype=np.int64),
        converged=np.zeros(b, dtype=np.bool_),
    )
    gens = rng.spawn(b) if params.state_transition == "stochastic" else []
    active = np.arange(b)
    first = np.zeros(b)
    for t in range(1, params.max_turns + 1):
        if active.size == 0:
            break
        sub = ctx if active.size == b else ctx.take(active)
        uniforms = None
        if gens:
            uniforms = np.stack([gens[d].random(n) for d in active])
        old = x[active]
        new, rec = take_turn(sub, old, state, params, uniforms)
        if record:
            run.events.append((t, old, rec))
        step = np.sqrt(((new - old) ** 2).sum(axis=-1)).sum(axis=-1)
        if t == 1:
            first[active] = step
        ratio = step / (first[active] + RATIO_EPS)
        x = x.copy()
        x[active] = new
        state = evaluate_state(sub, new, params)
        settled = (t >= params.min_turns) & (ratio < params.min_delta_ratio)
        stop = settled | (t >= params.max_turns)
        if history:
            prob_a, per_rep_a, centre_a = reported_probabilities(sub, new, state, params)
            prob = run.probabilities[-1].copy()
            prob[active] = prob_a
            per_rep = run.rep_probabilities[-1].copy()
            per_rep[active] = per_rep_a
            centre = run.rep_positions[-1].copy()
            centre[active] = centre_a
            run.probabilities.append(prob)
            run.rep_probabilities.append(per_rep)
            run.rep_positions.append(centre)
        elif stop.any():  # only the draws that stop now: their final state
            here = np.flatnonzero(stop)
            done = active[here]
            final = reported_probabilities(sub.take(here), new[here], state.take(here), params)
            run.probabilities[-1][done] = final[0]
            run.rep_probabilities[-1][done] = final[1]
            run.rep_positions[-1][done] = final[2]
        run.positions.append(x)
        for d, r in zip(active, ratio, strict=True):
            run.rho[d].append(float(r))
        run.rounds[active] = t
        run.converged[active[stop]] = settled[stop]
        keep = ~stop
        active = active[keep]
        if active.size:
            state = state.take(np.flatnonzero(keep))
    return run, risk0


@register
class SMP(Model):
    """KTAB's Spatial Model of Politics: simultaneous challenges and bargains in K dimensions."""

    name = "smp"
    summary = (
        "KTAB's Spatial Model of Politics: actors challenge, bargain and move in a joint "
        "multi-dimensional space until positions settle."
    )
    reference = (
        "Wise, Lester & Efird (2015/2016), KAPSARC; KTAB (KAPSARC Toolkit for Behavioral "
        "Analysis), MIT licence."
    )
    Parameters = SMPParams
    joint: ClassVar[bool] = True
    indifferent_neutral: ClassVar[bool] = False
    """Every actor's whole position vector counts in SMP's forecast and challenges."""
    record_events_up_to: ClassVar[int] = 1
    positional_diagnostics = frozenset({"modal"})
    ops_per_second = 2.5e7
    positional_details = frozenset({"counterpart_from", "counterpart_to"})

    params: SMPParams

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the cost: O(turns D N^3) time, O(D N^2) memory.

        Every turn evaluates every initiator's challenge of every target with every third
        party (N^3 per draw), plus distances and elections (about 5 N^2 K) and a fixed part
        (2e4, the per-draw bookkeeping), at 2.5e7 operations per second:
        ``turns x D x (N^3 + 5 N^2 K + 2e4)`` on the NumPy path. With the compiled kernels
        (16 actors and more) the challenges, distances, bargains and elections are compiled
        and a turn costs a fixed 5e4 (its Python steps, about 2 ms) plus, per draw,
        ``N^3 / 30 + 2 N^2 K``: ``turns x (5e4 + D x (N^3 / 30 + 2 N^2 K))``. Turns grow with
        N: about 3.4 sqrt(N) on random scenarios (24, 39, 52 at N = 50, 100, 200), at most
        ``max_turns``. Memory: about 40 (D x N x N) arrays, the trajectory and probabilities
        of every turn, the blocks of the challenge evaluation, and a single draw's events.
        Measured on the NumPy path (one draw, 3 issues): N = 50: 0.23 s; 100: 1.4 s; 200: 18
        s; 300 actors took 69 s. With the kernels (measured once with a throwaway script;
        estimate in brackets): Vienna (17 actors, 4 issues) 1 draw 0.031 s (0.03), 100 draws
        0.22 s (0.18), 1,000 draws 1.8 s (1.5); random scenarios with 3 issues, one draw:
        N = 50 0.12 s (0.07), 100 0.20 s (0.19), 300 2.5 s (3.5).
        """
        p = self.params
        turns = expected_turns(n, p)
        cube = float(n) ** 3
        if kernel.will_compile(n):  # the compiled turn (docs/models/smp.md, Speed)
            ops = turns * (TURN_OPS + d * (cube / KERNEL_SPEEDUP + 2.0 * n * n * k))
            formula = f"turns (~{turns}) x (5e4 + D x (N^3 / 30 + 2 N^2 K)) operations"
        else:
            ops = turns * d * (cube + 5.0 * n * n * k + 2e4)
            formula = f"turns (~{turns}) x D x (N^3 + 5 N^2 K) operations"
        peak = 8.0 * (40.0 * d * n * n + (turns + 1) * d * n * (k + 3)) + 8.0 * 6 * (1 << 17)
        peak += 600.0 * turns * n * k if d == 1 else 0.0
        return ops, peak, f"{formula}, 320 D N^2 bytes"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        p = self.params
        lo, hi = arrays.scale_min, arrays.scale_max
        width = hi - lo
        pos0 = arrays.position
        x0 = (pos0 - lo) / width
        sal, total, rescaled = ktab_saliences(arrays.salience)
        record = arrays.n_draws <= self.record_events_up_to
        history = history_wanted()
        run, risk0 = simulate(arrays.capability, x0, sal, p, rng, record, history)

        def to_units(x: FloatArray) -> FloatArray:
            return np.where(x == x0, pos0, lo + x * width)

        # the final state only: the first and last states (rounds still counts the turns)
        states = run.positions if history else [run.positions[0], run.positions[-1]]
        trajectory = np.stack([to_units(x) for x in states])
        d, _, k = pos0.shape
        centre = run.rep_positions[-1]  # (B, N, K): each cluster's position at its representative
        w = run.rep_probabilities[-1]  # (B, N): probability of each cluster, else 0
        forecast = lo + (w[:, :, None] * centre).sum(axis=1) * width
        modal = to_units(centre)[np.arange(d), modal_cluster(w, centre)]
        rounds = np.repeat(run.rounds[:, None], k, axis=1)
        converged = np.repeat(run.converged[:, None], k, axis=1)
        diagnostics: dict[str, Any] = {
            "modal": modal,
            "win_probability": run.probabilities[-1],
            "rho": run.rho,
            "risk_attitude": risk0,
            "salience_total": total,
            "salience_rescaled": rescaled,
            "ktab_parameters": p.ktab_vector,
        }
        series: dict[str, FloatArray] = {}
        if history:  # per-turn: only when the caller wants them (see Model.run)
            diagnostics["win_probability_by_turn"] = np.stack(run.probabilities)
            series["expected"] = _expected_series(run, lo, width)
        events = _events(arrays, run, lo, width) if record else ()
        return Output(
            trajectory=trajectory,
            forecast=forecast,
            rounds=rounds,
            converged=converged,
            series=series,
            events=events,
            diagnostics=diagnostics,
        )


def modal_cluster(w: FloatArray, centre: FloatArray) -> NDArray[np.intp]:
    """Return per draw the representative of the most probable cluster.

    Probabilities within 1e-12 of the largest tie; the tie goes to the cluster whose position
    is lowest in the first issue, then the next ..., so that it does not depend on actor order.
    """
    best = w >= w.max(axis=1, keepdims=True) - 1e-12
    out = np.empty(w.shape[0], dtype=np.intp)
    for b in range(w.shape[0]):
        cand = np.flatnonzero(best[b])
        keys = centre[b, cand].T[::-1]  # lexsort: the last key is the primary one
        out[b] = cand[np.lexsort(keys)[0]] if cand.size > 1 else cand[0]
    return out


def _expected_series(run: SMPRun, lo: FloatArray, width: FloatArray) -> FloatArray:
    """Return the probability-weighted mean of every state's unique positions, (T + 1, B, K)."""
    out = [
        lo + (w[:, :, None] * x).sum(axis=1) * width
        for w, x in zip(run.rep_probabilities, run.rep_positions, strict=True)
    ]
    return np.stack(out)


def _events(
    arrays: ScenarioArrays, run: SMPRun, lo: FloatArray, width: FloatArray
) -> tuple[Event, ...]:
    """Return the challenges and moves of a single-draw run, one event per issue."""
    ids, issues = arrays.actor_ids, arrays.issue_ids
    out: list[Event] = []

    def units(v: FloatArray, kk: int) -> float:
        return float(lo[kk] + v * width[kk])

    for t, old, rec in run.events:
        x = old[0]
        new = run.positions[t][0]
        for i in np.flatnonzero(rec.has_target[0]):
            j = int(rec.target[0, i])
            adopted = bool(rec.choice_initiator[0, j] == i)
            for kk, issue in enumerate(issues):
                out.append(
                    Event(
                        round=t,
                        draw=0,
                        issue=issue,
                        actor=ids[i],
                        counterpart=ids[j],
                        kind="challenge",
                        accepted=adopted,
                        position_from=units(x[i, kk], kk),
                        position_to=units(rec.b_init[0, i, 0, kk], kk),
                        detail={
                            "phi": float(rec.phi[0, i]),
                            "delta": float(rec.gain[0, i]),
                            "counterpart_from": units(x[j, kk], kk),
                            "counterpart_to": units(rec.b_rcvr[0, i, 0, kk], kk),
                        },
                    )
                )
        for a in np.flatnonzero(rec.choice_initiator[0] >= 0):
            ini = int(rec.choice_initiator[0, a])
            other = int(rec.target[0, ini]) if ini == a else ini
            for kk, issue in enumerate(issues):
                out.append(
                    Event(
                        round=t,
                        draw=0,
                        issue=issue,
                        actor=ids[a],
                        counterpart=ids[other],
                        kind="adopt",
                        accepted=True,
                        position_from=units(x[a, kk], kk),
                        position_to=units(new[a, kk], kk),
                        detail={
                            "initiator": float(ini),
                            "view": float(rec.choice_view[0, a]),
                            "probability": float(rec.choice_prob[0, a]),
                            "options": float(rec.n_options[0, a]),
                        },
                    )
                )
    return tuple(out)
