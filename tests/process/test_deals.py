"""Process designs that decide whether a deal is made: consent, agendas, sequencing, payments."""

from __future__ import annotations

import numpy as np
import pytest

from accord import models
from accord.process import BASELINE, Design, compare, run_design
from accord.process.measures import measure
from accord.process.runner import reentry_forecast
from accord.scenario import Scenario
from tests.factories import random_scenario


def design(**kw) -> Design:
    return Design.model_validate({"id": "d", **kw})


def line(status_quo: float = 0.0, **issue) -> Scenario:
    """Three actors on one 0-100 issue: a at 20, b at 40 and a hard-liner v at 90."""
    return Scenario.model_validate(
        {
            "title": "line",
            "actors": [
                {"id": "a", "capability": 1},
                {"id": "b", "capability": 1},
                {"id": "v", "capability": 1},
            ],
            "issues": [{"id": "x", "status_quo": status_quo, **issue}],
            "stances": [
                {"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
                {"actor": "b", "issue": "x", "position": 40, "salience": 0.5},
                {"actor": "v", "issue": "x", "position": 90, "salience": 1.0},
            ],
        }
    )


def test_an_excluded_veto_player_keeps_its_outside_option() -> None:
    # Status quo 0: a accepts (0, 40), b (0, 80), v (0, 180): the zone is (0, 40). A forum of
    # a and b alone forecasts 30 (compromise), inside the zone: it stands. With v's consent
    # and a status quo of 50, v accepts only (50, 130) and a (-10, 50): no zone at all.
    ab = design(stages=[{"forum": ["a", "b"]}])
    model = models.get("compromise")
    run = run_design(line(0.0), ab, model)
    assert run.forecast[0, 0] == pytest.approx(30.0)
    assert run.deal[0, 0]
    assert run.outcome[0, 0] == pytest.approx(30.0)
    blocked = run_design(line(50.0), ab, model)
    assert not blocked.deal[0, 0]
    assert blocked.outcome[0, 0] == 50.0  # the forum cannot dictate to v


def test_a_boycott_by_a_high_salience_veto_player_is_unstable() -> None:
    # Status quo 0, everyone's consent needed: the zone is (0, 40) (a's interval).
    # v boycotts: a and b settle at 30, which v (salience 1) accepts: stable.
    # Now v must not lose from the status quo: it expects 60 from fighting on (reservation).
    scn = line(0.0)
    data = scn.model_dump()
    data["stances"][2]["reservation"] = 60  # v accepts only (60, 120)
    hard = Scenario.model_validate(data)
    boycott = design(shocks=[{"type": "boycott", "actor": "v"}])
    model = models.get("compromise")
    run = run_design(hard, boycott, model)
    m = measure(run, reentry_forecast(run, model))
    assert not run.deal[0, 0]  # a's (0, 40) and v's (60, 120) do not meet
    assert not m.stable[0, 0]
    assert not m.stable_overall[0]
    # Without v's veto the same forum's result stands and is stable.
    data["issues"][0]["consent"] = ["a", "b"]
    free = run_design(Scenario.model_validate(data), boycott, model)
    m_free = measure(free, reentry_forecast(free, model))
    assert free.deal[0, 0]
    assert m_free.stable[0, 0]
    # v prefers its outside option (60) to the settlement 30: a spoiler with weight 1 of 2
    assert m_free.spoiler_risk[0, 0] == pytest.approx(1.0 / 2.0)


def test_stage_consent_overrides_the_issue_for_that_stage() -> None:
    scn = line(50.0)  # no zone with everyone
    both = design(stages=[{"forum": "all", "consent": ["a", "b"]}])
    run = run_design(scn, both, models.get("compromise"))
    # a at 20 with status quo 50 accepts (-10, 50), b at 40 accepts (30, 50): the zone of a
    # and b is (30, 50). The compromise of all three (weights 0.5, 0.5, 1) is 60, moved to the
    # zone's nearest end, 50.
    assert run.forecast[0, 0] == pytest.approx(60.0)
    assert run.deal[0, 0]
    assert run.outcome[0, 0] == pytest.approx(50.0)
    # Everyone's consent: v at 90 accepts only (50, 130): no zone.
    assert not run_design(scn, design(), models.get("compromise")).deal[0, 0]


def two_issues() -> Scenario:
    return Scenario.model_validate(
        {
            "title": "two",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x", "status_quo": 0}, {"id": "y", "status_quo": 50}],
            "stances": [
                {"actor": "a", "issue": "x", "position": 40, "salience": 1},
                {"actor": "b", "issue": "x", "position": 60, "salience": 1},
                {"actor": "a", "issue": "y", "position": 20, "salience": 1},
                {"actor": "b", "issue": "y", "position": 80, "salience": 1},
            ],
        }
    )


def test_agendas_and_issues_no_stage_bargains() -> None:
    scn = two_issues()
    only_x = design(stages=[{"agenda": ["x"]}])
    run = run_design(scn, only_x, models.get("compromise"))
    assert run.deal[0].tolist() == [True, False]
    assert run.outcome[0, 0] == pytest.approx(50.0)  # compromise of 40 and 60, in (0, 80)
    assert run.outcome[0, 1] == 50.0  # never bargained: its no-deal outcome
    assert [a.issues for a in run.agreements] == [("x",)]


def test_an_implemented_stage_moves_the_outside_options_of_later_stages() -> None:
    # Stage 0 settles x at 50 (compromise of 40 and 60; zone (0, 80)) and implements it.
    # Stage 1 bargains x again with the forum of b alone, which answers b's own 60. With the
    # settlement implemented the outside options are 50: a accepts (30, 50), b (40, 80), so
    # the zone is (40, 50) and 60 moves to 50. (Both stages keep the actors' own positions.)
    scn = two_issues()
    seq = design(
        stages=[
            {"agenda": ["x"], "implemented": True, "adopt": "positions"},
            {"agenda": ["x"], "forum": ["b"]},
        ]
    )
    run = run_design(scn, seq, models.get("compromise"))
    assert run.forecast[0, 0] == pytest.approx(60.0)
    assert run.deal[0, 0]
    assert run.no_deal[0, 0] == pytest.approx(50.0)
    assert run.outcome[0, 0] == pytest.approx(50.0)
    # Without implementation stage 1 decides alone, against the status quo 0: a accepts
    # (0, 80), b (0, 120), and 60 stands.
    loose = design(
        stages=[{"agenda": ["x"], "adopt": "positions"}, {"agenda": ["x"], "forum": ["b"]}]
    )
    assert run_design(scn, loose, models.get("compromise")).outcome[0, 0] == pytest.approx(60.0)


def test_side_payments_open_a_zone() -> None:
    # a (salience 1) at 20 and b (salience 0.1) at 80, status quo 50 between them: no zone.
    scn = Scenario.model_validate(
        {
            "title": "pay",
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "y", "status_quo": 50}],
            "stances": [
                {"actor": "a", "issue": "y", "position": 20, "salience": 1.0},
                {"actor": "b", "issue": "y", "position": 80, "salience": 0.1},
            ],
        }
    )
    model = models.get("compromise")
    assert not run_design(scn, design(), model).deal[0, 0]
    # a, who cares more, pays b 0.01: a keeps 1 * 0.3^2 - 0.01 = 0.08 and accepts 20 -/+
    # 100 sqrt(0.08); b gets 0.1 * 0.3^2 + 0.01 = 0.019 and accepts 80 -/+ 100 sqrt(0.19).
    paid = design(side_payments=[{"payer": "a", "payee": "b", "amount": 0.01}])
    run = run_design(scn, paid, model)
    assert run.deal[0, 0]
    (sa,) = run.agreements
    zone = sa.agreement.zone_of("y")
    assert zone.span_low[0, 0] == pytest.approx(80 - 100 * np.sqrt(0.19))
    assert zone.span_high[0, 0] == pytest.approx(20 + 100 * np.sqrt(0.08))
    # the compromise (weights 1 and 0.1: 25.45) moves to the zone's lower end
    assert run.outcome[0, 0] == pytest.approx(80 - 100 * np.sqrt(0.19))
    # Paid the other way round (b to a) the zone stays shut: b cannot afford what a needs.
    back = design(side_payments=[{"payer": "b", "payee": "a", "amount": 0.005}])
    assert not run_design(scn, back, model).deal[0, 0]


def test_the_design_file_format_for_the_new_mechanics() -> None:
    d = design(
        stages=[
            {"agenda": "x", "implemented": True, "consent": ["a", "b"], "implementers": "b"},
            {"forum": "all"},
        ],
        side_payments=[{"payer": "a", "payee": "b", "amount": 0.01, "stage": 1, "issue": "y"}],
    )
    assert d.stages[0].agenda == ("x",)
    assert d.stages[0].implementers == ("b",)
    assert d.last_stage_of("x", ("x", "y")) == 1
    assert d.stages[0].on_agenda(("x", "y")) == ("x",)
    with pytest.raises(ValueError, match="listed twice"):
        design(stages=[{"agenda": ["x", "x"]}])
    with pytest.raises(ValueError, match="cannot pay itself"):
        design(side_payments=[{"payer": "a", "payee": "a", "amount": 0.1}])
    with pytest.raises(ValueError, match="stage 3 does not exist"):
        design(side_payments=[{"payer": "a", "payee": "b", "amount": 0.1, "stage": 3}])


# ------------------------------------------------------------------ comparison under draws
def ranged() -> Scenario:
    scn = random_scenario(5, n_actors=5, n_issues=2)
    data = scn.model_dump()
    for st in data["stances"]:
        x = st["position"]
        st["position_range"] = [max(0.0, x - 10), min(100.0, x + 10)]
    return Scenario.model_validate(data)


def test_designs_share_their_draws_and_report_paired_differences() -> None:
    scn = ranged()
    staged = design(stages=[{"forum": ["a0", "a1"]}, {"forum": "all"}])
    result = compare(scn, [staged], models.get("nash"), draws=200, seed=3)
    assert result.draws == 200
    base, other = result.runs
    np.testing.assert_array_equal(base.initial.position, other.initial.position)  # same draws
    table = result.table().set_index(["design", "issue"])
    row = table.loc[("d", "i0")]
    diff = other.outcome[:, 0] - base.outcome[:, 0]
    assert row["delta"] == pytest.approx(diff.mean())
    lo, hi = np.quantile(diff, [0.025, 0.975])
    assert (row["delta_low"], row["delta_high"]) == pytest.approx((lo, hi))
    assert row["delta_noise"] == bool(lo <= 0 <= hi)
    assert table.loc[("baseline", "i0"), "delta"] == 0.0
    # the same call gives the same numbers
    again = compare(scn, [staged], models.get("nash"), draws=200, seed=3).table()
    assert again.equals(result.table())


def test_a_design_a_model_cannot_respond_to_is_flagged() -> None:
    scn = ranged()
    staged = design(id="staged", stages=[{"forum": ["a0", "a1"]}, {"forum": "all"}])
    tracks = design(id="split", tracks=[["i0"], ["i1"]])
    result = compare(scn, [staged, tracks], models.get("compromise"))
    said = {d: " ".join(w for dd, w in result.warnings if dd == d) for d in ("staged", "split")}
    assert "weighted mean of weighted means" in said["staged"]
    assert "exactly the baseline's forecast" in said["staged"]
    assert "tracks cannot change" in said["split"]
    # nash responds to both where it has something to bargain over (status quo at one end)
    data = scn.model_dump()
    for issue in data["issues"]:
        issue["status_quo"] = 0.0
    open_ = Scenario.model_validate(data)
    assert compare(open_, [staged, tracks], models.get("nash")).warnings == ()


@pytest.mark.parametrize("name", models.names())
def test_every_model_responds_to_staging_or_says_it_cannot(name: str) -> None:
    scn = random_scenario(8, n_actors=6, n_issues=2)
    staged = design(id="staged", stages=[{"forum": ["a0", "a1"]}, {"forum": "all"}])
    model = models.get(name)
    result = compare(scn, [staged], model)
    moved = not np.allclose(result.runs[1].forecast, result.runs[0].forecast, atol=1e-9)
    assert moved or any(d == "staged" for d, _ in result.warnings)
    plain = model.run(scn, rng=np.random.default_rng([0, 0, 0, 0])).forecast
    np.testing.assert_allclose(run_design(scn, BASELINE, model).forecast, plain, atol=1e-9)
