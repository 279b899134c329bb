"""Bueno de Mesquita's expected-utility model: replication, hand-worked branches, invariants.

The hand-worked cases use two actors A (position 0) and B (position 1) on a scale [0, 1], so
that R = 1 and d = 1 for the pair. Then for any risk exponent r: Us = 2 - 4 (0)^r = 2,
Uf = 2 - 4 (1)^r = -2, so EU(i, j) = 2 - 4 s_j (1 - P_ij) - Q Usq(r) [- paper term], and the
votes are (|x_k - b|)^r - (|x_k - a|)^r in {-1, 0, 1} whatever r is. With two actors the risk
step gives the more endangered actor Rb = 1, r = (1 - 1/3) / (1 + 1/3) = 0.5, and the other
Rb = -1, r = 2: Usq(0.5) = 2 - 4 sqrt(0.5) = 2 - 2 sqrt(2), Usq(2) = 2 - 4 / 4 = 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import accord.models.bdm.model as bdm_module
from accord import models
from accord.errors import AccordError
from accord.models.base import IssueBatch, Result
from accord.models.bdm import Bdm, BdmParams, solve_batch
from accord.models.bdm.offers import (
    COMPROMISE,
    CONFRONTATION,
    NO_OFFER,
    Offers,
    least_move_choice,
    scholz_choice,
    take_offers,
)
from accord.models.bdm.votes import Geometry, count_below, median_walk, preference_sums
from accord.scenario.arrays import ScenarioArrays
from tests.factories import random_scenario
from tests.models.mirroring import mirror_scenario, scale_bounds
from tests.reference.bdm_loop import bdm_loop, weighted_median_walk
from tests.reference.ec_case import ec_arrays, ec_lists, ec_scenario

USQ_HALF = 2 - 2 * math.sqrt(2)  # Usq with r = 0.5
USQ_TWO = 1.0  # Usq with r = 2


def arrays(
    capability: list[float],
    position: list[float],
    salience: list[float],
    scale: tuple[float, float] = (0.0, 1.0),
) -> ScenarioArrays:
    n = len(capability)
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)),
        issue_ids=("x",),
        capability=np.array([capability], dtype=float),
        position=np.array(position, dtype=float).reshape(1, n, 1),
        salience=np.array(salience, dtype=float).reshape(1, n, 1),
        scale_min=np.array([scale[0]]),
        scale_max=np.array([scale[1]]),
        status_quo=np.array([np.nan]),
    )


def path(res: Result, actor: int) -> list[float]:
    return res.trajectory[:, 0, actor, 0].tolist()


def kinds(res: Result) -> list[tuple[int, str, str, str, bool]]:
    return [(e.round, e.actor, e.counterpart, e.kind, e.accepted) for e in res.events]


# ---------------------------------------------------------------- EC replication
EC_MEDIANS = [8.42, 9.61, 9.96, 9.96, 9.96, 7.47, 8.82, 9.67]
EC_MEANS = [7.46, 7.55, 7.59, 7.36, 7.35, 7.41, 7.51, 7.57]


def test_ec_replication_scholz() -> None:
    # Reference: the spec (an independent re-implementation of Scholz et al. 2011), values to
    # 2 decimals for rounds 1..8, i.e. after each round's moves. Round 0 is the input state:
    # c*s weights 4: .064+.006+.128+.05 = .248, 7: .032+.005+.056 = .093, 10: .336 (total
    # .677); mean = 5.003 / .677 = 7.390; the weighted median is 7 (.248 < .3385 <= .341).
    res = Bdm(variant="scholz", q=1.0, rounds=8).run(ec_scenario())
    median = res.series["median"][:, 0, 0]
    mean = res.series["mean"][:, 0, 0]
    assert median.shape == mean.shape == (9,)
    assert median[0] == 7.0
    assert mean[0] == pytest.approx(5.003 / 0.677, abs=1e-9)
    np.testing.assert_allclose(median[1:], EC_MEDIANS, atol=0.005 + 1e-9)
    np.testing.assert_allclose(mean[1:], EC_MEANS, atol=0.005 + 1e-9)
    assert res.forecast[0, 0] == median[-1]
    assert res.rounds[0, 0] == 8
    assert not res.converged[0, 0]


def test_ec_replication_by_the_loop_reference() -> None:
    _, cap, pos, sal = ec_lists()
    run = bdm_loop(pos, cap, sal, variant="scholz", q=1.0, rounds=8)
    np.testing.assert_allclose(run.medians[1:], EC_MEDIANS, atol=0.005 + 1e-9)
    np.testing.assert_allclose(run.means[1:], EC_MEANS, atol=0.005 + 1e-9)


def test_ec_needs_the_range_of_the_positions() -> None:
    # The replication uses R = 6 (positions 4..10). On a declared scale 0..10, range_from
    # "positions" still reproduces it; R = 10 (the scale) gives a different path.
    wide = ec_arrays(scale=(0.0, 10.0))
    same = Bdm(variant="scholz", range_from="positions").run(wide).series["median"][1:, 0, 0]
    np.testing.assert_allclose(same, EC_MEDIANS, atol=0.005 + 1e-9)
    other = Bdm(variant="scholz", range_from="scale").run(wide).series["median"][1:, 0, 0]
    assert np.abs(other - EC_MEDIANS).max() > 0.1


def test_ec_many_identical_draws_match_one() -> None:
    one = Bdm().run(ec_arrays())
    many = Bdm().run(ec_arrays(draws=50))
    np.testing.assert_allclose(many.trajectory, np.repeat(one.trajectory, 50, axis=1), atol=1e-12)
    assert many.events == ()  # events are recorded for single-draw runs only


# ---------------------------------------------------------------- scholz branches
def test_scholz_confrontation() -> None:
    # c = 1, 1; s = 0.2, 0.4; Q = 0 (so Usq and the risk exponents do not matter at d = 1).
    # Votes over (A, B): voter A +0.2, voter B -0.4; D = 2 (0.2 + 0.4) = 1.2.
    # P_AB = 0.2 / 1.2 = 1/6, P_BA = 0.4 / 1.2 = 1/3.
    # A: a = EU_A(A,B) = 2 - 4 (0.4)(5/6) = 2/3; b = EU_A(B,A) = 2 - 4 (0.2)(2/3) = 22/15.
    #    b > a > 0: confrontation, A moves to x_B = 1.
    # B: a = 22/15 > b = 2/3 > 0: no offer. Round 2: both at 1, nothing moves: converged.
    res = Bdm(variant="scholz", q=0.0).run(arrays([1, 1], [0, 1], [0.2, 0.4]))
    assert path(res, 0) == [0.0, 1.0, 1.0]
    assert path(res, 1) == [1.0, 1.0, 1.0]
    assert kinds(res) == [(1, "a0", "a1", "confrontation", True)]
    ev = res.events[0]
    assert ev.detail["eu_actor"] == pytest.approx(2 / 3, abs=1e-12)
    assert ev.detail["eu_counterpart"] == pytest.approx(22 / 15, abs=1e-12)
    assert (res.rounds[0, 0], res.converged[0, 0]) == (2, True)


def test_scholz_compromise_and_no_offer() -> None:
    # c = 1, 1; s = 0.2, 0.8; Q = 1. D = 2 (0.2 + 0.8) = 2: P_AB = 0.1, P_BA = 0.4.
    # Danger (r = 1, Usq = 0): A: EU(B,A) = 2 - 4 (0.2)(0.6) = 1.52; B: EU(A,B) =
    # 2 - 4 (0.8)(0.9) = -0.88. A is more endangered: r_A = 0.5, r_B = 2.
    # A: a = 2 - 2.88 - Usq(0.5) = -0.88 - (2 - 2 sqrt 2); b = 2 - 0.48 - Usq(0.5).
    #    b > 0 > a and b > |a|: compromise, A moves |a / b| of the way to B.
    # B: a = 2 - 0.48 - Usq(2) = 0.52 > 0, b = -0.88 - 1 < 0: no offer.
    a = -0.88 - USQ_HALF
    b = 1.52 - USQ_HALF
    res = Bdm(variant="scholz", q=1.0, rounds=1).run(arrays([1, 1], [0, 1], [0.2, 0.8]))
    assert res.trajectory[1, 0, 0, 0] == pytest.approx(abs(a / b), abs=1e-12)  # 0.02196...
    assert res.trajectory[1, 0, 1, 0] == 1.0
    assert kinds(res) == [(1, "a0", "a1", "compromise", True)]
    assert res.events[0].detail["eu_actor"] == pytest.approx(a, abs=1e-12)
    assert res.events[0].detail["risk_exponent"] == pytest.approx(0.5, abs=1e-12)


def test_scholz_lowest_point_quirk() -> None:
    # Actor 1 at 5 holds two compromise offers: from actor 0 at 0 with (a, b) = (-1, 4) and
    # from actor 2 at 6 with (a, b) = (-1, 2). Points: (1*5 + 4*0) / 5 = 1 and
    # (1*5 + 2*6) / 3 = 17/3. The lowest point (actor 0) wins, although its offer
    # 5 + (0 - 5)/4 = 3.75 moves actor 1 by 1.25 and actor 2's 5 + (6 - 5)/2 = 5.5 only by 0.5.
    x = np.array([[0.0, 5.0, 6.0]])
    kind = np.zeros((1, 3, 3), dtype=np.int8)
    a = np.zeros((1, 3, 3))
    b = np.zeros((1, 3, 3))
    kind[0, 1, 0] = kind[0, 1, 2] = COMPROMISE
    a[0, 1, 0], b[0, 1, 0] = -1.0, 4.0
    a[0, 1, 2], b[0, 1, 2] = -1.0, 2.0
    target = np.zeros((1, 3, 3))
    target[0, 1, 0], target[0, 1, 2] = 3.75, 5.5
    offers = Offers(kind, target, a, b)
    gap = np.abs(x[:, :, None] - x[:, None, :])
    none = [False, False, False]
    taken = scholz_choice(x, offers, gap, np.array([6.0]))
    assert taken.tolist() == [[none, [True, False, False], none]]
    assert take_offers(x, offers, taken, np.array([6.0])).tolist() == [[0.0, 3.75, 6.0]]
    # A confrontation offer, however far, beats any compromise.
    kind[0, 1, 2] = CONFRONTATION
    taken = scholz_choice(x, offers, gap, np.array([6.0]))
    assert taken.tolist() == [[none, [False, False, True], none]]
    kind[0, 1, :] = NO_OFFER
    assert not scholz_choice(x, offers, gap, np.array([6.0])).any()


# ---------------------------------------------------------------- paper branches
# Two actors, s and c chosen below, Q = 1 (so the (1 - Q) no-challenge term vanishes).
# P_AB = w_A / (w_A + w_B) =: pi. Let u_A = 2 - 4 s_B (1 - pi), u_B = 2 - 4 s_A pi; then
# EU_A(A,B) = u_A - Usq(r_A), EU_B(B,A) = u_B - Usq(r_B), and the dangers (r = 1) are
# danger_A = EU(B,A) = u_B, danger_B = u_A. In every case below u_B > u_A, so r_A = 0.5 and
# r_B = 2: E_A = u_A - (2 - 2 sqrt 2), E_B = u_B - 1.


def test_paper_both_positive() -> None:
    # c = 1, 3; s = 0.1, 0.1: pi = 0.25, u_A = 2 - 0.4 (0.75) = 1.7, u_B = 2 - 0.4 (0.25) = 1.9.
    # E_A = 1.7 + 0.828 > E_B = 0.9 > 0: both positive, the smaller (B) gives way fully.
    res = Bdm(variant="paper", q=1.0).run(arrays([1, 3], [0, 1], [0.1, 0.1]))
    assert path(res, 1)[:2] == [1.0, 0.0]
    assert path(res, 0)[:2] == [0.0, 0.0]
    assert kinds(res) == [(1, "a1", "a0", "confrontation", True)]
    ev = res.events[0]
    assert ev.detail["eu_actor"] == pytest.approx(1.9 - USQ_TWO, abs=1e-12)
    assert ev.detail["eu_counterpart"] == pytest.approx(1.7 - USQ_HALF, abs=1e-12)


def test_paper_compromise() -> None:
    # c = 0.3, 1.4; s = 1, 0.5: w = 0.3, 0.7, pi = 0.3. u_A = 2 - 4 (0.5)(0.7) = 0.6,
    # u_B = 2 - 4 (1)(0.3) = 0.8. E_A = 0.6 + 0.828 = 1.428 > 0 > E_B = -0.2 and
    # E_A > |E_B|: B compromises, moving |E_B / E_A| of the way to A; A gets no offer.
    e_a = 0.6 - USQ_HALF
    e_b = 0.8 - USQ_TWO
    res = Bdm(variant="paper", q=1.0, rounds=1).run(arrays([0.3, 1.4], [0, 1], [1.0, 0.5]))
    assert res.trajectory[1, 0, 1, 0] == pytest.approx(1 - abs(e_b / e_a), abs=1e-12)  # 0.86
    assert res.trajectory[1, 0, 0, 0] == 0.0
    assert kinds(res) == [(1, "a1", "a0", "compromise", True)]


def test_paper_capitulation() -> None:
    # c = 0.4, 0.6; s = 1, 1: pi = 0.4, u_A = 2 - 4 (0.6) = -0.4, u_B = 2 - 4 (0.4) = 0.4.
    # E_A = -0.4 + 0.828 = 0.428 > 0 > E_B = -0.6 and |E_B| > E_A: B capitulates, moving
    # all the way to A. (The branch a common port never reaches.)
    res = Bdm(variant="paper", q=1.0, rounds=1).run(arrays([0.4, 0.6], [0, 1], [1.0, 1.0]))
    assert path(res, 1) == [1.0, 0.0]
    assert path(res, 0) == [0.0, 0.0]
    assert kinds(res) == [(1, "a1", "a0", "capitulation", True)]
    ev = res.events[0]
    assert ev.detail["eu_actor"] == pytest.approx(0.4 - USQ_TWO, abs=1e-12)
    assert ev.detail["eu_counterpart"] == pytest.approx(-0.4 - USQ_HALF, abs=1e-12)


def test_paper_both_negative() -> None:
    # c = 0.27, 0.73; s = 1, 1: pi = 0.27, u_A = 4 (0.27) - 2 = -0.92, u_B = 0.92.
    # E_A = -0.92 + 0.828 = -0.092 < 0, E_B = 0.92 - 1 = -0.08 < 0: no offers, no moves.
    res = Bdm(variant="paper", q=1.0).run(arrays([0.27, 0.73], [0, 1], [1.0, 1.0]))
    assert res.events == ()
    assert res.trajectory.shape[0] == 2
    assert (res.rounds[0, 0], res.converged[0, 0]) == (1, True)
    np.testing.assert_array_equal(res.trajectory[1], res.trajectory[0])


# ---------------------------------------------------------------- tie rules
def test_default_variant_is_paper() -> None:
    assert BdmParams().variant == "paper"
    assert models.get("bdm").params == BdmParams(variant="paper")


def test_median_ties_go_to_the_midpoint() -> None:
    # F(y) = sum_k w_k |x_k - y| / R. Equal weights at 20 and 80 (scale 0..100, R = 100):
    # F(20) = F(80) = 0.6 w, a flat minimum; the walk upwards stops at 20, downwards at 80,
    # and the median is their midpoint 50 (both variants; it is only reported).
    x = np.array([[20.0, 80.0]])
    w = np.array([[1.0, 1.0]])
    assert median_walk(x, w, np.array([100.0])).tolist() == [50.0]
    assert weighted_median_walk([20.0, 80.0], [1.0, 1.0], 100.0) == 50.0
    # a third actor without weight at 30 lies on the flat part but does not move the midpoint
    x3 = np.array([[20.0, 30.0, 80.0]])
    assert median_walk(x3, np.array([[1.0, 0.0, 1.0]]), np.array([100.0])).tolist() == [50.0]
    # weights 2, 1, 1 at 20, 50, 80: F = (90, 90, 150) / 100, flat from 20 to 50: 35.
    # Weights 3, 1, 1: F = (90, 120, 210) / 100, a single minimum, 20, the median.
    xw = np.array([[20.0, 50.0, 80.0]])
    assert median_walk(xw, np.array([[2.0, 1.0, 1.0]]), np.array([100.0])).tolist() == [35.0]
    assert median_walk(xw, np.array([[3.0, 1.0, 1.0]]), np.array([100.0])).tolist() == [20.0]
    for variant in ("paper", "scholz"):
        res = Bdm(variant=variant, rounds=1).run(arrays([1, 1], [20, 80], [1, 1], (0, 100)))
        assert res.series["median"][0, 0, 0] == 50.0


def _offers_to_actor_1(targets: dict[int, tuple[int, float]]) -> tuple[np.ndarray, Offers]:
    """Actor 1 at 5 among actors at 3, 5, 7, 3 and 4; ``targets`` = {j: (kind, target)}."""
    x = np.array([[3.0, 5.0, 7.0, 3.0, 4.0]])
    kind = np.zeros((1, 5, 5), dtype=np.int8)
    target = np.zeros((1, 5, 5))
    a = np.full((1, 5, 5), -1.0)
    b = np.full((1, 5, 5), 2.0)
    for j, (k, t) in targets.items():
        kind[0, 1, j] = k
        target[0, 1, j] = t
    return x, Offers(kind, target, a, b)


def test_equally_good_offers_are_all_taken_and_meet_in_the_middle() -> None:
    # Actor 1 at 5 (R = 10). Paper: the least move wins; offers whose moves tie are all taken
    # and the actor moves to the midpoint of the lowest and highest tied targets.
    r = np.array([10.0])
    cases = [
        # confrontations from 3 and 7: moves of 2 either way cancel, actor 1 stays at 5
        ({0: (CONFRONTATION, 3.0), 2: (CONFRONTATION, 7.0)}, [0, 2], 5.0),
        # the same offer from two actors at 3: moves to 3 (both taken)
        ({0: (CONFRONTATION, 3.0), 3: (CONFRONTATION, 3.0)}, [0, 3], 3.0),
        # a compromise to 4.5 moves it least (0.5 < 2)
        ({0: (CONFRONTATION, 3.0), 4: (COMPROMISE, 4.5)}, [4], 4.5),
        # compromises to 4.5 and 5.5: cancel
        ({0: (COMPROMISE, 4.5), 2: (COMPROMISE, 5.5), 3: (CONFRONTATION, 3.0)}, [0, 2], 5.0),
    ]
    for offered, taken_from, new in cases:
        x, offers = _offers_to_actor_1(offered)
        taken = least_move_choice(x, offers, r)
        assert np.flatnonzero(taken[0, 1]).tolist() == taken_from
        assert not taken[0, [0, 2, 3, 4]].any()
        assert take_offers(x, offers, taken, r)[0].tolist() == [3.0, new, 7.0, 3.0, 4.0]
        # the mirror image (x -> 10 - x) moves actor 1 to 10 - new
        mirrored = Offers(offers.kind, 10.0 - offers.target, offers.eu_actor, offers.eu_counterpart)
        taken_m = least_move_choice(10.0 - x, mirrored, r)
        np.testing.assert_array_equal(taken_m, taken)
        assert take_offers(10.0 - x, mirrored, taken_m, r)[0, 1] == 10.0 - new
    # scholz: the nearest confrontations (from 3 and 7, equally near) are both taken: stays
    x, offers = _offers_to_actor_1({0: (CONFRONTATION, 3.0), 2: (CONFRONTATION, 7.0)})
    taken = scholz_choice(x, offers, np.abs(x[:, :, None] - x[:, None, :]), r)
    assert np.flatnonzero(taken[0, 1]).tolist() == [0, 2]
    assert take_offers(x, offers, taken, r)[0, 1] == 5.0


def test_paper_offers_from_both_sides_cancel() -> None:
    # A, B, C at 0, 0.5, 1 (scale 0..1, R = 1), c = 1, s = 0.5 (w = 0.5), Q = 1.
    # Risk (every r = 1, so Us = 2d, Uf = -2d, Usq = 0 and EU(i, j) = 2 d P_ij):
    #   N_AB = 0.5 * 0.5 = 0.25 (A), N_BA = 0.25 (B) + 0.25 (C): P_AB = 1/3, P_BA = 2/3;
    #   P_AC = P_CA = 1/2. danger_A = EU(B,A) + EU(C,A) = 2 (0.5)(2/3) + 2 (1)(1/2) = 5/3,
    #   danger_B = 2 (2 (0.5)(1/3)) = 2/3, danger_C = 5/3: r_A = r_C = 0.5, r_B = 2.
    # With these exponents: N_AB = 0.5 sqrt(0.5) (A), N_BA = 0.5 (0.5^2) (B) +
    #   0.5 (1 - sqrt(0.5)) (C); P_AB = N_AB / (N_AB + N_BA) = 0.5657.
    # mine = EU_B(B, A) with r_B = 2, d = 0.5: Us = 1.75, Uf = -0.25, Usq = 1:
    #   0.5 ((1 - P_AB) 1.75 - 0.25 P_AB) + 0.5 (1.75) - 1 = 0.1843.
    # theirs = EU_A(A, B) with r_A = 0.5: Us = 0, Uf = 2 - 4 sqrt(0.75), Usq = 2 - 4 sqrt(0.5):
    #   0.5 (P_BA Uf) - Usq = 0.5105. Both > 0 and mine < theirs: confrontation, B would give
    #   way fully to A (to 0); by symmetry equally to C (to 1). Moves of 0.5 either way tie:
    #   B takes both and stays at 0.5. A gets no offer (from B: its own EU is the larger; from
    #   C: the two EUs are equal), nor does C. Nothing moves: converged after one round.
    h = math.sqrt(0.5)
    n_ab = 0.5 * h
    n_ba = 0.5 * 0.25 + 0.5 * (1 - h)
    p_ab = n_ab / (n_ab + n_ba)
    mine = 0.5 * ((1 - p_ab) * 1.75 - 0.25 * p_ab) + 0.875 - 1
    theirs = 0.5 * (1 - p_ab) * (2 - 4 * math.sqrt(0.75)) - (2 - 4 * h)
    res = Bdm(variant="paper", q=1.0).run(arrays([1, 1, 1], [0, 0.5, 1], [0.5, 0.5, 0.5]))
    assert kinds(res) == [
        (1, "a1", "a0", "confrontation", True),
        (1, "a1", "a2", "confrontation", True),
    ]
    for ev, to in zip(res.events, (0.0, 1.0), strict=True):
        assert ev.position_to == to
        assert ev.detail["eu_actor"] == pytest.approx(mine, abs=1e-12)
        assert ev.detail["eu_counterpart"] == pytest.approx(theirs, abs=1e-12)
        assert ev.detail["risk_exponent"] == pytest.approx(2.0, abs=1e-12)
    assert res.trajectory[:, 0, :, 0].tolist() == [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    assert (res.rounds[0, 0], res.converged[0, 0]) == (1, True)
    assert res.forecast[0, 0] == 0.5
    run = bdm_loop([0, 0.5, 1], [1, 1, 1], [0.5, 0.5, 0.5], variant="paper", q=1.0, big_r=1.0)
    assert run.positions == [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    assert [o.accepted for o in run.offers] == [True, True]


@pytest.mark.parametrize("q", [1.0, 0.5])
def test_paper_is_mirror_symmetric_and_scholz_is_not(q: float) -> None:
    # scholz's lowest_point_quirk prefers compromises from the left by construction: on this
    # scenario without ties its forecast of i0 is 63.55 on the original scale and 43.11 on the
    # mirrored one. The paper variant (the default) mirrors exactly.
    scn = random_scenario(3, n_actors=6, n_issues=2)
    lo, hi = scale_bounds(scn)
    mirrored = mirror_scenario(scn)
    paper = Bdm(variant="paper", q=q)
    np.testing.assert_allclose(
        paper.run(scn).forecast, lo + hi - paper.run(mirrored).forecast, rtol=0, atol=1e-9
    )
    if q == 1.0:
        scholz = Bdm(variant="scholz", q=q)
        assert scholz.run(scn).forecast[0, 0] == pytest.approx(63.55, abs=0.005)
        assert 100 - scholz.run(mirrored).forecast[0, 0] == pytest.approx(43.11, abs=0.005)


# ---------------------------------------------------------------- fast vs loop
def random_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small random problems, many with ties (equal positions, equal weights, zero saliences)."""
    n = int(rng.integers(2, 8))
    style = int(rng.integers(0, 4))
    x: np.ndarray
    if style == 0:
        x = rng.uniform(0, 10, n)
    elif style == 1:
        x = rng.integers(0, 4, n) * 2.5
    elif style == 2:
        x = np.round(rng.uniform(0, 10, n))
    else:
        x = np.full(n, 3.0)
        x[0] = 7.0
    c = rng.uniform(0, 1, n)
    s = rng.uniform(0, 1, n)
    if rng.random() < 0.4:
        c = rng.choice([0.0, 0.25, 0.5, 1.0], n)
        s = rng.choice([0.0, 0.5, 1.0], n)
    if rng.random() < 0.3:
        s[rng.random(n) < 0.4] = 0.0
    if rng.random() < 0.05:
        s[:] = 0.0
    if c.sum() == 0:
        c[0] = 1.0
    return x.astype(float), c, s


def one_row(x: np.ndarray, c: np.ndarray, s: np.ndarray, record: bool = True) -> IssueBatch:
    return IssueBatch(
        capability=c[None],
        position=x[None],
        salience=s[None],
        lo=np.array([0.0]),
        hi=np.array([10.0]),
        status_quo=np.array([np.nan]),
        record_events=record,
    )


@pytest.mark.parametrize("seed", range(4))
def test_fast_engine_matches_loop_reference(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    for case in range(60):
        x, c, s = random_case(rng)
        variant = ("scholz", "paper")[case % 2]
        q = float(rng.choice([1.0, 0.0, 0.5, rng.uniform()]))
        run = bdm_loop(list(x), list(c), list(s), variant=variant, q=q, rounds=6, tol=1e-6)
        params = BdmParams(variant=variant, q=q, rounds=6, range_from="positions")
        out = solve_batch(one_row(x, c, s), params)
        where = f"case {case}: {variant} q={q} x={x.tolist()} c={c.tolist()} s={s.tolist()}"
        np.testing.assert_allclose(
            out.trajectory[:, 0, :], np.array(run.positions), rtol=0, atol=1e-9, err_msg=where
        )
        np.testing.assert_allclose(out.series["median"][:, 0], run.medians, atol=1e-9)
        np.testing.assert_allclose(out.series["mean"][:, 0], run.means, atol=1e-9)
        assert (out.rounds[0], out.converged[0]) == (run.rounds, run.converged), where
        fast_events = [(e.round, e.actor, e.counterpart, e.kind, e.accepted) for e in out.events]
        loop_events = [(o.round, o.actor, o.counterpart, o.kind, o.accepted) for o in run.offers]
        assert fast_events == loop_events, where
        for e, o in zip(out.events, run.offers, strict=True):
            assert e.position_to == pytest.approx(o.position_to, abs=1e-9)
            assert e.detail["eu_actor"] == pytest.approx(o.eu_actor, abs=1e-9)
            assert e.detail["eu_counterpart"] == pytest.approx(o.eu_counterpart, abs=1e-9)


def test_every_offer_kind_occurs_in_the_random_cases() -> None:
    # The loop comparison above is only as good as the branches it visits.
    rng = np.random.default_rng(1000)
    seen: dict[str, set[str]] = {"scholz": set(), "paper": set()}
    for case in range(60):
        x, c, s = random_case(rng)
        variant = ("scholz", "paper")[case % 2]
        q = float(rng.choice([1.0, 0.0, 0.5, rng.uniform()]))
        out = solve_batch(one_row(x, c, s), BdmParams(variant=variant, q=q, rounds=6))
        seen[variant] |= {e.kind for e in out.events}
    assert seen["scholz"] == {"confrontation", "compromise"}
    assert seen["paper"] == {"confrontation", "compromise", "capitulation"}


def test_the_random_cases_exercise_the_tie_rule() -> None:
    # In the loop comparison some actor takes several equally good offers with different
    # targets on both sides of it (so that they cancel), and many take equal offers.
    cancelled = 0
    for seed in range(4):
        rng = np.random.default_rng(1000 + seed)
        for case in range(60):
            x, c, s = random_case(rng)
            variant = ("scholz", "paper")[case % 2]
            q = float(rng.choice([1.0, 0.0, 0.5, rng.uniform()]))
            params = BdmParams(variant=variant, q=q, rounds=6, range_from="positions")
            out = solve_batch(one_row(x, c, s), params)
            taken: dict[tuple[int, int], list[float]] = {}
            for e in out.events:
                if e.accepted:
                    taken.setdefault((e.round, e.actor), []).append(e.position_to)
            for (t, actor), targets in taken.items():
                old = out.trajectory[t - 1, 0, actor]
                if min(targets) < old < max(targets):
                    cancelled += 1
                    assert out.trajectory[t, 0, actor] == old
    assert cancelled >= 5


# ---------------------------------------------------------------- invariants
def random_batch(seed: int, b: int, n: int, ties: bool) -> IssueBatch:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, (b, n)) * 2.0 if ties else rng.uniform(0, 10, (b, n))
    return IssueBatch(
        capability=rng.uniform(0, 1, (b, n)),
        position=x.astype(float),
        salience=rng.uniform(0, 1, (b, n)),
        lo=np.zeros(b),
        hi=np.full(b, 10.0),
        status_quo=np.full(b, np.nan),
        record_events=True,
    )


@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("ties", [False, True])
def test_positions_stay_within_the_initial_range(variant: str, ties: bool) -> None:
    batch = random_batch(7, 200, 9, ties)
    out = solve_batch(batch, BdmParams(variant=variant, q=0.5, rounds=10))
    lo = batch.position.min(axis=1)
    hi = batch.position.max(axis=1)
    assert np.all(out.trajectory >= lo[None, :, None])
    assert np.all(out.trajectory <= hi[None, :, None])
    for name in ("median", "mean"):
        assert np.all((out.series[name] >= lo - 1e-12) & (out.series[name] <= hi + 1e-12))


@pytest.mark.parametrize("variant", ["scholz", "paper"])
def test_equal_positions_never_make_offers(variant: str) -> None:
    batch = random_batch(8, 30, 8, ties=True)
    out = solve_batch(batch, BdmParams(variant=variant, q=0.3, rounds=5))
    assert out.events
    for e in out.events:
        other = out.trajectory[e.round - 1, e.row, e.counterpart]
        assert other != e.position_from


@pytest.mark.parametrize("variant", ["scholz", "paper"])
def test_batch_equals_rows_one_by_one(variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = random_batch(9, 12, 7, ties=False)
    params = BdmParams(variant=variant, q=0.7, rounds=12)
    monkeypatch.setattr(bdm_module, "BLOCK_ELEMENTS", 5 * 49)  # blocks of 5 rows
    together = solve_batch(batch, params)
    t = together.trajectory.shape[0]
    for row in range(12):
        alone = solve_batch(
            IssueBatch(
                capability=batch.capability[row : row + 1],
                position=batch.position[row : row + 1],
                salience=batch.salience[row : row + 1],
                lo=batch.lo[:1],
                hi=batch.hi[:1],
                status_quo=batch.status_quo[:1],
                record_events=False,
            ),
            params,
        )
        assert alone.rounds[0] == together.rounds[row]
        assert alone.converged[0] == together.converged[row]
        k = alone.trajectory.shape[0]
        np.testing.assert_allclose(together.trajectory[:k, row], alone.trajectory[:, 0], atol=1e-12)
        # after it stopped, a row repeats its last state
        np.testing.assert_array_equal(
            together.trajectory[k:, row], np.repeat(alone.trajectory[-1:, 0], t - k, axis=0)
        )
        assert together.forecast[row] == pytest.approx(alone.forecast[0], abs=1e-12)


def test_converged_rows_freeze_and_trajectory_is_trimmed() -> None:
    out = Bdm(variant="scholz", q=0.0, rounds=50).run(arrays([1, 1], [0, 1], [0.2, 0.4]))
    assert out.trajectory.shape[0] == 3  # two rounds taken, not 50
    assert out.series["median"].shape == (3, 1, 1)


# ---------------------------------------------------------------- building blocks
def literal_preference_sums(
    x: np.ndarray, w: np.ndarray, r: np.ndarray, big_r: float
) -> np.ndarray:
    """N_ij = sum_k max(0, v_k(x_i, x_j)) straight from the spec, O(n^3)."""
    g = (np.abs(x[:, None] - x[None, :]) / big_r) ** r[:, None]  # g[k, a]
    v = w[:, None, None] * (g[:, None, :] - g[:, :, None])  # v[k, i, j]
    return np.maximum(v, 0.0).sum(axis=0)


@pytest.mark.parametrize(("b", "n"), [(3, 7), (3, 30), (1, 40)])
def test_prefix_sum_votes_equal_the_literal_sum(b: int, n: int) -> None:
    rng = np.random.default_rng(n)
    x = np.sort(np.round(rng.uniform(0, 20, (b, n))), axis=1)  # sorted, with ties
    w = rng.uniform(0, 1, (b, n))
    r = rng.uniform(0.5, 2, (b, n))
    big_r = np.full(b, 20.0)
    fast = preference_sums(Geometry.of(x, big_r), w, r)
    for row in range(b):
        np.testing.assert_allclose(
            fast[row], literal_preference_sums(x[row], w[row], r[row], 20.0), atol=1e-12
        )


@pytest.mark.parametrize(("b", "n"), [(4, 5), (4, 16), (4, 17), (1, 50), (3, 100)])
def test_count_below(b: int, n: int) -> None:
    rng = np.random.default_rng(b * n)
    rows = np.sort(rng.integers(0, 10, (b, n)).astype(float), axis=1)
    query = rng.integers(-1, 12, (b, 6, 5)) / 1.0
    expected = (rows[:, None, None, :] < query[..., None]).sum(axis=-1)
    np.testing.assert_array_equal(count_below(rows, query), expected)


# ---------------------------------------------------------------- API
def test_registered_and_validated() -> None:
    assert "bdm" in models.names()
    assert models.get("bdm").params == BdmParams()
    with pytest.raises(AccordError, match="bdm"):
        models.get("bdm", q=1.5)
    with pytest.raises(AccordError):
        models.get("bdm", rounds=0)
    with pytest.raises(AccordError):
        models.get("bdm", variant="bdm1985")


def test_positions_outside_the_scale_are_refused() -> None:
    with pytest.raises(AccordError, match="outside"):
        Bdm().run(arrays([1, 1], [0, 2], [0.5, 0.5]))
    # ... unless R comes from the positions
    Bdm(range_from="positions").run(arrays([1, 1], [0, 2], [0.5, 0.5]))
