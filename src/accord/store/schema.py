"""The tables of the run store: ``runs`` (one row per saved run) and ``meta`` (who owns the file).

The ``meta`` table holds two rows, ``application_id`` and ``schema_version``. They are how a
store recognises its own database: an SQLite file, or a database holding a ``runs`` table,
without them belongs to another application and is never written to.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

APPLICATION_ID = "accord-run-store"
"""The value of ``meta.application_id`` in every accord run store."""

SCHEMA_VERSION = 1
"""The layout of the tables; bumped when a column is added or changed."""

KINDS = ("run", "mc", "compare", "backtest")
"""The kinds of runs a store holds, after the commands that make them."""


class Base(DeclarativeBase):
    """The declarative base of the store's tables."""


class RunRow(Base):
    """One saved run: its inputs, parameters, seed, accord version and results.

    ``model`` names the model(s), comma-separated in the order they ran. ``params``,
    ``inputs`` and ``results`` are JSON documents; ``input_hash`` is the SHA-256 of the
    canonical JSON of ``inputs``.
    """

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    accord_version: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    params: Mapped[Any] = mapped_column(JSON)
    inputs: Mapped[Any] = mapped_column(JSON)
    results: Mapped[Any] = mapped_column(JSON)


class MetaRow(Base):
    """A key/value pair describing the store itself."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


TABLES = (RunRow.__tablename__, MetaRow.__tablename__)


def utc_now() -> datetime:
    """Return the current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


def new_run_id(when: datetime | None = None) -> str:
    """Return a fresh run id, ``r-YYYYMMDD-HHMMSS-xxxxxx`` (UTC time, six random hex digits).

    Ids sort by the second they were made in; the random tail keeps two runs started in the
    same second apart.
    """
    when = (when or utc_now()).astimezone(UTC)
    return f"r-{when:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
