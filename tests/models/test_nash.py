"""Nash bargaining and Kalai–Smorodinsky solutions: hand-worked cases and properties.

Notation in the comments: y is a point in normalised units (issue scale mapped onto [0, 1]),
p_i an actor's position there, s_i its salience, c_i its capability, b_i its stake (its loss at
the disagreement outcome) and g_i(y) = b_i - sum_k s_ik (y_k - p_ik)^2 its gain.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import accord.models.nash  # noqa: F401  (registers nash and kalai until models/__init__ does)
from accord import models
from accord.errors import AccordError
from accord.models.axiomatic import (
    kalai_smorodinsky,
    loss,
    make_bargain,
    nash_bargaining,
    normalise,
)
from accord.scenario import Scenario, ScenarioArrays
from tests.factories import random_scenario


def scenario(
    positions: list[list[float]],
    saliences: list[list[float]],
    capabilities: list[float],
    status_quo: list[float | None],
    scale: tuple[float, float] = (0.0, 100.0),
) -> Scenario:
    """positions/saliences: one row per actor, one column per issue."""
    lo, hi = scale
    return Scenario.model_validate(
        {
            "title": "hand",
            "actors": [{"id": f"a{i}", "capability": c} for i, c in enumerate(capabilities)],
            "issues": [
                {"id": f"i{k}", "scale": {"min": lo, "max": hi}}
                | ({} if sq is None else {"status_quo": sq})
                for k, sq in enumerate(status_quo)
            ],
            "stances": [
                {"actor": f"a{i}", "issue": f"i{k}", "position": x, "salience": s}
                for i, (row, srow) in enumerate(zip(positions, saliences, strict=True))
                for k, (x, s) in enumerate(zip(row, srow, strict=True))
            ],
        }
    )


def run(name: str, scn: Scenario | ScenarioArrays, **params: object) -> models.Result:
    res = models.get(name, **params).run(scn)
    assert res.converged.all()
    return res


# --------------------------------------------------------------------------- one issue
def test_symmetric_pair_meets_in_the_middle_whatever_the_saliences() -> None:
    # No status quo -> each actor's worst outcome: p = 0.2 and 0.8 both have worst loss
    # s (0.8)^2. The problem is symmetric about 0.5 (equal capabilities), and both solutions
    # are unique, so both give 0.5. In one dimension salience only rescales an actor's
    # utility, which neither solution sees: 0.3 vs 0.9 changes nothing.
    scn = scenario([[20], [80]], [[0.3], [0.9]], [10, 10], [None])
    for name in ("nash", "kalai"):
        res = run(name, scn)
        assert res.forecast_of("i0") == pytest.approx(50.0, abs=1e-10)
        assert res.diagnostics["disagreement"] == "worst"
        assert res.diagnostics["mutual_gain"][0]


def test_nash_pair_with_unequal_capabilities_by_hand() -> None:
    # Worst-case stakes: b_i = s (0.8)^2 = 0.64 s for p = 0.2 and 0.8. In u = y - 0.5:
    # g_1 = s (0.64 - (u + 0.3)^2), g_2 = s (0.64 - (u - 0.3)^2). Nash's first-order condition
    # c_1 (p_1 - y) / g_1 + c_2 (p_2 - y) / g_2 = 0 at u = 0.1 (y = 0.6):
    # g_1 = 0.64 - 0.16 = 0.48, g_2 = 0.64 - 0.04 = 0.60 (s cancels), so
    # c_1 (-0.4) / 0.48 + c_2 (0.2) / 0.60 = 0  <=>  c_2 / c_1 = (0.4 / 0.48) / (0.2 / 0.6) = 2.5.
    # With c = (2, 5) the solution is 60 (the capability-weighted mean would be 440/7 = 62.9).
    scn = scenario([[20], [80]], [[1.0], [0.5]], [2, 5], [None])
    assert run("nash", scn).forecast_of("i0") == pytest.approx(60.0, abs=1e-9)
    # Classic Kalai–Smorodinsky ignores capability: equal shares -> the symmetric point.
    assert run("kalai", scn).forecast_of("i0") == pytest.approx(50.0, abs=1e-9)


def test_status_quo_between_the_actors_is_kept() -> None:
    # Moving right hurts the actor at 20, moving left hurts the one at 80: nobody gains
    # without someone losing, so nobody agrees to move and the outcome is the status quo.
    scn = scenario([[20], [80], [35]], [[1.0], [0.5], [0.7]], [3, 1, 2], [50])
    for name in ("nash", "kalai"):
        res = run(name, scn)
        assert res.forecast_of("i0") == 50.0
        assert not res.diagnostics["mutual_gain"][0]
        assert res.diagnostics["disagreement"] == "status_quo"
        np.testing.assert_array_equal(res.diagnostics["gain"], 0.0)


def test_status_quo_at_one_end_by_hand() -> None:
    # d = 0, p = 0.2 and 0.8, s = 1: b_1 = 0.04, b_2 = 0.64, so
    # g_1 = 0.04 - (y - 0.2)^2 = y (0.4 - y) and g_2 = 0.64 - (y - 0.8)^2 = y (1.6 - y).
    scn = scenario([[20], [80]], [[1.0], [1.0]], [1, 1], [0])
    # Nash (equal c): (0.2 - y) / g_1 + (0.8 - y) / g_2 = 0; multiply by y g_1 g_2 / y^2:
    # (0.2 - y)(1.6 - y) + (0.8 - y)(0.4 - y) = 0  <=>  2 y^2 - 3 y + 0.64 = 0
    # y = (3 - sqrt(9 - 5.12)) / 4 = 0.25756... (the other root, 1.24, is off the scale).
    nash = run("nash", scn)
    assert nash.forecast_of("i0") == pytest.approx(100 * (3 - math.sqrt(3.88)) / 4, abs=1e-9)
    # KS: equal shares g_1 / 0.04 = g_2 / 0.64 <=> 16 (0.4 - y) = 1.6 - y <=> y = 4.8 / 15
    # = 0.32, where both get the share 0.32 * 0.08 / 0.04 = 0.64 of their stake.
    kalai = run("kalai", scn)
    assert kalai.forecast_of("i0") == pytest.approx(32.0, abs=1e-9)
    assert kalai.diagnostics["share"][0] == pytest.approx(0.64, abs=1e-12)
    # Weighted KS with c = (1, 3): shares g_1 / b_1 = t / 3 and g_2 / b_2 = t:
    # 3 * 25 y (0.4 - y) = y (1.6 - y) / 0.64  <=>  48 (0.4 - y) = 1.6 - y  <=>  y = 17.6 / 47.
    scn3 = scenario([[20], [80]], [[1.0], [1.0]], [1, 3], [0])
    weighted = run("kalai", scn3, weighted=True)
    assert weighted.forecast_of("i0") == pytest.approx(1760 / 47, abs=1e-9)


def test_nash_tends_to_capability_weighted_mean_as_disagreement_recedes() -> None:
    # d = -L far left of the scale: b_i = s_i (p_i + L)^2. The first-order condition weights
    # position i by c_i s_i / g_i = c_i s_i / (s_i (p_i + L)^2 - ...) ~ c_i / L^2: the
    # capability-weighted mean (in one dimension salience cancels), with an O(1/L) error.
    scn = scenario([[10], [40], [90]], [[0.2], [1.0], [0.6]], [5, 1, 2], [None])
    arrays = scn.to_arrays()
    _, ideal = normalise(arrays)
    mean = (5 * 10 + 1 * 40 + 2 * 90) / 8
    errors = []
    for far in (1e2, 1e4, 1e6):
        stake = loss(np.full((1, 1), -far), ideal, arrays.salience)
        y, mutual, _, conv = nash_bargaining(make_bargain(arrays, stake, np.zeros((1, 1))))
        assert mutual[0]
        assert conv[0]
        errors.append(abs(100 * y[0, 0] - mean))
    assert errors[2] < 1e-3
    assert errors[0] > errors[1] > errors[2]


def test_nash_tends_to_compromise_with_a_common_very_bad_disagreement() -> None:
    # Achen (2006): with every actor's disagreement utility a common -M, M -> infinity, the
    # weights c_i s_ik / g_i become c_i s_ik / M: the compromise model's weighted mean, issue
    # by issue, here with saliences that differ across issues.
    scn = random_scenario(21, n_actors=5, n_issues=3, status_quo=False)
    arrays = scn.to_arrays()
    compromise = models.get("compromise").run(scn).forecast
    y, mutual, _, _ = nash_bargaining(make_bargain(arrays, np.full((1, 5), 1e7), np.zeros((1, 3))))
    assert mutual[0]
    np.testing.assert_allclose(100 * y, compromise, atol=1e-4)
    # The model's "common" rule (M = the largest worst-case loss) is on the way there.
    common = run("nash", scn, disagreement="common").forecast
    worst = run("nash", scn, disagreement="worst").forecast
    assert np.abs(common - compromise).max() < np.abs(worst - compromise).max()


# --------------------------------------------------------------------------- several issues
def test_mirror_pair_in_two_issues_each_wins_its_priority() -> None:
    # A at (0, 0) with s = (1, 1/4), B at (1, 1) with s = (1/4, 1), worst-case stakes. The map
    # (y1, y2) -> (1 - y2, 1 - y1) swaps their utilities, so with equal capabilities both
    # solutions are fixed points: y1 + y2 = 1. Pareto optimal points minimise
    # l_A loss_A + l_B loss_B: y_k = l_B s_Bk / (l_A s_Ak + l_B s_Bk); with l_A = l_B
    # (symmetry) y = (0.25 / 1.25, 1 / 1.25) = (0.2, 0.8).
    scn = scenario([[0, 0], [100, 100]], [[1, 0.25], [0.25, 1]], [4, 4], [None, None])
    for name in ("nash", "kalai"):
        np.testing.assert_allclose(run(name, scn).forecast, [[20.0, 80.0]], atol=1e-9)


def test_logroll_across_issues_that_are_blocked_one_by_one() -> None:
    # d = (0.5, 0.5); A at (0.2, 0.8) cares about issue 1 (s = (1, 0.1)), B at (0.8, 0.2)
    # about issue 2 (s = (0.1, 1)). On each issue alone they sit on opposite sides of d: no
    # mutual gain. Jointly, moving both issues down helps both: grad g_A(d) . (-1, -1) =
    # 2 (0.3 - 0.03) > 0 and the same for B. Swapping actors and issues is a symmetry, so the
    # solutions lie on y1 = y2 and on the contract curve with equal weights:
    # y = (1 * 0.2 + 0.1 * 0.8) / 1.1 = 0.28 / 1.1 = 280/11 % on both issues.
    scn = scenario([[20, 80], [80, 20]], [[1, 0.1], [0.1, 1]], [1, 1], [50, 50])
    for name in ("nash", "kalai"):
        res = run(name, scn)
        np.testing.assert_allclose(res.forecast, [[280 / 11, 280 / 11]], atol=1e-9)
        assert res.diagnostics["mutual_gain"][0]
        for issue in ("i0", "i1"):
            alone = run(name, scn.subset(issues=[issue]))
            assert alone.forecast_of(issue) == 50.0
            assert not alone.diagnostics["mutual_gain"][0]


def test_nash_first_order_condition_is_a_weighted_contract_curve() -> None:
    # Stationarity of sum_i c_i log g_i: sum_i (c_i / g_i) s_ik (p_ik - y_k) = 0, i.e. each
    # issue sits at the mean of positions weighted by c_i s_ik / g_i(y) (a point of the
    # contract curve, with weights set by capability and by how little each actor has gained).
    scn = random_scenario(5, n_actors=4, n_issues=3)
    res = run("nash", scn)
    arrays = scn.to_arrays()
    width, ideal = normalise(arrays)
    y = (res.forecast - arrays.scale_min) / width
    gain = res.diagnostics["gain"]
    w = (arrays.capability / gain)[:, :, None] * arrays.salience
    np.testing.assert_allclose(y, (w * ideal).sum(axis=1) / w.sum(axis=1), atol=1e-12)
    # and the reported gains are what the utilities say
    stake = -res.diagnostics["disagreement_utility"]
    np.testing.assert_allclose(gain, stake - loss(y, ideal, arrays.salience), atol=1e-15)


def test_kalai_gives_every_binding_actor_the_same_share() -> None:
    scn = random_scenario(6, n_actors=6, n_issues=2)
    res = run("kalai", scn, disagreement="worst")
    assert res.diagnostics["mutual_gain"][0]
    share = res.diagnostics["gain"] / -res.diagnostics["disagreement_utility"]
    # the smallest share is the reported common share, and at least two actors have it
    assert share.min() == pytest.approx(res.diagnostics["share"][0], abs=1e-12)
    assert np.sum(np.isclose(share, share.min(), rtol=0, atol=1e-9)) >= 2


def test_kalai_breaks_ties_lexicographically() -> None:
    # A (0) and B (100) fight over issue 1 only; C cares only about issue 2 (position 30).
    # The worst-off actors, A and B, fix issue 1 at 50 (share 1 - 0.25 = 0.75 each). Any value
    # of issue 2 keeping C's share >= 0.75 would maximise the smallest share; the
    # lexicographic rule then gives C as much as possible: its ideal, 30.
    scn = scenario([[0, 50], [100, 50], [50, 30]], [[1, 0], [1, 0], [0, 1]], [1, 1, 1], [None] * 2)
    res = run("kalai", scn)
    np.testing.assert_allclose(res.forecast, [[50.0, 30.0]], atol=1e-9)
    assert res.diagnostics["share"][0] == pytest.approx(0.75, abs=1e-12)
    # Nash separates the same way: 50 by symmetry, C alone on issue 2 -> 30.
    np.testing.assert_allclose(run("nash", scn).forecast, [[50.0, 30.0]], atol=1e-9)


# --------------------------------------------------------------------------- properties
@pytest.mark.parametrize("name", ["nash", "kalai"])
@pytest.mark.parametrize("status_quo", [True, False])
def test_pareto_optimal_and_individually_rational(name: str, status_quo: bool) -> None:
    scns = [random_scenario(s, n_actors=5, n_issues=3, status_quo=status_quo) for s in (31, 32)]
    rng = np.random.default_rng(0)
    sample = rng.uniform(0, 1, (20_000, 3))
    for scn in scns:
        res = run(name, scn)
        arrays = scn.to_arrays()
        width, ideal = normalise(arrays)
        y = (res.forecast - arrays.scale_min) / width
        assert res.diagnostics["mutual_gain"][0]
        # individual rationality: nobody is worse off than at disagreement
        assert res.diagnostics["gain"].min() > 0
        # Pareto: no sampled point is better for every actor
        at_solution = loss(y, ideal, arrays.salience)[0]
        sampled = loss(
            sample, np.repeat(ideal, len(sample), 0), np.repeat(arrays.salience, len(sample), 0)
        )
        assert not np.any(np.all(sampled < at_solution - 1e-12, axis=1))


@pytest.mark.parametrize("name", ["nash", "kalai"])
def test_invariant_to_affine_rescaling_of_an_issue(name: str) -> None:
    # x' = 2 x - 50 maps [0, 100] onto [-50, 150]; positions and status quo move with it.
    scn = random_scenario(41, n_actors=5, n_issues=2)
    data = scn.model_dump()
    data["issues"][1]["scale"] = {"min": -50.0, "max": 150.0, "unit": "points"}
    data["issues"][1]["anchors"] = []
    data["issues"][1]["status_quo"] = 2 * data["issues"][1]["status_quo"] - 50
    for st in data["stances"]:
        if st["issue"] == "i1":
            st["position"] = 2 * st["position"] - 50
    rescaled = Scenario.model_validate(data)
    a, b = run(name, scn).forecast, run(name, rescaled).forecast
    np.testing.assert_allclose(b, [[a[0, 0], 2 * a[0, 1] - 50]], atol=1e-9)


@pytest.mark.parametrize("name", ["nash", "kalai"])
def test_batch_equals_single_draws(name: str) -> None:
    arrays = [random_scenario(s, n_actors=6, n_issues=3).to_arrays() for s in (51, 52, 53, 54)]
    sq = arrays[0].status_quo
    batch = arrays[0].with_values(
        capability=np.concatenate([a.capability for a in arrays]),
        position=np.concatenate([a.position for a in arrays]),
        salience=np.concatenate([a.salience for a in arrays]),
    )
    together = run(name, batch)
    for d, a in enumerate(arrays):
        alone = run(name, a.with_values(status_quo=sq))
        np.testing.assert_array_equal(together.forecast[d], alone.forecast[0])
        assert together.diagnostics["iterations"][d] == alone.diagnostics["iterations"][0]


# --------------------------------------------------------------------------- edge cases
def test_dead_issue_stays_at_status_quo_or_compromise() -> None:
    # Nobody cares about issue 2: it stays at the status quo, or without one at the
    # compromise rule's fallback (capability-weighted mean: (1 * 10 + 3 * 50) / 4 = 40).
    pos, sal = [[20, 10], [80, 50]], [[1, 0], [1, 0]]
    with_sq = scenario(pos, sal, [1, 3], [0, 70])
    without = scenario(pos, sal, [1, 3], [None, None])
    for name in ("nash", "kalai"):
        assert run(name, with_sq).forecast_of("i1") == 70.0
        assert run(name, without).forecast_of("i1") == pytest.approx(40.0, abs=1e-12)


def test_actor_without_capability_is_not_at_the_table() -> None:
    # The same pair as in the one-end case, plus an actor with no capability at 0 (on the
    # status quo: at the table it would veto every move). It changes nothing.
    base = scenario([[20], [80]], [[1.0], [1.0]], [1, 1], [0])
    more = scenario([[20], [80], [0]], [[1.0], [1.0], [1.0]], [1, 1, 0], [0])
    for name in ("nash", "kalai"):
        assert run(name, more).forecast_of("i0") == pytest.approx(
            run(name, base).forecast_of("i0"), abs=1e-12
        )


def test_single_seated_actor_gets_its_ideal_and_nobody_seated_keeps_the_status_quo() -> None:
    one = scenario([[20, 70], [80, 10]], [[0.5, 0.5], [0.0, 0.0]], [1, 5], [40, 40])
    nobody = scenario([[20], [80]], [[0.0], [0.0]], [1, 5], [40])
    for name in ("nash", "kalai"):
        np.testing.assert_allclose(run(name, one).forecast, [[20.0, 70.0]], atol=1e-9)
        res = run(name, nobody)
        assert res.forecast_of("i0") == 40.0
        assert not res.diagnostics["mutual_gain"][0]


def test_missing_status_quo_on_one_issue_uses_the_worst_point_there_only() -> None:
    scn = scenario([[20, 30], [80, 60]], [[1, 1], [1, 1]], [1, 1], [50, None])
    res = run("nash", scn)
    assert res.diagnostics["disagreement"] == "outside_options"
    assert "disagreement_point" not in res.diagnostics
    # Issue 1 at its status quo 50: (0.5 - 0.2)^2 and (0.5 - 0.8)^2; issue 2 without one at the
    # worst point: max(p, 1 - p)^2 = 0.7^2 and 0.6^2.
    np.testing.assert_allclose(
        res.diagnostics["disagreement_utility"], [[-(0.09 + 0.49), -(0.09 + 0.36)]], atol=1e-15
    )
    assert "NaN" not in res.to_json()
    # Without any status quo it is the worst point everywhere.
    none = run("nash", scenario([[20, 30], [80, 60]], [[1, 1], [1, 1]], [1, 1], [None, None]))
    assert none.diagnostics["disagreement"] == "worst"
    np.testing.assert_allclose(
        none.diagnostics["disagreement_utility"], [[-(0.64 + 0.49), -(0.64 + 0.36)]], atol=1e-15
    )


def test_reservation_points_are_each_actors_disagreement() -> None:
    # One issue, status quo 50; the actor at 80 expects 70 without a deal (b = 0.01 instead of
    # 0.09): it gains less from any deal, and the solution moves toward it.
    base = scenario([[20], [80]], [[1.0], [1.0]], [1, 1], [50])
    data = base.model_dump()
    data["stances"][1]["reservation"] = 70
    coded = Scenario.model_validate(data)
    res = run("nash", coded)
    assert res.diagnostics["disagreement"] == "outside_options"
    np.testing.assert_allclose(res.diagnostics["disagreement_utility"], [[-0.09, -0.01]])
    # Gains g_1 = 0.09 - (y - 0.2)^2 > 0 needs y < 0.5; g_2 = 0.01 - (y - 0.8)^2 > 0 needs
    # y > 0.7: no point makes both better off, so the outcome is the no-deal outcome 50.
    assert res.forecast_of("i0") == 50.0
    assert not res.diagnostics["mutual_gain"][0]


def test_parameters_are_validated_and_recorded() -> None:
    with pytest.raises(AccordError, match="disagreement"):
        models.get("nash", disagreement="war")
    with pytest.raises(AccordError):
        models.get("nash", weighted=True)  # only Kalai–Smorodinsky has it
    res = models.get("kalai", weighted=True, disagreement="common").run(random_scenario(1))
    assert res.provenance.params == {"disagreement": "common", "max_iter": 500, "weighted": True}
    assert models.model_class("nash").joint
    assert models.model_class("kalai").joint


def test_kernel_reports_mutual_gain_per_draw() -> None:
    # Two draws of the one-end case: the status quo at 0 (mutual gain) and at 50 (none).
    scn = scenario([[20], [80]], [[1.0], [1.0]], [1, 1], [0])
    arrays = scn.to_arrays().repeat(2)
    _, ideal = normalise(arrays)
    stake = loss(np.array([[0.0], [0.5]]), ideal, arrays.salience)
    bargain = make_bargain(arrays, stake, np.array([[0.0], [50.0]]))
    y, share, mutual, _, conv = kalai_smorodinsky(bargain)
    assert mutual.tolist() == [True, False]
    assert conv.all()
    assert y[0, 0] == pytest.approx(0.32, abs=1e-12)
    assert share.tolist() == pytest.approx([0.64, 0.0], abs=1e-12)
