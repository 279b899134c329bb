"""Monte Carlo chunks: the work of one chunk, and where chunks run (here, or on Dask).

A run's draws are cut into chunks of a fixed size before any worker is asked
(:func:`plan_chunks`). A chunk samples its own draws (:mod:`accord.analysis.sampling`: draw d's
values depend only on the seed and d), writes them into arrays with a draw axis and runs the
model once on the batch. Nothing depends on which worker computes a chunk, or when: the
results are put back in draw order, so a run on N workers gives the numbers of the run in one
process.

:func:`serial_runner` computes the chunks one after the other in this process;
:class:`DaskRunner` makes each chunk a Dask task, after scattering the job (arrays, inputs,
model) to every worker once, so that a task carries only its bounds and returns only its
forecasts; :func:`dask_client` starts local worker processes or connects to a cluster.

Deterministic models (bdm, compromise, median ...) give the same forecasts for any chunk size.
A model that uses its random generator gets one per chunk, ``SeedSequence(seed, spawn_key=(1,
chunk))``: its numbers then depend on the chunk size too (recorded in the provenance), never on
the workers.
"""

from __future__ import annotations

import gc
import logging
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from accord.analysis.inputs import Input, apply_values
from accord.analysis.sampling import draw_block_range
from accord.errors import AccordError
from accord.models.base import FloatArray, Model, invalid_draws
from accord.scenario.arrays import ScenarioArrays

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for an existing scheduler before giving up."""
MODEL_BRANCH = 1
"""First spawn-key entry of the models' per-chunk seeds (sampling uses 0)."""


@dataclass(frozen=True)
class Chunk:
    """Draws ``start`` to ``stop - 1``; the ``index``-th chunk of a run."""

    index: int
    start: int
    stop: int


@dataclass(frozen=True, eq=False)
class ChunkDeal:
    """The agreement analysis of a chunk's draws (see :mod:`accord.agreement`).

    deal, outcome, settlement : (draws, issues); holdouts, pivotal : (issues, actors) counts of
    draws in which the actor held out / was pivotal.
    """

    deal: NDArray[np.bool_]
    outcome: FloatArray
    settlement: FloatArray
    holdouts: NDArray[np.int64]
    pivotal: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class ChunkOutput:
    """What a chunk returns: forecast (draws, issues), converged (draws, issues), deal or None."""

    forecast: FloatArray
    converged: NDArray[np.bool_]
    deal: ChunkDeal | None = None


@dataclass(frozen=True, eq=False)
class ChunkJob:
    """Everything needed to compute any chunk of a run (sent once to each worker).

    With ``deal`` each chunk also runs the agreement analysis on its draws (``tracks``: the
    packages of linked issues, None for every issue on its own).
    """

    arrays: ScenarioArrays
    inputs: tuple[Input, ...]
    model: Model
    seed: int
    bloc_correlation: float
    deal: bool = False
    tracks: tuple[tuple[str, ...], ...] | None = None

    def run(self, chunk: Chunk) -> ChunkOutput:
        """Sample the chunk's draws, run the model on them as one batch, keep the forecasts."""
        values = draw_block_range(
            self.inputs, chunk.start, chunk.stop, self.seed, self.bloc_correlation
        )
        batch = apply_values(self.arrays, self.inputs, values)
        seed = np.random.SeedSequence(self.seed, spawn_key=(MODEL_BRANCH, chunk.index))
        # Draws without a finite forecast come back as NaN: the run counts them (and refuses
        # or drops them), so a chunk never fails for one bad draw.
        result = self.model.run(batch, rng=np.random.default_rng(seed), finite=False, history=False)
        deal = None
        if self.deal:
            from accord.agreement import analyse

            agreement = analyse(batch, tracks=self.tracks)
            settled = agreement.settle(result.forecast)
            k, n = batch.n_issues, batch.n_actors
            kept = ~invalid_draws(result.forecast)  # blockers are counted over these draws
            holdouts = np.zeros((k, n), dtype=np.int64)
            pivotal = np.zeros((k, n), dtype=np.int64)
            for zone in agreement.zones:
                holdouts[list(zone.index)] = zone.holdouts[kept].sum(axis=0)
                pivotal[list(zone.index)] = zone.pivotal[kept].sum(axis=0)
            deal = ChunkDeal(settled.deal, settled.outcome, settled.settlement, holdouts, pivotal)
        return ChunkOutput(np.array(result.forecast), np.array(result.converged), deal)


Runner = Callable[[ChunkJob, Sequence[Chunk]], Iterable[tuple[Chunk, ChunkOutput]]]
"""Computes chunks and yields each with its output, in any order."""


class ChunkWork(Protocol):
    """Any job whose chunks can be computed on their own.

    A :class:`ChunkJob`, or the batched model calls of a design sweep
    (:class:`accord.process.sweep.SweepJob`): the runners below take any of them.
    """

    def run(self, chunk: Chunk) -> Any:
        """Compute one chunk."""


def serial_runner(job: ChunkWork, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, Any]]:
    """Run the chunks one after the other in this process."""
    for chunk in chunks:
        yield chunk, job.run(chunk)


def plan_chunks(draws: int, chunk: int) -> tuple[Chunk, ...]:
    """Cut ``draws`` draws into chunks of ``chunk`` (the last one may be shorter)."""
    return tuple(
        Chunk(k, start, min(draws, start + chunk)) for k, start in enumerate(range(0, draws, chunk))
    )


def _run_chunk(chunk: Chunk, job: ChunkWork) -> tuple[Chunk, Any]:
    return chunk, job.run(chunk)


class DaskRunner:
    """A Monte Carlo runner (see :data:`accord.analysis.montecarlo.Runner`) on a Dask client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, job: ChunkWork, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, Any]]:
        """Submit one task per chunk and yield each chunk's output as it completes."""
        from distributed import as_completed

        [shared] = self.client.scatter([job], broadcast=True, hash=False)
        futures = self.client.map(_run_chunk, list(chunks), job=shared, pure=False)
        try:
            for _, (chunk, out) in as_completed(futures, with_results=True, loop=self.client.loop):
                yield chunk, out
        finally:  # interrupted or failed: stop what is still queued
            self.client.cancel([*futures, shared])


def check_workers(workers: int | None, scheduler: str | None) -> None:
    """Raise :class:`AccordError` unless at most one of the two is given and workers >= 1."""
    if workers is not None and scheduler is not None:
        raise AccordError("give either --workers or --scheduler, not both")
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise AccordError(f"--workers must be a whole number >= 1, got {workers}")
    if scheduler is not None and not scheduler.strip():
        raise AccordError("--scheduler needs an address such as tcp://host:8786")


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Any:
    """Return a Dask client of the scheduler at ``address``, or raise a one-line AccordError.

    A plain TCP probe first fails fast when nothing listens there. When something answers
    that is not a Dask scheduler, the half-built client is collected here with Python's
    "exception ignored" report silenced, so that the one-line error stays the only output.
    """
    from distributed import Client

    failure = None
    quiet, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        try:
            probe(address, timeout)
            return Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            failure = " ".join(str(exc).split()) or type(exc).__name__
        except Exception as exc:  # something answered, but not as a Dask scheduler would
            failure = f"what answers there does not speak Dask's protocol ({type(exc).__name__})"
        gc.collect()
    finally:
        sys.unraisablehook = quiet
    raise AccordError(f"cannot reach the Dask scheduler at {address}: {failure}")


def probe(address: str, timeout: float) -> None:
    """Open and close a plain TCP connection to a tcp:// or tls:// scheduler address.

    Raises ValueError for a malformed address and OSError when nothing listens there, before a
    Dask client is built (a client that fails to connect complains again when collected).
    """
    from distributed.comm import get_address_host_port, parse_address

    scheme, _ = parse_address(address)
    if scheme in ("tcp", "tls"):
        host, port = get_address_host_port(address)
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            raise OSError(exc.strerror or str(exc) or type(exc).__name__) from None


def _local_worker_config() -> dict[str, Any]:
    """Return Dask settings for the local worker processes accord starts.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also turns off glibc's
    adaptive mmap threshold: every temporary array above 128 KiB is then mapped and unmapped
    afresh, and the BDM engine (many short-lived arrays of a few MB) runs 3-4x slower. The
    workers here get the environment without it, and no statistical profiler (it samples the
    Python stack every 10 ms).
    """
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return {
        "distributed.nanny.pre-spawn-environ": environ,
        "distributed.worker.profile.enabled": False,
    }


@contextmanager
def dask_client(
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = CONNECT_TIMEOUT,
) -> Iterator[Any]:
    """Yield a Dask client: ``workers`` local processes (one thread each) or ``scheduler``.

    A local cluster is shut down on leaving, whatever happened; a client of an existing
    cluster is closed (the cluster keeps running). An unreachable or malformed scheduler
    address raises :class:`AccordError` after at most ``timeout`` seconds.
    """
    check_workers(workers, scheduler)
    if workers is None and scheduler is None:
        raise AccordError("dask_client() needs workers or a scheduler address")
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        address = scheduler.strip()
        client = connect(address, timeout)
        with client:
            yield client
        return
    with (
        dask.config.set(_local_worker_config()),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client
