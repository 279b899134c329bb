"""Design sweeps: every design of a comparison on the same draws, its model runs in batches.

``accord compare --draws N`` runs every design, and then each design's re-entry forecast (see
:func:`~accord.process.runner.reentry_forecast`), on the same N draws. Written one by one
(:func:`~accord.process.runner.run_design`) that is one model run per design, stage, segment
and track, each on N draws. The sweep runs the same steps for all designs in lock step
(:func:`~accord.process.runner.design_steps` yields each model run a design needs instead of
running it):

1. **One batch per kind of call.** At each step the model runs the designs ask for are grouped
   by everything that is not a per-draw array: the model (with its parameters), the actors (or
   groups) at the table, the issues and their scales, consent and implementers. The calls of a
   group differ only in their per-draw arrays (capability, positions, saliences, outside
   options), so they are stacked along the draw axis and run as one model call on designs x
   draws. A design that seats everyone (a shock, a capability shift, a concession, staging's
   last stage, a re-entry) shares its call with the others; one that seats a forum of its own,
   or narrows a scale, runs alone.
2. **Chunks, here or on Dask.** A batch is cut into chunks of draws (:func:`chunk_size`: at most
   :data:`SWEEP_CHUNK_BYTES` of the model's working memory each) and the chunks run through the
   same runners as ``accord mc`` (:mod:`accord.analysis.parallel`): one after the other in this
   process, or as Dask tasks on local workers or a cluster.
3. **The same numbers.** The models are vectorised over draws: a draw's result does not depend
   on the other draws of its batch. What could depend on the batch is a model's random
   generator, so every chunk gets the generator the one-by-one run would have used, and the
   sweep checks that the model left it untouched. A model that drew from it (``smp`` with
   ``state_transition=stochastic``, say) has those calls run again one by one, exactly as the
   reference path does, and is never batched again in that sweep.

Stage records of a swept run hold a trimmed model result: its first and last states, forecast,
rounds and convergence (no series, diagnostics or events); their provenance's input hash is the
call's own inputs' hash, and the seed is None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord import __version__
from accord.analysis.parallel import Chunk, plan_chunks, serial_runner
from accord.models.base import FloatArray, Model, Provenance, Result
from accord.process.design import Design
from accord.process.runner import (
    DesignRun,
    ModelCall,
    design_steps,
    reentry_steps,
    run_call,
)
from accord.scenario.arrays import ScenarioArrays

SWEEP_CHUNK_BYTES = 128 * 2**20
"""The most working memory (by the model's own estimate, :meth:`Model.cost`) one chunk of a
batch may take: a batch of more draws is run in several chunks."""
PER_DRAW = ("capability", "position", "salience")
"""The per-draw arrays stacked along the draw axis (plus no-deal outcomes and outside options
where they are given rather than derived)."""

TaskRunner = Callable[[Any, Sequence[Chunk]], Iterable[tuple[Chunk, Any]]]
"""Computes a job's chunks and yields each with its output, in any order (``serial_runner`` or
a :class:`~accord.analysis.parallel.DaskRunner`)."""


def _rng_mark(rng: np.random.Generator) -> tuple[Any, int]:
    bits = rng.bit_generator
    return bits.state, int(bits.seed_seq.n_children_spawned)  # type: ignore[attr-defined]


@dataclass(frozen=True, eq=False)
class CallChunk:
    """What one chunk of a batched model call returns (arrays lead with the chunk's draws)."""

    start: FloatArray
    final: FloatArray
    forecast: FloatArray
    rounds: np.ndarray
    converged: np.ndarray
    used_rng: bool
    """The model drew from (or spawned) its random generator."""


@dataclass(frozen=True, eq=False)
class SweepJob:
    """A batch of stacked model calls: any chunk of its draws can be computed on its own."""

    model: Model
    arrays: ScenarioArrays
    key: tuple[int, ...]

    def run(self, chunk: Chunk) -> CallChunk:
        """Run the model on the chunk's draws with the reference path's generator."""
        part = self.arrays
        if (chunk.start, chunk.stop) != (0, part.n_draws):
            part = part.take_draws(slice(chunk.start, chunk.stop))
        rng = np.random.default_rng(list(self.key))
        mark = _rng_mark(rng)
        result = self.model.run(part, rng=rng, finite=False, history=False)
        used = _rng_mark(rng) != mark
        return CallChunk(
            start=np.array(result.trajectory[0]),
            final=np.array(result.trajectory[-1]),
            forecast=np.array(result.forecast),
            rounds=np.array(result.rounds),
            converged=np.array(result.converged),
            used_rng=used,
        )


def signature(call: ModelCall) -> tuple[Any, ...]:
    """Return what two calls must share to be stacked: everything but the per-draw arrays."""
    a = call.arrays
    arrays = tuple(
        (name, str(v.dtype), v.shape, v.tobytes())
        for name in ("scale_min", "scale_max", "status_quo", "quota", "consent", "implementers")
        for v in (np.ascontiguousarray(getattr(a, name)),)
    )
    return (id(call.model), a.actor_ids, a.issue_ids, a.blocs, a.agreement_defaults, arrays)


def stack(arrays: Sequence[ScenarioArrays]) -> ScenarioArrays:
    """Return the arrays of calls with one signature stacked along the draw axis."""
    first = arrays[0]
    if len(arrays) == 1:
        return first
    names = [
        *PER_DRAW,
        *(n for n in ("no_deal", "reservation") if n not in first.agreement_defaults),
    ]
    return first.with_values(
        **{name: np.concatenate([getattr(a, name) for a in arrays]) for name in names}
    )


def chunk_size(model: Model, arrays: ScenarioArrays, tasks: int = 1) -> int:
    """Return the draws per chunk of a batch.

    A chunk takes at most :data:`SWEEP_CHUNK_BYTES` by the model's estimate; with ``tasks`` a
    batch is cut into that many chunks at least (for parallel workers).
    """
    n, k, d = arrays.n_actors, arrays.n_issues, arrays.n_draws
    per_draw = model.cost(n, k, 1000).bytes / 1000
    size = max(1, int(SWEEP_CHUNK_BYTES // max(per_draw, 1.0)))
    if tasks > 1:
        size = min(size, math.ceil(d / tasks))
    return max(1, size)


@dataclass
class SweepStats:
    """What a sweep did: model calls asked for, batches run, calls run one by one."""

    calls: int = 0
    batches: int = 0
    chunks: int = 0
    one_by_one: int = 0
    steps: int = 0


@dataclass
class Batcher:
    """Runs the model calls of one lock step: stacked by signature, chunked, checked."""

    runner: TaskRunner = serial_runner
    chunk: int | None = None
    tasks: int = 1
    stats: SweepStats = field(default_factory=SweepStats)
    random: list[Model] = field(default_factory=list)
    """Models seen drawing from their generator: their calls run one by one."""

    def __call__(self, calls: Sequence[ModelCall]) -> list[Result]:
        """Return the results of the calls, in order."""
        self.stats.calls += len(calls)
        self.stats.steps += 1
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, call in enumerate(calls):
            groups.setdefault(signature(call), []).append(i)
        out: list[Result | None] = [None] * len(calls)
        for members in groups.values():
            mine = [calls[i] for i in members]
            for i, result in zip(members, self._batch(mine), strict=True):
                out[i] = result
        return [r for r in out if r is not None]

    def _one_by_one(self, calls: Sequence[ModelCall]) -> list[Result]:
        self.stats.one_by_one += len(calls)
        return [run_call(c) for c in calls]

    def _batch(self, calls: Sequence[ModelCall]) -> list[Result]:
        model = calls[0].model
        if any(model is m for m in self.random):
            return self._one_by_one(calls)
        arrays = stack([c.arrays for c in calls])
        size = self.chunk or chunk_size(model, arrays, self.tasks)
        chunks = plan_chunks(arrays.n_draws, size)
        job = SweepJob(model, arrays, calls[0].key)
        parts: dict[int, CallChunk] = {}
        for chunk, part in self.runner(job, chunks):
            parts[chunk.index] = part
        self.stats.batches += 1
        self.stats.chunks += len(chunks)
        if any(p.used_rng for p in parts.values()):
            self.random.append(model)
            return self._one_by_one(calls)
        ordered = [parts[c.index] for c in chunks]

        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in ordered])

        start, final = joined("start"), joined("final")
        forecast, rounds, converged = joined("forecast"), joined("rounds"), joined("converged")
        results: list[Result] = []
        offset = 0
        params = model.params.model_dump(mode="json")
        for call in calls:
            rows = slice(offset, offset + call.arrays.n_draws)
            offset = rows.stop
            results.append(
                Result(
                    model=model.name,
                    actor_ids=call.arrays.actor_ids,
                    issue_ids=call.arrays.issue_ids,
                    trajectory=_readonly(np.stack([start[rows], final[rows]])),
                    forecast=_readonly(forecast[rows]),
                    rounds=_readonly(rounds[rows], np.int64),
                    converged=_readonly(converged[rows], np.bool_),
                    series={},
                    events=(),
                    diagnostics={},
                    provenance=Provenance(
                        model=model.name,
                        params=params,
                        seed=None,
                        input_hash=call.arrays.content_hash(),
                        accord_version=__version__,
                    ),
                )
            )
        return results


def _readonly(a: Any, dtype: Any = np.float64) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.flags.writeable = False
    return arr


def _design_and_reentry(arrays: ScenarioArrays, design: Design, model: Model, seed: int) -> Any:
    run = yield from design_steps(arrays, design, model, seed)
    again = yield from reentry_steps(run, model, seed)
    return run, again


def sweep(
    arrays: ScenarioArrays,
    designs: Sequence[Design],
    model: Model,
    seed: int = 0,
    batcher: Batcher | None = None,
) -> tuple[list[DesignRun], list[FloatArray]]:
    """Run every design and its re-entry forecast on the arrays' draws, in lock step.

    Returns what ``[run_design(arrays, d, model, seed) for d in designs]`` and their
    :func:`~accord.process.runner.reentry_forecast` return (the same numbers; see the module
    docstring), with the model calls of each step run as batches by ``batcher``.
    """
    batch = batcher or Batcher()
    steps = [_design_and_reentry(arrays, d, model, seed) for d in designs]
    done: list[Any] = [None] * len(steps)
    pending: dict[int, ModelCall] = {}

    def advance(i: int, result: Result | None) -> None:
        try:
            pending[i] = next(steps[i]) if result is None else steps[i].send(result)
        except StopIteration as stop:
            done[i] = stop.value

    for i in range(len(steps)):
        advance(i, None)
    while pending:
        order = list(pending)
        results = batch([pending.pop(i) for i in order])
        for i, result in zip(order, results, strict=True):
            advance(i, result)
    return [d[0] for d in done], [d[1] for d in done]
