"""The run store: save, find, compare and export runs in any SQLAlchemy database.

A store is named by a location (see :func:`~accord.store.database.resolve_store`): an
SQLAlchemy URL such as ``postgresql+psycopg://user@host/db``, or a plain path, which is an
SQLite file. Each save is one transaction, so a process killed while saving leaves no partial
record. Tables are created on the first save; reading a store that does not exist yet finds no
runs and creates nothing.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exc, insert, select

from accord import __version__
from accord.errors import AccordError
from accord.store.database import Database
from accord.store.diff import RunDiff, diff_runs
from accord.store.records import (
    RunRecord,
    RunSummary,
    check_kind,
    describe,
    export_document,
    hash_of,
    jsonready,
    write_atomically,
)
from accord.store.schema import RunRow, new_run_id, utc_now

SUMMARY: tuple[Any, ...] = (
    RunRow.id,
    RunRow.kind,
    RunRow.created_at,
    RunRow.accord_version,
    RunRow.model,
    RunRow.seed,
    RunRow.input_hash,
    RunRow.title,
)


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
        """Return a saved run; an unknown id is an :class:`~accord.errors.AccordError`."""
        row = None
        if self._db.ready(write=False):
            cols = (*SUMMARY, RunRow.params, RunRow.inputs, RunRow.results)
            with self._db.guard("read"), self._db.transaction(write=False) as conn:
                row = conn.execute(select(*cols).where(RunRow.id == run_id)).first()
        if row is None:
            raise AccordError(f"no run '{run_id}' in the run store", source=self.location)
        data = row._asdict()
        return RunRecord(**{**data, "created_at": _utc(data["created_at"])})

    def list(self, kind: str | None = None, limit: int | None = 50) -> builtins.list[RunSummary]:
        """Return the saved runs, newest first: all, or those of one ``kind``; at most ``limit``."""
        if kind is not None:
            try:
                check_kind(kind)
            except ValueError as e:
                raise AccordError(str(e)) from None
        if limit is not None and limit < 1:
            raise AccordError(f"the limit must be at least 1, got {limit}")
        if not self._db.ready(write=False):
            return []
        query = select(*SUMMARY).order_by(RunRow.created_at.desc(), RunRow.id.desc())
        if kind is not None:
            query = query.where(RunRow.kind == kind)
        if limit is not None:
            query = query.limit(limit)
        with self._db.guard("read"), self._db.transaction(write=False) as conn:
            rows = conn.execute(query).all()
        return [RunSummary(**{**r._asdict(), "created_at": _utc(r.created_at)}) for r in rows]

    def diff(self, a: str, b: str) -> RunDiff:
        """Return what differs between runs ``a`` and ``b``: inputs, parameters, forecasts."""
        return diff_runs(self.get(a), self.get(b))

    def export(self, run_id: str) -> dict[str, Any]:
        """Return a saved run as a self-describing JSON-ready document."""
        return export_document(self.get(run_id))

    def export_file(self, run_id: str, path: str | Path) -> Path:
        """Write a saved run's export to ``path`` atomically (all of it or nothing)."""
        return write_atomically(Path(path), self.export(run_id))


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
