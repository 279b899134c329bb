"""Issue 13.5: a save that fails never throws the forecast away.

With a read-only store, a full disk or a refused row, ``accord run`` exited 2 and printed
nothing. Now every command that saves prints its result first, then saves; a failed save is one
``warning: not saved in the run store: ...`` line on stderr and the exit code stays 0. (Tests
run as root, where chmod does not stop writes: the saves fail through a folder where the
database file should be, a store path under a regular file, or a store that raises.)
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

import accord.store
from accord.errors import AccordError
from accord.scenario import save
from tests.backtest.conftest import row, tsv
from tests.factories import random_scenario

DESIGNS = """\
designs:
  - id: a-first
    name: a0 and a1 settle first
    stages:
      - forum: [a0, a1]
      - forum: [a0, a1, a2, a3]
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return save(random_scenario(8, n_actors=4, n_issues=2), tmp_path / "scn.yaml")


@pytest.fixture
def folder_store(tmp_path: Path) -> str:
    """A store path that is a folder: opening it as a database fails."""
    path = tmp_path / "runs.db"
    path.mkdir()
    return str(path)


def not_saved(err: str) -> str:
    lines = [line for line in err.splitlines() if "not saved" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("warning: not saved in the run store: ")
    return lines[0]


def test_run_json_is_printed_when_the_store_is_a_folder(
    run_cli, scenario_file: Path, folder_store: str
) -> None:
    code, out, err = run_cli(
        "run", str(scenario_file), "-m", "compromise", "--draws", "0", "--json",
        "--store", folder_store,
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["results"][0]["model"] == "compromise"
    assert folder_store in not_saved(err) and "saved as" not in err


def test_run_tables_are_printed_when_the_store_cannot_be_made(
    run_cli, scenario_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, out, err = run_cli(
        "run", str(scenario_file), "-m", "compromise", "--draws", "0",
        "--store", str(blocker / "runs.db"),
    )  # fmt: skip
    assert code == 0
    assert "Bottom line: random 8" in out and "compromise" in out
    not_saved(err)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device", "runs.db"),
        AccordError("attempt to write a readonly database", source="runs.db"),
    ],
)
def test_a_full_disk_or_read_only_store_is_a_warning(
    run_cli, scenario_file: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise error

    monkeypatch.setattr(accord.store, "save_run", refuse)
    monkeypatch.setenv("ACCORD_STORE", "anywhere.db")
    code, out, err = run_cli("run", str(scenario_file), "-m", "compromise", "--draws", "0")
    assert code == 0
    assert "Bottom line" in out
    line = not_saved(err)
    assert "runs.db" in line
    assert ("No space left on device" in line) or ("readonly" in line)


def test_a_refused_row_is_a_warning(
    run_cli, scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    def refuse(*args: object, **kwargs: object) -> str:
        raise IntegrityError("INSERT INTO runs", {}, Exception("CHECK constraint failed: runs"))

    monkeypatch.setattr(accord.store, "save_run", refuse)
    monkeypatch.setenv("ACCORD_STORE", "anywhere.db")  # "off" (conftest) skips the store
    code, out, err = run_cli(
        "run", str(scenario_file), "-m", "compromise", "--draws", "0", "--json"
    )
    assert code == 0
    json.loads(out)
    assert "CHECK constraint failed" in not_saved(err)


def test_mc_compare_and_backtest_print_when_the_save_fails(
    run_cli, scenario_file: Path, folder_store: str, tmp_path: Path
) -> None:
    code, out, err = run_cli(
        "mc", str(scenario_file), "-m", "compromise", "-n", "20", "--spread", "0.1", "-q",
        "--json", "--store", folder_store,
    )  # fmt: skip
    assert code == 0 and json.loads(out)["format_version"] >= 1
    not_saved(err)

    out_file = tmp_path / "mc.json"  # -o is still written
    code, out, err = run_cli(
        "mc", str(scenario_file), "-m", "compromise", "-n", "20", "--spread", "0.1", "-q",
        "-o", str(out_file), "--store", folder_store,
    )  # fmt: skip
    assert code == 0 and "Issue 0" in out and json.loads(out_file.read_text())
    not_saved(err)

    designs = tmp_path / "designs.yaml"
    designs.write_text(DESIGNS)
    code, out, err = run_cli(
        "compare", str(scenario_file), "-d", str(designs), "-m", "compromise", "--json",
        "--store", folder_store,
    )  # fmt: skip
    assert code == 0 and json.loads(out)
    not_saved(err)

    deu = tmp_path / "deu.tsv"
    deu.write_text(tsv([row("x01i1"), row("x02i1", prnr="x02", out="70", pfr="20")]))
    code, out, err = run_cli(
        "backtest", "deu", str(deu), "-m", "compromise", "--bootstrap", "100", "--json",
        "--store", folder_store,
    )  # fmt: skip
    assert code == 0 and json.loads(out)
    not_saved(err)


def test_a_good_store_still_says_saved_as(run_cli, scenario_file: Path, tmp_path: Path) -> None:
    code, _out, err = run_cli(
        "run", str(scenario_file), "-m", "compromise", "--draws", "0", "--json",
        "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 0 and err.startswith("saved as r-") and "not saved" not in err
