"""``accord runs list|show|diff|export`` on a store made through the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from accord.cli.runs_cmds import register
from accord.errors import AccordError
from accord.scenario import Scenario
from accord.store import RunStore
from accord.store.diff import FORMAT_VERSION as DIFF_FORMAT_VERSION
from accord.store.records import LIST_FORMAT_VERSION
from tests.store.conftest import save_forecast
from tests.store.test_diff import _moved

app = typer.Typer()
register(app)


@app.callback()
def _root() -> None:
    """Stand-in for the accord app."""


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.exception


@pytest.fixture
def two_runs(tmp_path: Path, scenario: Scenario) -> tuple[str, str, str]:
    db = str(tmp_path / "runs.db")
    with RunStore(db) as runs:
        a = save_forecast(runs, scenario, ["compromise"])
        b = save_forecast(runs, _moved(scenario, "a1", "i0", 12.5), ["compromise", "median"])
    return db, a, b


def test_list(two_runs: tuple[str, str, str], tmp_path: Path) -> None:
    db, a, b = two_runs
    code, out, _ = cli("runs", "list", "--store", db)
    assert code == 0
    assert out.index(b) < out.index(a)
    assert "compromise,median" in out
    code, out, _ = cli("runs", "list", "--store", db, "--json", "-n", "1")
    listed = json.loads(out)
    assert listed["format_version"] == LIST_FORMAT_VERSION
    assert [r["id"] for r in listed["runs"]] == [b]
    code, out, _ = cli("runs", "list", "--store", db, "--kind", "compare")
    assert out.startswith("no saved runs in ")
    code, out, _ = cli("runs", "list", "--store", str(tmp_path / "none.db"), "--json")
    assert (code, json.loads(out)["runs"]) == (0, [])


def test_the_environment_names_the_store(two_runs: tuple[str, str, str]) -> None:
    db, a, b = two_runs
    _, out, _ = cli("runs", "list", "--json", env={"ACCORD_STORE": db})
    assert [r["id"] for r in json.loads(out)["runs"]] == [b, a]
    _, _, err = cli("runs", "list", env={"ACCORD_STORE": "off"})
    assert isinstance(err, AccordError)
    assert "turned off" in str(err)


def test_show(two_runs: tuple[str, str, str]) -> None:
    db, a, _ = two_runs
    code, out, _ = cli("runs", "show", a, "--store", db)
    assert code == 0
    assert a in out
    assert "scenario 'random 5' (4 actors, 2 issues)" in out
    assert "Forecasts" in out
    code, out, _ = cli("runs", "show", a, "--store", db, "--json")
    with RunStore(db) as runs:
        assert json.loads(out) == runs.export(a)  # what `runs export` writes
    code, _, err = cli("runs", "show", "r-missing", "--store", db)
    assert isinstance(err, AccordError)
    assert str(err) == f"{db}: no run 'r-missing' in the run store"


def test_diff(two_runs: tuple[str, str, str]) -> None:
    db, a, b = two_runs
    code, out, _ = cli("runs", "diff", a, b, "--store", db)
    assert code == 0
    assert "scenario.stances[a1/i0].position" in out
    assert "models.median" in out
    code, out, _ = cli("runs", "diff", a, b, "--store", db, "--json")
    d = json.loads(out)
    assert d["format_version"] == DIFF_FORMAT_VERSION
    assert d["same"] is False
    assert any(f["label"] == "median" and f["a"] is None for f in d["forecasts"])
    code, out, _ = cli("runs", "diff", a, a, "--store", db)
    assert "same inputs, parameters, seed, models and forecasts" in out


def test_export(two_runs: tuple[str, str, str], tmp_path: Path) -> None:
    db, a, _ = two_runs
    target = tmp_path / "a.json"
    code, _, _ = cli("runs", "export", a, "-o", str(target), "--store", db)
    assert code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert (doc["format"], doc["id"]) == ("accord-run", a)
    code, out, _ = cli("runs", "export", a, "-o", "-", "--store", db)
    assert json.loads(out) == doc


@pytest.mark.parametrize("columns", [80, 120])
def test_list_shows_every_id_whole_at_any_width(
    tmp_path: Path, scenario: Scenario, columns: int
) -> None:
    db = str(tmp_path / "runs.db")
    long = scenario.replace(title="A negotiation with a title long enough to need wrapping " * 3)
    with RunStore(db) as runs:
        ids = [save_forecast(runs, long, ["compromise", "median"]) for _ in range(2)]
    code, out, _ = cli("runs", "list", "--store", db, env={"COLUMNS": str(columns)})
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns
    for run_id in ids:
        assert any(f" {run_id} " in line for line in lines), (run_id, out)
    assert ("Created (UTC)" in out) == (columns >= 100)
