"""Which store a command uses: --store, then ACCORD_STORE, then the default file."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.scenario import Scenario
from accord.store import default_path, resolve_store, save_run
from tests.store.conftest import run_record

PG = "postgresql+psycopg://u:secret@db.example/accord"


def test_the_option_wins_over_the_environment(tmp_path: Path) -> None:
    env = {"ACCORD_STORE": str(tmp_path / "env.db"), "HOME": str(tmp_path)}
    assert resolve_store(str(tmp_path / "opt.db"), env) == str(tmp_path / "opt.db")
    assert resolve_store(None, env) == str(tmp_path / "env.db")
    assert resolve_store("  ", env) == str(tmp_path / "env.db")
    assert resolve_store(PG, env) == PG
    assert resolve_store(None, {"ACCORD_STORE": PG}) == PG


def test_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_store("runs.db", {}) == str(tmp_path / "runs.db")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_store("~/x.db", {}) == str(tmp_path / "x.db")


def test_off_turns_saving_off() -> None:
    assert resolve_store("off", {}) is None
    assert resolve_store(None, {"ACCORD_STORE": "OFF"}) is None


def test_the_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "accord" / "runs.db"
    assert default_path({}) == expected
    assert resolve_store(None, {}) == str(expected)
    assert default_path({"XDG_DATA_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg/accord/runs.db"


def test_the_default_folder_is_made_on_first_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: Scenario
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("ACCORD_STORE", raising=False)
    assert save_run("run", run_record(scenario, ["median"]), scenario=scenario) is not None
    assert (tmp_path / ".local" / "share" / "accord" / "runs.db").is_file()
