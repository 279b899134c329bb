"""The run store: save, find, compare and export runs in any SQLAlchemy database.

A store is named by a location (see :func:`~accord.store.database.resolve_store`): an
SQLAlchemy URL such as ``postgresql+psycopg://user@host/db``, or a plain path, which is an
SQLite file. Each save is one transaction, so a process killed while saving leaves no partial
record. Tables are created on the first save; reading a store that does not exist yet finds no
runs and creates nothing.

Rows are read as the database holds them and checked one by one (:func:`summary_of`,
:func:`record_of`): a damaged row (a time that is not one, JSON that is not valid or not an
object, a seed that is not a number) is skipped and named by :meth:`RunStore.scan`, and reading
it by id is a one-line :class:`DamagedRunError`. One bad row never takes a listing down.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Text, case, cast, exc, func, insert, literal, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from accord import __version__
from accord.errors import AccordError
from accord.store.database import Database
from accord.store.diff import RunDiff, diff_runs
from accord.store.records import (
    DamagedRun,
    DamagedRunError,
    RunListing,
    RunRecord,
    RunSummary,
    UnknownRunError,
    check_kind,
    describe,
    export_document,
    hash_of,
    jsonready,
    record_of,
    summary_of,
    write_atomically,
)
from accord.store.schema import RunRow, new_run_id, utc_now

SUMMARY = ("id", "kind", "created_at", "accord_version", "model", "seed", "input_hash", "title")
"""The columns of a run's summary."""
DOCUMENTS = ("params", "inputs", "results")
"""The JSON columns of a run."""
JSON_TYPES = {
    "array": "a JSON list",
    "text": "a JSON string",
    "string": "a JSON string",
    "integer": "a JSON number",
    "real": "a JSON number",
    "number": "a JSON number",
    "true": "a JSON boolean",
    "false": "a JSON boolean",
    "boolean": "a JSON boolean",
    "null": "JSON null",
}
"""What SQLite's ``json_type`` and PostgreSQL's ``json_typeof`` call each kind of value."""


def _raw(column: Any, dialect: str) -> ColumnElement[Any]:
    """Return a column as the database holds it (no parsing of times or JSON on the way)."""
    if dialect == "postgresql" and column.key in DOCUMENTS:
        return cast(column, Text).label(column.key)
    return type_coerce(column, Text).label(column.key)


def _json_kind(column: Any, dialect: str) -> ColumnElement[Any]:
    """Return an expression naming what a JSON column holds: ``object`` when all is well."""
    if dialect == "sqlite":
        kind: ColumnElement[Any] = case(
            (column.is_(None), "missing"),
            (func.json_valid(column) == 1, func.json_type(column)),
            else_="invalid",
        )
    elif dialect == "postgresql":
        kind = case((column.is_(None), "missing"), else_=func.json_typeof(column))
    else:  # no portable check: read as fine, checked when the run is read in full
        kind = literal("object")
    return kind.label(f"{column.key}_kind")


def _kind_problem(name: str, kind: Any) -> str | None:
    if kind == "object":
        return None
    if kind == "invalid":
        return f"{name}: not valid JSON"
    if kind == "missing" or kind is None:
        return f"{name}: missing"
    return f"{name}: {JSON_TYPES.get(str(kind), str(kind))}, not an object"


class RunStore:
    """Saved runs in one database.

    Parameters
    ----------
    location:
        An SQLAlchemy URL, or the path of an SQLite file.
    on_write:
        Called inside every save's transaction, after the row is written and before the commit.
        Tests use it to kill a process mid-write.

    """

    def __init__(self, location: str | Path, *, on_write: Callable[[], None] | None = None) -> None:
        self._db = Database(location)
        self.location = self._db.location
        self._on_write = on_write

    def __repr__(self) -> str:
        return f"RunStore({self.location!r})"

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self._db.close()

    def save(
        self,
        kind: str,
        *,
        results: Mapping[str, Any],
        inputs: Mapping[str, Any],
        params: Mapping[str, Any] | None = None,
        seed: int | None = None,
        model: str | Sequence[str] | None = None,
        title: str | None = None,
    ) -> str:
        """Save a run in one transaction and return its id.

        ``results`` is the JSON-ready record the command produced (``Forecast.to_dict()``,
        ``Comparison.to_dict()``, the backtest record); ``inputs`` what went in (see
        :func:`~accord.store.records.record_inputs`). ``params``, ``seed``, ``model`` and
        ``title`` default to what :func:`~accord.store.records.describe` reads from ``results``.
        """
        check_kind(kind)
        found = describe(kind, results)
        names = model if isinstance(model, str) or model is None else ",".join(model)
        inputs_doc = jsonready(inputs)
        row = {
            "kind": kind,
            "accord_version": __version__,
            "model": names if names is not None else found.model,
            "title": title if title is not None else found.title,
            "seed": seed if seed is not None else found.seed,
            "input_hash": hash_of(inputs_doc),
            "params": jsonready(params if params is not None else found.params),
            "inputs": inputs_doc,
            "results": jsonready(results),
        }
        self._db.ready(write=True)
        with self._db.guard("save to"):
            for attempt in range(3):
                now = utc_now()
                run_id = new_run_id(now)
                try:
                    with self._db.transaction(write=True) as conn:
                        conn.execute(insert(RunRow).values(id=run_id, created_at=now, **row))
                        if self._on_write is not None:
                            self._on_write()
                    return run_id
                except exc.IntegrityError:  # the same id drawn twice in one second: draw again
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, run_id: str) -> RunRecord:
        """Return a saved run.

        Raises
        ------
        UnknownRunError
            For an unknown id.
        DamagedRunError
            When the run's row cannot be read (one line naming the column).

        """
        row = None
        if self._db.ready(write=False):
            with self._db.guard("read"), self._db.transaction(write=False) as conn:
                dialect = conn.dialect.name
                cols = [_raw(getattr(RunRow, c.key), dialect) for c in RunRow.__table__.columns]
                row = conn.execute(select(*cols).where(RunRow.id == run_id)).first()
        if row is None:
            raise UnknownRunError(f"no run '{run_id}' in the run store", source=self.location)
        try:
            return record_of(row._asdict())
        except ValueError as e:
            raise DamagedRunError(run_id, str(e), source=self.location) from None

    def list(self, kind: str | None = None, limit: int | None = 50) -> builtins.list[RunSummary]:
        """Return the saved runs, newest first: all, or those of one ``kind``; at most ``limit``.

        Damaged rows are left out (:meth:`scan` names them).
        """
        return self.scan(kind=kind, limit=limit).runs

    def scan(self, kind: str | None = None, limit: int | None = 50) -> RunListing:
        """Return the newest ``limit`` rows (of one ``kind``): the runs, and the damaged rows.

        A row is damaged when a column of its summary cannot be read, or when its parameters,
        inputs or results are not a JSON object (checked by the database where it can: SQLite
        and PostgreSQL). Damaged rows count towards ``limit``.
        """
        if kind is not None:
            try:
                check_kind(kind)
            except ValueError as e:
                raise AccordError(str(e)) from None
        if limit is not None and limit < 1:
            raise AccordError(f"the limit must be at least 1, got {limit}")
        if not self._db.ready(write=False):
            return RunListing([], [])
        with self._db.guard("read"), self._db.transaction(write=False) as conn:
            dialect = conn.dialect.name
            summary = [_raw(getattr(RunRow, c), dialect) for c in SUMMARY]
            checks = [_json_kind(getattr(RunRow, c), dialect) for c in DOCUMENTS]
            query = select(*summary, *checks).order_by(RunRow.created_at.desc(), RunRow.id.desc())
            if kind is not None:
                query = query.where(RunRow.kind == kind)
            if limit is not None:
                query = query.limit(limit)
            rows = conn.execute(query).all()
        runs: builtins.list[RunSummary] = []
        damaged: builtins.list[DamagedRun] = []
        for row in rows:
            data = row._asdict()
            problems = [_kind_problem(c, data[f"{c}_kind"]) for c in DOCUMENTS]
            try:
                found = summary_of(data)
            except ValueError as e:
                problems.insert(0, str(e))
            else:
                if not any(problems):
                    runs.append(found)
                    continue
            problem = next(p for p in problems if p)
            damaged.append(DamagedRun(str(data.get("id")), problem))
        return RunListing(runs, damaged)

    def diff(self, a: str, b: str) -> RunDiff:
        """Return what differs between runs ``a`` and ``b``: inputs, parameters, forecasts."""
        return diff_runs(self.get(a), self.get(b))

    def export(self, run_id: str) -> dict[str, Any]:
        """Return a saved run as a self-describing JSON-ready document."""
        return export_document(self.get(run_id))

    def export_file(self, run_id: str, path: str | Path) -> Path:
        """Write a saved run's export to ``path`` atomically (all of it or nothing)."""
        return write_atomically(Path(path), self.export(run_id))
