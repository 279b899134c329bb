"""Levers: exact compromise slopes, finite shifts worked by hand, the CLI and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord import models
from accord.analysis.levers import compromise_slopes, finite_difference_slopes, levers
from accord.errors import AccordError
from accord.scenario import Scenario, save
from tests.factories import random_scenario

VIENNA = Path(__file__).resolve().parents[2] / "cases" / "syria-2015-vienna.yaml"


def three(**extra: Any) -> Scenario:
    """Positions 0, 50, 100; capability 1, 1, 2; salience 1, 0.5, 0.5: w = 1, 0.5, 1; O = 50."""
    return Scenario.model_validate(
        {
            "title": "three",
            "actors": [
                {"id": "a", "capability": 1},
                {"id": "b", "capability": 1},
                {"id": "c", "capability": 2},
            ],
            "issues": [{"id": "i", "scale": {"min": 0, "max": 100}}],
            "stances": [
                {"actor": "a", "issue": "i", "position": 0, "salience": 1.0},
                {"actor": "b", "issue": "i", "position": 50, "salience": 0.5},
                {"actor": "c", "issue": "i", "position": 100, "salience": 0.5},
            ],
            **extra,
        }
    )


def test_exact_slopes_by_hand() -> None:
    # W = 2.5, O = 50: dO/dx_j = w_j / W, dO/ds_j = c_j (x_j - O) / W, dO/dc_j = s_j (x_j - O) / W
    slopes = compromise_slopes(three().to_arrays())[:, :, 0]
    np.testing.assert_allclose(slopes[0], [0.4, 0.2, 0.4])
    np.testing.assert_allclose(slopes[1], [-20.0, 0.0, 40.0])
    np.testing.assert_allclose(slopes[2], [-20.0, 0.0, 10.0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_closed_form_matches_finite_differences(seed: int) -> None:
    arrays = random_scenario(seed, n_actors=7, n_issues=3).to_arrays()
    steps = {"position": 1e-5, "salience": 1e-5, "capability": 1e-5}
    exact = compromise_slopes(arrays)
    numeric = finite_difference_slopes(arrays, models.get("compromise"), steps)
    np.testing.assert_allclose(numeric, exact, rtol=0, atol=1e-6)


def test_compromise_gains_of_finite_shifts_by_hand() -> None:
    res = levers(three(), "a", models.get("compromise"))
    (iss,) = res.issues
    assert res.exact
    assert (iss.ideal, iss.forecast) == (0.0, pytest.approx(50.0))
    got = {(lv.actor, lv.kind): lv for lv in iss.others + iss.own}
    # c's salience 0.5 -> 0.45: w_c = 0.9, O = (25 + 90) / 2.4; 0.5 -> 0.55: O = (25 + 110) / 2.6
    sal_c = got["c", "salience"]
    assert sal_c.gain_down == pytest.approx(50 - 115 / 2.4)
    assert sal_c.gain_up == pytest.approx(50 - 135 / 2.6)
    assert sal_c.direction == "down"
    assert sal_c.slope == pytest.approx(40.0)
    # b's position 50 -> 45 brings O to 49, 50 -> 55 to 51
    pos_b = got["b", "position"]
    assert (pos_b.gain_down, pos_b.gain_up) == (pytest.approx(1.0), pytest.approx(-1.0))
    # b sits at the forecast: its salience and capability do nothing
    assert got["b", "salience"].best == pytest.approx(0.0, abs=1e-12)
    assert got["b", "capability"].direction == "none"
    # a is at the bottom of the scale and at full salience: it cannot move down or care more
    assert (got["a", "position"].down, got["a", "salience"].up) == (0.0, 0.0)
    assert got["a", "position"].direction == "none"
    # a's capability 1 -> 1.1 (5% of the largest, 2): O = 125 / 2.6
    assert got["a", "capability"].gain_up == pytest.approx(50 - 125 / 2.6)
    ranking = [actor for actor, _ in iss.ranking()]
    assert ranking == ["c", "b"]


def test_piecewise_model_reports_finite_shifts() -> None:
    # Weighted median with weights 1, 0.5, 1 at 0, 50, 100: b is pivotal at 50.
    res = levers(three(), "a", models.get("median"))
    assert not res.exact
    got = {(lv.actor, lv.kind): lv for lv in res.issues[0].others}
    pos_b = got["b", "position"]
    assert (pos_b.gain_down, pos_b.gain_up, pos_b.slope) == (5.0, -5.0, 1.0)
    assert got["c", "position"].best == 0.0  # c is not pivotal: a 5-point move changes nothing


def test_joint_model_and_issue_filter() -> None:
    scn = random_scenario(4, n_actors=4, n_issues=2)
    res = levers(scn, "a1", models.get("nash"), issue="i1")
    assert [iss.issue for iss in res.issues] == ["i1"]
    (iss,) = res.issues
    assert len(iss.others) == 3 * 3 and len(iss.own) == 3
    assert all(np.isfinite(lv.gain_up) and np.isfinite(lv.slope) for lv in iss.others)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actor": "zz"}, "unknown actor 'zz'"),
        ({"actor": "a", "issue": "nope"}, "unknown issue 'nope'"),
        ({"actor": "a", "salience_step": 0.0}, "salience step"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AccordError, match=message):
        levers(three(), model=models.get("compromise"), **kwargs)


def test_cli_on_vienna(run_cli) -> None:
    code, out, _ = run_cli("levers", str(VIENNA), "--actor", "usa", "--issue", "assad")
    assert code == 0
    assert "Who usa should work on" in out
    assert "usa (own moves)" in out
    code, out, _ = run_cli("levers", str(VIENNA), "-a", "russia", "-m", "bdm", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "bdm"
    assert data["slopes"] == "central finite difference"
    assert [i["issue"] for i in data["issues"]] == [
        "assad",
        "territory",
        "ceasefire",
        "counter_isis",
    ]
    first = data["issues"][0]["others"]
    bests = [max(o[k]["best"] for k in ("position", "salience", "capability")) for o in first]
    assert bests == sorted(bests, reverse=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "nobody"], "unknown actor 'nobody'"),
        (["--actor", "a", "--issue", "x"], "unknown issue 'x'"),
        (["--actor", "a", "--model", "nope"], "unknown model 'nope'"),
        (["--actor", "a", "--top", "0"], "--top must be at least 1"),
    ],
)
def test_cli_errors_are_one_line(run_cli, tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "three.yaml"
    save(three(), path)
    code, out, err = run_cli("levers", str(path), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_issue_nobody_cares_about(run_cli, tmp_path: Path) -> None:
    # Every salience 0: the model weights by capability, O = (0 + 50 + 200) / 4 = 62.5.
    scn = three()
    scn = scn.replace(stances=[{**st.model_dump(), "salience": 0.0} for st in scn.stances])
    slopes = compromise_slopes(scn.to_arrays())[:, :, 0]
    np.testing.assert_allclose(slopes[0], [0.25, 0.25, 0.5])
    assert np.isnan(slopes[1]).all()
    np.testing.assert_allclose(slopes[2], [-62.5 / 4, -12.5 / 4, 37.5 / 4])
    path = tmp_path / "dead.yaml"
    save(scn, path)
    code, out, _ = run_cli("levers", str(path), "--actor", "a", "-m", "compromise", "--json")
    assert code == 0
    own = json.loads(out)["issues"][0]["own"]
    assert own["salience"]["slope"] is None
    assert own["salience"]["gain_up"] == pytest.approx(62.5)  # caring at all makes a the pivot
