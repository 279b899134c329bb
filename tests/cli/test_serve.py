"""``accord serve`` on a port it cannot have: one line with a hint, never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from accord.cli import web_cmds
from accord.errors import AccordError


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture(autouse=True)
def _never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server was started")

    monkeypatch.setattr(uvicorn, "run", refuse)


def test_a_busy_port_gets_a_one_line_hint(run_cli, busy_port: int) -> None:
    code, out, err = run_cli("serve", "--port", str(busy_port))
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: port {busy_port} is in use; try --port ")
    assert err.count("\n") == 1 and "Traceback" not in err
    suggested = int(err.split("--port ")[1])
    assert suggested > busy_port
    assert web_cmds._bind_error("127.0.0.1", suggested) is None


def test_the_check_passes_free_ports_and_names_busy_ones(busy_port: int) -> None:
    web_cmds.check_port("127.0.0.1", 0)  # the system picks one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    web_cmds.check_port("127.0.0.1", free)
    with pytest.raises(AccordError, match=f"port {busy_port} is in use"):
        web_cmds.check_port("127.0.0.1", busy_port)
