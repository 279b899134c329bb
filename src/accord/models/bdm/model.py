"""Bueno de Mesquita's expected-utility ("challenge") model, two variants.

Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP; as reconstructed by
Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision model",
J. Theoretical Politics 23(4). Spec: ``shared/specs/bdm-expected-utility.md``; equations
and reference results: ``docs/models/bdm.md``.

Actors make each other offers (confrontation, compromise, capitulation) according to the
expected utility of challenging one another, and all move at once, round after round. The
forecast is the weighted median of the final positions.

Two engines compute the same rounds. The NumPy reference is vectorised over the batch of
(draw, issue) problems and over actors; the problems are processed in blocks of at most
``BLOCK_ELEMENTS`` pair entries so that memory stays bounded (the work per problem is O(n^2)
per round, see :mod:`accord.models.bdm.votes`). The compiled kernel
(:mod:`accord.models.bdm.kernel`) plays every round of a problem in one fused pass, problems
split across cores; :func:`use_compiled` says which one runs. Events are built from the stored
states when first read (:mod:`accord.models.bdm.events`).
"""

from __future__ import annotations

import math
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
from pydantic import Field

from accord.errors import AccordError
from accord.models import compiled
from accord.models.base import (
    FloatArray,
    IssueBatch,
    IssueOutput,
    KernelEvent,
    Params,
    PerIssueModel,
)
from accord.models.bdm.events import lazy_events, round_events
from accord.models.bdm.round import play_round
from accord.models.bdm.votes import median_walk, weighted_mean
from accord.models.registry import register
from accord.models.weights import effective_weight

BLOCK_ELEMENTS = 1 << 16
"""Problems are processed in blocks of at most this many (problem x actor x actor) entries."""

EVENT_ACTOR_LIMIT = 100
"""Above this many actors only accepted offers are recorded as events (there are up to n^2)."""

COMPILED_MIN_ACTORS = 8
"""Problems with at least this many actors run the compiled kernel (see :func:`use_compiled`)."""
WIDE_ACTORS = 1000
"""Problems with at least this many actors ... (see :func:`solve_compiled`)."""
WIDE_PROBLEMS = 4
"""... in a batch of fewer problems than this are split across cores by rows."""
ROUND_CHUNK = 16
"""The compiled kernel plays at most this many rounds per call."""
PARALLEL_MIN_ENTRIES = 1 << 14
"""Batches with fewer problem x actor x actor entries run on one core (no thread wake-ups)."""


class BdmParams(Params):
    """Parameters of the BDM model.

    variant : "paper" (the default: the equations as printed; mirror-symmetric) or "scholz"
        (the published reconstruction, reproduces its EC table; its choice rule prefers
        offers from the left, so it is not mirror-symmetric).
    q : the probability Q that the status quo persists if nobody challenges, in [0, 1].
    rounds : the most rounds to play.
    tol : a row stops once no position moves more than ``tol`` x R in a round.
    range_from : R is the declared scale width ("scale") or the range of the initial
        positions ("positions").
    """

    variant: Literal["scholz", "paper"] = "paper"
    q: float = Field(default=1.0, ge=0.0, le=1.0)
    rounds: int = Field(default=8, ge=1, le=1000)
    tol: float = Field(default=1e-6, ge=0.0)
    range_from: Literal["scale", "positions"] = "scale"


@dataclass
class _BlockRun:
    """The state of one block of problems while its rounds are played.

    ``states``, ``median``, ``mean`` hold one entry per state played so far (round 0 = input);
    the block stops when all its problems have stopped, so they may be shorter than
    ``rounds + 1``.
    """

    x: FloatArray
    states: list[FloatArray]
    median: list[FloatArray]
    mean: list[FloatArray]
    rounds: np.ndarray
    converged: np.ndarray
    events: list[KernelEvent] = field(default_factory=list)


def issue_range(batch: IssueBatch, range_from: str) -> FloatArray:
    """Return R per problem: the scale width or the initial positions' range (1 if that is 0)."""
    if range_from == "scale":
        return np.asarray(batch.hi - batch.lo, dtype=np.float64)
    spread = batch.position.max(axis=1) - batch.position.min(axis=1)
    return np.where(spread > 0, spread, 1.0)


def check_batch(batch: IssueBatch, big_r: FloatArray, range_from: str) -> None:
    """Raise :class:`AccordError` for inputs the model cannot use."""
    arrays = (batch.position, batch.capability, batch.salience, big_r)
    if not all(np.isfinite(a).all() for a in arrays):
        raise AccordError("bdm: positions, capabilities and saliences must be finite numbers")
    if (batch.capability < 0).any():
        raise AccordError("bdm: capabilities must be >= 0")
    if ((batch.salience < 0) | (batch.salience > 1)).any():
        raise AccordError("bdm: saliences must lie in [0, 1]")
    if not (big_r > 0).all():
        raise AccordError("bdm: every issue needs a scale with max > min")
    if range_from == "scale":
        slack = 1e-9 * big_r[:, None]
        low = batch.position < batch.lo[:, None] - slack
        high = batch.position > batch.hi[:, None] + slack
        if (low | high).any():
            raise AccordError("bdm: a position lies outside its issue's scale")


def use_compiled(n: int) -> bool:
    """Return whether :func:`solve_batch` runs the compiled kernel (``engine="auto"``).

    The kernel runs when compiled kernels are on (:func:`accord.models.compiled.enabled`) and
    the problems have at least :data:`COMPILED_MIN_ACTORS` actors: from there it is faster per
    problem (about 2x at 10 actors, 1.3x at 100; Monte Carlo of the EC case 2x, of Vienna
    1.5x). The rule looks at the number of actors only -- never at the number of draws, the
    chunking of a Monte Carlo or what ran before in the process -- so a problem gives the same
    numbers alone, in any batch and in any process (the kernel agrees with the NumPy path to
    1e-9, not to the last bit, so the two are not mixed for one scenario).
    """
    return n >= COMPILED_MIN_ACTORS and compiled.enabled()


def solve_batch(
    batch: IssueBatch,
    params: BdmParams,
    *,
    engine: Literal["auto", "numpy", "compiled"] = "auto",
    events: Literal["lazy", "eager"] = "lazy",
) -> IssueOutput:
    """Run the model on a flat batch of one-issue problems and return its output.

    ``engine``: "numpy" (the reference), "compiled" (:mod:`accord.models.bdm.kernel`; needs
    :func:`accord.models.compiled.enabled`) or "auto" (:func:`use_compiled`). Events, when
    ``batch.record_events``, are built when first read from the stored states
    (``events="lazy"``, :mod:`accord.models.bdm.events`), or recorded during the rounds
    (``"eager"``, the NumPy path only; the tests check both give the same events).
    """
    big_r = issue_range(batch, params.range_from)
    check_batch(batch, big_r, params.range_from)
    n = batch.position.shape[1]
    record = batch.record_events
    all_offers = n <= EVENT_ACTOR_LIMIT
    eager = record and events == "eager"
    if engine == "compiled" or (engine == "auto" and not eager and use_compiled(n)):
        if eager:
            raise ValueError("bdm: eager events are recorded by the NumPy path only")
        trajectory, median, mean, rounds, converged = solve_compiled(batch, big_r, params)
        recorded: Sequence[KernelEvent] = ()
    else:
        trajectory, median, mean, rounds, converged, recorded = _solve_numpy(
            batch, big_r, params, eager, all_offers
        )
    diagnostics: dict[str, object] = {"range": big_r}
    found: Sequence[KernelEvent] = ()
    if record:
        diagnostics["events"] = "all offers" if all_offers else "accepted offers only"
        found = (
            recorded
            if eager
            else lazy_events(
                batch, params, big_r, trajectory, median, rounds, all_offers, _rows_per_block(n)
            )
        )
    used = trajectory.shape[0]
    return IssueOutput(
        trajectory=trajectory,
        forecast=median[used - 1].copy(),
        rounds=rounds,
        converged=converged,
        series={"median": median, "mean": mean},
        events=found,
        diagnostics=diagnostics,
    )


def _rows_per_block(n: int) -> int:
    """Return how many problems of ``n`` actors one block of the NumPy path holds."""
    return max(1, BLOCK_ELEMENTS // (n * n))


Solved = tuple[FloatArray, FloatArray, FloatArray, np.ndarray, np.ndarray]
"""trajectory (used, B, n), median and mean (used, B), rounds (B,), converged (B,)."""


def _solve_numpy(
    batch: IssueBatch, big_r: FloatArray, params: BdmParams, record: bool, all_offers: bool
) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray, np.ndarray, list[KernelEvent]]:
    """Solve with the NumPy reference path, in blocks of problems (see ``BLOCK_ELEMENTS``)."""
    b, n = batch.position.shape
    per_block = _rows_per_block(n)
    blocks = [
        (rows, _solve_block(batch, rows, big_r[rows], params, record, all_offers))
        for rows in (slice(start, min(b, start + per_block)) for start in range(0, b, per_block))
    ]
    used = max((len(block.states) for _, block in blocks), default=1)
    trajectory = np.empty((used, b, n))
    median = np.empty((used, b))
    mean = np.empty((used, b))
    rounds = np.zeros(b, dtype=np.int64)
    converged = np.zeros(b, dtype=np.bool_)
    events: list[KernelEvent] = []
    for rows, block in blocks:
        k = len(block.states)
        # a block that stopped early repeats its last state
        trajectory[:k, rows] = np.stack(block.states)
        trajectory[k:, rows] = block.states[-1]
        median[:k, rows] = np.stack(block.median)
        median[k:, rows] = block.median[-1]
        mean[:k, rows] = np.stack(block.mean)
        mean[k:, rows] = block.mean[-1]
        rounds[rows] = block.rounds
        converged[rows] = block.converged
        events.extend(block.events)
    return trajectory, median, mean, rounds, converged, events


def solve_compiled(batch: IssueBatch, big_r: FloatArray, params: BdmParams) -> Solved:
    """Solve with the compiled kernel (:mod:`accord.models.bdm.kernel`), no events.

    Few problems with many actors (fewer than :data:`WIDE_PROBLEMS` problems of at least
    :data:`WIDE_ACTORS`) are played one after the other, each pass of a round split across
    cores by rows; otherwise the problems are split across cores. Rounds are played in chunks
    of :data:`ROUND_CHUNK`, so that memory follows the rounds actually played.
    """
    from accord.models.bdm import kernel

    # fresh writeable C arrays: one compiled signature whatever the caller passes (read-only
    # or strided inputs would each compile the kernel again)
    x = np.array(batch.position, dtype=np.float64, order="C")
    s = np.array(batch.salience, dtype=np.float64, order="C")
    cap = np.array(batch.capability, dtype=np.float64, order="C")
    w = cap * s
    rw = np.array(effective_weight(cap, s), dtype=np.float64, order="C")
    big_r = np.array(big_r, dtype=np.float64, order="C")
    b, n = x.shape
    paper = params.variant == "paper"
    q = float(params.q)
    mu = np.empty(b)
    threads = compiled.threads()
    chunks = min(b, 8 * threads) if b * n * n >= PARALLEL_MIN_ENTRIES else 1

    def play(*args: object) -> None:
        # one thread for small batches: waking the other threads costs more than it saves
        if chunks > 1:
            kernel.play_problems(*args, chunks)
        else:
            kernel.play_rows(*args, 0, b)

    nothing, no_steps = np.empty((b, 0, n)), np.empty((b, 0))
    ones, idle = np.ones(b, dtype=np.bool_), np.zeros(b, dtype=np.int64)
    # steps = 0: the medians of the input state
    play(x, w, s, rw, big_r, mu, mu, ones, paper, q, 0.0, 0, nothing, no_steps, no_steps, idle)
    avg = weighted_mean(x, rw)
    states, medians, means = [x[None].copy()], [mu[None].copy()], [avg[None]]
    rounds = np.zeros(b, dtype=np.int64)
    converged = np.zeros(b, dtype=np.bool_)
    active = np.ones(b, dtype=np.bool_)
    wide = b < WIDE_PROBLEMS and n >= WIDE_ACTORS
    t = 0
    while t < params.rounds and active.any():
        steps = min(ROUND_CHUNK, params.rounds - t)
        traj = np.empty((b, steps, n))
        med = np.empty((b, steps))
        mean = np.empty((b, steps))
        played = np.zeros(b, dtype=np.int64)
        args = (paper, q, float(params.tol), steps, traj, med, mean, played)
        if wide:
            _play_wide(kernel, threads, x, w, s, rw, big_r, mu, avg, active, *args)
        else:
            play(x, w, s, rw, big_r, mu, avg, active, *args)
        stopped = played < 0
        rounds[active] = t + np.where(stopped, -played - 1, played)[active]
        converged |= stopped
        active &= ~stopped
        states.append(traj.transpose(1, 0, 2))
        medians.append(med.T)
        means.append(mean.T)
        mu = np.ascontiguousarray(med[:, -1])
        avg = np.ascontiguousarray(mean[:, -1])
        t += steps
    used = 1 + int(rounds.max(initial=0))
    trajectory = np.concatenate(states)[:used]
    return (
        trajectory,
        np.concatenate(medians)[:used],
        np.concatenate(means)[:used],
        rounds,
        converged,
    )


def _play_wide(
    kernel: types.ModuleType,
    threads: int,
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    rw: FloatArray,
    big_r: FloatArray,
    mu: FloatArray,
    avg: FloatArray,
    active: np.ndarray,
    paper: bool,
    q: float,
    tol: float,
    steps: int,
    traj: FloatArray,
    med: FloatArray,
    mean: FloatArray,
    played: np.ndarray,
) -> None:
    """Play ``steps`` rounds of each active problem, one at a time, passes split by rows."""
    b, n = x.shape
    cum = np.empty((n + 1, n))
    e = np.empty((n if paper else 0, n))
    moved = np.empty(n)
    f = np.empty(n)
    blocks = 8 * max(1, threads)
    for row in range(b):
        traj[row] = x[row]
        med[row] = mu[row]
        mean[row] = avg[row]
        if not active[row]:
            continue
        for t in range(steps):
            shift, m, a = kernel.wide_round(
                x[row],
                w[row],
                s[row],
                rw[row],
                big_r[row],
                mu[row],
                paper,
                q,
                blocks,
                cum,
                e,
                moved,
                f,
            )
            mu[row] = m
            traj[row, t:] = x[row]
            med[row, t:] = m
            mean[row, t:] = a
            played[row] = t + 1
            if shift <= tol * big_r[row]:
                played[row] = -t - 2
                break


def _solve_block(
    batch: IssueBatch,
    rows: slice,
    big_r: FloatArray,
    params: BdmParams,
    record: bool,
    all_offers: bool,
) -> _BlockRun:
    """Play up to ``params.rounds`` rounds on some rows; a converged row is frozen."""
    x = np.array(batch.position[rows], dtype=np.float64)
    s = batch.salience[rows]
    w = batch.capability[rows] * s
    report_w = effective_weight(batch.capability[rows], s)
    nb = x.shape[0]
    run = _BlockRun(
        x=x,
        states=[x.copy()],
        median=[median_walk(x, report_w, big_r)],
        mean=[weighted_mean(x, report_w)],
        rounds=np.zeros(nb, dtype=np.int64),
        converged=np.zeros(nb, dtype=np.bool_),
    )
    active = np.arange(nb)
    for t in range(1, params.rounds + 1):
        old = run.x[active]
        out = play_round(
            old,
            w[active],
            s[active],
            big_r[active],
            run.median[-1][active],
            params.variant,
            params.q,
        )
        if record:
            run.events.extend(round_events(t, rows.start + active, old, out, all_offers))
        moved = np.abs(out.position - old).max(axis=1)
        run.x[active] = out.position
        median = run.median[-1].copy()
        mean = run.mean[-1].copy()
        median[active] = median_walk(out.position, report_w[active], big_r[active])
        mean[active] = weighted_mean(out.position, report_w[active])
        run.states.append(run.x.copy())
        run.median.append(median)
        run.mean.append(mean)
        run.rounds[active] = t
        done = moved <= params.tol * big_r[active]
        run.converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return run


@register
class Bdm(PerIssueModel):
    """Bueno de Mesquita's expected-utility model (variants ``scholz`` and ``paper``)."""

    name = "bdm"
    summary = "Bueno de Mesquita's expected-utility model: challenges, offers and moves by rounds."
    reference = (
        "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman, European Community Decision "
        "Making, Yale UP; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)."
    )
    Parameters = BdmParams
    indifferent_neutral = False  # an actor without salience still challenges and is challenged
    positional_diagnostics = frozenset({"range"})
    ops_per_second = 5e6

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the cost: O(rounds D K N^2) time, O(N^2) memory per block of problems.

        Each round of each (draw, issue) problem costs about N^2 + 10 N operations (the vote
        sums over every pair, sorted; section "Computation" of ``docs/models/bdm.md``), and
        each round of each block of problems 1e4 more, at 5e6 per second: ``rounds x (D K
        (N^2 + 10 N) + blocks x 1e4)``. A single draw with at most 100 actors also records
        every offer (N^2 events per round and issue, 20 operations and 400 bytes each).
        Memory: about 14 arrays of the block's (problems x N x N) entries, a block holding at
        least one problem (112 N^2 bytes: 2.8 GB at 5,000 actors), plus the trajectory and
        series, 24 (rounds + 1) D K N bytes. Measured (8 rounds): one draw of N = 1,000: 2.1
        s, 113 MB; N = 2,000: 6.0 s, 446 MB; N = 5,000: 74 s, 2.8 GB; 1,000 draws x 4 issues x
        17 actors: 1.4 s.
        """
        r = cast(BdmParams, self.params).rounds
        events = d == 1 and n <= EVENT_ACTOR_LIMIT
        per_block = max(1, BLOCK_ELEMENTS // (n * n))
        blocks = math.ceil(d * k / per_block)
        ops = r * (d * k * (n * n + 10.0 * n) + blocks * 1e4)
        ops += 20.0 * r * k * n * n if events else 0.0
        block = 112.0 * min(d * k, per_block) * n * n
        peak = block + 24.0 * (r + 1) * d * k * n + 48.0 * d * n * k
        peak += 400.0 * r * k * n * n if events else 0.0
        return ops, peak, f"rounds ({r}) x D x K x (N^2 + 10 N) operations, 112 N^2 bytes"

    def _solve(self, batch: IssueBatch, rng: np.random.Generator) -> IssueOutput:
        """Solve a flat batch of one-issue problems (deterministic: ``rng`` is unused)."""
        return solve_batch(batch, cast(BdmParams, self.params))
