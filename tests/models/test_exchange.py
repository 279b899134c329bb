"""Stokman & Van Oosten's exchange model: hand-worked trades, properties, the loop version."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

import accord.models.exchange  # registers "exchange" until models/__init__ imports it
from accord import models
from accord.errors import AccordError
from accord.models.exchange import Exchange
from accord.scenario import ScenarioArrays
from tests.factories import random_scenario
from tests.reference.exchange_loop import run_loop


def make(
    cap: Sequence[float],
    pos: Sequence[Sequence[float]],
    sal: Sequence[Sequence[float]],
    lo: Sequence[float] | None = None,
    hi: Sequence[float] | None = None,
    ids: str = "ABCDEFGH",
) -> ScenarioArrays:
    """One draw; actors A, B, ...; issues x, y, z ...; scales 0..100 unless given."""
    n, k = len(cap), len(pos[0])
    return ScenarioArrays(
        actor_ids=tuple(ids[:n]),
        issue_ids=tuple("xyzuvw"[:k]),
        capability=np.array([cap], dtype=float),
        position=np.array([pos], dtype=float),
        salience=np.array([sal], dtype=float),
        scale_min=np.array(lo if lo is not None else [0.0] * k),
        scale_max=np.array(hi if hi is not None else [100.0] * k),
        status_quo=np.full(k, np.nan),
    )


def utilities(arr: ScenarioArrays, res: models.Result) -> np.ndarray:
    """U_i = -sum_k s_ik |x*_ik - O_k| / width_k for every state, (states, draws, actors).

    O is recomputed here from the trajectory (capability x salience mean), independently of
    the engine's own outcome series.
    """
    w = arr.capability[:, :, None] * arr.salience  # (draws, actors, issues)
    dead = w.sum(axis=1, keepdims=True) == 0  # nobody cares: the capability mean
    w = np.where(dead, arr.capability[:, :, None], w)
    o = (res.trajectory * w[None]).sum(axis=2) / w.sum(axis=1)[None]  # (states, draws, issues)
    width = arr.scale_max - arr.scale_min
    dist = np.abs(arr.position[None] - o[:, :, None, :]) / width
    return -(arr.salience[None] * dist).sum(axis=3)


# ---------------------------------------------------------------- hand-worked cases
# Two actors, issues x and y on 0..100 (fractions 0..1 below):
#   A: c = 1, x* = (0, 0),     s = (0.9, 0.3)   -> cares more about x
#   B: c = 2, x* = (100, 100), s = (0.3, 0.6)   -> cares more about y
# weights w = c s: A (0.9, 0.3), B (0.6, 1.2); W_x = W_y = 1.5
# O_x = 0.6 x 1 / 1.5 = 0.4, O_y = 1.2 x 1 / 1.5 = 0.8; A below, B above on both issues.
# s_Ax s_By - s_Ay s_Bx = 0.54 - 0.09 = 0.45 > 0: A gains on x (B moves there), B gains on y.
# Equal gains: d_y = d_x (s_Ax + s_Bx) / (s_Ay + s_By) = d_x x 1.2 / 0.9 = 4/3 d_x.
# Bounds on d_x: B moves on x all the way to 0: 0.6 x 1 / 1.5 = 0.4; O_x down to A's ideal: 0.4;
#   A moves on y all the way to 1: 0.3 x 1 / 1.5 = 0.2 -> d_x <= 0.2 / (4/3) = 0.15;
#   O_y up to B's ideal: 0.2 -> 0.15.  So d_x = 0.15, d_y = 0.2.
# B's move on x: 0.15 x 1.5 / 0.6 = 0.375 -> 1 - 0.375 = 0.625 (62.5); A's on y: 0.2 x 1.5 /
#   0.3 = 1 -> 100. New O = (0.4 - 0.15, 0.8 + 0.2) = (25, 100).
# Gain: A 0.9 x 0.15 - 0.3 x 0.2 = 0.075, B 0.6 x 0.2 - 0.3 x 0.15 = 0.075
#   (= d_x x 0.45 / 0.9). Then B is at its ideal on y: nobody gains on y, and B gains on x only
#   with s_Bx s_Ay - s_By s_Ax < 0: no exchange is left.
TWO = make([1, 2], [[0, 0], [100, 100]], [[0.9, 0.3], [0.3, 0.6]])


def test_two_actors_trade_by_hand() -> None:
    res = Exchange().run(TWO)
    np.testing.assert_allclose(res.forecast[0], [25.0, 100.0], atol=1e-12)
    np.testing.assert_allclose(res.final_positions[0], [[0.0, 100.0], [62.5, 100.0]], atol=1e-12)
    assert res.rounds[0].tolist() == [1, 1]
    assert res.converged[0].all()
    np.testing.assert_allclose(res.series["mean"][:, 0], [[40, 80], [25, 100]], atol=1e-12)
    np.testing.assert_allclose(res.diagnostics["utility_gain"][0], [0.075, 0.075], atol=1e-12)
    np.testing.assert_allclose(res.diagnostics["compromise"][0], [40, 80], atol=1e-12)
    assert res.diagnostics["exchanges"].tolist() == [1]


def test_two_actors_events() -> None:
    ev = Exchange().run(TWO).events
    assert [(e.round, e.issue, e.actor, e.counterpart, e.kind) for e in ev] == [
        (1, "x", "B", "A", "exchange"),
        (1, "y", "A", "B", "exchange"),
    ]
    assert (ev[0].position_from, ev[0].position_to) == pytest.approx((100.0, 62.5))
    assert (ev[1].position_from, ev[1].position_to) == pytest.approx((0.0, 100.0))
    assert ev[0].detail["gain"] == pytest.approx(0.075)
    assert (ev[0].detail["outcome_from"], ev[0].detail["outcome_to"]) == pytest.approx((40, 25))
    assert (ev[1].detail["outcome_from"], ev[1].detail["outcome_to"]) == pytest.approx((80, 100))
    assert Exchange().run(TWO.repeat(2)).events == ()  # events only for single draws


def test_units_do_not_matter() -> None:
    # the same case with y on -10..30: fractions and trade are unchanged, y's numbers rescale
    # (O_y: 0.8 -> -10 + 0.8 x 40 = 22, then 1 -> 30; A's y moves from -10 to 30)
    arr = make([1, 2], [[0, -10], [100, 30]], [[0.9, 0.3], [0.3, 0.6]], [0, -10], [100, 30])
    res = Exchange().run(arr)
    np.testing.assert_allclose(res.forecast[0], [25.0, 30.0], atol=1e-12)
    np.testing.assert_allclose(res.final_positions[0], [[0.0, 30.0], [62.5, 30.0]], atol=1e-12)


def test_outcome_stops_at_gainers_ideal() -> None:
    # A: x* = (20, 0), s = (0.8, 0.2); B: x* = (100, 100), s = (0.2, 0.8);
    # C: x* = (0, 50), s = (0.6, 0)  (C cares about x only, so it cannot trade); all c = 1.
    # W_x = 1.6, O_x = (0.8 x 0.2 + 0.2 x 1) / 1.6 = 0.225; W_y = 1.0, O_y = 0.8.
    # A-B: cross = 0.64 - 0.04 = 0.6, rate = (0.8 + 0.2) / (0.2 + 0.8) = 1. Bounds on d_x:
    #   B to A's 0.2 on x: 0.2 x 0.8 / 1.6 = 0.1; O_x down to A's ideal 0.2: 0.025 (binds);
    #   A to 1 on y: 0.2 x 1 / 1 = 0.2; O_y up to B's ideal: 0.2.  d_x = d_y = 0.025.
    # B moves 0.025 x 1.6 / 0.2 = 0.2 on x (100 -> 80), A 0.025 x 1 / 0.2 = 0.125 on y
    #   (0 -> 12.5). O = (20, 82.5); gain 0.025 x 0.6 / 1 = 0.015 each.
    # Then A sits at the outcome on x and B gains on x only against the salience ratios: stop.
    arr = make([1, 1, 1], [[20, 0], [100, 100], [0, 50]], [[0.8, 0.2], [0.2, 0.8], [0.6, 0]])
    res = Exchange().run(arr)
    np.testing.assert_allclose(res.forecast[0], [20.0, 82.5], atol=1e-12)
    np.testing.assert_allclose(
        res.final_positions[0], [[20.0, 12.5], [80.0, 100.0], [0.0, 50.0]], atol=1e-12
    )
    assert res.rounds[0].tolist() == [1, 1]
    np.testing.assert_allclose(res.diagnostics["utility_gain"][0, :2], [0.015, 0.015], atol=1e-12)


def test_best_of_three_exchanges_is_made() -> None:
    # A: x* = (0, 0), s = (0.8, 0.2); B: (100, 100), s = (0.2, 0.8); C: (100, 100), s = (0.4, 0.6)
    # all c = 1. W_x = 1.4, O_x = 0.6 / 1.4 = 3/7; W_y = 1.6, O_y = 1.4 / 1.6 = 0.875.
    # B and C are on the same side of both outcomes: they cannot trade with each other.
    # A-B: cross = 0.64 - 0.04 = 0.6, rate = 1.0 / 1.0 = 1; bounds: B to 0 on x 0.2 / 1.4 = 1/7,
    #   gap of A on x 3/7, A to 1 on y 0.2 / 1.6 = 0.125, gap of B on y 0.125 -> d = 0.125,
    #   gain = 0.125 x 0.6 / 1.0 = 0.075.
    # A-C: cross = 0.48 - 0.08 = 0.4, rate = 1.2 / 0.8 = 1.5; bounds 2/7, 3/7, 0.125 / 1.5,
    #   0.125 / 1.5 -> d_x = 1/12, gain = (1/12) x 0.4 / 0.8 = 1/24 = 0.0417 < 0.075.
    # A-B is made: B moves 0.125 x 1.4 / 0.2 = 0.875 on x (100 -> 12.5), A moves to 100 on y.
    # O_x = 3/7 - 1/8 = 0.303571..., O_y = 1: B and C sit at O_y, nobody gains on y any more.
    # Third party C: -0.4 x 0.125 on x, +0.6 x 0.125 on y = +0.025.
    arr = make([1, 1, 1], [[0, 0], [100, 100], [100, 100]], [[0.8, 0.2], [0.2, 0.8], [0.4, 0.6]])
    res = Exchange().run(arr)
    assert [(e.actor, e.counterpart, e.issue) for e in res.events] == [
        ("B", "A", "x"),
        ("A", "B", "y"),
    ]
    assert res.events[0].detail["gain"] == pytest.approx(0.075)
    np.testing.assert_allclose(res.forecast[0], [100 * (3 / 7 - 1 / 8), 100.0], atol=1e-12)
    np.testing.assert_allclose(res.final_positions[0, 1], [12.5, 100], atol=1e-12)
    assert res.rounds[0, 0] == 1
    np.testing.assert_allclose(
        res.diagnostics["utility_gain"][0], [0.075, 0.075, 0.025], atol=1e-12
    )


def test_two_rounds_by_hand() -> None:
    # A: x* = (0, 0), s = (0.8, 0.2); B: (100, 100), s = (0.2, 0.8); C: (100, 100), s = (0.6, 0.4)
    # all c = 1. W_x = 1.6, O_x = 0.8 / 1.6 = 0.5; W_y = 1.4, O_y = 1.2 / 1.4 = 6/7.
    # Round 1. A-B: cross = 0.64 - 0.04 = 0.6, s_Ax + s_Bx = 1, s_Ay + s_By = 1: d_x = d_y;
    #   bounds 0.2 / 1.6 = 0.125 (B to 0 on x), 0.5, 0.2 / 1.4 = 1/7 (A to 1 on y), 1 - 6/7 = 1/7
    #   -> d = 0.125, gain 0.125 x 0.6 = 0.075.
    #   A-C: cross = 0.32 - 0.12 = 0.2, d_y = d_x x 1.4 / 0.6; the y bounds (1/7 each) bind:
    #   gain = (1/7) x 0.2 / 1.4 = 1/49 = 0.0204 < 0.075.  A-B is made: B moves 0.125 x 1.6 /
    #   0.2 = 1 on x (to A's 0), A moves 0.125 x 1.4 / 0.2 = 0.875 on y (0 -> 87.5).
    #   O_x = 0.375, O_y = 6/7 + 1/8 = 55/56.
    # Round 2. A-B: B already sits on A's position on x, no room. A-C: on y, A moves from its
    #   voting position 0.875 at most to C's 1: 0.2 x 0.125 / 1.4 = 1/56, and O_y may rise
    #   1 - 55/56 = 1/56 -> d_y = 1/56; on x the bounds 0.6 / 1.6 = 0.375 and 0.375 are far
    #   away. Gain = (1/56) x 0.2 / 1.4 = 1/392; d_x = (1/56) x 0.6 / 1.4 = 3/392.
    #   C moves (3/392) x 1.6 / 0.6 = 1/49 on x (100 -> 100 x 48/49 = 97.959...), A to 100 on y.
    #   O_x = 0.375 - 3/392 = 18/49, O_y = 1.
    # Round 3. B and C sit at O_y, so nobody gains on y; B or C gaining on x against A gaining
    #   on y has cross < 0 (0.04 - 0.64, 0.12 - 0.32). Stop after 2 exchanges.
    # Utility: A gains 0.075 + 1/392. B: 0.075, then as a bystander -0.2 x 3/392 + 0.8 x 1/56
    #   = 5/392. C: as a bystander in round 1 -0.6 x 0.125 + 0.4 x 0.125 = -0.025, then +1/392:
    #   the first exchange hurt it more than its own exchange gained.
    arr = make([1, 1, 1], [[0, 0], [100, 100], [100, 100]], [[0.8, 0.2], [0.2, 0.8], [0.6, 0.4]])
    res = Exchange().run(arr)
    moves = [(e.round, e.actor, e.counterpart, e.issue) for e in res.events]
    assert moves == [(1, "B", "A", "x"), (1, "A", "B", "y"), (2, "C", "A", "x"), (2, "A", "C", "y")]
    assert [e.detail["gain"] for e in res.events] == pytest.approx([0.075, 0.075, 1 / 392, 1 / 392])
    assert [e.position_to for e in res.events] == pytest.approx([0, 87.5, 4800 / 49, 100])
    assert res.rounds[0, 0] == 2
    np.testing.assert_allclose(
        res.series["mean"][:, 0], [[50, 600 / 7], [37.5, 5500 / 56], [1800 / 49, 100]], atol=1e-12
    )
    np.testing.assert_allclose(
        res.diagnostics["utility_gain"][0],
        [0.075 + 1 / 392, 0.075 + 5 / 392, -0.025 + 1 / 392],
        atol=1e-12,
    )


def test_issue_nobody_cares_about() -> None:
    # adding an issue z with zero saliences changes nothing on x and y (TWO trades as before);
    # z's forecast is the capability mean (0 x 1 + 60 x 2) / 3 = 40 and nobody moves on z.
    arr = make([1, 2], [[0, 0, 0], [100, 100, 60]], [[0.9, 0.3, 0], [0.3, 0.6, 0]])
    res = Exchange().run(arr)
    np.testing.assert_allclose(res.forecast[0], [25.0, 100.0, 40.0], atol=1e-12)
    np.testing.assert_array_equal(res.final_positions[0, :, 2], [0, 60])


def test_ties_go_by_ids_not_by_input_order() -> None:
    # B and C are identical partners for A: the two exchanges gain the same; the lower id (B)
    # trades, wherever B and C stand in the input.
    pos = [[0, 0], [100, 100], [100, 100]]
    sal = [[0.8, 0.2], [0.2, 0.8], [0.2, 0.8]]
    for order in ([0, 1, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0]):
        arr = make([1, 1, 1], pos, sal).take_actors(order)
        ev = Exchange().run(arr).events
        assert ev[0].counterpart == "A"
        assert ev[0].actor == "B"


def compromise(arr: ScenarioArrays) -> np.ndarray:
    return models.get("compromise").run(arr).forecast


def test_equal_salience_ratios_give_the_compromise() -> None:
    # A: s = (0.8, 0.4), B: s = (0.4, 0.2): both ratios are 2, so
    # s_Ax s_By - s_Ay s_Bx = 0.16 - 0.16 = 0 and nobody gains from trading.
    arr = make([1, 3], [[0, 0], [100, 100]], [[0.8, 0.4], [0.4, 0.2]])
    res = Exchange().run(arr)
    assert res.rounds[0].tolist() == [0, 0]
    assert res.converged[0].all()
    np.testing.assert_array_equal(res.final_positions, arr.position)
    # O_x = 3 x 0.4 x 100 / (0.8 + 1.2) = 60, O_y = 3 x 0.2 x 100 / (0.4 + 0.6) = 60
    np.testing.assert_allclose(res.forecast[0], [60, 60], atol=1e-12)
    np.testing.assert_allclose(res.forecast, compromise(arr), atol=1e-12)
    assert res.events == ()


def test_same_side_gives_the_compromise() -> None:
    # A: x* = (0, 0), s = (0.9, 0.1); B: (100, 10), s = (0.1, 0.9); C: (50, 100), s = (0, 1).
    # O_y = (0.9 x 10 + 1 x 100) / 2 = 54.5: A (0) and B (10) are both below it, so the A-B
    # exchange their saliences invite is impossible; C has no weight on x, so its moves there
    # shift nothing and it cares about nothing it could gain on x: no exchange at all.
    # O_x = (0.1 x 100) / (0.9 + 0.1) = 10.
    arr = make([1, 1, 1], [[0, 0], [100, 10], [50, 100]], [[0.9, 0.1], [0.1, 0.9], [0, 1]])
    res = Exchange().run(arr)
    assert res.rounds[0].tolist() == [0, 0]
    np.testing.assert_allclose(res.forecast[0], [10, 54.5], atol=1e-12)
    np.testing.assert_allclose(res.forecast, compromise(arr), atol=1e-12)
    # without C, O_y = 9 lies between A and B, and they trade
    assert Exchange().run(arr.take_actors([0, 1])).rounds[0, 0] >= 1


def test_one_issue_gives_the_compromise() -> None:
    scn = random_scenario(5, n_actors=6, n_issues=1)
    res = Exchange().run(scn)
    assert res.rounds.tolist() == [[0]]
    np.testing.assert_allclose(res.forecast, compromise(scn.to_arrays()), atol=1e-12)


def test_round_qimit() -> None:
    scn = random_scenario(21, n_actors=6, n_issues=3)
    full = Exchange().run(scn)
    assert full.rounds[0, 0] > 2
    assert full.converged.all()
    short = Exchange(max_rounds=2).run(scn)
    assert short.rounds[0].tolist() == [2, 2, 2]
    assert not short.converged.any()
    np.testing.assert_array_equal(short.trajectory, full.trajectory[:3])


def test_bad_inputs() -> None:
    with pytest.raises(AccordError):
        Exchange().run(make([1, 1], [[0, 0], [100, 100]], [[-0.1, 0.3], [0.3, 0.6]]))
    with pytest.raises(AccordError):
        Exchange().run(make([1, np.nan], [[0, 0], [100, 100]], [[0.1, 0.3], [0.3, 0.6]]))
    with pytest.raises(AccordError):
        Exchange().run(make([0, 0], [[0, 0], [100, 100]], [[0.1, 0.3], [0.3, 0.6]]))
    with pytest.raises(AccordError):
        Exchange(tol=-1.0)
    with pytest.raises(AccordError):
        Exchange(max_rounds=0)


# ---------------------------------------------------------------- properties
def random_arrays(seed: int, draws: int = 1, big: bool = False) -> ScenarioArrays:
    """Small random problems; even seeds have many ties, zero saliences and capabilities."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 7)), int(rng.integers(2, 4))
    if big:
        n, k = 9, 4
    cap = rng.uniform(0.5, 5, (draws, n))
    cap[rng.random((draws, n)) < 0.1] = 0.0
    cap[:, 0] += 0.5  # at least one actor with capability (else no outcome is defined)
    pos = rng.integers(0, 11, (draws, n, k)).astype(float) * 10
    sal = rng.choice([0.0, 0.1, 0.25, 0.5, 0.75, 1.0], (draws, n, k))
    if seed % 2:
        pos = rng.uniform(0, 100, (draws, n, k))
        sal = rng.uniform(0, 1, (draws, n, k))
    return ScenarioArrays(
        actor_ids=tuple(f"a{(7 * a) % n}" for a in range(n)),  # ids not in input order
        issue_ids=tuple(f"i{(2 * q + 1) % k}" for q in range(k)),
        capability=cap,
        position=pos,
        salience=sal,
        scale_min=np.zeros(k),
        scale_max=np.full(k, 100.0),
        status_quo=np.full(k, np.nan),
    )


@pytest.mark.parametrize("seed", range(20))
def test_every_exchange_pays_both_traders(seed: int) -> None:
    arr = random_arrays(seed, draws=3)
    res = Exchange().run(arr)
    u = utilities(arr, res)  # from the trajectory alone
    moved = res.trajectory[1:] != res.trajectory[:-1]  # (rounds, draws, actors, issues)
    for t, d in zip(*np.nonzero(moved.any(axis=(2, 3))), strict=True):
        a, q = np.nonzero(moved[t, d])
        # an exchange moves two actors, each on one issue, on different issues
        assert len(a) == 2
        assert a[0] != a[1]
        assert q[0] != q[1]
        gain = u[t + 1, d, a] - u[t, d, a]
        assert gain.min() > 0
        assert gain[0] == pytest.approx(gain[1], abs=1e-12)  # equal gains
    assert np.all(res.forecast >= arr.scale_min - 1e-9)
    assert np.all(res.forecast <= arr.scale_max + 1e-9)
    # voting positions stay between the ideals on each issue
    assert np.all(res.trajectory >= arr.position.min(axis=1)[None, :, None, :] - 1e-9)
    assert np.all(res.trajectory <= arr.position.max(axis=1)[None, :, None, :] + 1e-9)


@pytest.mark.parametrize("seed", range(60))
def test_engine_matches_loop(seed: int) -> None:
    arr = random_arrays(seed, big=seed % 10 == 0)
    res = Exchange().run(arr)
    loop = run_loop(
        list(arr.actor_ids),
        list(arr.issue_ids),
        arr.capability[0].tolist(),
        arr.position[0].tolist(),
        arr.salience[0].tolist(),
        arr.scale_min.tolist(),
        arr.scale_max.tolist(),
    )
    assert res.rounds[0, 0] == loop.rounds
    assert bool(res.converged[0, 0]) == loop.converged
    np.testing.assert_allclose(res.trajectory[:, 0], np.array(loop.states), rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.series["mean"][:, 0], loop.outcomes, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.forecast[0], loop.outcomes[-1], rtol=0, atol=1e-9)
    ids = arr.actor_ids
    engine = [(e.round, e.actor, e.counterpart, e.issue, e.detail["gain"]) for e in res.events]
    expected = []
    for tr in loop.trades:
        expected.append((tr.round, ids[tr.j], ids[tr.i], arr.issue_ids[tr.k], tr.gain))
        expected.append((tr.round, ids[tr.i], ids[tr.j], arr.issue_ids[tr.q], tr.gain))
    assert [e[:4] for e in engine] == [e[:4] for e in expected]
    np.testing.assert_allclose([e[4] for e in engine], [e[4] for e in expected], atol=1e-9)


def test_batch_equals_single_draws() -> None:
    arr = random_arrays(3, draws=6)
    together = Exchange().run(arr)
    assert len(set(together.rounds[:, 0].tolist())) > 1  # draws stop at different rounds
    for d in range(arr.n_draws):
        alone = Exchange().run(arr.take_draws([d]))
        t = alone.trajectory.shape[0]
        np.testing.assert_allclose(together.trajectory[:t, d], alone.trajectory[:, 0], atol=1e-12)
        # after it stopped, a draw repeats its last state
        rest = together.trajectory[t:, d]
        np.testing.assert_allclose(rest, np.broadcast_to(alone.trajectory[-1, 0], rest.shape))
        np.testing.assert_allclose(together.forecast[d], alone.forecast[0], atol=1e-12)
        assert together.rounds[d].tolist() == alone.rounds[0].tolist()


def test_blocks_of_draws_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    arr = random_arrays(5, draws=7)
    whole = Exchange().run(arr)
    monkeypatch.setattr(accord.models.exchange, "BLOCK_ELEMENTS", 1)  # one draw per block
    split = Exchange().run(arr)
    np.testing.assert_array_equal(whole.trajectory, split.trajectory)
    np.testing.assert_array_equal(whole.rounds, split.rounds)


def test_deterministic() -> None:
    arr = random_arrays(8)
    a, b = Exchange().run(arr, rng=1), Exchange().run(arr, rng=2)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    assert a.events == b.events
    assert a.to_dict()["forecast"] == b.to_dict()["forecast"]
    assert a.provenance.input_hash == b.provenance.input_hash


def test_registered() -> None:
    assert "exchange" in models.names()
    assert models.model_class("exchange").joint
