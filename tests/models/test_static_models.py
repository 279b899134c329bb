"""Compromise (weighted mean) and weighted-median models: hand-worked cases and properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord import models
from accord.models.median import condorcet_check
from accord.models.weights import effective_weight, weighted_median
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


def test_median_exact_half_takes_lower_and_has_no_condorcet_winner() -> None:
    # two equal weights: each position ties with the other, no Condorcet winner
    scn = one_issue([(1, 20, 1.0), (1, 80, 1.0)])
    res = models.get("median").run(scn)
    assert res.forecast_of("x") == 20.0
    assert np.isnan(res.diagnostics["condorcet"][0, 0])


def test_heavy_actor_is_median() -> None:
    scn = one_issue([(100, 10, 1.0), (1, 50, 1.0), (1, 90, 1.0)])
    assert models.get("median").run(scn).forecast_of("x") == 10.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.1, 100), st.floats(0, 100), st.floats(0.01, 1)),
        min_size=2,
        max_size=9,
    )
)
def test_weighted_median_is_condorcet_winner_in_one_dimension(rows) -> None:
    c, x, s = (np.array([r[i] for r in rows])[None, :] for i in range(3))
    w = effective_weight(c, s)
    med = weighted_median(x, w)
    winner = condorcet_check(x, w, med)
    below = w[0][x[0] <= med[0]].sum()
    strictly_below = w[0][x[0] < med[0]].sum()
    total = w.sum()
    # the lower weighted median: at least half the weight at or below, less than half strictly below
    assert below >= total / 2 * (1 - 1e-12)
    assert strictly_below < total / 2 * (1 + 1e-12)
    # whenever no exact split at the median exists, it beats every other position pairwise
    if below > total / 2 * (1 + 1e-9):
        assert winner[0] == med[0]


def test_json_writes_nan_diagnostics_as_null() -> None:
    import json

    scn = one_issue([(1, 20, 1.0), (1, 80, 1.0)])  # no Condorcet winner: NaN diagnostic
    data = json.loads(models.get("median").run(scn).to_json())
    assert data["diagnostics"]["condorcet"] == [None]  # one issue, one draw
