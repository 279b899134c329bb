"""Never a half-written run; never a foreign, damaged or non-SQLite file taken for a store."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from accord.errors import AccordError
from accord.scenario import Scenario
from accord.store import RunStore
from tests.store.conftest import PG_ENV, save_forecast

# Saves a run whose results are large enough (8 MB) for SQLite to spill pages into the database
# file before the commit, then dies by SIGKILL inside the transaction.
CHILD = """
import os, signal, sys
from accord.store import RunStore

def die():
    print("inside the transaction", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

with RunStore(sys.argv[1], on_write=die) as runs:
    runs.save("run", inputs={"scenario": {"title": "doomed"}}, seed=1,
              results={"results": [], "blob": ["x" * 1000] * 8000})
print("committed", flush=True)
"""


def test_a_process_killed_mid_write_leaves_no_partial_run(
    location: str, scenario: Scenario
) -> None:
    with RunStore(location) as runs:
        kept = save_forecast(runs, scenario, ["compromise"])
    child = subprocess.run(
        [sys.executable, "-c", CHILD, location], capture_output=True, text=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.strip() == "inside the transaction"
    if "://" not in location:
        # the database file was mid-write: SQLite left a hot journal to roll back from
        assert Path(location + "-journal").is_file()
    with RunStore(location) as runs:
        assert [r.id for r in runs.list()] == [kept]
        again = save_forecast(runs, scenario, ["median"])
        assert [r.id for r in runs.list()] == [again, kept]
    if "://" not in location:
        with sqlite3.connect(location) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("SELECT count(*) FROM runs").fetchone() == (2,)


def test_an_error_inside_the_transaction_rolls_it_back(location: str, scenario: Scenario) -> None:
    def fail() -> None:
        raise RuntimeError("disk on fire")

    with RunStore(location, on_write=fail) as runs, pytest.raises(RuntimeError):
        save_forecast(runs, scenario, ["compromise"])
    with RunStore(location) as runs:
        assert runs.list() == []


def test_a_text_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Actor,Capability\nusa,90\n", encoding="utf-8")
    for call in (lambda r: r.list(), lambda r: r.save("run", inputs={}, results={})):
        with RunStore(path) as runs, pytest.raises(AccordError) as err:
            call(runs)
        assert str(err.value) == f"{path}: not an SQLite database, so not an accord run store"
    assert path.read_text(encoding="utf-8").startswith("Actor")


def _sqlite(path: Path, *sql: str) -> None:
    with sqlite3.connect(path) as db:
        for statement in sql:
            db.execute(statement)
    db.close()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (["CREATE TABLE invoices (id INTEGER)"], "another application (tables: invoices;"),
        (["CREATE TABLE runs (x TEXT)"], "another application (tables: runs;"),
        (["CREATE TABLE meta (name TEXT)"], "belongs to another application"),
        (
            ["CREATE TABLE meta (key TEXT, value TEXT)", "INSERT INTO meta VALUES ('app', 'x')"],
            "belongs to another application",
        ),
    ],
)
def test_an_sqlite_file_of_another_application(
    tmp_path: Path, sql: list[str], message: str
) -> None:
    path = tmp_path / "other.sqlite"
    _sqlite(path, *sql)
    before = path.read_bytes()
    for call in (lambda r: r.list(), lambda r: r.save("run", inputs={}, results={})):
        with RunStore(path) as runs, pytest.raises(AccordError, match=re.escape(message)) as err:
            call(runs)
        assert str(err.value).startswith(f"{path}: ")
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path, scenario: Scenario) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as runs:
        save_forecast(runs, scenario, ["median"])
    _sqlite(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with RunStore(path) as runs, pytest.raises(AccordError, match=r"schema version 99.*upgrade"):
        runs.list()


def test_a_damaged_sqlite_file(tmp_path: Path, scenario: Scenario) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as runs:
        save_forecast(runs, scenario, ["median"])
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page, after SQLite's 100-byte header
    path.write_bytes(bytes(data))
    with RunStore(path) as runs, pytest.raises(AccordError) as err:
        runs.list()
    text = str(err.value)
    assert text.startswith(f"{path}: cannot open the run store: ")
    assert "damaged" in text


def test_an_empty_file_becomes_a_store(tmp_path: Path, scenario: Scenario) -> None:
    path = tmp_path / "runs.db"
    path.touch()
    with RunStore(path) as runs:
        assert runs.list() == []
        run_id = save_forecast(runs, scenario, ["median"])
        assert runs.get(run_id).kind == "run"


def test_reading_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "runs.db"
    with RunStore(path) as runs:
        assert runs.list() == []
        with pytest.raises(AccordError, match="no run 'x'"):
            runs.get("x")
    assert not path.parent.exists()


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with RunStore(tmp_path) as runs, pytest.raises(AccordError, match="is a folder"):
        runs.list()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nosuchdb://x/y", "cannot use this database"),
        ("postgresql+nosuchdriver://u@h/d", "cannot use this database"),
        ("://", "not a database URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(AccordError, match=message):
        RunStore(url).list()


def test_a_wrong_password_is_reported_without_the_password() -> None:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(f"needs {PG_ENV}")
    from sqlalchemy.engine import make_url

    wrong = make_url(url).set(password="not-the-password-42")
    with pytest.raises(AccordError) as err:
        RunStore(wrong.render_as_string(hide_password=False)).list()
    assert "not-the-password-42" not in str(err.value)
    assert "cannot open the run store" in str(err.value)


WRITER = """
import sys
from accord.store import RunStore
with RunStore(sys.argv[1]) as runs:
    for k in range(5):
        runs.save("run", inputs={"writer": sys.argv[2], "k": k}, results={"results": []}, seed=k)
"""


def test_writers_at_the_same_time_lose_nothing(location: str) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, location, str(w)], stderr=subprocess.PIPE)
        for w in range(2)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with RunStore(location) as runs:
        saved = runs.list(limit=None)
        assert len(saved) == len({r.id for r in saved}) == 10
        assert sorted(runs.get(r.id).inputs["writer"] for r in saved) == sorted("01" * 5)
