"""The web app: :func:`create_app` wires the pages and the JSON API over accord's public API.

``accord serve`` runs it with uvicorn on 127.0.0.1. Every request body is read into memory
under a size limit before anything parses it; user errors come back as 422 with the same
one-line message as the command line; nothing a request sends is used as a path.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from accord import __version__
from accord.errors import AccordError
from accord.scenario.validate import dotted
from accord.web import api, api_editor, api_runs, pages
from accord.web.jobs import JobRunner
from accord.web.limits import DEFAULT_MAX_UPLOAD, BodyLimit, Message, Receive, Scope, Send
from accord.web.services import Context, Runs, Settings

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
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


async def _accord_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccordError)
    return JSONResponse({"detail": exc.one_line()}, status_code=422)


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    where = dotted(tuple(p for p in first.get("loc", ()) if p != "body"))
    detail = f"request: {where}: {message}" if where else f"request: {message}"
    return JSONResponse({"detail": detail}, status_code=422)


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
        Host names the app answers to (None: any). The default, the loopback names, keeps
        other web sites from reaching the app through DNS rebinding.
    max_draws:
        The most Monte Carlo draws a request may ask for.
    report_draws:
        Monte Carlo draws in a run's report (default: the report module's default).
    job_workers:
        Threads running background jobs (Monte Carlo).
    max_jobs:
        Most background jobs queued or running at once; more get a 429.
    compute_slots:
        Most requests computing at once (forecasts, comparisons); others wait their turn.
        Default: the number of CPUs, between 2 and 8.

    Returns
    -------
    FastAPI
        The application; its OpenAPI schema is at ``/openapi.json``.

    """
    from accord.reports.build import DEFAULT_DRAWS

    location = _store_location(store_url)
    settings = Settings(
        store=location,
        max_upload_bytes=max_upload_bytes,
        max_draws=max_draws,
        report_draws=DEFAULT_DRAWS if report_draws is None else report_draws,
    )
    slots = threading.BoundedSemaphore(compute_slots or min(8, max(2, os.cpu_count() or 2)))
    jobs = JobRunner(workers=job_workers, max_pending=max_jobs)
    ctx = Context(settings, Runs(location), jobs, slots)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.jobs.shutdown()
        ctx.runs.close()

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
    app.include_router(api.router)
    app.include_router(api_editor.router)
    app.include_router(api_runs.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    return app
