"""Run the web app on a loopback port for the browser and load tests."""

from __future__ import annotations

import contextlib
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
    url: str, timeout: float = 30.0, proc: subprocess.Popen[Any] | None = None
) -> None:
    """Poll /api/health until the server answers (or fail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/health", timeout=2.0).status_code == 200:
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
    "import sys\n"
    "from accord.cli.web_cmds import run_server\n"
    "run_server('127.0.0.1', int(sys.argv[1]), sys.argv[2], log_level='warning')\n"
)


@contextlib.contextmanager
def process_server(store: Path, log: Path) -> Iterator[tuple[str, int]]:
    """Run ``accord serve``'s server in a child process; yield (base URL, process id)."""
    port = free_port()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port), str(store)], stdout=out, stderr=out, env=env
        )
        url = f"http://{HOST}:{port}"
        try:
            wait_healthy(url, proc=proc)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
