"""The job runner, the upload helpers and ``accord serve``'s options."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from accord.cli import web_cmds
from accord.errors import AccordError
from accord.web.jobs import JobRunner, QueueFull, State
from accord.web.limits import human_size, parse_multipart, safe_name


def test_jobs_report_progress_and_results() -> None:
    runner = JobRunner(workers=1, max_pending=2)
    release = threading.Event()

    def work(progress: Any) -> dict[str, Any]:
        progress(3)
        release.wait(10)
        progress(7)
        return {"answer": 42}

    job = runner.submit("test", 10, work)
    assert job.state in (State.QUEUED, State.RUNNING) and job.total == 10
    for _ in range(200):
        seen = runner.get(job.id)
        if seen is not None and seen.done == 3:
            break
        threading.Event().wait(0.01)
    assert seen is not None and seen.state == State.RUNNING and seen.to_dict()["progress"] == 0.3
    release.set()
    done = runner.wait(job.id)
    assert done is not None and done.state == State.DONE and done.result == {"answer": 42}
    assert done.done == 10
    runner.shutdown()


def test_jobs_queue_is_bounded_and_old_jobs_are_forgotten() -> None:
    runner = JobRunner(workers=1, max_pending=2, keep=2)
    release = threading.Event()
    blocked = [runner.submit("t", 1, lambda p: release.wait(10) and {}) for _ in range(2)]
    with pytest.raises(QueueFull, match="the limit is 2"):
        runner.submit("t", 1, lambda p: {})
    release.set()
    for job in blocked:
        runner.wait(job.id)
    finished = []
    for _ in range(3):
        finished.append(runner.submit("t", 1, lambda p: {"k": 1}))
        runner.wait(finished[-1].id)
    kept = [j.id for j in [*blocked, *finished] if runner.get(j.id) is not None]
    assert len(kept) == 2 and kept == [f.id for f in finished[1:]]
    runner.shutdown()
    with pytest.raises(QueueFull):
        runner.submit("t", 1, lambda p: {})


def test_job_errors_are_one_line_and_bugs_do_not_leak() -> None:
    runner = JobRunner(workers=1)

    def user_error(progress: Any) -> dict[str, Any]:
        raise AccordError("draws must be positive", where="draws")

    def bug(progress: Any) -> dict[str, Any]:
        raise KeyError("secret internals")

    failed = runner.wait(runner.submit("t", 1, user_error).id)
    assert failed is not None and failed.error == "draws: draws must be positive"
    crashed = runner.wait(runner.submit("t", 1, bug).id)
    assert crashed is not None and crashed.state == State.FAILED
    assert crashed.error is not None and "secret" not in crashed.error
    runner.shutdown()


def test_jobs_can_be_cancelled_queued_or_running() -> None:
    runner = JobRunner(workers=1, max_pending=4)
    started, release = threading.Event(), threading.Event()
    stored: list[str] = []

    def work(progress: Any) -> dict[str, Any]:
        started.set()
        for done in range(1, 100):
            release.wait(10)
            progress(done)  # raises Cancelled once the job is asked to stop
        stored.append("saved")
        return {"k": 1}

    running = runner.submit("t", 100, work)
    queued = runner.submit("t", 1, lambda p: {"never": True})
    assert started.wait(10)
    gone = runner.cancel(queued.id)
    assert gone is not None and gone.state == State.CANCELLED  # at once: it never starts
    asked = runner.cancel(running.id)
    assert asked is not None and asked.state == State.RUNNING and asked.cancel_requested
    release.set()
    stopped = runner.wait(running.id)
    assert stopped is not None and stopped.state == State.CANCELLED
    assert stopped.result is None and stored == [] and stopped.done == 1
    assert runner.cancel("j-nope") is None
    assert runner.pending() == 0
    again = runner.wait(queued.id)
    assert again is not None and again.state == State.CANCELLED and again.started is None
    runner.shutdown()


def test_safe_name_keeps_only_the_last_component() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("/abs/path/x.yaml") == "x.yaml"
    assert safe_name("C:\\data\\vienna.csv") == "vienna.csv"
    assert safe_name("..") == "upload" and safe_name("") == "upload" and safe_name(None) == "upload"
    assert safe_name("a b;rm -rf.yaml") == "a_b_rm_-rf.yaml"


def test_human_size() -> None:
    assert human_size(1024 * 1024) == "1 MB"
    assert human_size(1536 * 1024) == "1.5 MB"
    assert human_size(64 * 1024) == "64 KB"
    assert human_size(300) == "300 bytes"


def test_parse_multipart_in_memory() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="../x.yaml"\r\n\r\n'
        b'title: x\r\n\x00\r\n--b\r\nContent-Disposition: form-data; name="format"\r\n\r\nyaml'
        b"\r\n--b--\r\n"
    )
    parts = parse_multipart(body, "multipart/form-data; boundary=b")
    assert parts["file"].filename == "../x.yaml" and parts["file"].data == b"title: x\r\n\x00"
    assert parts["format"].data == b"yaml" and parts["format"].filename is None
    with pytest.raises(AccordError, match="expected a multipart/form-data upload"):
        parse_multipart(body, "application/json")
    many = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % k for k in range(20)
    )
    with pytest.raises(AccordError, match="at most 8 parts"):
        parse_multipart(many + b"--b--\r\n", "multipart/form-data; boundary=b")


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    web_cmds.register(app)
    return app


def test_serve_passes_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(web_cmds, "run_server", lambda *a, **k: calls.append((*a, k)))
    result = CliRunner().invoke(_cli(), ["serve", "--port", "8123", "--store", "off"])
    assert result.exit_code == 0, result.output
    plain = {
        "token": None,
        "allow_hosts": (),
        "body_timeout": 15.0,
        "compute_queue": None,
        "max_seconds": None,
    }
    assert calls == [("127.0.0.1", 8123, "off", 1024 * 1024, plain)]
    result = CliRunner().invoke(
        _cli(),
        [
            *("serve", "--host", "0.0.0.0", "--max-upload-kb", "64", "--token", "t" * 20),
            *("--allow-host", "a.example", "--allow-host", "b.example", "--body-timeout", "2.5"),
            *("--queue", "3", "--max-seconds", "30"),
        ],
    )
    options = {
        "token": "t" * 20,
        "allow_hosts": ("a.example", "b.example"),
        "body_timeout": 2.5,
        "compute_queue": 3,
        "max_seconds": 30.0,
    }
    assert calls[-1] == ("0.0.0.0", 8000, None, 64 * 1024, options)
    assert "access token" in result.output


def test_run_server_checks_before_starting() -> None:
    with pytest.raises(AccordError, match="--port must lie in 0-65535"):
        web_cmds.run_server(port=70000)
    with pytest.raises(AccordError, match="--max-upload-kb must be at least 1"):
        web_cmds.run_server(max_upload_bytes=0)


def test_is_loopback() -> None:
    assert web_cmds.is_loopback("127.0.0.1") and web_cmds.is_loopback("localhost")
    assert web_cmds.is_loopback("::1") and web_cmds.is_loopback("127.0.0.2")
    assert not web_cmds.is_loopback("0.0.0.0") and not web_cmds.is_loopback("example.org")
