"""The server under load and its job control (issue 13, defect 14).

A full compute gate answers 503 with ``Retry-After`` while ``/api/health`` stays free;
``DELETE /api/jobs/{id}`` cancels a running Monte Carlo; a client that disconnects stops its
computation and frees its slot; a request's cost (actors x issues x rounds x draws) is bounded
before anything runs; Ctrl-C stops ``accord serve`` within seconds with a job running; and a
request body that stalls is answered with a 408 and dropped after the body timeout.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from accord.cli import web_cmds
from accord.errors import AccordError
from accord.forecast import build_models
from accord.web import create_app
from accord.web.compute import Cancelled, CancelToken, ClientGone, ComputeGate
from accord.web.cost import Limits, estimate, forecast_batches
from accord.web.jobs import JobRunner, State
from accord.web.schemas import ScenarioInput
from tests.web.server import free_port, thread_server, wait_healthy

VIENNA = "syria-2015-vienna"
QUICK = {"case": VIENNA, "models": ["median"], "bottom_line": False, "save": False}
"""A forecast that takes a few milliseconds."""
LONG = {"case": VIENNA, "models": ["all"], "draws": 1000, "save": True}
"""A forecast that takes many seconds: every model, the bottom line over 1,000 draws."""
BOTTOM_LINE = {"case": VIENNA, "models": ["all"], "save": True}
"""A forecast of about 5 s on two cores, each of its model runs under 2 s: the bottom line."""


def wide(n_actors: int, n_issues: int = 1) -> dict[str, Any]:
    """Return a scenario (JSON) of ``n_actors`` actors on ``n_issues`` issues, fixed numbers."""
    rnd = random.Random(n_actors)
    actors = [{"id": f"a{i}", "capability": round(rnd.uniform(1, 100), 2)} for i in range(n_actors)]
    issues = [{"id": f"x{j}", "scale": {"min": 0, "max": 100}} for j in range(n_issues)]
    stances = [
        {
            "actor": f"a{i}",
            "issue": f"x{j}",
            "position": round(rnd.uniform(0, 100), 2),
            "salience": round(rnd.uniform(0.1, 1), 2),
        }
        for i in range(n_actors)
        for j in range(n_issues)
    ]
    return {"title": f"{n_actors} actors", "actors": actors, "issues": issues, "stances": stances}


def until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``check`` until it is true; return the seconds it took (fail after ``timeout``)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(0.01)
    return time.monotonic() - start


def address(url: str) -> tuple[str, int]:
    """Return (host, port) of a base URL such as ``http://127.0.0.1:8000``."""
    host, port = url.rsplit("/", 1)[1].rsplit(":", 1)
    return host, int(port)


def raw_post(url: str, path: str, body: bytes, declared: int | None = None) -> socket.socket:
    """Open a connection and send a POST's headers and ``body`` (``declared``: its length)."""
    sock = socket.create_connection(address(url), timeout=15)
    length = len(body) if declared is None else declared
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    sock.sendall(head.encode("ascii") + body)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Read until the server closes the connection (the socket's timeout bounds the wait)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@contextmanager
def served(**options: Any) -> Iterator[tuple[str, Any]]:
    """Serve ``create_app(**options)`` on a loopback port; yield (base URL, app context)."""
    options.setdefault("store_url", "off")
    app = create_app(**options)
    with thread_server(app) as url:
        yield url, app.state.accord


# ------------------------------------------------------------------ 14a: 503 and Retry-After
def test_a_full_gate_answers_503_with_retry_after_and_health_stays_free(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off", compute_slots=1, compute_queue=1)
    gate: ComputeGate = client.app.state.accord.compute  # type: ignore[attr-defined]
    held = [gate.admit(), gate.admit()]  # one computing, one waiting: the gate is full
    try:
        for path, body in (("/api/forecast", QUICK), ("/api/scenarios/validate", {"case": VIENNA})):
            refused = client.post(path, json=body)
            assert refused.status_code == 503, refused.text
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["detail"].startswith("the server is busy: 1 computations")
            assert refused.headers["connection"] == "close"
        assert client.get("/api/health").json()["status"] == "ok"  # no slot needed
        assert client.get("/api/jobs/j-0000000000000000").status_code == 404
    finally:
        for token in held:
            gate.unclaimed(token)
    assert gate.admitted == 0
    assert client.post("/api/forecast", json=QUICK).status_code == 200


def test_a_full_job_queue_answers_503_and_a_queued_job_its_id(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off", job_workers=1, max_jobs=1)
    first = client.post("/api/mc", json={"case": VIENNA, "model": "bdm", "draws": 40_000})
    assert first.status_code == 202
    job = first.json()
    assert first.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["state"] in ("queued", "running")
    second = client.post("/api/mc", json={"case": VIENNA, "model": "median", "draws": 50})
    assert second.status_code == 503
    assert int(second.headers["retry-after"]) >= 1
    assert "1 jobs are already queued or running" in second.json()["detail"]
    assert client.delete(f"/api/jobs/{job['id']}").status_code == 200


def test_health_answers_at_once_while_every_slot_computes() -> None:
    with served(compute_slots=1, compute_queue=0) as (url, ctx):
        sock = raw_post(url, "/api/forecast", json.dumps(LONG).encode())
        try:
            until(lambda: ctx.compute.admitted == 1, 10, "the forecast took its slot")
            times = []
            for _ in range(10):
                start = time.perf_counter()
                assert httpx.get(f"{url}/api/health", timeout=5).status_code == 200
                times.append(time.perf_counter() - start)
            busy = httpx.post(f"{url}/api/forecast", json=QUICK, timeout=5)
            assert ctx.compute.admitted == 1  # still computing: the test measured a busy server
        finally:
            sock.close()
    # the issue's bound (1 s); typically 10-50 ms, once 0.54 s on a 2-core machine running
    # other work besides the server and the forecast
    assert max(times) < 1.0, times
    assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1


# ------------------------------------------------------------------ 14b: DELETE /api/jobs/{id}
def test_delete_cancels_a_running_monte_carlo(make_client: Callable[..., TestClient]) -> None:
    client = make_client(job_workers=1)
    body = {"case": VIENNA, "model": "bdm", "draws": 40_000}  # 40 chunks of 1,000 draws
    job = client.post("/api/mc", json=body).json()
    jobs: JobRunner = client.app.state.accord.jobs  # type: ignore[attr-defined]
    until(lambda: client.get(f"/api/jobs/{job['id']}").json()["state"] == "running", 30, "run")
    time.sleep(0.2)
    asked = time.monotonic()
    deleted = client.delete(f"/api/jobs/{job['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["cancel_requested"] is True
    finished = jobs.wait(job["id"], timeout=60)
    stopped_in = time.monotonic() - asked
    assert finished is not None and finished.state == State.CANCELLED
    assert finished.done <= 2000 and finished.total == 40_000  # stopped early: 2 chunks at most
    assert finished.result is None
    assert stopped_in < 10, stopped_in  # within a chunk, not the whole run
    seen = client.get(f"/api/jobs/{job['id']}").json()
    assert seen["state"] == "cancelled"
    assert client.get("/api/runs", params={"kind": "mc"}).json() == []  # nothing saved
    # the worker is free again: the next job runs at once
    quick = client.post("/api/mc", json={"case": VIENNA, "model": "median", "draws": 50}).json()
    done = jobs.wait(quick["id"], timeout=10)
    assert done is not None and done.state == State.DONE
    # unknown ids, malformed ids, finished jobs
    assert client.delete("/api/jobs/j-0000000000000000").status_code == 404
    assert client.delete("/api/jobs/not-a-job").status_code == 404
    again = client.delete(f"/api/jobs/{quick['id']}")
    assert again.status_code == 200 and again.json()["state"] == "done"


def test_a_job_cancel_fires_its_token_at_once() -> None:
    """Work that checks the job's token stops at its next check, not at its next progress."""
    runner = JobRunner(workers=1)
    token = CancelToken()
    started = threading.Event()

    def work(progress: Callable[[int], None]) -> dict[str, Any]:
        started.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # one long step that never reports progress
            token.check()
            time.sleep(0.01)
        return {}

    try:
        job = runner.submit("test", 1, work, token)
        assert started.wait(5)
        asked = time.monotonic()
        assert runner.cancel(job.id) is not None
        finished = runner.wait(job.id, timeout=10)
        assert finished is not None and finished.state == State.CANCELLED
        assert time.monotonic() - asked < 1
        assert token.cancelled and token.reason == "the job was cancelled"
    finally:
        runner.shutdown(1)


# ------------------------------------------------------------------ 14c: a client that leaves
class LeavingRequest:
    """Stands for a Starlette request whose client is there for the first poll, then gone."""

    def __init__(self, polls_present: int = 1) -> None:
        self.scope: dict[str, Any] = {}
        self.polls = 0
        self.present = polls_present

    async def is_disconnected(self) -> bool:
        self.polls += 1
        return self.polls > self.present


def test_a_disconnected_client_cancels_its_computation_and_frees_the_slot() -> None:
    gate = ComputeGate(slots=1, queue=1)
    seen: list[CancelToken] = []

    def long(token: CancelToken) -> str:
        seen.append(token)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            token.check()
            time.sleep(0.01)
        return "finished"

    request: Any = LeavingRequest()
    start = time.monotonic()
    with pytest.raises(ClientGone):
        asyncio.run(gate.run(long, request))
    assert time.monotonic() - start < 3  # two polls, not the 30 s of work
    assert seen and seen[0].cancelled and seen[0].reason == "the client went away"
    until(lambda: gate.admitted == 0, 2, "the slot was given back")
    assert asyncio.run(gate.run(lambda token: "next")) == "next"
    gate.shutdown(1)


def test_a_client_that_leaves_while_queued_never_computes() -> None:
    gate = ComputeGate(slots=1, queue=1)
    release = threading.Event()
    ran: list[str] = []

    async def scene() -> None:
        first = asyncio.ensure_future(gate.run(lambda token: release.wait(10)))
        await asyncio.sleep(0.1)  # the slot is taken
        leaving: Any = LeavingRequest(polls_present=0)
        with pytest.raises(ClientGone):
            await gate.run(lambda token: ran.append("queued work"), leaving)
        release.set()
        assert await first is True

    asyncio.run(scene())
    until(lambda: gate.admitted == 0, 2, "both places were given back")
    assert ran == []
    gate.shutdown(1)


def test_closing_the_connection_stops_a_forecast_on_a_real_server(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with served(store_url=str(store), compute_slots=1, compute_queue=0) as (url, ctx):
        sock = raw_post(url, "/api/forecast", json.dumps(BOTTOM_LINE).encode())
        until(lambda: ctx.compute.admitted == 1, 10, "the forecast took its slot")
        time.sleep(0.3)  # it computes
        sock.close()
        freed = until(lambda: ctx.compute.admitted == 0, 5, "the slot was given back")
        start = time.perf_counter()
        after = httpx.post(f"{url}/api/forecast", json=QUICK, timeout=10)
        next_took = time.perf_counter() - start
        saved = httpx.get(f"{url}/api/runs").json()
    print(
        f"\nslot free {freed:.2f} s after the client left; the next forecast took {next_took:.2f} s"
    )
    assert after.status_code == 200  # not a 503: the one slot is free
    assert next_took < 2
    assert saved == []  # the abandoned forecast stopped before saving anything


# ------------------------------------------------------------------ 14d: cost limits
def test_huge_scenarios_are_refused_at_once_with_their_size_and_the_limit(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off")
    start = time.perf_counter()
    # 1,000 actors: about 150 s estimated with the compiled kernels (300 took 69 s before them,
    # 2-3 s with them: no longer refused)
    smp = client.post("/api/forecast", json={"scenario": wide(1000), "models": ["smp"]})
    smp_took = time.perf_counter() - start
    assert smp.status_code == 422
    detail = smp.json()["detail"]
    assert "1,000 actors × 1 issue" in detail and "the limit is" in detail
    assert "accord command" in detail  # how to go bigger
    start = time.perf_counter()
    bdm = client.post("/api/forecast", json={"scenario": wide(5000), "models": ["bdm"]})
    bdm_took = time.perf_counter() - start
    assert bdm.status_code == 422
    detail = bdm.json()["detail"]
    assert "5,000 actors × 1 issue" in detail and " GB of memory; the limit is 1.0 GB" in detail
    assert "accord command" in detail
    assert smp_took < 3 and bdm_took < 5  # refused before anything runs (69 s and 3 GB before)
    job = client.post("/api/mc", json={"scenario": wide(1000), "model": "smp", "draws": 1000})
    assert job.status_code == 422 and "1,000 actors" in job.json()["detail"]
    huge_job = client.post("/api/mc", json={"scenario": wide(30, 3), "draws": 100_000})
    assert huge_job.status_code == 422
    assert "100,000 draws of bdm, bicameral" in huge_job.json()["detail"]
    assert "the limit here is 60 min" in huge_job.json()["detail"]
    compare = client.post("/api/compare", json={"scenario": wide(1000), "model": "smp"})
    assert compare.status_code == 422  # no designs: refused either way, nothing computed


def test_vienna_sized_requests_pass_the_limits(make_client: Callable[..., TestClient]) -> None:
    client = make_client(store_url="off")
    plain = client.post("/api/forecast", json={"case": VIENNA, "bottom_line": False})
    assert plain.status_code == 200
    ctx = client.app.state.accord  # type: ignore[attr-defined]
    scenario = ctx.scenario(ScenarioInput(case=VIENNA))
    models = build_models(["all"])
    for deal in (False, True):
        batches = forecast_batches(scenario, draws=1000, bottom_line=True, deal=deal, spread=None)
        Limits().check(estimate(scenario, models, batches))  # the default bottom line, and more
    Limits().check(estimate(scenario, models, [1000] * 20), job=True)  # a 20,000-draw job
    mc = client.post("/api/mc", json={"case": VIENNA, "model": "median", "draws": 200})
    assert mc.status_code == 202


def test_the_estimate_grows_with_actors_issues_rounds_and_draws(
    make_client: Callable[..., TestClient],
) -> None:
    ctx = make_client(store_url="off").app.state.accord  # type: ignore[attr-defined]

    def seconds(n: int, k: int, rounds: int | None, draws: int) -> float:
        scenario = ctx.scenario(ScenarioInput(scenario=wide(n, k)))
        return estimate(scenario, build_models(["bdm"], None, rounds), [draws]).seconds

    base = seconds(20, 1, 10, 100)
    assert seconds(40, 1, 10, 100) > 2 * base
    assert seconds(20, 2, 10, 100) > 1.5 * base
    assert seconds(20, 1, 20, 100) > 1.5 * base
    assert seconds(20, 1, 10, 1000) > 5 * base


def test_a_request_over_the_seconds_limit_says_so(make_client: Callable[..., TestClient]) -> None:
    client = make_client(store_url="off", limits=Limits(seconds=1))
    refused = client.post("/api/forecast", json={"case": VIENNA})  # the bottom line: ~20 s
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail.startswith("request: this would take about ")
    assert "(17 actors × 4 issues, " in detail and "the limit here is 1 s" in detail
    assert "ask for fewer draws, models or rounds" in detail
    quick = client.post("/api/forecast", json={**QUICK, "models": ["all"]})
    assert quick.status_code == 200


# ------------------------------------------------------------------ 14e: prompt shutdown
def test_ctrl_c_stops_the_server_within_seconds_with_a_job_running(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("ACCORD_TOKEN", None)
    argv = [sys.executable, "-m", "accord", "serve", "--port", str(port), "--store", "off"]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=out, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc=proc)
            # every model, 40,000 draws: minutes of work (about 10 s per chunk of 1,000 here)
            job = httpx.post(f"{url}/api/mc", json={"case": VIENNA, "draws": 40_000}).json()
            until(
                lambda: httpx.get(f"{url}/api/jobs/{job['id']}").json()["state"] == "running",
                10,
                "the job started",
            )
            time.sleep(0.5)
            asked = time.monotonic()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)
            stopped_in = time.monotonic() - asked
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    print(f"\nCtrl-C with a Monte Carlo job running: the server exited in {stopped_in:.2f} s")
    assert stopped_in < 10
    assert "Finished server process" in log.read_text()


# ------------------------------------------------------------------ 14f: body-read timeout
def test_a_stalled_body_is_answered_408_and_dropped_after_the_timeout() -> None:
    with served(body_timeout=1.0, compute_slots=1, compute_queue=0) as (url, ctx):
        sock = raw_post(url, "/api/forecast", b'{"case":', declared=100)
        start = time.monotonic()
        try:
            time.sleep(0.3)
            # the stalled client holds no compute place: the one slot still serves others
            assert ctx.compute.admitted == 0
            assert httpx.post(f"{url}/api/forecast", json=QUICK, timeout=5).status_code == 200
            answer = read_all(sock)  # until the server closes the connection
            took = time.monotonic() - start
        finally:
            sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    print(f"\na stalled body: 408 and the connection closed after {took:.2f} s (timeout 1 s)")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert json.loads(body)["detail"] == (
        "request: the request body stopped arriving (after 8 bytes): a body may pause at most "
        "1 s and must arrive within 4 s"
    )
    assert 0.9 < took < 3


def test_a_trickled_body_is_dropped_at_four_times_the_timeout() -> None:
    with served(body_timeout=0.5) as (url, _):
        sock = raw_post(url, "/api/scenarios/validate", b"{", declared=1000)
        start = time.monotonic()
        try:
            for _ in range(12):  # a byte every 0.3 s: never a pause of 0.5 s
                time.sleep(0.3)
                try:
                    sock.sendall(b" ")
                except OSError:  # the server has answered and closed
                    break
            answer = read_all(sock)
            took = time.monotonic() - start
        finally:
            sock.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"must arrive within 2 s" in answer
    assert 1.8 < took < 3.5


def test_the_body_timeout_must_be_positive() -> None:
    with pytest.raises(AccordError, match="--body-timeout must be more than 0 seconds"):
        web_cmds.run_server(body_timeout=0)
    with pytest.raises(ValueError, match="body_timeout must be positive"):
        create_app(store_url="off", body_timeout=-1)


def test_a_cancelled_token_raises_cancelled() -> None:
    token = CancelToken()
    token.check()
    token.cancel("first")
    token.cancel("second")
    with pytest.raises(Cancelled, match="first"):
        token.check()


def test_a_refusal_never_says_the_cost_equals_the_limit(
    make_client: Callable[..., TestClient],
) -> None:
    """Just over the limit, both are given in seconds (not "5 min; the limit is 5 min")."""
    # memory without a limit here, so that the time limit is the one the request meets
    client = make_client(store_url="off", limits=Limits(bytes=float("inf")))
    ctx = client.app.state.accord  # type: ignore[attr-defined]
    scenario = ctx.scenario(ScenarioInput(case=VIENNA))
    models = build_models(["all"])
    draws = next(  # the fewest draws (in steps of 100) whose estimate is over the 300 s limit
        d
        for d in range(100, 200_000, 100)
        if estimate(
            scenario,
            models,
            forecast_batches(scenario, draws=d, bottom_line=True, deal=False, spread=None),
        ).seconds
        > 300
    )
    refused = client.post("/api/forecast", json={"case": VIENNA, "draws": draws})
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    found = re.search(r"about ([\d,]+) s of computing .* the limit here is 300 s: ", detail)
    assert found is not None, detail
    assert int(found.group(1).replace(",", "")) > 300
