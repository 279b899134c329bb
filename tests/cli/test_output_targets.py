"""Issue 13.3: ``-o`` writes through links, FIFOs and devices instead of replacing them.

The atomic write (temporary file renamed over the target) replaced a symbolic link with a file,
a FIFO with a regular file, and — as root — ``/dev/null``, ``/dev/full`` or ``/dev/stdout``
with a regular file (exit 0, "wrote /dev/stdout", nothing printed). Now a link is followed to
its file (written atomically beside it), a FIFO or a device is written directly, and ``-o -``
is standard output. These tests run as root where the suite does, so a regression would show.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from accord import atomic
from accord.cli.app import main
from accord.errors import AccordError
from accord.scenario import save
from tests.factories import random_scenario

REPORT = ["-m", "compromise", "--draws", "0", "--no-charts"]
MC = ["-m", "compromise", "-n", "20", "--spread", "0.1", "-q"]


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return save(random_scenario(6, n_actors=4, n_issues=2), tmp_path / "scn.yaml")


class FifoReader:
    """Read a FIFO to its end in a thread (a writer's open waits for a reader)."""

    def __init__(self, path: Path) -> None:
        self.path, self.data = path, b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as handle:
            self.data = handle.read()

    def result(self) -> bytes:
        self.thread.join(timeout=30)
        if self.thread.is_alive():  # nothing opened the FIFO: let the reader go, then fail
            with contextlib.suppress(OSError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            self.thread.join(timeout=5)
            pytest.fail("nothing was written to the FIFO")
        return self.data


# ---- symbolic links ---------------------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(
    run_cli, scenario_file: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.html"
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    code, out, err = run_cli("report", str(scenario_file), "-o", str(link), *REPORT)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600  # the file keeps its permissions
    assert not list(tmp_path.glob(".*.tmp")) and not list(elsewhere.glob(".*.tmp"))
    assert f"wrote {link}" in out


def test_a_chain_of_links_and_a_dangling_link(scenario_file: Path, tmp_path: Path) -> None:
    final = tmp_path / "final.json"
    (tmp_path / "middle.json").symlink_to("final.json")  # relative
    first = tmp_path / "first.json"
    first.symlink_to(tmp_path / "middle.json")
    atomic.write_atomic(first, "{}\n")
    assert first.is_symlink() and (tmp_path / "middle.json").is_symlink()
    assert final.read_text() == "{}\n"  # the dangling chain now leads to a new file

    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(AccordError, match="symbolic links"):
        atomic.write_atomic(loop, "x")


def test_mc_output_through_a_symlink(run_cli, scenario_file: Path, tmp_path: Path) -> None:
    real = tmp_path / "mc-real.json"
    link = tmp_path / "mc.json"
    link.symlink_to(real.name)
    code, _out, err = run_cli("mc", str(scenario_file), *MC, "-o", str(link))
    assert code == 0, err
    assert link.is_symlink()
    assert json.loads(real.read_text())["format_version"] >= 1


# ---- FIFOs and devices ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "mc"])
def test_a_fifo_is_written_as_a_stream(
    run_cli, scenario_file: Path, tmp_path: Path, command: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    args = REPORT if command == "report" else MC
    code, out, err = run_cli(command, str(scenario_file), *args, "-o", str(fifo))
    data = reader.result()
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO
    if command == "report":
        assert data.startswith(b"<!DOCTYPE html>")
        assert f"wrote {fifo}" in err and "wrote" not in out  # told on stderr
    else:
        assert json.loads(data)["format_version"] >= 1
    assert not list(tmp_path.glob(".*.tmp"))


def test_dev_null_is_written_not_replaced(run_cli, scenario_file: Path) -> None:
    assert atomic.target_of("/dev/null").kind == "stream"  # before anything touches it
    code, _out, err = run_cli("report", str(scenario_file), "-o", "/dev/null", *REPORT)
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    code, _out, err = run_cli("mc", str(scenario_file), *MC, "-o", "/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_dev_full_is_a_clear_error(run_cli, scenario_file: Path) -> None:
    assert atomic.target_of("/dev/full").kind == "stream"
    code, _out, err = run_cli("report", str(scenario_file), "-o", "/dev/full", *REPORT)
    assert code == 2
    assert "cannot write /dev/full: No space left on device" in err
    assert "Traceback" not in err
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_dev_stdout_writes_to_standard_output(
    scenario_file: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert atomic.target_of("/dev/stdout").kind in ("fd", "stream")
    code = 0
    try:
        main(["report", str(scenario_file), "-o", "/dev/stdout", *REPORT])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capfd.readouterr()
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert "wrote /dev/stdout" in err and "wrote" not in out
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()


# ---- "-" is standard output -------------------------------------------------------------------


def test_report_to_standard_output(run_cli, scenario_file: Path, tmp_path: Path) -> None:
    code, out, err = run_cli("report", str(scenario_file), "-o", "-", *REPORT)
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "wrote" not in out and not (tmp_path / "-").exists() and not Path("-").exists()


def test_markdown_to_standard_output_leaves_its_charts_out(run_cli, scenario_file: Path) -> None:
    code, out, err = run_cli(
        "report", str(scenario_file), "-o", "-", "-f", "md", "-m", "compromise", "--draws", "0"
    )
    assert code == 0, err
    assert out.startswith("# random 6")
    assert "Charts are left out of this Markdown report" in out and "![" not in out
    assert "charts are left out" in err
    assert not Path("-_files").exists()


def test_mc_json_to_standard_output(run_cli, scenario_file: Path) -> None:
    code, out, err = run_cli("mc", str(scenario_file), *MC, "-o", "-")
    assert code == 0, err
    assert json.loads(out)["format_version"] >= 1  # the JSON alone, no tables
    code, out, err = run_cli("mc", str(scenario_file), *MC, "-o", "-", "--json")
    assert code == 0, err
    json.loads(out)  # printed once


def test_backtest_out_is_a_folder(run_cli) -> None:
    code, _out, err = run_cli("backtest", "deu", "--out", "-")
    assert code == 2 and "--out takes a folder" in err


# ---- regular files stay atomic ----------------------------------------------------------------


def test_a_regular_file_is_still_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    before = target.stat().st_ino
    atomic.write_atomic(target, "new")
    assert target.read_text() == "new" and target.stat().st_ino != before  # renamed over
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(AccordError, match="a directory has this name"):
        atomic.write_atomic(tmp_path, "x")
    with pytest.raises(AccordError, match="the folder does not exist"):
        atomic.write_atomic(tmp_path / "no" / "such.json", "x")
