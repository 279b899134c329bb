"""Stokman & Van Oosten's exchange model of voting positions (equal-gain variant).

Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an object-oriented
model of policy networks", in Bueno de Mesquita & Stokman (eds.), *European Community Decision
Making*, Yale UP; Arregui, J., Stokman, F. N. & Thomson, R. (2006), "Compromise and exchange
models", in Thomson et al. (eds.), *The European Union Decides*, Cambridge UP.

The expected outcome of an issue is the compromise mean of the actors' *voting* positions
(capability x salience weights). Two actors on opposite sides of the outcomes of two issues, who
care unequally about them, trade: each moves its voting position on the issue it cares less
about towards the other, at the exchange rate that gives both the same gain in expected
utility. The best exchange is made, the outcomes are recomputed, and so on until no exchange
gains more than ``tol``. Actors keep their ideal (initial) positions, by which they judge
outcomes. The forecast is the final compromise mean of the voting positions. Equations and
every choice the sources leave open: ``docs/models/exchange.md``; a plain loop version:
``tests/reference/exchange_loop.py``.

Notation: actor i gains on issue k, where its partner j moves; j gains on issue q, where i
moves. Internally actors and issues are sorted by id, so that "the first exchange in index
order" is a tie-break that does not depend on the order of the input. The engine is vectorised
over draws and over all exchanges; the only Python loops are over rounds (one exchange per draw
and round) and over blocks of draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from accord.errors import AccordError
from accord.models.base import Event, FloatArray, Model, Output, Params
from accord.models.registry import register
from accord.models.weights import effective_weight
from accord.scenario.arrays import ScenarioArrays

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

SIDE_TOL = 1e-12
"""An ideal within this (fraction of the scale) of the outcome is *at* the outcome: no side."""
TIE_TOL = 1e-12
"""Exchanges whose gains lie within this of the best count as equally good."""
SNAP_TOL = 1e-12
"""A move that reaches the partner's position up to this relative margin ends exactly on it."""
BLOCK_ELEMENTS = 1 << 18
"""Draws are processed in blocks of at most this many (draw x actor pair x issue^2) entries."""


class ExchangeParams(Params):
    """Parameters of the exchange model.

    Attributes
    ----------
    max_rounds : the most exchanges to make per draw (one exchange per round).
    tol : stop once no exchange would give its traders more than this gain in expected
        utility (salience x fraction of an issue's scale).

    """

    max_rounds: int = Field(default=1000, ge=1, le=100_000)
    tol: float = Field(default=1e-9, ge=0.0)


@dataclass(frozen=True, eq=False)
class Trades:
    """The best exchange of each draw of a batch (see :func:`best_exchanges`).

    gain : (B,) the equal gain of both traders; 0 where no exchange is worth making.
    gainer, partner : (B,) actor indices i and j; i gains on ``issue_gainer`` (k), j gains on
        ``issue_partner`` (q); j moves its voting position on k, i on q.
    shift_k, shift_q : (B,) how far the exchange moves the outcomes of k and q (scale fractions).
    """

    gain: FloatArray
    gainer: IntArray
    partner: IntArray
    issue_gainer: IntArray
    issue_partner: IntArray
    shift_k: FloatArray
    shift_q: FloatArray

    def take(self, rows: IntArray) -> Trades:
        """Return the trades of some draws."""
        return Trades(
            gain=self.gain[rows],
            gainer=self.gainer[rows],
            partner=self.partner[rows],
            issue_gainer=self.issue_gainer[rows],
            issue_partner=self.issue_partner[rows],
            shift_k=self.shift_k[rows],
            shift_q=self.shift_q[rows],
        )


@dataclass(frozen=True, eq=False)
class Rates:
    """What the saliences fix about every exchange, for a whole run; (B, P, K, K) each.

    Pair p is (i, j) = (first[p], second[p]) with i < j. Entry [b, p, k, q] is the exchange in
    which i gains on k (j moves there) and j gains on q (i moves there); the exchange in which
    j gains on k and i on q is entry [b, p, q, k]. With cross = s_ik s_jq - s_iq s_jk, equal
    gains make the common gain G = d_k cross / (s_iq + s_jq) = d_q cross / (s_ik + s_jk) for
    outcome shifts d_k and d_q.

    per_k, per_q : the gain per unit shift of O_k and of O_q; 0 where cross <= 0 (i does not
        care relatively more about k than j does), in particular where k = q.
    """

    first: IntArray
    second: IntArray
    per_k: FloatArray
    per_q: FloatArray

    @classmethod
    def build(cls, s: FloatArray) -> Rates:
        """Return the rates of saliences ``s`` (B, n, K)."""
        first, second = np.triu_indices(s.shape[1], 1)
        s_i, s_j = s[:, first], s[:, second]  # (B, P, K)
        s_ik, s_iq = s_i[:, :, :, None], s_i[:, :, None, :]
        s_jk, s_jq = s_j[:, :, :, None], s_j[:, :, None, :]
        cross = s_ik * s_jq - s_iq * s_jk
        # cross > 0 implies s_iq + s_jq > 0 and s_ik + s_jk > 0
        down = s_iq + s_jq
        up = s_ik + s_jk
        pays = cross > 0
        per_k = np.where(pays, cross / np.where(pays, down, 1.0), 0.0)
        per_q = np.where(pays, cross / np.where(pays, up, 1.0), 0.0)
        return cls(first=first, second=second, per_k=per_k, per_q=per_q)

    def take(self, rows: IntArray) -> Rates:
        """Return the rates of some draws."""
        return Rates(self.first, self.second, self.per_k[rows], self.per_q[rows])


def outcome(u: FloatArray, report_w: FloatArray) -> FloatArray:
    """Return the expected outcome of every issue: the weighted mean of voting positions.

    u, report_w : (B, n, K); returns (B, K).
    """
    return (u * report_w).sum(axis=1) / report_w.sum(axis=1)


def shift_bounds(u: FloatArray, ideal: FloatArray, w: FloatArray, o: FloatArray) -> FloatArray:
    """Return how far each trader's move can shift an outcome, (B, n, n, K).

    Entry [b, i, j, k] is the largest shift of O_k towards i's ideal that j can produce by
    moving its voting position on k towards i's voting position, never past it, without O_k
    passing i's ideal. It is 0 unless i's ideal lies on one side of O_k and j's ideal on the
    other side or at O_k. Positions are fractions of the scales; w = c s; o (B, K).
    """
    total = w.sum(axis=1)  # (B, K)
    live = total > 0
    diff = ideal - o[:, None, :]
    gap = np.abs(diff)  # how far O may move towards an actor's ideal before passing it
    side = np.where(gap <= SIDE_TOL, 0.0, np.sign(diff))
    towards = side[:, :, None, :] * (u[:, :, None, :] - u[:, None, :, :])  # sign_ik (u_ik - u_jk)
    room = w[:, None, :, :] * np.maximum(towards, 0.0) / np.where(live, total, 1.0)[:, None, None]
    opposed = (side[:, :, None, :] != 0) & (side[:, None, :, :] != side[:, :, None, :])
    return np.where(opposed & live[:, None, None, :], np.minimum(room, gap[:, :, None, :]), 0.0)


def best_exchanges(
    u: FloatArray,
    ideal: FloatArray,
    s: FloatArray,
    w: FloatArray,
    report_w: FloatArray,
    rates: Rates,
    tol: float,
) -> Trades:
    """Return the best exchange of each draw, given the current voting positions.

    All positions are fractions of the issues' scales. u, ideal, s, w (= c s), report_w :
    (B, n, K); ``rates`` of these draws. Exchanges within ``TIE_TOL`` of the best gain count as
    equal, and the first of them in index order (i, j, k, q) is made. Where no exchange gains
    more than ``tol`` the gain is reported as 0.
    """
    b = u.shape[0]
    bound = shift_bounds(u, ideal, w, outcome(u, report_w))
    first, second = rates.first, rates.second
    # G = min(largest d_k x gain per d_k, largest d_q x gain per d_q)
    gain = np.minimum(
        bound[:, first, second, :, None] * rates.per_k,
        bound[:, second, first, None, :] * rates.per_q,
    )
    flat = gain.reshape(b, -1)
    best = flat.max(axis=1)
    near = (flat >= best[:, None] - TIE_TOL) & (flat > tol)
    pick = near.argmax(axis=1)  # the first near-best exchange
    rows = np.arange(b)
    found = near[rows, pick]
    p, kk, qq = np.unravel_index(pick, gain.shape[1:])
    i, j = first[p], second[p]
    up = np.where(found, s[rows, i, kk] + s[rows, j, kk], 1.0)
    down = np.where(found, s[rows, i, qq] + s[rows, j, qq], 1.0)
    d_k = np.minimum(bound[rows, i, j, kk], bound[rows, j, i, qq] * down / up)  # equal gains
    d_k = np.where(found, d_k, 0.0)
    return Trades(
        gain=np.where(found, flat[rows, pick], 0.0),
        gainer=i,
        partner=j,
        issue_gainer=kk,
        issue_partner=qq,
        shift_k=d_k,
        shift_q=d_k * up / down,
    )


def move(
    start: FloatArray, target: FloatArray, shift: FloatArray, total: FloatArray, weight: FloatArray
) -> FloatArray:
    """Return the voting position that moves the outcome by ``shift`` towards ``target``.

    The mover goes ``shift x total / weight`` towards ``target`` and never past it; a move that
    reaches it up to ``SNAP_TOL`` (relative) ends exactly on it.
    """
    dist = np.abs(target - start)
    safe = np.where(weight > 0, weight, 1.0)
    step = np.where(weight > 0, shift * total / safe, 0.0)
    reach = step >= dist * (1.0 - SNAP_TOL)
    return np.where(reach, target, start + np.sign(target - start) * step)


def execute(u: FloatArray, w: FloatArray, trades: Trades) -> FloatArray:
    """Return the voting positions after every draw made its exchange."""
    new = u.copy()
    total = w.sum(axis=1)
    r = np.arange(u.shape[0])
    i, j = trades.gainer, trades.partner
    k, q = trades.issue_gainer, trades.issue_partner
    # j moves on k towards i; i moves on q towards j
    new[r, j, k] = move(u[r, j, k], u[r, i, k], trades.shift_k, total[r, k], w[r, j, k])
    new[r, i, q] = move(u[r, i, q], u[r, j, q], trades.shift_q, total[r, q], w[r, i, q])
    return new


def utility(ideal: FloatArray, s: FloatArray, o: FloatArray) -> FloatArray:
    """Return every actor's expected utility -sum_k s_ik |ideal_ik - O_k|, shape (B, n)."""
    return -(s * np.abs(ideal - o[:, None, :])).sum(axis=2)


@dataclass
class ExchangeRun:
    """The histories of one block of draws (positions as scale fractions).

    states : one (B, n, K) array per state; a stopped draw repeats its last state.
    trades : per round, the :class:`Trades` made and the draws that made them.
    """

    states: list[FloatArray]
    rounds: IntArray
    converged: BoolArray
    trades: list[tuple[Trades, IntArray]] = field(default_factory=list)


def simulate(
    ideal: FloatArray,
    s: FloatArray,
    w: FloatArray,
    report_w: FloatArray,
    params: ExchangeParams,
) -> ExchangeRun:
    """Make the best exchange of every draw, round after round, until none gains enough.

    A draw without an exchange worth more than ``tol`` stops (converged); the others go on
    until ``max_rounds`` exchanges are made, after which one more search tells whether they
    have converged as well. ``ideal``, ``s``, ``w`` and ``report_w`` (B, n, K) are narrowed to
    the active draws as draws stop; the states keep all B draws.
    """
    b = ideal.shape[0]
    u = ideal.copy()
    run = ExchangeRun(
        states=[u],
        rounds=np.zeros(b, dtype=np.intp),
        converged=np.zeros(b, dtype=np.bool_),
    )
    active = np.arange(b)
    if ideal.shape[1] < 2 or ideal.shape[2] < 2:
        run.converged[:] = True  # nobody to trade with, or nothing to trade
        return run
    rates = Rates.build(s)
    for t in range(1, params.max_rounds + 2):
        trades = best_exchanges(u[active], ideal, s, w, report_w, rates, params.tol)
        trading = trades.gain > 0
        run.converged[active[~trading]] = True
        if t > params.max_rounds or not trading.any():
            break
        if not trading.all():  # drop the draws that stopped
            keep = np.flatnonzero(trading)
            active = active[keep]
            ideal, s, w, report_w = ideal[keep], s[keep], w[keep], report_w[keep]
            rates = rates.take(keep)
            trades = trades.take(keep)
        u = u.copy()
        u[active] = execute(u[active], w, trades)
        run.trades.append((trades, active))
        run.states.append(u)
        run.rounds[active] = t
    return run


def check_arrays(arrays: ScenarioArrays) -> None:
    """Raise :class:`AccordError` for inputs the model cannot use."""
    values = (arrays.position, arrays.capability, arrays.salience)
    if not all(np.isfinite(a).all() for a in values):
        raise AccordError("exchange: positions, capabilities and saliences must be finite numbers")
    if (arrays.capability < 0).any() or (arrays.salience < 0).any():
        raise AccordError("exchange: capabilities and saliences must be >= 0")
    if not (arrays.capability.sum(axis=1) > 0).all():
        raise AccordError("exchange: at least one actor needs a capability > 0")
    if not (arrays.scale_max > arrays.scale_min).all():
        raise AccordError("exchange: every issue needs a scale with max > min")


def _id_order(ids: tuple[str, ...]) -> IntArray:
    """Return the indices that sort ``ids`` (equal ids keep their input order)."""
    return np.array(sorted(range(len(ids)), key=lambda a: ids[a]), dtype=np.intp)


@register
class Exchange(Model):
    """Stokman & Van Oosten's exchange model: pairs trade voting positions at equal gains."""

    name = "exchange"
    summary = (
        "Stokman & Van Oosten's exchange model: actors trade voting positions across issues "
        "they care unequally about, at equal utility gains, until no exchange pays."
    )
    reference = (
        "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman, European Community "
        "Decision Making, Yale UP; Arregui, Stokman & Thomson (2006), in Thomson et al., "
        "The European Union Decides, Cambridge UP."
    )
    Parameters = ExchangeParams
    joint: ClassVar[bool] = True
    record_events_up_to: ClassVar[int] = 1
    positional_diagnostics = frozenset({"compromise"})
    positional_details = frozenset({"outcome_from", "outcome_to"})
    ops_per_second = 1.5e7

    params: ExchangeParams

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the cost: O(N^3 K^3) time per draw, the trajectory in memory.

        One exchange per round, about 0.75 N K rounds (at most ``max_rounds``), each scoring
        every pair of actors on every pair of issues (N^2 K^2 / 2), at 1.5e7 operations per
        second: ``rounds x D x N^2 K^2 / 2``. Memory: the trajectory of every round, 32
        (rounds + 1) D N K bytes, plus blocks of 2^18 pair entries. Measured: one draw x 3
        issues x 50 actors: 0.09 s; x 100 actors: 1.0 s; 1,000 draws x 4 issues x 17 actors:
        2.8 s.
        """
        rounds = min(self.params.max_rounds, math.ceil(0.75 * n * k) + 1)
        ops = rounds * d * n * n * k * k / 2.0
        peak = 32.0 * (rounds + 1) * d * n * k + 8.0 * 6 * BLOCK_ELEMENTS + 48.0 * d * n * k
        return ops, peak, f"rounds (~{rounds}) x D x N^2 K^2 / 2 operations"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """Run the model (deterministic: ``rng`` is unused)."""
        check_arrays(arrays)
        d, n, k = arrays.n_draws, arrays.n_actors, arrays.n_issues
        # work with actors and issues sorted by id; ``back_*`` undo the sorting
        by_actor, by_issue = _id_order(arrays.actor_ids), _id_order(arrays.issue_ids)
        back_actor, back_issue = np.argsort(by_actor), np.argsort(by_issue)
        lo, width = arrays.scale_min, arrays.scale_max - arrays.scale_min
        ideal = ((arrays.position - lo) / width)[:, by_actor][:, :, by_issue]
        s = arrays.salience[:, by_actor][:, :, by_issue]
        w = arrays.capability[:, by_actor, None] * s
        # capability alone on an issue nobody cares about, as in the compromise model
        cap = arrays.capability[:, by_actor]
        report_w = effective_weight(cap[:, None, :], s.transpose(0, 2, 1)).transpose(0, 2, 1)
        per_block = max(1, BLOCK_ELEMENTS // max(1, n * (n - 1) // 2 * k * k))
        blocks = [
            (rows, simulate(ideal[rows], s[rows], w[rows], report_w[rows], self.params))
            for rows in (slice(a, min(d, a + per_block)) for a in range(0, d, per_block))
        ]
        used = max(len(run.states) for _, run in blocks)
        x0 = arrays.position
        ideal0 = ideal[:, back_actor][:, :, back_issue]
        report_w = report_w[:, back_actor][:, :, back_issue]
        # the trajectory is the largest array: filled in place, in the input's order
        trajectory = np.empty((used, d, n, k))
        rounds = np.zeros(d, dtype=np.intp)
        converged = np.zeros(d, dtype=np.bool_)
        for rows, run in blocks:
            for t, state in enumerate(run.states):
                trajectory[t, rows] = state[:, back_actor][:, :, back_issue]
            trajectory[len(run.states) :, rows] = trajectory[len(run.states) - 1, rows]
            rounds[rows] = run.rounds
            converged[rows] = run.converged
        unmoved = trajectory == ideal0
        trajectory *= width
        trajectory += lo
        np.copyto(trajectory, np.broadcast_to(x0, trajectory.shape), where=unmoved)  # exact
        del unmoved
        mean = np.einsum("tdnk,dnk->tdk", trajectory, report_w) / report_w.sum(axis=1)
        scaled = (mean - lo) / width
        gains = utility(ideal0, arrays.salience, scaled[-1]) - utility(
            ideal0, arrays.salience, scaled[0]
        )
        events: tuple[Event, ...] = ()
        if d <= self.record_events_up_to:
            events = _events(arrays, blocks[0][1], by_actor, by_issue, trajectory, mean)
        diagnostics: dict[str, Any] = {
            "exchanges": rounds.astype(np.int64),
            "utility_gain": gains,
            "compromise": mean[0].copy(),
        }
        return Output(
            trajectory=trajectory,
            forecast=mean[-1].copy(),
            rounds=np.repeat(rounds[:, None], k, axis=1).astype(np.int64),
            converged=np.repeat(converged[:, None], k, axis=1),
            series={"mean": mean},
            events=events,
            diagnostics=diagnostics,
        )


def _events(
    arrays: ScenarioArrays,
    run: ExchangeRun,
    by_actor: IntArray,
    by_issue: IntArray,
    trajectory: FloatArray,
    mean: FloatArray,
) -> tuple[Event, ...]:
    """Return two events per exchange of a single-draw run, one per trader's move.

    The first event is the partner's move on the gainer's issue, the second the gainer's move
    on the partner's issue; ``detail`` holds the common gain and the outcome of the issue
    before and after the exchange.
    """
    events: list[Event] = []
    for t, (trades, _) in enumerate(run.trades, start=1):
        i, j = int(by_actor[trades.gainer[0]]), int(by_actor[trades.partner[0]])
        k, q = int(by_issue[trades.issue_gainer[0]]), int(by_issue[trades.issue_partner[0]])
        for mover, other, issue in ((j, i, k), (i, j, q)):
            events.append(
                Event(
                    round=t,
                    draw=0,
                    issue=arrays.issue_ids[issue],
                    actor=arrays.actor_ids[mover],
                    counterpart=arrays.actor_ids[other],
                    kind="exchange",
                    accepted=True,
                    position_from=float(trajectory[t - 1, 0, mover, issue]),
                    position_to=float(trajectory[t, 0, mover, issue]),
                    detail={
                        "gain": float(trades.gain[0]),
                        "outcome_from": float(mean[t - 1, 0, issue]),
                        "outcome_to": float(mean[t, 0, issue]),
                    },
                )
            )
    return tuple(events)
