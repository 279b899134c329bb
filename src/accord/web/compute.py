"""Where the web app computes: a bounded pool of daemon threads behind an admission gate.

Everything expensive a request asks for (parsing a scenario file, validating it, running
models, comparing designs, building a report) runs on :class:`ComputeGate`'s own threads, never
on the event loop and never on the server's shared thread pool. At most ``slots`` computations
run at once; at most ``queue`` more wait their turn, as work items that hold no thread; one more
is refused at once with :class:`Busy` (the app answers 503 with ``Retry-After``). The place is
taken as soon as the request's body has arrived, before anything parses it (:class:`Admission`),
so a refused request costs next to nothing, and a client that stalls while sending its body
holds no place. A storm of forecasts cannot starve the routes that do not compute
(``/api/health``, job progress).

Computations stop cooperatively: each gets a :class:`CancelToken`, which :func:`watch` makes
every model run check first. The gate cancels the token when the client disconnects (it polls
``request.is_disconnected()`` while the work runs) or when the server shuts down; the work
then stops before its next model run and saves nothing.

The threads are daemon threads (:class:`DaemonPool`): a computation cannot keep the process
alive after the server has shut down.
"""

from __future__ import annotations

import asyncio
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import HTTPException, Response

if TYPE_CHECKING:
    from starlette.requests import Request

    from accord.models.base import Model

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
POLL_SECONDS = 0.25
"""How often a request waiting for its computation checks whether its client is still there."""
CLIENT_GONE = 499
"""The status logged for a request whose client went away (nobody receives it)."""
TOKEN_KEY = "accord_compute_token"
"""Where :class:`Admission` leaves a request's place in the gate (``scope["state"]``)."""
COMPUTES = "__accord_computes__"
"""The attribute :func:`computes` sets on a route's endpoint."""


class Cancelled(Exception):
    """Raised inside a computation (or a job) once it has been asked to stop."""


class Busy(Exception):
    """Raised by :meth:`ComputeGate.admit` when every slot and the wait queue are taken."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CancelToken:
    """A flag a computation checks between steps; :meth:`check` raises once it is set.

    It is also the computation's place in the gate, taken when the request arrives (before its
    body is read) and given back when the computation ends or never starts.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""
        self.submitted = False

    @property
    def cancelled(self) -> bool:
        """Return whether the computation has been asked to stop."""
        return self._event.is_set()

    def cancel(self, reason: str) -> None:
        """Ask the computation to stop (the first reason given is kept)."""
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when the computation has been asked to stop."""
        if self._event.is_set():
            raise Cancelled(self.reason)


def watch(models: Iterable[Model], token: CancelToken) -> list[Model]:
    """Return ``models`` made to check ``token`` before every run (a consensus: its members too).

    The models are this request's own instances (built for it), so giving each a checking
    ``run`` changes nothing for anyone else; the numbers are those of the unwrapped models.
    """
    out = list(models)
    pending = list(out)
    while pending:
        model = pending.pop()
        pending.extend(getattr(model, "members", ()))
        original = model.run

        def run(*args: Any, _run: Callable[..., Any] = original, **kwargs: Any) -> Any:
            token.check()
            return _run(*args, **kwargs)

        model.run = run  # type: ignore[method-assign]
    return out


class DaemonPool:
    """A fixed pool of daemon threads running submitted calls in order (FIFO).

    Unlike :class:`concurrent.futures.ThreadPoolExecutor`, whose threads the interpreter joins
    at exit, nothing here can hold up the process once the server is done: shutting down drops
    what has not started and waits for what runs at most ``timeout`` seconds.
    """

    def __init__(self, workers: int, name: str) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{k}", daemon=True)
            for k in range(workers)
        ]
        self._closed = False
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Queue ``fn`` and return its future (cancel it to drop the call before it starts)."""
        if self._closed:
            raise RuntimeError("the pool is shut down")
        future: Future[T] = Future()
        self._queue.put((future, fn))
        return future

    def shutdown(self, timeout: float = 0.0) -> None:
        """Stop taking work, drop what has not started, wait for running calls ``timeout`` s."""
        self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
            else:
                future.set_result(result)


class ComputeGate:
    """Run computations on ``slots`` daemon threads, with at most ``queue`` more waiting.

    Parameters
    ----------
    slots:
        Computations running at once.
    queue:
        Computations admitted to wait for a slot; beyond ``slots + queue`` a request gets
        :class:`Busy` at once.

    """

    def __init__(self, slots: int, queue: int) -> None:
        if slots < 1 or queue < 0:
            raise ValueError("slots must be at least 1 and queue at least 0")
        self.slots = slots
        self.queue = queue
        self._pool = DaemonPool(slots, "accord-compute")
        self._lock = threading.Lock()
        self._tokens: set[CancelToken] = set()
        self._closed = False
        self._typical = 1.0  # seconds a computation takes, a moving average (for Retry-After)

    @property
    def admitted(self) -> int:
        """Return the number of computations running or waiting."""
        with self._lock:
            return len(self._tokens)

    def retry_after(self) -> int:
        """Return the seconds a refused client should wait: about one turn of the queue."""
        with self._lock:
            turns = (len(self._tokens) + 1) / self.slots
            return max(1, min(120, math.ceil(self._typical * turns)))

    def admit(self) -> CancelToken:
        """Take a place in the gate and return the computation's token.

        Raises
        ------
        Busy
            When ``slots + queue`` computations are already running or waiting, or the
            server is shutting down.

        """
        with self._lock:
            closed, full = self._closed, len(self._tokens) >= self.slots + self.queue
            if not (closed or full):
                token = CancelToken()
                self._tokens.add(token)
                return token
        if closed:
            raise Busy("the server is shutting down", 5)
        raise Busy(
            f"the server is busy: {self.slots} computations are running and {self.queue} "
            "waiting; try again shortly",
            self.retry_after(),
        )

    def unclaimed(self, token: CancelToken) -> None:
        """Give back a place taken for a request that never submitted its computation."""
        if not token.submitted:
            self._release(token, None)

    def _release(self, token: CancelToken, started: float | None) -> None:
        with self._lock:
            self._tokens.discard(token)
            if started is not None:
                self._typical = 0.8 * self._typical + 0.2 * (time.monotonic() - started)

    def submit(self, fn: Callable[[CancelToken], T], token: CancelToken) -> Future[T]:
        """Queue ``fn(token)`` for an admitted token; its place is released when it ends."""
        started: list[float] = []
        token.submitted = True

        def call() -> T:
            started.append(time.monotonic())
            token.check()  # cancelled while it waited
            return fn(token)

        try:
            future = self._pool.submit(call)
        except RuntimeError:
            self._release(token, None)
            raise Busy("the server is shutting down", 5) from None
        future.add_done_callback(lambda _: self._release(token, started[0] if started else None))
        return future

    async def run(self, fn: Callable[[CancelToken], T], request: Request | None = None) -> T:
        """Run ``fn(token)`` in a slot and return its result, without holding any thread.

        While it waits or runs, the client is checked every :data:`POLL_SECONDS`; when it has
        gone, the computation is cancelled (dropped if it has not started) and
        :class:`ClientGone` is raised. A computation cancelled because the server is shutting
        down gives a 503.

        Raises
        ------
        HTTPException
            503 with ``Retry-After`` when the gate is full or the server is shutting down.

        """
        token = request.scope.get("state", {}).pop(TOKEN_KEY, None) if request else None
        if not isinstance(token, CancelToken) or token.submitted:
            try:
                token = self.admit()
            except Busy as exc:
                raise busy_response(exc) from None
        future = self.submit(fn, token)
        waiting = asyncio.wrap_future(future)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=POLL_SECONDS)
                if done:
                    return waiting.result()
                if request is not None and await request.is_disconnected():
                    token.cancel("the client went away")
                    future.cancel()  # dropped if it has not started
                    waiting.cancel()  # its outcome is nobody's now: never reported unread
                    raise ClientGone()
        except Cancelled:
            if token.reason == "the client went away":
                raise ClientGone() from None
            raise HTTPException(
                status_code=503, detail=token.reason or "cancelled", headers={"Retry-After": "5"}
            ) from None
        except asyncio.CancelledError:  # the server cancelled the request
            token.cancel("the request was cancelled")
            future.cancel()
            waiting.cancel()
            raise

    def cancel_all(self, reason: str = "the server is shutting down") -> None:
        """Refuse new computations and ask every running or waiting one to stop."""
        with self._lock:
            self._closed = True
            tokens = list(self._tokens)
        for token in tokens:
            token.cancel(reason)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Cancel everything, then wait at most ``timeout`` s for running computations."""
        self.cancel_all()
        self._pool.shutdown(timeout)


def computes(endpoint: F) -> F:
    """Mark a route's endpoint as one that computes: :class:`Admission` gates its requests."""
    setattr(endpoint, COMPUTES, True)
    return endpoint


class Admission:
    """ASGI middleware: take a place in the gate for a computing request before it is parsed.

    It sits inside :class:`~accord.web.limits.BodyLimit`, so the body has arrived (a stalled
    client holds no place). When the gate is full the request is refused at once (503,
    ``Retry-After``, connection closed) without parsing its body: a storm of requests costs the
    server next to nothing. The place taken is handed to :meth:`ComputeGate.run` through the
    request's state, and given back if the request never computes (e.g. its body is not valid).

    Parameters
    ----------
    app:
        The wrapped ASGI application.
    gate:
        The app's compute gate.
    routes:
        The app's routes; those whose endpoint is marked with :func:`computes` are gated.

    """

    def __init__(self, app: Any, gate: ComputeGate, routes: Iterable[Any]) -> None:
        self.app = app
        self.gate = gate
        self._routes = list(routes)

    def _gated(self, scope: Any) -> bool:
        from starlette.routing import Match

        for route in self._routes:
            if not getattr(getattr(route, "endpoint", None), COMPUTES, False):
                continue
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return True
        return False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Take a place for a computing request (or refuse it), then pass it on."""
        if scope["type"] != "http" or not self._gated(scope):
            await self.app(scope, receive, send)
            return
        try:
            token = self.gate.admit()
        except Busy as exc:
            await _refuse_busy(send, exc)
            return
        scope.setdefault("state", {})[TOKEN_KEY] = token
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.unclaimed(token)


async def _refuse_busy(send: Any, exc: Busy) -> None:
    import json

    body = json.dumps({"detail": str(exc)}).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"retry-after", str(exc.retry_after).encode("ascii")),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class ClientGone(Exception):
    """Raised in a request whose client disconnected before its computation was done."""


def busy_response(exc: Busy) -> HTTPException:
    """Return the 503 for a full gate (or job queue), with ``Retry-After``."""
    return HTTPException(
        status_code=503, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
    )


def client_gone_response() -> Response:
    """Return the response of a request whose client went away (nobody will read it)."""
    return Response(status_code=CLIENT_GONE)
