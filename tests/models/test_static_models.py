"""Compromise (weighted mean) and weighted-median models: hand-worked cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord import models
from accord.models.median import condorcet_check
from accord.models.weights import effective_weight, weighted_median, weighted_median_bounds
from accord.scenario import Scenario


def one_issue(rows: list[tuple[float, float, float]]) -> Scenario:
    """rows = (capability, position, salience in 0-1)."""
    return Scenario.model_validate(
        {
            "title": "hand",
            "actors": [{"id": f"a{i}", "capability": c} for i, (c, _, _) in enumerate(rows)],
            "issues": [{"id": "x"}],
            "stances": [
                {"actor": f"a{i}", "issue": "x", "position": p, "salience": s}
                for i, (_, p, s) in enumerate(rows)
            ],
        }
    )


def test_compromise_by_hand() -> None:
    # weights c*s: 10*0.5=5, 20*1=20, 10*1=10; mean = (5*0 + 20*50 + 10*100)/35 = 2000/35
    scn = one_issue([(10, 0, 0.5), (20, 50, 1.0), (10, 100, 1.0)])
    assert models.get("compromise").run(scn).forecast_of("x") == 2000 / 35


def test_compromise_falls_back_to_capability_when_nobody_cares() -> None:
    scn = one_issue([(1, 0, 0.0), (3, 100, 0.0)])
    assert models.get("compromise").run(scn).forecast_of("x") == 75.0


def test_median_by_hand() -> None:
    # weights 5, 20, 10 at 0, 50, 100; total 35, half 17.5: cumulative 5, 25 -> median 50
    scn = one_issue([(10, 0, 0.5), (20, 50, 1.0), (10, 100, 1.0)])
    res = models.get("median").run(scn)
    assert res.forecast_of("x") == 50.0
    assert res.diagnostics["condorcet"][0, 0] == 50.0


def test_median_even_split_takes_the_midpoint_and_has_no_condorcet_winner() -> None:
    # two equal weights: each position ties with the other, no Condorcet winner; the lower
    # median is 20, the upper 80, the forecast their midpoint
    scn = one_issue([(1, 20, 1.0), (1, 80, 1.0)])
    res = models.get("median").run(scn)
    assert res.forecast_of("x") == 50.0
    assert np.isnan(res.diagnostics["condorcet"][0, 0])
    assert (res.diagnostics["lower"][0, 0], res.diagnostics["upper"][0, 0]) == (20.0, 80.0)


def test_median_even_split_by_hand() -> None:
    # weights c*s: 1 at 10, 1 at 30, 2 at 70 (total 4, half 2). Cumulative from below 1, 2, 4:
    # exactly half at 30 (lower median); from above 2, 3, 4: half at 70 (upper median).
    # Forecast (30 + 70) / 2 = 50. Mirrored (x -> 100 - x): weights 2 at 30, 1 at 70, 1 at 90;
    # lower 30, upper 70, forecast 50 = 100 - 50.
    rows = [(1.0, 10.0, 1.0), (2.0, 30.0, 0.5), (4.0, 70.0, 0.5)]
    assert models.get("median").run(one_issue(rows)).forecast_of("x") == 50.0
    mirrored = [(c, 100 - x, s) for c, x, s in rows]
    assert models.get("median").run(one_issue(mirrored)).forecast_of("x") == 50.0
    # 0.1 + 0.2 is not 0.3 in floating point: still an exact half (lower 10, upper 20)
    scn = one_issue([(1, 0, 0.1), (1, 10, 0.2), (1, 20, 0.3)])
    assert models.get("median").run(scn).forecast_of("x") == 15.0


def test_median_even_split_skips_positions_without_weight() -> None:
    # weights 1 at 0 and 1 at 100; the actor at 40 has no salience (weight 0): the upper median
    # is the next position *with weight*, 100, so the forecast is 50, not 20
    scn = one_issue([(1, 0, 1.0), (5, 40, 0.0), (1, 100, 1.0)])
    res = models.get("median").run(scn)
    assert res.forecast_of("x") == 50.0
    assert (res.diagnostics["lower"][0, 0], res.diagnostics["upper"][0, 0]) == (0.0, 100.0)
    # without an even split the median is an actor position and the Condorcet winner
    scn = one_issue([(1, 0, 1.0), (5, 40, 0.1), (1, 100, 1.0)])
    res = models.get("median").run(scn)
    assert res.forecast_of("x") == res.diagnostics["condorcet"][0, 0] == 40.0


def test_heavy_actor_is_median() -> None:
    scn = one_issue([(100, 10, 1.0), (1, 50, 1.0), (1, 90, 1.0)])
    assert models.get("median").run(scn).forecast_of("x") == 10.0


def _margin_against(x: np.ndarray, w: np.ndarray, other: float, m: float) -> float:
    """Return the weight nearer to ``other`` minus the weight nearer to ``m``."""
    d_other, d_m = np.abs(x - other), np.abs(x - m)
    return float(w[d_other < d_m].sum() - w[d_m < d_other].sum())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(0.1, 100), st.just(1.0)),
            # positions on a grid of quarters: distances are exact in binary floating point,
            # so a voter midway between two positions abstains as in real arithmetic; a coarse
            # grid also makes shared positions and even splits common
            st.one_of(st.integers(0, 400).map(lambda v: v / 4), st.sampled_from([0.0, 50.0])),
            st.one_of(st.floats(0.01, 1), st.just(0.5)),
        ),
        min_size=2,
        max_size=9,
    )
)
def test_weighted_median_is_condorcet_winner_in_one_dimension(
    rows: list[tuple[float, float, float]],
) -> None:
    c, x, s = (np.array([r[i] for r in rows])[None, :] for i in range(3))
    w = effective_weight(c, s)
    lower, upper = weighted_median_bounds(x, w)
    med = weighted_median(x, w)
    assert med[0] == 0.5 * (lower[0] + upper[0])
    total = w.sum()
    half = total / 2
    # L: at least half the weight at or below it, less than half strictly below; U mirrored
    assert w[0][x[0] <= lower[0]].sum() >= half * (1 - 1e-12)
    assert w[0][x[0] < lower[0]].sum() < half * (1 + 1e-12)
    assert w[0][x[0] >= upper[0]].sum() >= half * (1 - 1e-12)
    assert w[0][x[0] > upper[0]].sum() < half * (1 + 1e-12)
    # mirroring the positions mirrors the median (exact ties included)
    assert weighted_median(100 - x, w)[0] == pytest.approx(100 - med[0], abs=1e-9)
    winner = condorcet_check(x, w, med)
    if lower[0] == upper[0] and w[0][x[0] <= med[0]].sum() > half * (1 + 1e-9):
        # no even split: it beats every other position pairwise
        assert winner[0] == med[0]
    # in every case no position beats it (a weak Condorcet winner)
    for other in x[0]:
        assert _margin_against(x[0], w[0], other, med[0]) <= 1e-9 * total


def test_json_writes_nan_diagnostics_as_null() -> None:
    import json

    scn = one_issue([(1, 20, 1.0), (1, 80, 1.0)])  # no Condorcet winner: NaN diagnostic
    data = json.loads(models.get("median").run(scn).to_json())
    assert data["diagnostics"]["condorcet"] == [None]  # one issue, one draw
