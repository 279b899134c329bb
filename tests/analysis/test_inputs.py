"""Uncertain inputs of a scenario and writing sampled values into arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord import AccordError
from accord.analysis import Input, apply_values, uncertain_inputs
from accord.scenario import Scenario, load
from tests.factories import random_scenario

ROOT = Path(__file__).resolve().parents[2]
VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"


def ranged() -> Scenario:
    return Scenario.model_validate(
        {
            "title": "ranged",
            "actors": [
                {"id": "a", "capability": 10, "capability_range": [8, 12], "bloc": "x"},
                {"id": "b", "capability": 5},
                {"id": "c", "capability": 0, "bloc": "x"},
            ],
            "issues": [
                {"id": "i", "scale": {"min": 0, "max": 10}},
                {"id": "j", "scale": {"min": -1, "max": 1}},
            ],
            "stances": [
                {"actor": "a", "issue": "i", "position": 2, "salience": 0.5,
                 "position_range": [1, 4], "distribution": "pert"},
                {"actor": "a", "issue": "j", "position": 0, "salience": 0.5},
                {"actor": "b", "issue": "i", "position": 9.5, "salience": 0.98,
                 "salience_range": [0.9, 1.0], "distribution": "triangular"},
                {"actor": "b", "issue": "j", "position": -1, "salience": 0.02},
                {"actor": "c", "issue": "i", "position": 5, "salience": 0.3},
                {"actor": "c", "issue": "j", "position": 1, "salience": 0.3},
            ],
        }
    )  # fmt: skip


def test_declared_ranges_in_stable_order() -> None:
    inputs = uncertain_inputs(ranged())
    assert [i.name for i in inputs] == ["capability:a", "position:a:i", "salience:b:i"]
    cap, pos, sal = inputs
    assert (cap.kind, cap.issue, cap.low, cap.high, cap.distribution, cap.bloc) == (
        "capability", None, 8, 12, "uniform", "x",
    )  # fmt: skip
    assert (pos.point, pos.low, pos.high, pos.distribution) == (2, 1, 4, "pert")
    assert (sal.point, sal.low, sal.high, sal.distribution, sal.bloc) == (
        0.98, 0.9, 1.0, "triangular", None,
    )  # fmt: skip


def test_spread_fills_in_clipped_ranges_and_keeps_declared_ones() -> None:
    inputs = {i.name: i for i in uncertain_inputs(ranged(), spread=0.1)}
    # 3 actors x (capability + 2 issues x 2 numbers)
    assert len(inputs) == 15
    assert (inputs["capability:a"].low, inputs["capability:a"].high) == (8, 12)  # declared
    assert inputs["capability:b"].low == pytest.approx(4.5)
    assert inputs["capability:b"].high == pytest.approx(5.5)
    assert (inputs["capability:c"].low, inputs["capability:c"].high) == (0, 0)
    # positions: ± 0.1 x scale width, clipped to the scale
    assert (inputs["position:a:j"].low, inputs["position:a:j"].high) == pytest.approx((-0.2, 0.2))
    assert (inputs["position:b:j"].low, inputs["position:b:j"].high) == pytest.approx((-1, -0.8))
    assert (inputs["position:b:i"].low, inputs["position:b:i"].high) == pytest.approx((8.5, 10))
    # saliences: ± 0.1, clipped to 0-1
    assert (inputs["salience:b:j"].low, inputs["salience:b:j"].high) == pytest.approx((0, 0.12))
    assert (inputs["salience:b:i"].low, inputs["salience:b:i"].high) == (0.9, 1.0)  # declared
    names = list(inputs)
    assert names[:5] == [
        "capability:a", "position:a:i", "salience:a:i", "position:a:j", "salience:a:j",
    ]  # fmt: skip


@pytest.mark.parametrize("spread", [-0.1, float("nan"), float("inf")])
def test_bad_spread(spread: float) -> None:
    with pytest.raises(AccordError, match="--spread"):
        uncertain_inputs(ranged(), spread=spread)


def test_vienna_case_has_every_number_ranged() -> None:
    scn = load(VIENNA)
    inputs = uncertain_inputs(scn)
    assert len(inputs) == len(scn.actors) * (1 + 2 * len(scn.issues))
    stances = [i for i in inputs if i.kind != "capability"]
    assert all(i.distribution == "pert" for i in stances)
    assert all(i.low <= i.point <= i.high for i in inputs)
    assert all(i.low >= 0 and i.high <= 1 for i in inputs if i.kind == "salience")


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"low": 3.0, "high": 1.0}, "greater than"),
        ({"point": 5.0}, "outside its range"),
        ({"high": float("nan")}, "finite"),
        ({"distribution": "normal"}, "unknown distribution"),
        ({"issue": None}, "only a capability"),
    ],
)
def test_input_checks_itself(changes: dict[str, object], match: str) -> None:
    fields: dict[str, object] = {
        "name": "position:a:i", "kind": "position", "actor": "a", "issue": "i",
        "point": 2.0, "low": 1.0, "high": 3.0, "distribution": "uniform", "bloc": None,
    }  # fmt: skip
    Input(**fields)  # type: ignore[arg-type]
    with pytest.raises(AccordError, match=match):
        Input(**{**fields, **changes})  # type: ignore[arg-type]


def test_apply_values_writes_each_column_in_its_place() -> None:
    scn = random_scenario(3, n_actors=4, n_issues=3)
    base = scn.to_arrays()
    inputs = [i for i in uncertain_inputs(scn, spread=0.2) if i.actor in ("a1", "a3")]
    rng = np.random.default_rng(0)
    values = rng.uniform([i.low for i in inputs], [i.high for i in inputs], (5, len(inputs)))
    out = apply_values(base, inputs, values)
    assert out.n_draws == 5
    expected_cap = np.repeat(base.capability, 5, axis=0)
    expected_pos = np.repeat(base.position, 5, axis=0)
    expected_sal = np.repeat(base.salience, 5, axis=0)
    for col, inp in enumerate(inputs):  # the plain way, one value at a time
        a = scn.actor_ids.index(inp.actor)
        for d in range(5):
            if inp.kind == "capability":
                expected_cap[d, a] = values[d, col]
            else:
                k = scn.issue_ids.index(inp.issue)
                target = expected_pos if inp.kind == "position" else expected_sal
                target[d, a, k] = values[d, col]
    np.testing.assert_array_equal(out.capability, expected_cap)
    np.testing.assert_array_equal(out.position, expected_pos)
    np.testing.assert_array_equal(out.salience, expected_sal)
    assert not out.position.flags.writeable
    # the input arrays are untouched
    np.testing.assert_array_equal(base.position, scn.to_arrays().position)


def test_apply_values_without_inputs_repeats() -> None:
    base = random_scenario(1).to_arrays()
    out = apply_values(base, [], np.empty((3, 0)))
    np.testing.assert_array_equal(out.position, np.repeat(base.position, 3, axis=0))


def test_apply_values_rejects_bad_shapes() -> None:
    scn = random_scenario(1)
    inputs = uncertain_inputs(scn, spread=0.1)
    base = scn.to_arrays()
    with pytest.raises(ValueError, match="shape"):
        apply_values(base, inputs, np.zeros((2, len(inputs) + 1)))
    with pytest.raises(ValueError, match="single draw"):
        apply_values(base.repeat(2), inputs, np.zeros((2, len(inputs))))
    with pytest.raises(ValueError, match="share a name"):
        apply_values(base, [inputs[0], inputs[0]], np.zeros((2, 2)))
