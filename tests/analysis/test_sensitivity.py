"""Sensitivity: a tornado worked by hand, Sobol indices with known answers, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord import models
from accord.analysis.inputs import Input
from accord.analysis.sensitivity import Tornado, saltelli_rows, sobol, tornado
from accord.errors import AccordError
from accord.scenario import Scenario, save

VIENNA = Path(__file__).resolve().parents[2] / "cases" / "syria-2015-vienna.yaml"


def three(ranges: dict[str, dict[str, Any]] | None = None, two_issues: bool = False) -> Scenario:
    """Positions 0, 50, 100; capability 1, 1, 2; salience 1, 0.5, 0.5: w = 1, 0.5, 1; O = 50.

    ``ranges`` adds fields to an actor's stance on issue i (or to the actor, for capability).
    """
    ranges = ranges or {}
    caps = {"a": 1, "b": 1, "c": 2}
    actors = [{"id": a, "capability": caps[a], **ranges.get(a, {}).get("actor", {})} for a in caps]
    base = {"a": (0, 1.0), "b": (50, 0.5), "c": (100, 0.5)}
    issues = ["i", "j"] if two_issues else ["i"]
    stances = [
        {
            "actor": a,
            "issue": i,
            "position": base[a][0],
            "salience": base[a][1],
            **(ranges.get(a, {}).get("stance", {}) if i == "i" else {}),
        }
        for i in issues
        for a in caps
    ]
    return Scenario.model_validate(
        {
            "title": "three",
            "actors": actors,
            "issues": [{"id": i} for i in issues],
            "stances": stances,
        }
    )


RANGED = {
    "a": {"stance": {"salience_range": [0.5, 1.0]}},
    "b": {"stance": {"position_range": [40, 70]}},
    "c": {"actor": {"capability_range": [1, 3]}},
}


def test_tornado_by_hand() -> None:
    t = tornado(three(RANGED), models.get("compromise"))
    assert [i.name for i in t.inputs] == ["salience:a:i", "position:b:i", "capability:c"]
    np.testing.assert_allclose(t.base, [50.0])
    # s_a = 0.5: W = 2, O = 125 / 2.   x_b = 40: O = 120 / 2.5; 70: 135 / 2.5.
    # c_c = 1: W = 2, O = 75 / 2; c_c = 3: W = 3, O = 175 / 3.
    np.testing.assert_allclose(t.at_low[:, 0], [62.5, 48.0, 37.5])
    np.testing.assert_allclose(t.at_high[:, 0], [50.0, 54.0, 175 / 3])
    np.testing.assert_allclose(t.swing[:, 0], [12.5, 6.0, 175 / 3 - 37.5])
    assert t.ranked("i") == [2, 0, 1]
    out = t.to_dict(top=2)["issues"]["i"]
    assert [row["name"] for row in out["inputs"]] == ["capability:c", "salience:a:i"]


def test_swing_spans_the_base_when_both_ends_move_the_same_way() -> None:
    inp = Input("position:a:i", "position", "a", "i", 5.0, 0.0, 10.0, "uniform", None)
    t = Tornado("m", ("i",), (inp,), np.array([2.0]), np.array([[3.0]]), np.array([[3.0]]))
    assert t.swing[0, 0] == 1.0


def test_sobol_one_uncertain_input_carries_all_variance() -> None:
    scn = three({"b": {"stance": {"position_range": [40, 70]}}}, two_issues=True)
    s = sobol(scn, models.get("compromise"), samples=512)
    assert s.runs == 512 * 3
    assert s.first[0, 0] == pytest.approx(1.0, abs=0.02)
    assert s.total[0, 0] == pytest.approx(1.0, abs=0.02)
    # Issue j has no uncertain input: its forecast does not move and every index is 0.
    assert s.variance[1] == 0.0
    assert (s.first[:, 1], s.total[:, 1]) == (0.0, 0.0)


def test_sobol_additive_shares_in_closed_form() -> None:
    # O = (0.5 x_b + x_c) / 2.5 with x_b ~ U[40, 70], x_c ~ U[80, 100]: independent, additive,
    # so S1 = ST = each term's variance share: (0.2 * 30)^2 = 36 and (0.4 * 20)^2 = 64 of 100.
    scn = three(
        {
            "b": {"stance": {"position_range": [40, 70]}},
            "c": {"stance": {"position_range": [80, 100]}},
        }
    )
    s = sobol(scn, models.get("compromise"), samples=1024, seed=3)
    np.testing.assert_allclose(s.first[:, 0], [0.36, 0.64], atol=0.03)
    np.testing.assert_allclose(s.total[:, 0], [0.36, 0.64], atol=0.03)
    assert np.all(s.first_conf[:, 0] > 0) and np.all(s.total_conf[:, 0] < 0.1)


def test_sobol_is_deterministic_and_seeded() -> None:
    scn = three(RANGED)
    one, two = (sobol(scn, models.get("compromise"), samples=64, seed=0) for _ in range(2))
    other = sobol(scn, models.get("compromise"), samples=64, seed=1)
    assert one.to_dict() == two.to_dict()  # bootstrap intervals included
    assert not np.array_equal(one.first, other.first)


def test_saltelli_rows_are_salibs_sample() -> None:
    from SALib.sample import sobol as salib_sample
    from scipy.stats import qmc

    problem = {"num_vars": 3, "names": ["x", "y", "z"], "bounds": [[0, 1], [2, 5], [-1, 1]]}
    expected = salib_sample.sample(problem, 16, calc_second_order=False, seed=7)
    base = qmc.Sobol(d=6, scramble=True, seed=7).random(16)
    low, width = np.array([0.0, 2.0, -1.0]), np.array([1.0, 3.0, 2.0])
    chunks = [low + saltelli_rows(base[i : i + 5]) * width for i in range(0, 16, 5)]
    np.testing.assert_array_equal(np.concatenate(chunks), expected)


def test_no_uncertain_input_needs_a_spread() -> None:
    with pytest.raises(AccordError, match="no input of 'three' has a range"):
        tornado(three(), models.get("compromise"))
    t = tornado(three(), models.get("compromise"), spread=0.1)
    assert len(t.inputs) == 3 * 3  # every capability, position and salience


def test_samples_must_be_a_power_of_two() -> None:
    with pytest.raises(AccordError, match="power of two"):
        sobol(three(RANGED), models.get("compromise"), samples=100)


def test_cli_tornado_on_vienna(run_cli) -> None:
    code, out, _ = run_cli("sensitivity", str(VIENNA), "--top", "5")
    assert code == 0
    assert "position:russia:assad" in out  # no emoji: ids are printed as text
    assert "│" in out and "█" in out
    code, out, _ = run_cli("sensitivity", str(VIENNA), "-m", "median", "--json", "-k", "3")
    data = json.loads(out)
    assert data["method"] == "tornado" and data["model"] == "median"
    rows = data["issues"]["assad"]["inputs"]
    assert len(rows) == 3
    assert [r["swing"] for r in rows] == sorted((r["swing"] for r in rows), reverse=True)


def test_cli_sobol(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    save(three(RANGED), path)
    code, out, _ = run_cli("sensitivity", str(path), "--method", "sobol", "-n", "64")
    assert code == 0
    assert "Sobol indices" in out and "320 runs" in out
    code, out, _ = run_cli("sensitivity", str(path), "--method", "sobol", "-n", "64", "--json")
    assert json.loads(out)["bounds"] == "uniform over each input's [low, high]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no input of 'three' has a range"),
        (["--spread", "0.1", "--method", "sobol", "-n", "100"], "power of two"),
        (["--spread", "0.1", "--model", "nope"], "unknown model 'nope'"),
        (["--spread", "0.1", "--top", "0"], "--top must be at least 1"),
        (["--spread", "-1"], "--spread must be a number >= 0"),
    ],
)
def test_cli_errors_are_one_line(run_cli, tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "three.yaml"
    save(three(), path)
    code, out, err = run_cli("sensitivity", str(path), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
