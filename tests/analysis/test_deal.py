"""Deal-aware forecasts: P(deal), settlement and expected outcome over shared draws."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord import models
from accord.analysis import montecarlo
from accord.analysis.deal import deal_forecast
from accord.scenario import Scenario


def ranged(reservation_range: tuple[float, float] | None = None) -> Scenario:
    """Two actors on one issue; b's position is uncertain around the status quo 50."""
    b: dict[str, object] = {
        "position": 60,
        "salience": 0.5,
        "position_range": [40, 80],
    }
    if reservation_range is not None:
        b.update(reservation=60, reservation_range=list(reservation_range))
    return Scenario.model_validate(
        {
            "title": "ranged",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x", "status_quo": 50}],
            "stances": [
                {"actor": "a", "issue": "x", "position": 90, "salience": 0.5},
                {"actor": "b", "issue": "x", **b},
            ],
        }
    )


def test_p_deal_is_the_share_of_draws_with_a_zone() -> None:
    # a at 90 wants more than 50; b (uniform on 40-80) joins it whenever b > 50: P = 3/4.
    df = deal_forecast(ranged(), [models.get("compromise")], draws=4000, seed=1)
    (d,) = df.issue_deals()
    assert d.p_deal == pytest.approx(0.75, abs=0.02)
    b_pos = df.agreement.zone_of("x").problem.ideal[:, 1, 0] * 100
    clear = np.abs(b_pos - 50) > 0.05  # a zone much thinner gives too little gain to count
    np.testing.assert_array_equal(df.agreement.exists[clear, 0], b_pos[clear] > 50)
    # expected = P(deal) x settlement + (1 - P(deal)) x 50, over the same draws
    st = df.models[0].settlement
    expected = np.where(st.deal[:, 0], st.settlement[:, 0], 50.0).mean()
    assert d.expected == pytest.approx(expected)
    assert d.expected == pytest.approx(d.p_deal * d.settlement + (1 - d.p_deal) * 50.0)
    assert d.no_deal == 50.0
    # the compromise is the mean of 90 and b; moved into (50, 2b - 50) where b < 70
    assert d.settlement is not None and 50 < d.settlement < 90


def test_outside_option_ranges_are_drawn_too() -> None:
    # b expects 55-65 without a deal: it accepts the points nearer to its position p than its
    # outside option r, (p - |r - p|, p + |r - p|); a at 90 accepts (50, 130).
    df = deal_forecast(ranged((55, 65)), [models.get("compromise")], draws=500, seed=2)
    assert df.n_inputs == 2
    zone = df.agreement.zone_of("x")
    p = zone.problem.ideal[:, 1, 0] * 100
    r = zone.problem.outside[:, 1, 0] * 100
    assert r.min() >= 55 and r.max() <= 65 and r.std() > 1
    upper = p + np.abs(r - p)
    clear = np.abs(upper - 50) > 0.05
    np.testing.assert_array_equal(zone.exists[clear], upper[clear] > 50)


def test_same_seed_same_record_and_one_draw_without_ranges() -> None:
    scn = ranged()
    a = deal_forecast(scn, [models.get("nash"), models.get("median")], draws=300, seed=4)
    b = deal_forecast(scn, [models.get("nash"), models.get("median")], draws=300, seed=4)
    assert a.to_json() == b.to_json()
    record = json.loads(a.to_json())
    assert record["provenance"]["draws"] == 300
    assert {f["model"] for f in record["forecasts"]} == {"nash", "median"}
    fixed = Scenario.model_validate(
        {**scn.model_dump(), "stances": [{**s.model_dump(), "position_range": None}
                                         for s in scn.stances]}
    )  # fmt: skip
    one = deal_forecast(fixed, [models.get("compromise")], draws=300)
    assert one.draws == 1
    assert one.issue_deals()[0].p_deal in (0.0, 1.0)


def test_monte_carlo_with_deals_matches_the_deal_forecast() -> None:
    scn = ranged()
    mc = montecarlo.run(scn, models.get("compromise"), draws=600, seed=5, chunk=250, deal=True)
    df = deal_forecast(scn, [models.get("compromise")], draws=600, seed=5)
    (summary,) = mc.deals
    (d,) = df.issue_deals()
    assert summary.p_deal == pytest.approx(d.p_deal)
    assert summary.expected.mean == pytest.approx(d.expected)
    assert mc.outcomes is not None
    np.testing.assert_allclose(mc.outcomes[:, 0], df.models[0].settlement.outcome[:, 0])
    assert "deal" in mc.to_dict()
    assert mc.provenance.deal
    plain = montecarlo.run(scn, models.get("compromise"), draws=600, seed=5)
    np.testing.assert_array_equal(plain.forecasts, mc.forecasts)
    assert plain.deals == ()
