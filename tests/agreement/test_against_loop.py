"""The vectorised agreement analysis against the slow loop reference (tests/reference)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord import agreement
from accord.scenario import ScenarioArrays
from tests.reference import agreement_loop as ref


def random_arrays(seed: int, draws: int, n: int, k: int) -> ScenarioArrays:
    """Random problems on 0-100 scales: positions, saliences and outside options per draw."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (draws, n, k))
    sal = rng.uniform(0.05, 1.0, (draws, n, k))
    res = rng.uniform(0, 100, (draws, n, k))
    res[rng.random((draws, n, k)) < 0.3] = np.nan  # these follow the no-deal outcome
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)),
        issue_ids=tuple(f"i{j}" for j in range(k)),
        capability=rng.uniform(1, 10, (draws, n)),
        position=pos,
        salience=sal,
        scale_min=np.zeros(k),
        scale_max=np.full(k, 100.0),
        status_quo=rng.uniform(0, 100, k),
        reservation=res,
    )


def members_of(arrays: ScenarioArrays, d: int, issues: list[int]) -> list:
    out = []
    outside = arrays.outside_option
    for a in range(arrays.n_actors):
        p = [arrays.position[d, a, j] / 100 for j in issues]
        s = [arrays.salience[d, a, j] for j in issues]
        o = [outside[d, a, j] / 100 for j in issues]
        out.append((p, s, ref.stake(p, s, o)))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_one_issue_zones_match_the_intervals(seed: int) -> None:
    arrays = random_arrays(seed, draws=60, n=5, k=2)
    result = agreement.analyse(arrays)
    model_point = np.random.default_rng(seed + 100).uniform(0, 100, (60, 2))
    settled = result.settle(model_point)
    for d in range(60):
        for j, issue in enumerate(arrays.issue_ids):
            zone = result.zone_of(issue)
            line = [(p[0], s[0], b) for p, s, b in members_of(arrays, d, [j])]
            expected = ref.line_zone(line)
            level = zone.level[d]
            if abs(level) < 1e-6:  # too thin to compare existence
                continue
            assert zone.exists[d] == (expected is not None), (seed, d, issue)
            if expected is None:
                assert math.isnan(settled.settlement[d, j])
                # pivotal: removing the actor alone opens the zone
                for a in range(arrays.n_actors):
                    alone = ref.line_zone(line[:a] + line[a + 1 :])
                    if alone is not None and alone[1] - alone[0] > 1e-6:
                        assert zone.pivotal[d, a], (seed, d, issue, a)
                continue
            assert zone.span_low[d, 0] == pytest.approx(100 * expected[0], abs=1e-6)
            assert zone.span_high[d, 0] == pytest.approx(100 * expected[1], abs=1e-6)
            want = 100 * ref.settle_line(model_point[d, j] / 100, expected)
            assert settled.settlement[d, j] == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_linked_issues_match_slsqp(seed: int) -> None:
    arrays = random_arrays(seed + 10, draws=12, n=4, k=2)
    result = agreement.analyse(arrays, tracks=[arrays.issue_ids])
    zone = result.zone_of("i0")
    model_point = np.random.default_rng(seed).uniform(0, 100, (12, 2))
    settled = result.settle(model_point)
    for d in range(12):
        members = members_of(arrays, d, [0, 1])
        r = ref.minimax_value(members, 2)
        assert zone.level[d] == pytest.approx(r, abs=1e-6)
        if abs(r) > 1e-5:
            assert zone.exists[d] == (r < 0)
        if zone.exists[d]:
            centre = list(zone.centre[d] / 100)
            want = ref.settle_segment(list(model_point[d] / 100), centre, members)
            np.testing.assert_allclose(settled.settlement[d], 100 * np.array(want), atol=1e-6)
