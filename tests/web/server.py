"""Run the web app on a loopback port for the browser and load tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    """Return a port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    url: str,
    timeout: float = 30.0,
    proc: subprocess.Popen[Any] | None = None,
    headers: dict[str, str] | None = None,
    up: tuple[int, ...] = (200,),
) -> None:
    """Poll /api/health until the server answers with a status in ``up`` (or fail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/health", timeout=2.0, headers=headers).status_code in up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not come up in {timeout:g} s")


@contextlib.contextmanager
def thread_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a socket bound here; yield its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    url = f"http://{HOST}:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_healthy(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


SERVE = (
    "import json, sys\n"
    "from accord.cli.web_cmds import run_server\n"
    "run_server(sys.argv[1], int(sys.argv[2]), sys.argv[3], log_level='warning',\n"
    "           **json.loads(sys.argv[4]))\n"
)


@contextlib.contextmanager
def process_server(
    store: Path,
    log: Path,
    *,
    host: str = HOST,
    connect: str = HOST,
    headers: dict[str, str] | None = None,
    up: tuple[int, ...] = (200,),
    **options: Any,
) -> Iterator[tuple[str, int]]:
    """Run ``accord serve``'s server in a child process; yield (base URL, process id).

    ``host`` is the address it listens on, ``connect`` the one the tests reach it at (with
    ``headers`` on the health check, e.g. a token); ``options`` go to ``run_server``.
    """
    port = free_port()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("ACCORD_TOKEN", None)
    argv = [sys.executable, "-c", SERVE, host, str(port), str(store), json.dumps(options)]
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=out, env=env)
        url = f"http://{connect}:{port}"
        try:
            wait_healthy(url, proc=proc, headers=headers, up=up)
            yield url, proc.pid
        finally:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
