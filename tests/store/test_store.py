"""Saving, finding and exporting runs, on every backend."""

from __future__ import annotations

import json
import math
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from accord import __version__
from accord.backtest.deu import read_deu
from accord.backtest.record import run_backtest
from accord.errors import AccordError
from accord.forecast import build_models
from accord.process import compare, load_designs
from accord.scenario import Scenario, load
from accord.store import RunStore, forecasts_of, record_inputs, save_run
from accord.store.records import hash_of
from tests.store.conftest import run_record, save_forecast

ROOT = Path(__file__).resolve().parents[2]
VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"
VIENNA_DESIGNS = ROOT / "cases" / "syria-2015-vienna.designs.yaml"
ID = re.compile(r"^r-\d{8}-\d{6}-[0-9a-f]{6}$")


def test_a_forecast_comes_back_whole(store: RunStore, scenario: Scenario) -> None:
    before = datetime.now(UTC)
    results = run_record(scenario, ["compromise", "median"], seed=7)
    run_id = store.save("run", inputs=record_inputs(scenario), results=results)
    assert ID.match(run_id)
    rec = store.get(run_id)
    assert rec.kind == "run"
    assert rec.model == "compromise,median"
    assert rec.seed == 7
    assert rec.accord_version == __version__
    assert rec.title == scenario.title
    assert rec.params == {"models": {"compromise": {}, "median": {}}}
    assert rec.results == results
    assert before - timedelta(seconds=1) <= rec.created_at <= datetime.now(UTC)
    assert rec.created_at.tzinfo is not None
    # the inputs rebuild the very scenario the results came from
    rebuilt = Scenario.model_validate(rec.inputs["scenario"])
    assert rebuilt.content_hash() == scenario.content_hash() == rec.inputs["scenario_hash"]
    assert results["results"][0]["provenance"]["input_hash"] == rec.inputs["scenario_hash"]
    assert rec.input_hash == hash_of(rec.inputs)


def test_explicit_columns_override_what_results_say(store: RunStore, scenario: Scenario) -> None:
    run_id = store.save(
        "mc",
        inputs=record_inputs(scenario),
        results=run_record(scenario, ["bdm"]),
        params={"draws": 100},
        seed=42,
        model=["bdm", "smp"],
        title="what-if",
    )
    rec = store.get(run_id)
    assert (rec.kind, rec.model, rec.seed, rec.title) == ("mc", "bdm,smp", 42, "what-if")
    assert rec.params == {"draws": 100}


def test_list_is_newest_first_and_filters(store: RunStore, scenario: Scenario) -> None:
    assert store.list() == []
    ids = [save_forecast(store, scenario, ["compromise"]) for _ in range(3)]
    other = store.save(
        "mc", inputs=record_inputs(scenario), results=run_record(scenario, ["median"])
    )
    listed = store.list()
    assert [r.id for r in listed] == [other, *reversed(ids)]
    assert [r.id for r in store.list(kind="run")] == list(reversed(ids))
    assert [r.id for r in store.list(limit=2)] == [other, ids[-1]]
    assert store.list(kind="backtest") == []
    assert listed[0].to_dict()["kind"] == "mc"
    with pytest.raises(AccordError, match="unknown kind of run 'nope'"):
        store.list(kind="nope")
    with pytest.raises(AccordError, match="at least 1"):
        store.list(limit=0)


def test_a_comparison_keeps_its_designs(store: RunStore, location: str) -> None:
    scn = load(VIENNA)
    designs = load_designs(VIENNA_DESIGNS, scenario=scn)
    (model,) = build_models(["compromise"])
    result = compare(scn, designs.designs, model, tolerance=0.2, seed=5).to_dict()
    run_id = save_run("compare", result, scenario=scn, designs=designs, seed=5, store=location)
    assert run_id is not None
    rec = store.get(run_id)
    assert (rec.kind, rec.model, rec.seed) == ("compare", "compromise", 5)
    assert rec.params == {"models": {"compromise": {}}, "tolerance": 0.2}
    assert [d["id"] for d in rec.inputs["designs"]["designs"]] == [d.id for d in designs.designs]
    assert rec.results == result


def test_a_monte_carlo_record(store: RunStore, location: str, scenario: Scenario) -> None:
    from accord.analysis import montecarlo

    (model,) = build_models(["compromise"])
    mc = montecarlo.run(scenario, model, draws=40, seed=4, spread=0.1).to_dict()
    run_id = save_run("mc", mc, scenario=scenario, store=location)
    assert run_id is not None
    rec = store.get(run_id)
    assert (rec.kind, rec.model, rec.seed, rec.title) == ("mc", "compromise", 4, scenario.title)
    assert rec.params["draws"] == 40
    assert rec.params["spread"] == 0.1
    assert rec.params["models"] == {"compromise": {}}
    means = {s["issue"]: s["mean"] for s in mc["issues"]}
    assert forecasts_of("mc", rec.results) == {("compromise", i): m for i, m in means.items()}


def test_a_backtest_record(store: RunStore, location: str) -> None:
    bt = run_backtest(
        read_deu().select({"d00032", "n98109"}), models=["median"], n_boot=100, seed=2
    )
    run_id = save_run("backtest", bt.record, store=location)
    assert run_id is not None
    rec = store.get(run_id)
    assert rec.kind == "backtest"
    assert rec.model == "compromise,median"
    assert rec.seed == 2
    assert rec.params["capability"] == "votes"
    assert rec.inputs["dataset"]["sha256"] == bt.record["dataset"]["sha256"]
    assert rec.inputs["split"] == {"name": "all"}
    assert rec.results == bt.record


def test_values_are_made_json(store: RunStore, scenario: Scenario) -> None:
    results = {"results": [], "odd": [np.float64(1.5), np.int64(3), math.nan, math.inf, (1, 2)]}
    rec = store.get(store.save("run", inputs=record_inputs(scenario), results=results))
    assert rec.results["odd"] == [1.5, 3, None, None, [1, 2]]
    with pytest.raises(TypeError, match="cannot store a set"):
        store.save("run", inputs={}, results={"bad": {1, 2}})
    with pytest.raises(ValueError, match="unknown kind"):
        store.save("sweep", inputs={}, results={})


def test_unknown_id(store: RunStore, scenario: Scenario) -> None:
    with pytest.raises(AccordError, match="no run 'r-nope'"):
        store.get("r-nope")
    save_forecast(store, scenario, ["median"])
    with pytest.raises(AccordError, match="no run 'r-nope'") as err:
        store.get("r-nope")
    assert store.location in str(err.value)


def test_export(store: RunStore, scenario: Scenario, tmp_path: Path) -> None:
    run_id = save_forecast(store, scenario, ["compromise"])
    doc = store.export(run_id)
    assert doc["format"] == "accord-run"
    assert doc["id"] == run_id
    assert doc["results"] == store.get(run_id).results
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    assert store.export_file(run_id, target) == target
    assert json.loads(target.read_text(encoding="utf-8")) == doc
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_export_fails_whole(
    store: RunStore, scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = save_forecast(store, scenario, ["compromise"])
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(AccordError, match=r"out\.json: cannot write the export: No space left"):
        store.export_file(run_id, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_save_run_honours_the_environment(
    location: str, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_STORE", location)
    run_id = save_run("run", run_record(scenario, ["median"]), scenario=scenario)
    assert run_id is not None
    with RunStore(location) as runs:
        assert [r.id for r in runs.list()] == [run_id]
    monkeypatch.setenv("ACCORD_STORE", "off")
    assert save_run("run", run_record(scenario, ["median"]), scenario=scenario) is None
    with pytest.raises(ValueError, match="needs its scenario"):
        save_run("run", {}, store=location)
