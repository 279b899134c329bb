"""``RunStore.diff``: inputs, parameters and forecasts that differ, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from accord.scenario import Scenario
from accord.store import RunStore, record_inputs
from accord.store.diff import forecasts_of, tree_diff
from tests.store.conftest import run_record, save_forecast


def _moved(scn: Scenario, actor: str, issue: str, position: float) -> Scenario:
    data = scn.model_dump(mode="json")
    for st in data["stances"]:
        if (st["actor"], st["issue"]) == (actor, issue):
            st["position"] = position
    return Scenario.model_validate(data)


def test_the_same_run_twice_differs_in_nothing(store: RunStore, scenario: Scenario) -> None:
    a = save_forecast(store, scenario, ["compromise", "bdm"])
    b = save_forecast(store, scenario, ["compromise", "bdm"])
    d = store.diff(a, b)
    assert d.same and d.same_results
    assert (d.header, d.inputs, d.params, d.forecasts) == ((), (), (), ())
    assert d.to_dict()["same"] is True


def test_one_moved_stance_and_one_parameter(store: RunStore, scenario: Scenario) -> None:
    a = save_forecast(store, scenario, ["compromise", "bdm"], rounds=5)
    moved = _moved(scenario, "a2", "i1", 99.0)
    b = save_forecast(store, moved, ["compromise", "bdm"], rounds=6)
    d = store.diff(a, b)
    assert not d.same
    assert [c.path for c in d.header] == ["input_hash"]
    paths = {c.path: c for c in d.inputs}
    assert set(paths) == {"scenario.stances[a2/i1].position", "scenario_hash"}
    assert paths["scenario.stances[a2/i1].position"].b == 99.0
    assert [(c.path, c.a, c.b) for c in d.params] == [("models.bdm.rounds", 5, 6)]
    changed = {(f.label, f.issue) for f in d.forecasts}
    assert ("compromise", "i1") in changed  # the weighted mean moves with any position
    assert ("compromise", "i0") not in changed
    for f in d.forecasts:
        assert f.delta == pytest.approx(f.b - f.a)
    as_json = d.to_dict()
    assert as_json["inputs"][0]["status"] == "changed"


def test_models_added_and_kinds_differ(store: RunStore, scenario: Scenario) -> None:
    a = save_forecast(store, scenario, ["compromise"])
    b = store.save(
        "mc", inputs=record_inputs(scenario), results=run_record(scenario, ["compromise", "median"])
    )
    d = store.diff(a, b)
    assert {c.path for c in d.header} == {"kind", "model"}
    assert d.inputs == ()
    assert [(c.path, c.status) for c in d.params] == [("models.median", "added")]
    assert {(f.label, f.a is None) for f in d.forecasts} == {("median", True)}


def test_tree_diff_matches_records_by_id() -> None:
    a: dict[str, Any] = {"actors": [{"id": "x", "c": 1}, {"id": "y", "c": 2}], "n": [1, 2]}
    b: dict[str, Any] = {"actors": [{"id": "y", "c": 3}, {"id": "z", "c": 4}], "n": [1, 2, 3]}
    got = [(c.path, c.status, c.a, c.b) for c in tree_diff(a, b)]
    assert got == [
        ("actors[x]", "removed", {"id": "x", "c": 1}, None),
        ("actors[y].c", "changed", 2, 3),
        ("actors[z]", "added", None, {"id": "z", "c": 4}),
        ("n", "changed", [1, 2], [1, 2, 3]),
    ]
    assert tree_diff({"v": 1}, {"v": 1.0}) == []
    assert [c.path for c in tree_diff({"v": True}, {"v": 1})] == ["v"]
    assert [c.path for c in tree_diff([[1, 2]], [[1, 5]])] == ["[0][1]"]


def test_forecasts_of_every_kind() -> None:
    run = {"results": [{"model": "m", "forecast": {"i": 2.0, "j": [1.0, 3.0, None]}}]}
    assert forecasts_of("run", run) == {("m", "i"): 2.0, ("m", "j"): 2.0}
    table = [
        {"design": "d", "issue": "i", "forecast": 4.0},
        {"design": "d", "issue": "all", "forecast": None},
    ]
    assert forecasts_of("compare", {"table": table}) == {("d", "i"): 4.0}
    bt = {"forecasts": [{"issue": "k", "forecast": {"m": 5.0, "n": None}}]}
    assert forecasts_of("backtest", bt) == {("m", "k"): 5.0, ("n", "k"): None}
    assert forecasts_of("mc", {"something": "else"}) == {}
