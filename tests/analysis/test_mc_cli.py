"""``accord mc``: output, JSON, the result file, one-line errors and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accord import atomic, models
from accord.analysis.parallel import ChunkJob

ROOT = Path(__file__).resolve().parents[2]
VIENNA = str(ROOT / "cases" / "syria-2015-vienna.yaml")

BASE = """\
title: t
actors:
  - {id: a, capability: 10, bloc: x}
  - {id: b, capability: 5, bloc: x}
  - {id: c, capability: 8}
issues:
  - {id: i, scale: {min: 0, max: 100}, anchors: {0: left, 50: centre, 100: right}}
stances:
  - {actor: a, issue: i, position: 50, salience: 0.5, position_range: RANGE}
  - {actor: b, issue: i, position: 20, salience: 0.5}
  - {actor: c, issue: i, position: 90, salience: 0.7}
"""


def scenario(tmp_path: Path, low_high: str = "[40, 70]") -> str:
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("RANGE", low_high), encoding="utf-8")
    return str(path)


def test_readable_report(run_cli) -> None:
    code, out, err = run_cli("mc", VIENNA, "--draws", "200", "--seed", "7", "--quiet")
    assert code == 0, err
    assert "200 draws, seed 7" in out
    assert "Assad's role in a transition" in out
    assert "mean" in out and "80% [" in out and "95% [" in out
    assert "█" in out  # the text histogram
    assert "probability of each labelled region" in out
    assert "Transition with no role for Assad" in out


def test_json_and_result_file_agree(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "mc.json"
    args = ["mc", scenario(tmp_path), "-n", "300", "--seed", "3", "--chunk", "64"]
    code, out, err = run_cli(*args, "--json", "-o", str(target))
    assert code == 0, err
    data = json.loads(out)
    assert json.loads(target.read_text(encoding="utf-8")) == data
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    p = data["provenance"]
    # the default: the consensus of every registered model
    assert (p["draws"], p["seed"], p["chunk"], p["model"], p["n_inputs"]) == (
        300,
        3,
        64,
        "consensus",
        1,
    )
    assert p["params"]["models"] == models.names()
    [issue] = data["issues"]
    assert [r["label"] for r in issue["regions"]] == ["left", "centre", "right"]
    assert sum(r["probability"] for r in issue["regions"]) == pytest.approx(1.0)
    assert sum(issue["counts"]) == 300
    # the same numbers again, in any chunking
    code, again, _ = run_cli("mc", scenario(tmp_path), "-n", "300", "--seed", "3", "--json")
    assert json.loads(again)["issues"] == data["issues"]


def test_two_local_workers_give_the_same_numbers(run_cli, tmp_path: Path) -> None:
    args = ["mc", scenario(tmp_path), "-n", "400", "--seed", "5", "--chunk", "50", "--json"]
    args += ["--spread", "0.1", "--bloc-correlation", "0.5"]
    code, here, err = run_cli(*args)
    assert code == 0, err
    code, there, err = run_cli(*args, "--workers", "2")
    assert code == 0, err
    assert json.loads(there) == json.loads(here)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["RANGE=[60, 40]"],
            "line 9 (stances[0] (a on i).position_range): range low 60 is greater than high 40",
        ),
        (["RANGE=[40, 120]"], "range [40, 120] reaches outside the scale of issue 'i' [0, 100]"),
        (["--draws", "-5"], "--draws must be a whole number >= 1, got -5"),
        (["--draws", "0"], "--draws must be a whole number >= 1, got 0"),
        (["--chunk", "0"], "--chunk must be a whole number >= 1"),
        (["--bloc-correlation", "1"], "--bloc-correlation must lie in [0, 1), got 1"),
        (["--spread", "-0.2"], "--spread must be a number >= 0"),
        (["--workers", "0"], "--workers must be a whole number >= 1, got 0"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "either --workers or --scheduler"),
        (
            ["--scheduler", "tcp://127.0.0.1:9"],
            "cannot reach the Dask scheduler at tcp://127.0.0.1:9",
        ),
        (["--scheduler", "nonsense://"], "cannot reach the Dask scheduler at nonsense://"),
        (["-o", "/no/such/folder/mc.json"], "the folder does not exist"),
        (["--model", "bdn"], "unknown model 'bdn' (did you mean 'bdm'?)"),
    ],
)
def test_bad_input_is_one_line(run_cli, tmp_path: Path, args: list[str], expected: str) -> None:
    ranges = [a.split("=", 1)[1] for a in args if a.startswith("RANGE=")]
    path = scenario(tmp_path, *ranges)
    code, out, err = run_cli("mc", path, *[a for a in args if not a.startswith("RANGE=")])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err


def test_nothing_uncertain_says_what_to_do(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(BASE.replace(", position_range: RANGE", ""), encoding="utf-8")
    code, _, err = run_cli("mc", str(path))
    assert code == 2 and "nothing is uncertain" in err and "--spread" in err
    code, _, err = run_cli("mc", str(path), "--spread", "0.1", "-n", "20", "--quiet")
    assert code == 0, err


def interrupt_second_chunk(monkeypatch) -> list[int]:
    real = ChunkJob.run
    calls: list[int] = []

    def interrupted(self, chunk):
        calls.append(chunk.index)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, chunk)

    monkeypatch.setattr(ChunkJob, "run", interrupted)
    return calls


def test_ctrl_c_mid_run_leaves_no_file(run_cli, tmp_path: Path, monkeypatch) -> None:
    calls = interrupt_second_chunk(monkeypatch)
    target = tmp_path / "out" / "mc.json"
    target.parent.mkdir()
    _, out, _ = run_cli("mc", scenario(tmp_path), "-n", "500", "--chunk", "100", "-o", str(target))
    assert calls == [0, 1]
    assert out == ""
    assert os.listdir(target.parent) == []


def test_ctrl_c_exits_130(run_cli, tmp_path: Path, monkeypatch) -> None:
    interrupt_second_chunk(monkeypatch)
    code, _, _ = run_cli("mc", scenario(tmp_path), "-n", "500", "--chunk", "100")
    assert code == 130


def test_ctrl_c_while_writing_leaves_no_file(run_cli, tmp_path: Path, monkeypatch) -> None:
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    target = tmp_path / "out" / "mc.json"
    target.parent.mkdir()
    run_cli("mc", scenario(tmp_path), "-n", "50", "-o", str(target))
    assert os.listdir(target.parent) == []


def test_a_real_sigint_leaves_no_file(tmp_path: Path) -> None:
    # A real Ctrl-C on a real process, in the middle of a long run.
    runner = tmp_path / "accord_mc.py"
    runner.write_text(
        "import sys\n"
        "from accord.cli.app import main\n"
        "print('started', flush=True)\n"
        "main(sys.argv[1:])\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "mc.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(runner),
            "mc",
            VIENNA,
            "-n",
            "1000000",
            "--chunk",
            "200",
            "-o",
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)  # load the case and get well into the draws
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert "Traceback" not in err
    assert os.listdir(out_dir) == []


def test_existing_file_is_replaced_whole(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "mc.json"
    target.write_text("old", encoding="utf-8")
    code, _, err = run_cli("mc", scenario(tmp_path), "-n", "40", "-o", str(target), "--quiet")
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8"))["provenance"]["draws"] == 40
    assert sorted(os.listdir(tmp_path)) == ["mc.json", "s.yaml"]
