"""Damaged rows: skipped and named in listings, a one-line error when read by id.

Each test writes the damage straight into the database with SQL, as a bad migration, a
hand edit or another program would. SQLite stores whatever it is given; PostgreSQL's column
types refuse some damage (a time that is not one, JSON that is not JSON), so those cases run on
SQLite only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from accord.cli.runs_cmds import register
from accord.errors import AccordError
from accord.scenario import Scenario
from accord.store import DamagedRun, DamagedRunError, RunStore
from tests.store.conftest import save_forecast

# (what, SQL setting the damage on one row, the problem named, SQLite only)
DAMAGES = [
    (
        "created_at",
        "created_at = 'yesterday'",
        "created_at: 'yesterday' is not a date and time",
        True,
    ),
    ("results JSON", "results = '{not json'", "results: not valid JSON", True),
    ("params a list", "params = '[1, 2]'", "params: a JSON list, not an object", False),
    ("results a string", "results = '\"text\"'", "results: a JSON string, not an object", False),
    ("seed", "seed = 'abc'", "seed: 'abc' is not a whole number", True),
    ("kind", "kind = 'nonsense'", "kind: 'nonsense' is not a kind of run", False),
]

app = typer.Typer()
register(app)


@app.callback()
def _root() -> None:
    """Stand-in for the accord app."""


def _url(location: str) -> str:
    return location if "://" in location else f"sqlite:///{location}"


def execute(location: str, sql: str, **params: object) -> None:
    """Run one statement on the store's database, outside accord."""
    engine = create_engine(_url(location))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def damage(location: str, run_id: str, setting: str) -> None:
    if "://" in location and make_url(location).get_backend_name() == "postgresql":
        # PostgreSQL checks types: write JSON as json, text into text columns
        setting = setting.replace("= '[1, 2]'", "= '[1, 2]'::json").replace(
            "= '\"text\"'", "= '\"text\"'::json"
        )
    execute(location, f"UPDATE runs SET {setting} WHERE id = :id", id=run_id)


@pytest.fixture
def three(location: str, scenario: Scenario) -> tuple[str, list[str]]:
    """A store with three runs (newest first in the list returned)."""
    with RunStore(location) as runs:
        ids = [save_forecast(runs, scenario, ["compromise"]) for _ in range(3)]
    return location, ids[::-1]


@pytest.mark.parametrize(
    ("what", "setting", "problem", "sqlite_only"), DAMAGES, ids=[d[0] for d in DAMAGES]
)
def test_a_damaged_row_is_skipped_in_listings_and_named(
    three: tuple[str, list[str]], what: str, setting: str, problem: str, sqlite_only: bool
) -> None:
    location, ids = three
    if sqlite_only and "://" in location:
        pytest.skip("PostgreSQL's column types refuse this damage")
    bad = ids[1]
    damage(location, bad, setting)
    with RunStore(location) as runs:
        listing = runs.scan()
        assert [r.id for r in listing.runs] == [ids[0], ids[2]]
        assert listing.damaged == [DamagedRun(bad, problem)]
        assert listing.note() == f"1 damaged run skipped: {bad} ({problem})"
        assert [r.id for r in runs.list()] == [ids[0], ids[2]]  # never a traceback
        assert runs.get(ids[0]).id == ids[0]  # the others read as ever
        with pytest.raises(DamagedRunError) as caught:
            runs.get(bad)
        assert caught.value.one_line() == f"{runs.location}: run {bad} is damaged: {problem}"
        assert "\n" not in caught.value.one_line()
        with pytest.raises(DamagedRunError):
            runs.export(bad)
        with pytest.raises(DamagedRunError):
            runs.diff(ids[0], bad)


@pytest.mark.parametrize(
    ("what", "setting", "problem", "sqlite_only"), DAMAGES, ids=[d[0] for d in DAMAGES]
)
def test_runs_commands_with_a_damaged_row(
    three: tuple[str, list[str]],
    tmp_path: Path,
    what: str,
    setting: str,
    problem: str,
    sqlite_only: bool,
) -> None:
    location, ids = three
    if sqlite_only and "://" in location:
        pytest.skip("PostgreSQL's column types refuse this damage")
    bad = ids[1]
    damage(location, bad, setting)
    runner = CliRunner()
    listed = runner.invoke(app, ["runs", "list", "--store", location])
    assert listed.exit_code == 0, listed.output
    assert ids[0] in listed.stdout and ids[2] in listed.stdout and bad not in listed.stdout
    assert listed.stderr.strip() == f"1 damaged run skipped: {bad} ({problem})"
    as_json = runner.invoke(app, ["runs", "list", "--store", location, "--json"])
    assert as_json.exit_code == 0
    assert [r["id"] for r in json.loads(as_json.stdout)["runs"]] == [ids[0], ids[2]]
    for args in (
        ["show", bad],
        ["show", bad, "--json"],
        ["export", bad, "-o", str(tmp_path / "out.json")],
        ["export", bad, "-o", "-"],
        ["diff", ids[0], bad],
    ):
        result = runner.invoke(app, ["runs", *args, "--store", location])
        assert isinstance(result.exception, AccordError), (args, result.exception)
        assert str(result.exception).endswith(f"run {bad} is damaged: {problem}")
    assert not (tmp_path / "out.json").exists()


def test_many_damaged_rows_are_counted(three: tuple[str, list[str]]) -> None:
    location, ids = three
    for run_id in ids:
        damage(location, run_id, "kind = 'nonsense'")
    with RunStore(location) as runs:
        listing = runs.scan()
    assert listing.runs == []
    note = listing.note(most=2)
    assert note is not None and note.startswith("3 damaged runs skipped: ")
    assert note.endswith("; and 1 more")


def test_a_damaged_meta_table_is_one_line(three: tuple[str, list[str]]) -> None:
    location, _ = three
    execute(location, "UPDATE meta SET value = '1.0' WHERE key = 'schema_version'")
    with RunStore(location) as runs, pytest.raises(AccordError) as caught:
        runs.list()
    assert "schema_version '1.0', not a whole number" in caught.value.one_line()
    result = CliRunner().invoke(app, ["runs", "list", "--store", location])
    assert isinstance(result.exception, AccordError)
    assert "the run store is damaged" in str(result.exception)
