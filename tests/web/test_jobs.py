"""Background jobs: expected duration, place in the queue, ETA, and design comparisons as jobs.

A job carries ``expected_seconds`` (its cost estimate scaled by what the server has measured),
``queue_position`` while it waits and ``eta_seconds``; a long design comparison runs as a job
(202), with progress in model runs, the same numbers as the synchronous comparison, and cancel.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord import cases
from accord.web.api import COMPARE_JOB_SECONDS, model_runs
from accord.web.cost import OVERHEAD_SECONDS, RATIO_BOUNDS, Calibration, calibration_key
from accord.web.jobs import Job, JobRunner, State

VIENNA = "syria-2015-vienna"
LONG_MC = {"case": VIENNA, "model": "bdm", "draws": 4000, "save": False}  # chunks of 200 draws
QUICK_MC = {"case": VIENNA, "model": "median", "draws": 50, "save": False}
PICK = ["us-russia-first", "isis-separate-track"]


def until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something true; return it (fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(0.02)


def job_of(client: TestClient, job_id: str) -> dict[str, Any]:
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def test_queued_jobs_know_their_place_and_running_ones_their_eta(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off", job_workers=1)
    first = client.post("/api/mc", json=LONG_MC).json()
    assert first["expected_seconds"] > OVERHEAD_SECONDS  # 4,000 draws of bdm: seconds
    until(lambda: job_of(client, first["id"])["state"] == "running", 20, "the first job runs")
    second = client.post("/api/mc", json=QUICK_MC)
    third = client.post("/api/mc", json=QUICK_MC)
    assert second.status_code == third.status_code == 202
    two, three = job_of(client, second.json()["id"]), job_of(client, third.json()["id"])
    assert (two["state"], two["queue_position"]) == ("queued", 1)
    assert (three["state"], three["queue_position"]) == ("queued", 2)
    assert two["expected_seconds"] > 0 and three["expected_seconds"] > 0
    # a queued job's ETA: the wait for the worker (the running job's, then the one ahead) and
    # its own expected seconds
    assert two["eta_seconds"] >= two["expected_seconds"]
    assert three["eta_seconds"] >= two["eta_seconds"] + three["expected_seconds"] - 0.2
    running = job_of(client, first["id"])
    assert running["queue_position"] is None
    assert running["eta_seconds"] is not None and running["eta_seconds"] >= 0
    # once it has reported progress, the ETA comes from it
    progressed = until(
        lambda: (j := job_of(client, first["id"]))["done"] > 0 and j, 20, "first progress"
    )
    assert 0 < progressed["progress"] < 1
    assert progressed["eta_seconds"] is not None and progressed["eta_seconds"] > 0
    # cancelling the running job: the queue moves up
    client.delete(f"/api/jobs/{first['id']}")
    jobs: JobRunner = client.app.state.accord.jobs  # type: ignore[attr-defined]
    for job_id in (first["id"], two["id"], three["id"]):
        jobs.wait(job_id, timeout=10)
    done = job_of(client, three["id"])
    assert done["state"] == "done"
    assert done["queue_position"] is None and done["eta_seconds"] is None
    assert done["expected_seconds"] > 0  # kept, to compare with `seconds`


def test_the_eta_of_a_job() -> None:
    now = 1000.0
    queued = Job("j-1", "mc", 100, expected_seconds=10.0, wait_seconds=5.0)
    assert queued.eta(now) == 15.0
    started = Job("j-2", "mc", 100, state=State.RUNNING, started=now - 4, expected_seconds=10.0)
    assert started.eta(now) == 6.0  # no progress yet: the expected seconds less those spent
    half = Job("j-3", "mc", 100, 50, State.RUNNING, started=now - 4, expected_seconds=10.0)
    assert half.eta(now) == 4.0  # half done in 4 s: 4 s more
    early = Job("j-4", "mc", 100, 5, State.RUNNING, started=now - 2, expected_seconds=10.0)
    assert early.eta(now) == pytest.approx(0.2 * 38 + 0.8 * 8)  # blended until a quarter
    unknown = Job("j-5", "mc", 100, state=State.RUNNING, started=now - 4)
    assert unknown.eta(now) is None
    assert Job("j-6", "mc", 100, 100, State.DONE, expected_seconds=10.0).eta(now) is None


def test_the_calibration_learns_per_kind_and_model() -> None:
    calibration = Calibration()
    key = "compare:nash"
    assert calibration.expected(key, 10.0) == pytest.approx(OVERHEAD_SECONDS + 10.0)
    calibration.learn(key, 10.0, 2.2)  # took a fifth of the estimate (after the overhead)
    assert calibration.ratio(key) == pytest.approx(0.2)
    assert calibration.ratio("compare:bdm") == pytest.approx(0.2)  # its kind's, until seen
    assert calibration.ratio("mc:nash") == 1.0  # another kind: the prior
    calibration.learn(key, 10.0, 8.2)  # then 0.8: half way, in log terms
    assert calibration.ratio(key) == pytest.approx(math.sqrt(0.2 * 0.8))
    calibration.learn(key, 0.01, 100.0)  # too small an estimate to learn from
    assert calibration.ratio(key) == pytest.approx(math.sqrt(0.2 * 0.8))


def test_a_finished_job_teaches_the_runner(make_client: Callable[..., TestClient]) -> None:
    client = make_client(store_url="off", job_workers=1)
    jobs: JobRunner = client.app.state.accord.jobs  # type: ignore[attr-defined]
    body = {**LONG_MC, "draws": 400}
    first = client.post("/api/mc", json=body).json()
    done = jobs.wait(first["id"], timeout=30)
    assert done is not None and done.state == State.DONE
    assert done.key == "mc:bdm" and done.estimated is not None and done.started is not None
    seen = (done.finished or 0) - done.started
    low, high = RATIO_BOUNDS  # a very fast run (compiled kernels, quiet machine) hits the floor
    ratio = min(max((seen - OVERHEAD_SECONDS) / done.estimated, low), high)
    assert jobs.calibration.ratio("mc:bdm") == pytest.approx(ratio, rel=1e-6)
    again = client.post("/api/mc", json=body).json()  # expected as long as the first took
    assert again["expected_seconds"] == pytest.approx(
        OVERHEAD_SECONDS + ratio * done.estimated, abs=0.06
    )
    if low < ratio < high:
        assert again["expected_seconds"] == pytest.approx(seen, abs=0.06)
    jobs.wait(again["id"], timeout=30)


def test_a_long_comparison_runs_as_a_job_with_the_same_numbers(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off")
    body = {"case": VIENNA, "model": "compromise", "pick": PICK, "draws": 30, "seed": 4}
    quick = client.post("/api/compare", json=body)
    assert quick.status_code == 200  # a small comparison answers at once
    started = client.post("/api/compare", json={**body, "background": True})
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["kind"] == "compare" and job["expected_seconds"] > 0
    designs = [d for d in cases.load(VIENNA).designs.designs if d.id in PICK]  # type: ignore[union-attr]
    scenario = cases.load(VIENNA).scenario
    assert job["total"] == model_runs(scenario, designs)
    jobs: JobRunner = client.app.state.accord.jobs  # type: ignore[attr-defined]
    done = jobs.wait(job["id"], timeout=30)
    assert done is not None and done.state == State.DONE, done
    seen = job_of(client, job["id"])
    assert seen["done"] == seen["total"] and seen["progress"] == 1.0
    assert seen["result"]["run_id"] is None
    assert seen["result"]["comparison"] == quick.json()["comparison"]
    # and forced to answer at once, the same again
    held = client.post("/api/compare", json={**body, "background": False})
    assert held.status_code == 200 and held.json()["comparison"] == quick.json()["comparison"]


def test_a_comparison_expected_to_take_long_becomes_a_job_and_can_be_cancelled(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(job_workers=1)
    body = {"case": VIENNA, "model": "bdm", "draws": 200}  # every design: ~15 s estimated
    key = calibration_key("compare", [_bdm()])
    jobs: JobRunner = client.app.state.accord.jobs  # type: ignore[attr-defined]
    assert jobs.calibration.ratio(key) == 1.0  # nothing learned yet
    started = client.post("/api/compare", json=body)
    assert started.status_code == 202, started.text  # no "background": the server chose
    job = started.json()
    assert job["expected_seconds"] > COMPARE_JOB_SECONDS
    progressed = until(
        lambda: (j := job_of(client, job["id"]))["done"] >= 2 and j, 20, "two model runs"
    )
    assert progressed["state"] == "running" and progressed["eta_seconds"] is not None
    asked = time.monotonic()
    cancelled = client.delete(f"/api/jobs/{job['id']}").json()
    assert cancelled["cancel_requested"] is True
    finished = jobs.wait(job["id"], timeout=10)
    assert time.monotonic() - asked < 5  # within a model run, not the whole comparison
    assert finished is not None and finished.state == State.CANCELLED
    assert finished.done < finished.total and finished.result is None
    assert client.get("/api/runs", params={"kind": "compare"}).json() == []  # nothing saved


def _bdm() -> Any:
    from accord.forecast import build_lead

    return build_lead(["bdm"], {})
