"""The run store: every ``run``, ``mc``, ``compare`` and ``backtest`` saved with what made it.

Quick start::

    from accord.store import RunStore, record_inputs, resolve_store

    with RunStore(resolve_store()) as store:
        run_id = store.save("run", inputs=record_inputs(scenario), results=fc.to_dict())
        print(store.get(run_id).results)

:func:`save_run` does the same in one call for the command line, honouring ``--store`` and
``ACCORD_STORE`` (including ``off``). See ``docs/store.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from accord.scenario.model import Scenario
from accord.store.database import ENV_VAR, default_path, resolve_store
from accord.store.diff import Change, ForecastChange, RunDiff, forecasts_of
from accord.store.records import (
    DamagedRun,
    DamagedRunError,
    RunListing,
    RunRecord,
    RunSummary,
    UnknownRunError,
    backtest_inputs,
    describe,
    record_inputs,
)
from accord.store.repository import RunStore
from accord.store.schema import APPLICATION_ID, KINDS, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "ENV_VAR",
    "KINDS",
    "SCHEMA_VERSION",
    "Change",
    "DamagedRun",
    "DamagedRunError",
    "ForecastChange",
    "RunDiff",
    "RunListing",
    "RunRecord",
    "RunStore",
    "RunSummary",
    "UnknownRunError",
    "backtest_inputs",
    "default_path",
    "describe",
    "forecasts_of",
    "record_inputs",
    "resolve_store",
    "save_run",
]


def save_run(
    kind: str,
    results: Mapping[str, Any],
    *,
    scenario: Scenario | None = None,
    designs: Any = None,
    inputs: Mapping[str, Any] | None = None,
    seed: int | None = None,
    params: Mapping[str, Any] | None = None,
    title: str | None = None,
    store: str | Path | None = None,
) -> str | None:
    """Save a command's results in the store that ``store``/``ACCORD_STORE`` name.

    ``inputs`` default to :func:`record_inputs` of ``scenario`` (and ``designs``) or, for a
    backtest, :func:`backtest_inputs` of its record. Returns the new run's id, or None when
    saving is turned off (``off``).
    """
    location = resolve_store(store)
    if location is None:
        return None
    if inputs is None:
        if kind == "backtest":
            inputs = backtest_inputs(results)
        elif scenario is not None:
            inputs = record_inputs(scenario, designs)
        else:
            raise ValueError(f"saving a '{kind}' needs its scenario or its inputs")
    with RunStore(location) as runs:
        return runs.save(
            kind, results=results, inputs=inputs, seed=seed, params=params, title=title
        )
