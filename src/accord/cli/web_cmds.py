"""``accord serve``: the web app (pages and a JSON API) on this machine."""

from __future__ import annotations

import ipaddress

import typer

from accord.errors import AccordError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the app."""
    app.command("serve")(serve)


def is_loopback(host: str) -> bool:
    """Return whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    store: str | None = None,
    max_upload_bytes: int | None = None,
    log_level: str = "info",
) -> None:
    """Build the app and serve it with uvicorn until interrupted.

    On a loopback address the app answers only to the loopback host names; on any other
    address it answers to every name (and anyone who can reach the port can use it).
    """
    if not 0 <= port <= 65535:
        raise AccordError(f"--port must lie in 0-65535, got {port}")
    try:
        import uvicorn

        from accord.web.app import LOOPBACK_HOSTS, create_app
        from accord.web.limits import DEFAULT_MAX_UPLOAD
    except ImportError as exc:
        raise AccordError(
            f"the web app needs its extras ({exc.name} is missing): pip install 'accord[web]'"
        ) from None
    limit = DEFAULT_MAX_UPLOAD if max_upload_bytes is None else max_upload_bytes
    if limit < 1:
        raise AccordError(f"--max-upload-kb must be at least 1, got {limit / 1024:g}")
    local = is_loopback(host)
    app = create_app(store, limit, allowed_hosts=(*LOOPBACK_HOSTS, host) if local else None)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        limit_concurrency=256,
        timeout_graceful_shutdown=5,
    )


def serve(
    host: str = typer.Option(
        DEFAULT_HOST, "--host", help="Address to listen on (default: this machine only)."
    ),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to listen on."),
    store: str | None = typer.Option(
        None,
        "--store",
        help="Run store: an SQLite file or SQLAlchemy URL, or 'off' "
        "(default: $ACCORD_STORE, else ~/.local/share/accord/runs.db).",
    ),
    max_upload_kb: int = typer.Option(
        1024, "--max-upload-kb", help="Largest request body accepted, in KB."
    ),
) -> None:
    """Serve the web app: edit scenarios in a table, run models, compare designs, get reports.

    Pages at http://HOST:PORT/, the JSON API under /api (schema at /openapi.json). It has no
    login: keep it on 127.0.0.1 unless every machine that can reach the port may use it.

    Examples:
      accord serve

      accord serve --port 8080 --store runs.db

    """
    if not is_loopback(host):
        typer.echo(
            f"warning: listening on {host}: the app has no login, so anyone who can reach "
            "this port can use it",
            err=True,
        )
    run_server(host, port, store, max_upload_kb * 1024)
