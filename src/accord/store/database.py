"""Where a run store lives, and opening it safely: URL rules, file checks, schema checks.

A location is an SQLAlchemy URL (anything with ``://``) or a plain path, which is an SQLite
file. Before SQLite opens a file it is checked for SQLite's header, so a text file or a
spreadsheet is refused rather than "repaired". A database is ours when its ``meta`` table says
so; one with other tables (an SQLite file) or a ``runs`` table (any database) and no such
``meta`` belongs to another application and is never written to.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, insert, inspect, select
from sqlalchemy.engine import URL, make_url

from accord import __version__
from accord.errors import AccordError
from accord.store.schema import APPLICATION_ID, SCHEMA_VERSION, TABLES, Base, MetaRow

ENV_VAR = "ACCORD_STORE"
OFF = "off"
"""``--store off`` or ``ACCORD_STORE=off`` turns saving off."""
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """Return the default store file, ``accord/runs.db`` in ``$XDG_DATA_HOME`` or ~/.local/share."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "accord" / "runs.db"


def resolve_store(
    store: str | Path | None = None, env: Mapping[str, str] | None = None
) -> str | None:
    """Return the store location: ``store``, else ``$ACCORD_STORE``, else the default file.

    A URL is returned as it is; a path comes back absolute. ``off`` returns None: nothing is
    to be saved.
    """
    env = os.environ if env is None else env
    value = str(store).strip() if store is not None else ""
    value = value or env.get(ENV_VAR, "").strip()
    if value.lower() == OFF:
        return None
    if "://" in value:
        return value
    return str(Path(value).expanduser().absolute() if value else default_path(env))


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip()
    return " ".join(text.split()) or type(error).__name__


def _schema_version(value: Any, location: str) -> int:
    """Return the store's schema version from its ``meta`` table (a damaged one: one line)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()):
        raise AccordError(
            f"the run store is damaged: its meta table gives schema_version {text!r}, not a "
            "whole number",
            source=location,
        )
    return int(text)


class Database:
    """One store's database: opened lazily, checked once, then used in short transactions."""

    def __init__(self, location: str | Path) -> None:
        text = str(location)
        try:
            url = make_url(text) if "://" in text else URL.create("sqlite", database=text)
        except (exc.ArgumentError, ValueError) as e:
            raise AccordError(f"not a database URL: {_reason(e)}", source=text) from None
        db = url.database or ""
        is_file = url.get_backend_name() == "sqlite" and db not in ("", ":memory:")
        self.file = Path(db) if is_file and not db.startswith("file:") else None
        self.url = url
        self.location = str(self.file) if self.file else url.render_as_string(hide_password=True)
        self._engine: Engine | None = None
        self._ready = False

    def close(self) -> None:
        """Release the connections; the next use opens the database again."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine, self._ready = None, False

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turn database errors into one-line :class:`AccordError` naming the store."""
        try:
            yield
        except exc.SQLAlchemyError as e:
            reason = _reason(e)
            if self.file is not None and ("malformed" in reason or "not a database" in reason):
                reason += " (the file is damaged, or is not an accord run store)"
            message = f"cannot {doing} the run store: {reason}"
            raise AccordError(message, source=self.location) from None

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Connection]:
        """Yield a connection inside one transaction; commit on success, else roll back.

        Use it inside :meth:`guard`, which words the database's errors.
        """
        engine = self._get_engine()
        with engine.connect() as conn:
            conn = conn.execution_options(accord_write=write)
            with conn.begin():
                yield conn

    def ready(self, write: bool) -> bool:
        """Check (and on a write, create) the store; False: reading a store not made yet."""
        if self._ready:
            return True
        if self.file is not None and not self._file_usable(write):
            return False
        with self.guard("open"):
            try:
                self._ready = self._init(write)
            except (exc.IntegrityError, exc.ProgrammingError):
                if not write:
                    raise
                # Another process created the tables at the same moment: look again.
                self._ready = self._init(write)
        return self._ready

    def _init(self, write: bool) -> bool:
        with self.transaction(write) as conn:
            return self._check_schema(conn, create=write)

    def _get_engine(self) -> Engine:
        if self._engine is not None:
            return self._engine
        kwargs: dict[str, Any] = {"json_serializer": lambda o: json.dumps(o, allow_nan=False)}
        if self.url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": 30}
        try:
            engine = create_engine(self.url, **kwargs)
        except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as e:
            message = f"cannot use this database: {_reason(e)}"
            raise AccordError(message, source=self.location) from None
        if engine.dialect.name == "sqlite":
            # Let SQLAlchemy, not the sqlite3 module, issue BEGIN: then DDL is transactional too,
            # and a write transaction takes the write lock up front (BEGIN IMMEDIATE).
            @event.listens_for(engine, "connect")
            def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.isolation_level = None

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                write = conn.get_execution_options().get("accord_write", False)
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        self._engine = engine
        return engine

    def _file_usable(self, write: bool) -> bool:
        """Check the SQLite file; False when it holds nothing yet and we only read."""
        path = self.file
        assert path is not None
        if path.is_dir():
            raise AccordError("is a folder, not a run store file", source=path)
        try:
            if not path.exists():
                if write:
                    path.parent.mkdir(parents=True, exist_ok=True)
                return write
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as e:
            message = f"cannot open the run store: {e.strerror or e}"
            raise AccordError(message, source=path) from None
        if head and head != SQLITE_MAGIC:
            raise AccordError("not an SQLite database, so not an accord run store", source=path)
        return bool(head) or write

    def _check_schema(self, conn: Connection, create: bool) -> bool:
        names = set(inspect(conn).get_table_names())
        foreign = f"belongs to another application (its meta table has no '{APPLICATION_ID}')"
        if "meta" in names:
            try:
                meta = {k: v for k, v in conn.execute(select(MetaRow.key, MetaRow.value))}
            except exc.DBAPIError:
                raise AccordError(foreign, source=self.location) from None
            if meta.get("application_id") != APPLICATION_ID:
                raise AccordError(foreign, source=self.location)
            version = _schema_version(meta.get("schema_version"), self.location)
            if version > SCHEMA_VERSION:
                raise AccordError(
                    f"the run store has schema version {version}; this accord ({__version__}) "
                    f"reads up to {SCHEMA_VERSION}: upgrade accord",
                    source=self.location,
                )
            if "runs" not in names:
                raise AccordError("the run store has lost its 'runs' table", source=self.location)
            return True
        if "runs" in names or (self.file is not None and names):
            tables = ", ".join(sorted(names))
            raise AccordError(
                f"belongs to another application (tables: {tables}; no accord meta table)",
                source=self.location,
            )
        if not create:
            return False
        Base.metadata.create_all(conn, tables=[Base.metadata.tables[t] for t in TABLES])
        rows = {
            "application_id": APPLICATION_ID,
            "schema_version": str(SCHEMA_VERSION),
            "created_by": f"accord {__version__}",
        }
        conn.execute(insert(MetaRow), [{"key": k, "value": v} for k, v in rows.items()])
        return True
