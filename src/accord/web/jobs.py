"""A small in-process job runner for long computations (Monte Carlo), with progress.

Jobs run on a fixed thread pool. At most ``max_pending`` jobs may be queued or running at once:
one more is refused with :class:`QueueFull` rather than piling up. Each job reports progress
through a callback (units done out of a known total); finished jobs are kept for reading, the
oldest forgotten once more than ``keep`` have finished, so memory stays bounded.

:meth:`JobRunner.cancel` stops a job cooperatively: a queued job never starts, and a running
one stops the next time it reports progress (the callback raises :class:`Cancelled`, which
unwinds the work before it has stored anything). Monte Carlo reports after every chunk of draws.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from accord.errors import AccordError

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Work = Callable[[Progress], dict[str, Any]]
"""A job's work: called with a progress callback (units done), returns a JSON-ready dict."""


class State(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (State.DONE, State.FAILED, State.CANCELLED)
"""The states a job leaves no more."""


class Cancelled(Exception):
    """Raised by a job's progress callback once the job has been asked to stop."""


class QueueFull(Exception):
    """Raised by :meth:`JobRunner.submit` when ``max_pending`` jobs are already waiting."""


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``progress`` is the share done, 0-1)."""
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
        }


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

    """

    def __init__(self, workers: int = 2, max_pending: int = 8, keep: int = 64) -> None:
        if workers < 1 or max_pending < 1 or keep < 1:
            raise ValueError("workers, max_pending and keep must all be at least 1")
        self.max_pending = max_pending
        self._keep = keep
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accord-job")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._closed = False

    def pending(self) -> int:
        """Return the number of jobs queued or running."""
        with self._lock:
            return sum(j.state in (State.QUEUED, State.RUNNING) for j in self._jobs.values())

    def submit(self, kind: str, total: int, work: Work) -> Job:
        """Queue ``work`` and return (a copy of) its job.

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
            job = Job(id=f"j-{secrets.token_hex(8)}", kind=kind, total=max(int(total), 0))
            self._jobs[job.id] = job
            self._forget_old()
            snapshot = replace(job)
        self._pool.submit(self._run, job.id, work)
        return snapshot

    def get(self, job_id: str) -> Job | None:
        """Return a copy of the job with this id, or None when unknown or forgotten."""
        with self._lock:
            job = self._jobs.get(job_id)
            return replace(job) if job is not None else None

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

        A queued job is cancelled at once; a running one when it next reports progress (its
        state stays ``running`` until then, with ``cancel_requested`` set). A finished job is
        left as it is.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.state == State.QUEUED:
                job.state, job.finished = State.CANCELLED, time.time()
            elif job.state == State.RUNNING:
                job.cancel_requested = True
            return replace(job)

    def shutdown(self) -> None:
        """Refuse new jobs, drop those not started and wait for the running ones."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ internals
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
        finally:
            with self._lock:
                self._forget_old()

    def _forget_old(self) -> None:
        """Drop the oldest finished jobs beyond ``keep`` (call with the lock held)."""
        finished = [j.id for j in self._jobs.values() if j.state in FINISHED]
        for job_id in finished[: max(len(finished) - self._keep, 0)]:
            del self._jobs[job_id]
