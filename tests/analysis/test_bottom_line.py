"""The bottom line: the deal-aware consensus, its uncertainty, drivers and why, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from accord import models
from accord.agreement import analyse
from accord.analysis.bottom_line import bottom_line, consensus_outcome, drivers
from accord.analysis.inputs import apply_values
from accord.scenario import Scenario
from tests.agreement.conftest import scenario
from tests.factories import random_scenario

TWO = [models.get("compromise"), models.get("median")]


def hand_case(**ranges: dict) -> Scenario:
    """Three actors of equal weight on one issue, each with an outside option.

    With utility -(x - p)^2 an actor accepts x when |x - p| < |r - p|: a (position 0,
    reservation 70) accepts [0, 70), b (100, reservation 20) accepts (20, 100], c (80,
    reservation 40) accepts (40, 120): the zone is (40, 70).
    """
    return scenario(
        {"a": 1, "b": 1, "c": 1},
        {"x": {"status_quo": 50, "anchors": {0: "none", 100: "all"}}},
        {
            "x": {
                "a": {"position": 0, "salience": 1, "reservation": 70, **ranges.get("a", {})},
                "b": {"position": 100, "salience": 1, "reservation": 20},
                "c": {"position": 80, "salience": 1, "reservation": 40},
            }
        },
    )


def test_the_consensus_is_the_median_of_the_models_made_deal_aware_by_hand() -> None:
    # compromise = (0 + 100 + 80) / 3 = 60; the weighted median = 80; their median (two
    # models: the midpoint) = 70, the zone's upper end: the consensus settles at 70.
    bl = bottom_line(hand_case(), TWO, draws=0)
    line = bl.line("x")
    assert dict(line.own) == pytest.approx({"compromise": 60.0, "median": 80.0})
    assert line.own_consensus == pytest.approx(70.0)
    assert line.p_deal == 1.0
    assert line.consensus == pytest.approx(70.0, abs=1e-6)
    assert line.settlement == pytest.approx(70.0, abs=1e-6)
    # each model made deal-aware: compromise stays at 60, median moves to 70
    assert dict(line.models) == pytest.approx({"compromise": 60.0, "median": 70.0}, abs=1e-6)
    assert line.model_range == pytest.approx((60.0, 70.0), abs=1e-6)
    assert line.blockers == ()
    assert any("prefers some point between 40 and 70" in w for w in line.why)


def test_without_a_zone_the_issue_stays_at_its_no_deal_outcome_and_the_blocker_is_named() -> None:
    # b's outside option at its own position: it accepts nothing, so no deal; the status quo 50.
    scn = scenario(
        {"a": 1, "b": 1},
        {"x": {"status_quo": 50}},
        {
            "x": {
                "a": {"position": 0, "salience": 1},
                "b": {"position": 100, "salience": 1, "reservation": 100},
            }
        },
    )
    line = bottom_line(scn, TWO, draws=0).line("x")
    assert line.p_deal == 0.0
    assert line.consensus == pytest.approx(50.0)
    assert line.settlement is None
    assert [b.actor for b in line.blockers] == ["b"]
    assert any(w.startswith("b holds out") for w in line.why)
    assert any("stays at 50" in w for w in line.why)


def test_over_draws_the_interval_and_p_deal_come_from_the_same_draws() -> None:
    # a's outside option drawn in [30, 90]: below 40 there is no zone (a accepts [0, r), c
    # accepts (40, 120)), so P(deal) = P(r > 40) = 5/6 for a uniform draw.
    scn = hand_case(a={"reservation_range": [30, 90]})
    bl = bottom_line(scn, TWO, draws=3000, seed=1)
    line = bl.line("x")
    assert line.p_deal == pytest.approx(5 / 6, abs=0.03)
    assert bl.outcome.shape == (3000, 1)
    assert line.consensus == pytest.approx(float(bl.outcome[:, 0].mean()))
    lo, hi = np.quantile(bl.outcome[:, 0], [0.025, 0.975])
    assert line.interval == pytest.approx((lo, hi))
    # in every draw without a deal the outcome is the status quo
    ag = analyse(apply_values(scn.to_arrays(), bl.drivers.inputs, _values(bl)))
    no_deal = ~ag.exists[:, 0]
    assert no_deal.any() and np.all(bl.outcome[no_deal, 0] == 50.0)


def _values(bl) -> np.ndarray:
    from accord.analysis.sampling import draw_block_range

    return draw_block_range(list(bl.drivers.inputs), 0, bl.draws, bl.seed, 0.0)


def test_drivers_match_a_loop_over_one_scenario_per_perturbation() -> None:
    scn = random_scenario(8, n_actors=5, n_issues=2)
    chosen = [models.get("compromise"), models.get("nash")]
    found = drivers(scn, chosen, spread=0.2)
    base = scn.to_arrays()
    for i, inp in enumerate(found.inputs):
        for end, got in ((inp.low, found.at_low[i]), (inp.high, found.at_high[i])):
            values = np.array([[end if j == i else x.point for j, x in enumerate(found.inputs)]])
            arrays = apply_values(base, list(found.inputs), values)
            ag = analyse(arrays)
            outcomes = [ag.settle(m.run(arrays).forecast).outcome[0] for m in chosen]
            np.testing.assert_allclose(got, np.median(outcomes, axis=0), atol=1e-9)


def test_without_ranges_drivers_use_a_declared_spread() -> None:
    found = drivers(hand_case(), TWO)
    assert found.spread == 0.1
    assert found.top("x")  # something moves it
    top = found.top("x")[0]
    assert top.swing == max(top.at_low, top.at_high, float(found.base[0])) - min(
        top.at_low, top.at_high, float(found.base[0])
    )


def test_the_consensus_outcome_is_the_median_settled() -> None:
    scn = hand_case()
    arrays = scn.to_arrays()
    got = consensus_outcome(arrays, TWO)
    assert got[0, 0] == pytest.approx(70.0, abs=1e-6)


def test_deterministic_and_json_ready() -> None:
    scn = random_scenario(9, n_actors=5, n_issues=2)
    chosen = [models.get("compromise"), models.get("bdm")]
    one = bottom_line(scn, chosen, draws=50, seed=2, spread=0.1)
    two = bottom_line(scn, chosen, draws=50, seed=2, spread=0.1)
    assert one.to_json() == two.to_json()
    record = one.to_dict()
    assert record["format_version"] == 1
    assert record["provenance"]["models"] == ["compromise", "bdm"]
    assert record["provenance"]["input_hash"] == scn.content_hash()
    frame = one.to_frame()
    assert list(frame["issue"]) == ["i0", "i1"]
    assert frame["consensus"].tolist() == pytest.approx([ln.consensus for ln in one.issues])


def test_an_issue_without_a_no_deal_outcome_keeps_the_models_median() -> None:
    scn = random_scenario(3, n_actors=4, n_issues=1, status_quo=False)
    line = bottom_line(scn, TWO, draws=0).issues[0]
    assert line.p_deal == 1.0
    assert line.consensus == pytest.approx(line.own_consensus)
    assert "any point is a possible agreement" in line.why[0]
