"""``accord serve``: the web app (pages and a JSON API) on this machine.

On a loopback address (127.0.0.1, ``::1``, localhost) the app answers to the loopback names
only. On any other address it needs an access token on every request (``--token``, else
``$ACCORD_TOKEN``, else one made up and printed at start) and still answers only to the names
it knows: the address it listens on, this machine's name and address, the loopback names and
those given with ``--allow-host``. Ctrl-C (SIGINT) or SIGTERM stops it within a few seconds:
computations and background jobs are cancelled, not waited for.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import typer

from accord.errors import AccordError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_ENV = "ACCORD_TOKEN"
"""The environment variable that may hold the access token."""
GRACE_SECONDS = 3
"""How long open requests get to finish once the server is asked to stop."""


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


def _machine_names() -> list[str]:
    """Return this machine's name and its main address (no name lookup, no traffic)."""
    names = [socket.gethostname()]
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # UDP: picks the outgoing address, sends nothing
        names.append(str(probe.getsockname()[0]))
    return [n for n in names if n]


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Return the Host names the app answers to when it listens on ``host``.

    Always the loopback names and ``extra`` (``--allow-host``); the address listened on, unless
    it is a wildcard (``0.0.0.0``, ``::``); off loopback also this machine's name and address.
    """
    from accord.web.app import LOOPBACK_HOSTS

    names = [*LOOPBACK_HOSTS, *extra]
    bare = host.strip("[]")
    wildcard = bare in ("0.0.0.0", "::", "")
    if not wildcard:
        names.append(bare)
    if not is_loopback(host):
        names += _machine_names()
    return tuple(dict.fromkeys(names))


def _announce(text: str) -> None:
    typer.echo(text, err=True)


def run_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    store: str | None = None,
    max_upload_bytes: int | None = None,
    log_level: str = "info",
    *,
    token: str | None = None,
    allow_hosts: Sequence[str] = (),
    body_timeout: float | None = None,
    compute_queue: int | None = None,
    max_seconds: float | None = None,
    announce: Callable[[str], None] = _announce,
) -> None:
    """Build the app and serve it with uvicorn until interrupted.

    On a loopback address the app answers only to the loopback host names. On any other
    address every request needs the access token: ``token``, else ``$ACCORD_TOKEN``, else a
    new one, printed (through ``announce``) with the address to open. ``compute_queue`` is
    the number of requests that may wait for a computation slot, ``max_seconds`` the most
    estimated seconds of computing one request may ask for (see :mod:`accord.web.cost`).
    """
    if not 0 <= port <= 65535:
        raise AccordError(f"--port must lie in 0-65535, got {port}")
    try:
        import uvicorn

        from accord.web.access import MIN_TOKEN, new_token
        from accord.web.app import create_app
        from accord.web.cost import Limits
        from accord.web.limits import DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_UPLOAD
    except ImportError as exc:
        raise AccordError(
            f"the web app needs its extras ({exc.name} is missing): pip install 'accord[web]'"
        ) from None
    limit = DEFAULT_MAX_UPLOAD if max_upload_bytes is None else max_upload_bytes
    if limit < 1:
        raise AccordError(f"--max-upload-kb must be at least 1, got {limit / 1024:g}")
    timeout = DEFAULT_BODY_TIMEOUT if body_timeout is None else body_timeout
    if timeout <= 0:
        raise AccordError(f"--body-timeout must be more than 0 seconds, got {timeout:g}")
    if compute_queue is not None and compute_queue < 0:
        raise AccordError(f"--queue must be at least 0, got {compute_queue}")
    if max_seconds is not None and max_seconds <= 0:
        raise AccordError(f"--max-seconds must be more than 0, got {max_seconds:g}")
    limits = Limits() if max_seconds is None else Limits(seconds=max_seconds)
    token = (token or os.environ.get(TOKEN_ENV, "")).strip() or None
    if token is not None and len(token) < MIN_TOKEN:
        raise AccordError(f"the access token must have at least {MIN_TOKEN} characters")
    local = is_loopback(host)
    made_up = token is None and not local
    if made_up:
        token = new_token()
    check_port(host, port)
    hosts = allowed_hosts(host, allow_hosts)
    app = create_app(
        store,
        limit,
        allowed_hosts=hosts,
        body_timeout=timeout,
        token=token,
        compute_queue=compute_queue,
        limits=limits,
    )
    config = uvicorn.Config(
        app,
        host=host.strip("[]"),
        port=port,
        log_level=log_level,
        server_header=False,
        limit_concurrency=256,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    if token is not None:  # the access log shows request paths: never the token in them
        logging.getLogger("uvicorn.access").addFilter(RedactToken(token))
    server = _Server(config, on_exit=app.state.accord.stop)
    shown = host if local or host.strip("[]") not in ("0.0.0.0", "::") else hosts[-1]
    shown = f"[{shown}]" if ":" in shown.strip("[]") else shown
    if token is not None:
        where = f"http://{shown}:{port}/?token={token}"
        kind = "a new access token" if made_up else "its access token"
        announce(
            f"accord: open {where} ({kind}; or send 'Authorization: Bearer {token}'); it "
            f"answers to {', '.join(hosts)} (--allow-host adds a name)"
        )
    server.run()


class RedactToken(logging.Filter):
    """A logging filter that writes ``token=***`` for the access token in log records."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the token in the record's arguments (uvicorn logs the path as one)."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                a.replace(self.token, "***") if isinstance(a, str) else a for a in record.args
            )
        return True


class _Server:
    """uvicorn's server, which also tells the app to stop computing as soon as a signal comes.

    uvicorn waits for open requests before it shuts the app down; cancelling the app's
    computations and jobs at the signal lets those requests end at once.
    """

    def __init__(self, config: Any, on_exit: Callable[[], None]) -> None:
        import uvicorn

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: FrameType | None) -> None:
                # In a signal handler: take no lock here, let a thread do the work.
                threading.Thread(target=on_exit, name="accord-stop", daemon=True).start()
                super().handle_exit(sig, frame)

        self._server = Server(config)

    def run(self) -> None:
        """Serve until a signal stops the server."""
        self._server.run()


def serve(
    host: str = typer.Option(
        DEFAULT_HOST,
        "--host",
        help="Address to listen on (default: this machine only; ::1 for IPv6). Any other "
        "address needs the access token.",
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
    token: str | None = typer.Option(
        None,
        "--token",
        help=f"Access token every request must carry (default: ${TOKEN_ENV}; off this machine, "
        "one is made up and printed).",
    ),
    allow_host: list[str] | None = typer.Option(
        None,
        "--allow-host",
        help="Another host name the app answers to (repeatable; '*': any, behind a proxy "
        "that checks names itself).",
    ),
    body_timeout: float = typer.Option(
        15.0,
        "--body-timeout",
        help="Seconds a request body may pause before the request is dropped (it must "
        "arrive within four times that).",
    ),
    queue: int | None = typer.Option(
        None,
        "--queue",
        help="Requests that may wait for a computation slot; more get 503 and Retry-After "
        "(default: twice the slots, at least 8).",
    ),
    max_seconds: float | None = typer.Option(
        None,
        "--max-seconds",
        help="Most estimated seconds of computing one request may ask for (default 300; a "
        "Monte Carlo job, which runs in the background, may ask for 3600).",
    ),
) -> None:
    """Serve the web app: edit scenarios in a table, run models, compare designs, get reports.

    Pages at http://HOST:PORT/, the JSON API under /api (schema at /openapi.json). On
    127.0.0.1 (or ::1) it needs no login; on any other address every request needs the
    access token, which is printed at start with the address to open.

    Examples:
    ```
    accord serve
    accord serve --port 8080 --store runs.db
    accord serve --host 0.0.0.0 --allow-host accord.example.org
    ```

    """
    if not is_loopback(host):
        typer.echo(
            f"warning: listening on {host}: anyone who can reach this port and has the access "
            "token can use the app (and the token travels unencrypted over plain HTTP)",
            err=True,
        )
    run_server(
        host,
        port,
        store,
        max_upload_kb * 1024,
        token=token,
        allow_hosts=tuple(allow_host or ()),
        body_timeout=body_timeout,
        compute_queue=queue,
        max_seconds=max_seconds,
    )
