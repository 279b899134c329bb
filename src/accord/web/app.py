"""The web app: :func:`create_app` wires the pages and the JSON API over accord's public API.

``accord serve`` runs it with uvicorn on 127.0.0.1. Every request is checked first (its Host
header and, off this machine, its access token: :mod:`accord.web.access`); its body is read
into memory under a size limit and a time limit before anything parses it; what it asks to
compute runs in a few slots with a short queue (:mod:`accord.web.compute`) after its cost is
estimated (:mod:`accord.web.cost`); user errors come back as 422 with the same one-line message
as the command line, every message made safe to encode; nothing a request sends is used as a
path.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord import __version__
from accord.errors import AccordError
from accord.scenario.validate import dotted
from accord.web import api, api_draft, api_editor, api_runs, pages
from accord.web.access import AccessGuard
from accord.web.compute import Admission, ClientGone, ComputeGate, client_gone_response
from accord.web.cost import Limits
from accord.web.jobs import JobRunner
from accord.web.limits import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_MAX_UPLOAD,
    BodyLimit,
    Message,
    Receive,
    Scope,
    Send,
    ascii_header,
    safe_text,
)
from accord.web.services import Context, Runs, Settings, json_response

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names the app answers to by default (a guard against DNS rebinding)."""
DEFAULT_MAX_DRAWS = 100_000
"""The most Monte Carlo draws one request may ask for."""
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)
DESCRIPTION = (
    "Forecast multilateral negotiations with bargaining models, compare process designs and "
    "run Monte Carlo over uncertain inputs. User errors are 422 responses whose `detail` is the "
    "same one-line message the `accord` command prints."
)


class SecurityHeaders:
    """ASGI middleware: add protective headers, and a strict CSP unless a route set its own."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding headers to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"content-security-policy": PAGE_CSP.encode("ascii"),
                }
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """Return ``{"detail": ...}``, the message made safe to encode (lone surrogates escaped)."""
    safe = {k: ascii_header(v) for k, v in (headers or {}).items()}
    return json_response({"detail": safe_text(detail)}, status, safe)


async def _accord_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccordError)
    return error_response(422, exc.one_line())


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _client_gone(request: Request, exc: Exception) -> Response:
    return client_gone_response()


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    where = dotted(tuple(p for p in first.get("loc", ()) if p != "body"))
    detail = f"request: {where}: {message}" if where else f"request: {message}"
    return error_response(422, detail)


def _store_location(store_url: str | None) -> str | None:
    """Return the run store's location (None: off), as the command line resolves it."""
    try:
        from accord.store import resolve_store
    except ImportError:  # SQLAlchemy missing: fine as long as no store is asked for
        if store_url is None or store_url.strip().lower() == "off":
            return None
        raise AccordError("the run store needs SQLAlchemy: pip install 'accord[store]'") from None
    return resolve_store(store_url)


def create_app(
    store_url: str | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    *,
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
    max_draws: int = DEFAULT_MAX_DRAWS,
    report_draws: int | None = None,
    job_workers: int = 2,
    max_jobs: int = 8,
    compute_slots: int | None = None,
    compute_queue: int | None = None,
    limits: Limits | None = None,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    token: str | None = None,
) -> FastAPI:
    """Return the accord web app.

    Parameters
    ----------
    store_url:
        The run store: an SQLite file or an SQLAlchemy URL; None: ``$ACCORD_STORE``, else the
        user's default store; ``"off"``: runs are not saved (no run pages or run reports).
    max_upload_bytes:
        The largest request body accepted, in bytes; a larger one gets a 422.
    allowed_hosts:
        Host names and addresses the app answers to (None, or one of them ``"*"``: any). The
        default, the loopback names, keeps other web sites from reaching the app through DNS
        rebinding.
    max_draws:
        The most Monte Carlo draws a request may ask for.
    report_draws:
        Monte Carlo draws in a run's report (default: the report module's default).
    job_workers:
        Threads running background jobs (Monte Carlo).
    max_jobs:
        Most background jobs queued or running at once; more get a 503 with ``Retry-After``.
    compute_slots:
        Most requests computing at once (parsing, validating, forecasts, comparisons,
        reports); others wait their turn. Default: the number of CPUs, between 2 and 8.
    compute_queue:
        Most requests waiting for a slot (holding no thread); more get a 503 with
        ``Retry-After``. Default: twice the slots, at least 8.
    limits:
        The most a request may cost (estimated seconds, memory); see :mod:`accord.web.cost`.
    body_timeout:
        Seconds a request body may pause (it must arrive within four times that); then 408.
    token:
        An access token every request must carry (``Authorization: Bearer``, or the cookie
        set by opening a page with ``?token=``); None: none needed.

    Returns
    -------
    FastAPI
        The application; its OpenAPI schema is at ``/openapi.json``.

    """
    from accord.reports.build import DEFAULT_DRAWS

    if body_timeout <= 0:  # checked now: the middleware is built at the first request
        raise ValueError(f"body_timeout must be positive, got {body_timeout}")
    location = _store_location(store_url)
    settings = Settings(
        store=location,
        max_upload_bytes=max_upload_bytes,
        max_draws=max_draws,
        report_draws=DEFAULT_DRAWS if report_draws is None else report_draws,
    )
    slots = compute_slots or min(8, max(2, os.cpu_count() or 2))
    gate = ComputeGate(slots, max(8, 2 * slots) if compute_queue is None else compute_queue)
    jobs = JobRunner(workers=job_workers, max_pending=max_jobs)
    ctx = Context(settings, Runs(location), jobs, gate, limits or Limits())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="accord",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.accord = ctx
    app.add_exception_handler(AccordError, _accord_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientGone, _client_gone)
    routers = (api.router, api_editor.router, api_draft.router, api_runs.router, pages.router)
    for router in routers:
        app.include_router(router)
    # The last added runs first: headers on every answer, then who may ask, then the body
    # (read under its size and time limits), then a place in the compute gate for a request
    # that computes, before anything parses the body. A stalled body holds no place.
    app.add_middleware(Admission, gate=gate, routes=[r for x in routers for r in x.routes])
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes, timeout=body_timeout)
    app.add_middleware(AccessGuard, allowed_hosts=allowed_hosts, token=token)
    app.add_middleware(SecurityHeaders)
    return app
