"""Backends for the run store suite: SQLite always, PostgreSQL when ACCORD_TEST_PG names one.

``ACCORD_TEST_PG`` is the SQLAlchemy URL of a scratch database, e.g.
``postgresql+psycopg://accord:accord@localhost/accord_test`` (docs/store.md says how to make
one). The suite drops the store's two tables, ``runs`` and ``meta``, before and after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.forecast import build_models, forecast
from accord.scenario import Scenario
from accord.store import RunStore, record_inputs
from tests.factories import random_scenario

PG_ENV = "ACCORD_TEST_PG"
PG_SKIP = f"PostgreSQL backend: set {PG_ENV} to a scratch database URL (docs/store.md)"


def _drop_tables(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS runs, meta"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The location of an empty store on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "runs.db")
        return
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(PG_SKIP)
    _drop_tables(url)
    yield url
    _drop_tables(url)


@pytest.fixture
def store(location: str) -> Iterator[RunStore]:
    with RunStore(location) as runs:
        yield runs


@pytest.fixture
def scenario() -> Scenario:
    return random_scenario(5, n_actors=4, n_issues=2)


def run_record(scn: Scenario, names: list[str], seed: int = 0, **params: Any) -> dict[str, Any]:
    """Return ``Forecast.to_dict()`` of models on a scenario."""
    return forecast(scn, build_models(names, params), seed=seed).to_dict()


def save_forecast(runs: RunStore, scn: Scenario, names: list[str], **params: Any) -> str:
    return runs.save("run", inputs=record_inputs(scn), results=run_record(scn, names, **params))
