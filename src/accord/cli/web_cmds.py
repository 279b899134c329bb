"""``accord serve``: the web app (pages and a JSON API) on this machine."""

from __future__ import annotations

import errno
import ipaddress
import socket

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


def _bind_error(host: str, port: int) -> OSError | None:
    """Return why ``(host, port)`` cannot be listened on now, or None when it can.

    The probe binds the way uvicorn does (``SO_REUSEADDR``, so a port left in TIME_WAIT by a
    server that just stopped counts as free) and lets go at once.
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc
    return None


def check_port(host: str, port: int, tries: int = 20) -> None:
    """Raise a one-line :class:`AccordError` when the server could not listen on ``host:port``.

    A port in use gets a hint: the next free port above it (of the next ``tries``).
    """
    if port == 0:  # any free port: the system picks one
        return
    problem = _bind_error(host, port)
    if problem is None:
        return
    if problem.errno == errno.EADDRINUSE:
        free = next(
            (p for p in range(port + 1, min(port + tries, 65535) + 1) if not _bind_error(host, p)),
            None,
        )
        hint = f"try --port {free}" if free is not None else "try another --port"
        raise AccordError(f"port {port} is in use; {hint}")
    reason = problem.strerror or str(problem)
    raise AccordError(f"cannot listen on {host} port {port}: {reason}")


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
    check_port(host, port)
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
    ```
    accord serve
    accord serve --port 8080 --store runs.db
    ```

    """
    if not is_loopback(host):
        typer.echo(
            f"warning: listening on {host}: the app has no login, so anyone who can reach "
            "this port can use it",
            err=True,
        )
    run_server(host, port, store, max_upload_kb * 1024)
