"""Zones of agreement on cases small enough to solve by hand, and against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord import agreement
from accord.agreement import minimax
from accord.agreement.problem import stake_of
from accord.scenario import ScenarioArrays
from tests.agreement.conftest import scenario


def two_on_a_line(status_quo: float) -> agreement.Agreement:
    """A at 30 and B at 70 (equal saliences 0.5) on a 0-100 issue with a given status quo."""
    scn = scenario(
        {"a": 1, "b": 1},
        {"x": {"status_quo": status_quo}},
        {"x": {"a": {"position": 30, "salience": 0.5}, "b": {"position": 70, "salience": 0.5}}},
    )
    return agreement.analyse(scn)


def test_two_actors_on_a_line_with_the_status_quo_at_one_end() -> None:
    # A accepts (0, 60) (everything closer to 30 than 0 is), B accepts (0, 140): zone (0, 60].
    ag = two_on_a_line(0)
    zone = ag.zone_of("x")
    assert zone.exists[0]
    assert zone.span_low[0, 0] == pytest.approx(0.0)
    assert zone.span_high[0, 0] == pytest.approx(60.0)
    # max(f_A, f_B) with f_A = 0.5 (y^2 - 0.6 y), f_B = 0.5 (y^2 - 1.4 y): f_A is the larger for
    # y > 0 and is smallest at y = 0.3, where A gains its whole stake 0.5 * 0.3^2 = 0.045.
    assert zone.centre[0, 0] == pytest.approx(30.0, abs=1e-6)
    assert zone.depth[0] == pytest.approx(0.045, abs=1e-12)
    assert ag.blockers("x") == []


def test_two_actors_on_a_line_with_the_status_quo_between_them() -> None:
    # A accepts (10, 50), B accepts (50, 90): they touch at 50 but share no point.
    ag = two_on_a_line(50)
    zone = ag.zone_of("x")
    assert not zone.exists[0]
    assert zone.level[0] == pytest.approx(0.0, abs=1e-12)  # the best anyone can do is 50 itself
    assert zone.centre[0, 0] == pytest.approx(50.0, abs=1e-6)
    # Either one giving way opens the zone.
    assert zone.holdouts[0].tolist() == [True, True]
    assert zone.pivotal[0].tolist() == [True, True]
    assert np.isnan(zone.span_low[0, 0])


def three_with_a_veto(consent: list[str] | None) -> agreement.Agreement:
    """A at 20, B at 80, C at 60 on a 0-100 issue with the status quo at 50."""
    issue: dict[str, object] = {"status_quo": 50}
    if consent is not None:
        issue["consent"] = consent
    scn = scenario(
        {"a": 3, "b": 1, "c": 1},
        {"x": issue},
        {
            "x": {
                "a": {"position": 20, "salience": 0.9},
                "b": {"position": 80, "salience": 0.2},
                "c": {"position": 60, "salience": 0.7},
            }
        },
    )
    return agreement.analyse(scn)


def test_three_actors_one_veto_player() -> None:
    # Only C's consent is needed: the zone is C's interval (50, 70) (radius |60 - 50| = 10).
    zone = three_with_a_veto(["c"]).zone_of("x")
    assert zone.exists[0]
    assert zone.members[0].tolist() == [False, False, True]
    assert (zone.span_low[0, 0], zone.span_high[0, 0]) == pytest.approx((50.0, 70.0))
    assert zone.centre[0, 0] == pytest.approx(60.0, abs=1e-6)
    # Everyone's consent: A accepts (-10, 50) only, so nobody but A can be moved to agree.
    everyone = three_with_a_veto(None)
    zone = everyone.zone_of("x")
    assert not zone.exists[0]
    assert zone.holdouts[0].tolist() == [True, False, False]
    assert zone.pivotal[0].tolist() == [True, False, False]
    assert [b.actor for b in everyone.blockers("x")] == ["a"]


def test_three_actors_with_a_qualified_majority() -> None:
    # Quota 0.5 of capability among all three: B and C (capability 2 of 5) are not enough,
    # A alone (3 of 5) is: the coalition is A, the zone A's interval.
    scn = scenario(
        {"a": 3, "b": 1, "c": 1},
        {"x": {"status_quo": 50, "quota": 0.5}},
        {
            "x": {
                "a": {"position": 20, "salience": 0.9},
                "b": {"position": 80, "salience": 0.2},
                "c": {"position": 60, "salience": 0.7},
            }
        },
    )
    zone = agreement.analyse(scn).zone_of("x")
    assert zone.exists[0]
    assert zone.members[0].tolist() == [True, False, False]
    assert (zone.span_low[0, 0], zone.span_high[0, 0]) == pytest.approx((0.0, 50.0))
    # With quota 0.7, neither side has enough: no zone.
    strict = agreement.analyse(scn.replace(issues=[{**scn.issues[0].model_dump(), "quota": 0.7}]))
    assert not strict.zone_of("x").exists[0]


def package() -> ScenarioArrays:
    """A wants issue 1 high, B issue 2; each cares little about the other's issue."""
    scn = scenario(
        {"a": 1, "b": 1},
        {"one": {"status_quo": 50}, "two": {"status_quo": 50}},
        {
            "one": {"a": {"position": 100, "salience": 1.0}, "b": {"position": 0, "salience": 0.1}},
            "two": {"a": {"position": 0, "salience": 0.1}, "b": {"position": 100, "salience": 1.0}},
        },
    )
    return scn.to_arrays()


def test_a_package_that_exists_only_when_the_issues_are_linked() -> None:
    arrays = package()
    apart = agreement.analyse(arrays)
    assert apart.p_deal.tolist() == [0.0, 0.0]  # the status quo lies between A and B on each
    linked = agreement.analyse(arrays, tracks=[["one", "two"]])
    assert linked.p_deal.tolist() == [1.0, 1.0]
    zone = linked.zone_of("one")
    # By symmetry the centre is (t, t) with 2 (t - 1) + 0.2 t = 0: t = 10/11, where each gains
    # 0.275 - (1/11)^2 - 0.1 (10/11)^2 = 0.275 - 11/121.
    assert zone.centre[0] == pytest.approx([100 * 10 / 11] * 2, abs=1e-4)
    assert zone.depth[0] == pytest.approx(0.275 - 11 / 121, abs=1e-9)


def test_unknown_outside_options_are_the_worst_point() -> None:
    # No status quo: each actor's outside option is its far end of the scale, so it accepts
    # everything nearer than that: A at 30 accepts (-40, 100), B at 70 accepts (0, 140).
    scn = scenario(
        {"a": 1, "b": 1},
        {"x": {}},
        {"x": {"a": {"position": 30, "salience": 0.5}, "b": {"position": 70, "salience": 0.5}}},
    )
    zone = agreement.analyse(scn).zone_of("x")
    assert zone.exists[0]
    assert (zone.span_low[0, 0], zone.span_high[0, 0]) == pytest.approx((0.0, 100.0))


def test_reservation_points_and_side_payments() -> None:
    # B's outside option is its own position (it expects to win): it accepts nothing.
    scn = scenario(
        {"a": 1, "b": 1},
        {"x": {"status_quo": 0}},
        {
            "x": {
                "a": {"position": 30, "salience": 0.5},
                "b": {"position": 70, "salience": 0.5, "reservation": 70},
            }
        },
    )
    ag = agreement.analyse(scn)
    assert not ag.zone_of("x").exists[0]
    assert [b.actor for b in ag.blockers("x")] == ["b"]
    # A side payment of 0.02 from A to B: B accepts 0.5 (y - 0.7)^2 < 0.02, i.e. (50, 90);
    # A's stake shrinks to 0.045 - 0.02: 0.5 (y - 0.3)^2 < 0.025, i.e. 30 -/+ 100 sqrt(0.05).
    pay = agreement.Transfer(payer="a", payee="b", amount=0.02)
    zone = agreement.analyse(scn, transfers=[pay]).zone_of("x")
    assert zone.exists[0]
    assert zone.span_low[0, 0] == pytest.approx(50.0)
    assert zone.span_high[0, 0] == pytest.approx(30 + 100 * np.sqrt(0.05))
    # Paying all it gains (0.045) leaves A nothing to gain: no zone again.
    pay_all = agreement.Transfer(payer="a", payee="b", amount=0.045)
    assert not agreement.analyse(scn, transfers=[pay_all]).zone_of("x").exists[0]


def test_settlement_moves_the_model_point_into_the_zone() -> None:
    ag = two_on_a_line(0)  # zone (0, 60)
    point = np.array([[80.0]])
    st_ = ag.settle(point)
    assert st_.settlement[0, 0] == pytest.approx(60.0)  # the nearest end in one dimension
    assert ag.settle(np.array([[45.0]])).settlement[0, 0] == pytest.approx(45.0)
    none = two_on_a_line(50).settle(point)
    assert not none.deal[0, 0]
    assert np.isnan(none.settlement[0, 0])
    assert none.outcome[0, 0] == 50.0  # the no-deal outcome


def test_settlement_in_two_dimensions_moves_straight_toward_the_centre() -> None:
    linked = agreement.analyse(package(), tracks=[["one", "two"]])
    start = np.array([[100.0, 0.0]])  # A's ideal: B would never accept it
    settled = linked.settle(start).settlement[0]
    centre = linked.zone_of("one").centre[0]
    # On the segment from the start to the centre, and B exactly indifferent there.
    t = (settled - start[0]) / (centre - start[0])
    assert t[0] == pytest.approx(t[1])
    y = settled / 100
    loss_b = 0.1 * y[0] ** 2 + 1.0 * (y[1] - 1) ** 2
    assert loss_b == pytest.approx(0.1 * 0.25 + 0.25)


# ------------------------------------------------------------------ against brute force
def brute_force_exists(p: np.ndarray, s: np.ndarray, b: np.ndarray, grid: int) -> bool:
    """Return whether some point of a grid on the unit box is acceptable to everyone."""
    k = p.shape[1]
    axes = np.meshgrid(*[np.linspace(0, 1, grid)] * k, indexing="ij")
    pts = np.stack([a.ravel() for a in axes], axis=1)  # (G, K)
    loss = (s[None] * (pts[:, None, :] - p[None]) ** 2).sum(-1)  # (G, N)
    return bool(np.any(np.all(loss < b[None], axis=1)))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 2]), n=st.integers(2, 6))
def test_existence_agrees_with_a_grid_search(seed: int, k: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    p, s = rng.random((n, k)), rng.uniform(0.05, 1, (n, k))
    outside = rng.random((n, k))
    b = stake_of(p[None], s[None], outside[None])[0] * rng.uniform(0.3, 1.5, n)
    members = np.ones((1, n), dtype=bool)
    if k == 1:
        sol = minimax.solve_line(p[None], s[None], b[None], members)
    else:
        sol = minimax.solve(p[None], s[None], b[None], members, np.full((1, k), 0.5))
    r = float(sol.level[0])
    if abs(r) < 1e-3:  # too close to call on a grid
        return
    assert (r < 0) == brute_force_exists(p, s, b, 401 if k == 1 else 121)
    # The minimax value is at most the value at any grid point, and close to the best one.
    axes = np.meshgrid(*[np.linspace(0, 1, 101)] * k, indexing="ij")
    pts = np.stack([a.ravel() for a in axes], axis=1)
    worst = ((s[None] * (pts[:, None, :] - p[None]) ** 2).sum(-1) - b[None]).max(axis=1)
    assert r <= worst.min() + 1e-12
    assert r >= worst.min() - 2 * k * s.max() * 0.01


def test_solvers_agree_with_the_interior_point_method() -> None:
    from accord.models.axiomatic import _pd_minimax, _polish

    rng = np.random.default_rng(5)
    bsz, n, k = 300, 6, 3
    p, s = rng.random((bsz, n, k)), rng.uniform(0.05, 1, (bsz, n, k))
    b = stake_of(p, s, rng.random((bsz, n, k))) * rng.uniform(0.3, 1.5, (bsz, n))
    members = rng.random((bsz, n)) < 0.8
    members[:, 0] = True
    start = rng.random((bsz, k))
    ours = minimax.solve(p, s, b, members, start)
    ones, free = np.ones_like(b), np.ones((bsz, k), dtype=bool)
    y, r, mult, _, _ = _pd_minimax(p, s, b, ones, members, free, start, 500)
    _, r, _, _ = _polish(p, s, b, ones, members, free, y, r, mult)
    assert ours.converged.all()
    np.testing.assert_allclose(ours.level, r, atol=1e-7)


def test_a_draw_does_not_depend_on_the_batch() -> None:
    rng = np.random.default_rng(9)
    bsz, n, k = 40, 5, 2
    p, s = rng.random((bsz, n, k)), rng.uniform(0.05, 1, (bsz, n, k))
    b = stake_of(p, s, rng.random((bsz, n, k)))
    members = np.ones((bsz, n), dtype=bool)
    start = np.full((bsz, k), 0.5)
    together = minimax.solve(p, s, b, members, start)
    for i in (0, 17, 39):
        alone = minimax.solve(p[i : i + 1], s[i : i + 1], b[i : i + 1], members[:1], start[:1])
        assert alone.level[0] == together.level[i]
        assert alone.centre[0].tolist() == together.centre[i].tolist()


def test_what_it_takes_by_hand() -> None:
    from accord.agreement.concession import concessions

    # A at 30 and B at 70 (saliences 0.5), status quo 50: each accepts only its own side.
    scn = scenario(
        {"a": 1, "b": 1},
        {"x": {"status_quo": 50}},
        {"x": {"a": {"position": 30, "salience": 0.5}, "b": {"position": 70, "salience": 0.5}}},
    )
    found = concessions(scn, actors=["a"])
    holdouts = next(c for c in found if c.kind == "holdouts")
    # Both hold out; together they are everyone: their own best point is the status quo 50,
    # where neither needs anything, and there is nobody else to pay.
    assert holdouts.actors == ("a", "b") and holdouts.alone
    assert holdouts.compromise == pytest.approx((50.0,), abs=1e-6)
    assert holdouts.side_payment == pytest.approx(0.0, abs=1e-9)
    assert holdouts.others_gain == 0.0
    by_actor = {c.actors: c for c in found if c.kind == "pivotal"}
    a = by_actor[("a",)]
    # Without a, b's zone is (50, 90) with its centre at b's ideal 70: a deal at 70 costs a
    # 0.5 (0.7 - 0.3)^2 - 0.5 (0.5 - 0.3)^2 = 0.06, more than b gains there (0.02).
    assert a.alone
    assert a.compromise == pytest.approx((70.0,), abs=1e-6)
    assert a.need == pytest.approx({"a": 0.06}, abs=1e-9)
    assert a.others_gain == pytest.approx(0.02, abs=1e-9)
    assert a.affordable is False
    # a's outside option would have to be 40 points from its position: 30 + 40 = 70
    assert a.reservation["a"] == pytest.approx((70.0,), abs=1e-6)
    # any worsening opens a zone next to 50
    assert a.least == pytest.approx(0.0, abs=1e-6)
    # moving a's position: it accepts points nearer than 50 is; from p it accepts
    # (p - |50 - p|, p + |50 - p|); once p passes 50 it accepts (50, 2p - 50): any p > 50.
    # (a zone must give each member at least EPS, so a little past 50)
    assert a.share == pytest.approx(0.5, abs=1e-3)  # 30 + 0.5 (70 - 30) = 50
    assert a.positions["a"] == pytest.approx((50.0,), abs=0.05)
