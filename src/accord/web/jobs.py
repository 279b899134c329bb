"""A small in-process job runner for long computations (Monte Carlo), with progress.

Jobs run on a fixed thread pool. At most ``max_pending`` jobs may be queued or running at once:
one more is refused with :class:`QueueFull` rather than piling up. Each job reports progress
through a callback (units done out of a known total); finished jobs are kept for reading, the
oldest forgotten once more than ``keep`` have finished, so memory stays bounded.

:meth:`JobRunner.cancel` stops a job cooperatively: a queued job never starts, and a running
one stops the next time it reports progress (the callback raises :class:`Cancelled`, which
unwinds the work before it has stored anything), or sooner when the work checks the job's
:class:`~accord.web.compute.CancelToken` (given to :meth:`JobRunner.submit`): Monte Carlo
reports after every chunk of draws and checks the token before every model run, so a consensus
stops after the member it is running.

Each job carries how long it is expected to take (``expected_seconds``: its cost estimate,
:mod:`accord.web.cost`, scaled by what this runner has measured of earlier jobs, see
:class:`~accord.web.cost.Calibration`), its place in the queue while it waits
(``queue_position``, 1 for the next to start) and ``eta_seconds``, the seconds until it should
be done: while queued, the wait for a worker (the jobs ahead, spread over the workers) plus its
expected seconds; once running, from its progress: the time spent so far scaled by the share
still to do (until a quarter is done, blended with the expected seconds less the time spent,
which is all there is before its first progress report).
:meth:`JobRunner.shutdown` cancels every job and waits for the running ones only briefly: the
job threads are daemon threads, which cannot keep the process alive.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from accord.errors import AccordError
from accord.web.compute import Busy, Cancelled, CancelToken, DaemonPool
from accord.web.cost import Calibration

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Work = Callable[[Progress], dict[str, Any]]
"""A job's work: called with a progress callback (units done), returns a JSON-ready dict."""


TRUST_PROGRESS = 0.25
"""The share done from which a running job's ETA comes from its progress alone; before that it
is blended with its expected seconds less the time spent (a first chunk is often slow)."""


class State(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (State.DONE, State.FAILED, State.CANCELLED)
"""The states a job leaves no more."""


class QueueFull(Busy):
    """Raised by :meth:`JobRunner.submit` when ``max_pending`` jobs are already waiting."""

    def __init__(self, message: str, retry_after: int = 10) -> None:
        super().__init__(message, retry_after)


__all__ = ["FINISHED", "Cancelled", "Job", "JobRunner", "QueueFull", "State"]


@dataclass
class Job:
    """A job's state as last reported; :meth:`JobRunner.get` returns copies."""

    id: str
    kind: str
    total: int
    done: int = 0
    state: State = State.QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    cancel_requested: bool = False
    estimated: float | None = None
    """The cost estimate, in seconds of one core on the development machine (None: none)."""
    expected_seconds: float | None = None
    """How long the job should take once running, on this machine (None: no estimate)."""
    key: str = ""
    """What the runner learns this job's timing under (its kind and models)."""
    queue_position: int | None = None
    """While queued: 1 for the next job to start, 2 for the one after, ...; None otherwise."""
    wait_seconds: float | None = None
    """While queued: the seconds until a worker should be free for it."""

    def eta(self, now: float | None = None) -> float | None:
        """Return the seconds until the job should be done (None: finished or not known)."""
        now = time.time() if now is None else now
        if self.state == State.QUEUED:
            if self.expected_seconds is None:
                return None
            return (self.wait_seconds or 0.0) + self.expected_seconds
        if self.state != State.RUNNING or self.started is None:
            return None
        spent = max(now - self.started, 0.0)
        left = None if self.expected_seconds is None else max(self.expected_seconds - spent, 0.0)
        if self.done <= 0 or self.total <= 0:
            return left
        share = self.done / self.total
        measured = spent * (1 - share) / share
        if left is None:
            return measured
        trust = min(1.0, share / TRUST_PROGRESS)  # a first chunk is often slow (warming up)
        return trust * measured + (1 - trust) * left

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``progress`` is the share done, 0-1)."""
        eta = self.eta()
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state.value,
            "done": self.done,
            "total": self.total,
            "progress": self.done / self.total if self.total else 0.0,
            "result": self.result,
            "error": self.error,
            "cancel_requested": self.cancel_requested,
            "seconds": round((self.finished or time.time()) - (self.started or self.created), 3),
            "expected_seconds": _seconds(self.expected_seconds),
            "queue_position": self.queue_position,
            "eta_seconds": _seconds(eta),
        }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class JobRunner:
    """Run jobs on a thread pool with a bounded queue and readable progress.

    Parameters
    ----------
    workers:
        Threads that run jobs.
    max_pending:
        Most jobs queued or running at once.
    keep:
        Most finished jobs remembered.
    calibration:
        What this machine's timings are against the estimates; learned from the jobs run here
        (a new one by default).

    """

    def __init__(
        self,
        workers: int = 2,
        max_pending: int = 8,
        keep: int = 64,
        calibration: Calibration | None = None,
    ) -> None:
        if workers < 1 or max_pending < 1 or keep < 1:
            raise ValueError("workers, max_pending and keep must all be at least 1")
        self.workers = workers
        self.max_pending = max_pending
        self.calibration = calibration or Calibration()
        self._keep = keep
        self._pool = DaemonPool(workers, "accord-job")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._tokens: dict[str, CancelToken] = {}
        self._closed = False

    def pending(self) -> int:
        """Return the number of jobs queued or running."""
        with self._lock:
            return sum(j.state in (State.QUEUED, State.RUNNING) for j in self._jobs.values())

    def submit(
        self,
        kind: str,
        total: int,
        work: Work,
        token: CancelToken | None = None,
        *,
        estimated: float | None = None,
        key: str | None = None,
    ) -> Job:
        """Queue ``work`` and return (a copy of) its job.

        ``token``, when given, is cancelled with the job: work that checks it (e.g. models
        wrapped with :func:`~accord.web.compute.watch`) stops at its next check.
        ``estimated`` is the work's cost estimate in seconds (:func:`accord.web.cost.estimate`),
        which the runner turns into the job's expected seconds here, learning under ``key``
        (default: ``kind``) how long such jobs really take.

        Raises
        ------
        QueueFull
            When ``max_pending`` jobs are already queued or running.

        """
        with self._lock:
            if self._closed:
                raise QueueFull("the job runner is shutting down")
            busy = sum(j.state in (State.QUEUED, State.RUNNING) for j in self._jobs.values())
            if busy >= self.max_pending:
                raise QueueFull(
                    f"{busy} jobs are already queued or running (the limit is "
                    f"{self.max_pending}); try again when one has finished"
                )
            key = key or kind
            job = Job(
                id=f"j-{secrets.token_hex(8)}",
                kind=kind,
                total=max(int(total), 0),
                estimated=estimated,
                expected_seconds=(
                    None if estimated is None else self.calibration.expected(key, estimated)
                ),
                key=key,
            )
            self._jobs[job.id] = job
            if token is not None:
                self._tokens[job.id] = token
            self._forget_old()
            snapshot = self._snapshot(job)
        self._pool.submit(lambda: self._run(job.id, work))
        return snapshot

    def get(self, job_id: str) -> Job | None:
        """Return a copy of the job with this id, or None when unknown or forgotten."""
        with self._lock:
            job = self._jobs.get(job_id)
            return self._snapshot(job) if job is not None else None

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Poll until the job has finished (or ``timeout`` seconds passed); return it."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job is None or job.state in FINISHED:
                return job
            if time.monotonic() > deadline:
                return job
            time.sleep(0.02)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop and return (a copy of) it; None when unknown or forgotten.

        A queued job is cancelled at once; a running one when it next reports progress or
        checks its token (its state stays ``running`` until then, with ``cancel_requested``
        set). A finished job is left as it is.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.state == State.QUEUED:
                job.state, job.finished = State.CANCELLED, time.time()
            elif job.state == State.RUNNING:
                job.cancel_requested = True
            token = self._tokens.get(job_id)  # kept only until the job has ended
            snapshot = self._snapshot(job)
        if token is not None:
            token.cancel("the job was cancelled")
        return snapshot

    def cancel_all(self) -> None:
        """Refuse new jobs and cancel every job queued or running (as :meth:`cancel` does)."""
        with self._lock:
            self._closed = True
            ids = [j.id for j in self._jobs.values() if j.state not in FINISHED]
        for job_id in ids:
            self.cancel(job_id)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Cancel every job, then wait at most ``timeout`` s for the running ones to stop.

        A running job stops at its next check (progress or its token); one that takes longer
        is left to its daemon thread, which ends with the process.
        """
        self.cancel_all()
        self._pool.shutdown(timeout)

    # ------------------------------------------------------------------ internals
    def _snapshot(self, job: Job) -> Job:
        """Return a copy of ``job`` with its place in the queue and its wait (lock held).

        The wait is simulated: every worker is free when its running job's ETA has passed (at
        once when idle); each job ahead in the queue takes the first free worker for its
        expected seconds (jobs without an estimate count none).
        """
        if job.state != State.QUEUED:
            return replace(job, queue_position=None, wait_seconds=None)
        now = time.time()
        running = [j for j in self._jobs.values() if j.state == State.RUNNING]
        free = sorted(
            [j.eta(now) or 0.0 for j in running] + [0.0] * max(self.workers - len(running), 0)
        )
        place = 0
        for other in self._jobs.values():  # in the order submitted: the pool's order
            if other.state != State.QUEUED:
                continue
            place += 1
            if other.id == job.id:
                break
            free[0] += other.expected_seconds or 0.0
            free.sort()
        return replace(job, queue_position=place, wait_seconds=free[0])

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                for key, value in changes.items():
                    setattr(job, key, value)

    def _run(self, job_id: str, work: Work) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state != State.QUEUED:  # cancelled (or forgotten) while queued
                self._tokens.pop(job_id, None)
                return
            job.state, job.started = State.RUNNING, time.time()

        def progress(done: int) -> None:
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None:
                    return
                job.done = min(int(done), job.total)
                if job.cancel_requested:
                    raise Cancelled(job_id)

        try:
            result = work(progress)
        except Cancelled:
            self._update(job_id, state=State.CANCELLED, finished=time.time())
        except AccordError as exc:
            self._update(job_id, state=State.FAILED, error=exc.one_line(), finished=time.time())
        except Exception as exc:  # a bug: keep the server up, log it, say so
            log.exception("job %s failed", job_id)
            self._update(
                job_id,
                state=State.FAILED,
                error=f"internal error ({type(exc).__name__}); see the server log",
                finished=time.time(),
            )
        else:
            with self._lock:
                job = self._jobs.get(job_id)
                if job is not None:
                    job.result, job.state, job.finished = result, State.DONE, time.time()
                    job.done = job.total
                    job = replace(job)
            if job is not None and job.estimated is not None and job.started is not None:
                assert job.finished is not None
                self.calibration.learn(job.key, job.estimated, job.finished - job.started)
        finally:
            with self._lock:
                self._tokens.pop(job_id, None)
                self._forget_old()

    def _forget_old(self) -> None:
        """Drop the oldest finished jobs beyond ``keep`` (call with the lock held)."""
        finished = [j.id for j in self._jobs.values() if j.state in FINISHED]
        for job_id in finished[: max(len(finished) - self._keep, 0)]:
            del self._jobs[job_id]
