"""``to_frame()``: a tidy pandas table on every result, its values those of the result's arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from accord import models
from accord.analysis import levers, montecarlo, sensitivity
from accord.forecast import build_models, forecast
from accord.process import Design, compare
from accord.scenario import Scenario
from tests.factories import random_scenario


@pytest.fixture(scope="module")
def scn() -> Scenario:
    return random_scenario(11, n_actors=4, n_issues=3)


def test_result_frame_is_one_row_per_draw_and_issue(scn: Scenario) -> None:
    result = models.get("bdm", rounds=4).run(scn.to_arrays().repeat(3))
    frame = result.to_frame()
    assert list(frame.columns) == ["draw", "issue", "forecast", "rounds", "converged", "model"]
    d, k = result.forecast.shape
    assert len(frame) == d * k
    for row in frame.itertuples():
        j = result.issue_ids.index(row.issue)
        assert row.forecast == result.forecast[row.draw, j]
        assert row.rounds == result.rounds[row.draw, j]
        assert row.converged == result.converged[row.draw, j]
    assert set(frame["model"]) == {"bdm"}


def test_forecast_frame_stacks_the_models(scn: Scenario) -> None:
    fc = forecast(scn, build_models(["compromise", "median"]))
    frame = fc.to_frame()
    assert len(frame) == 2 * len(scn.issues)
    assert list(frame["model"].unique()) == ["compromise", "median"]
    assert (
        fc.result("median").forecast_of("i1")
        == frame.query("model == 'median' and issue == 'i1'")["forecast"].item()
    )


def test_montecarlo_frames(scn: Scenario) -> None:
    res = montecarlo.run(scn, models.get("compromise"), draws=40, spread=0.1, deal=True)
    frame = res.to_frame()
    assert list(frame["issue"]) == list(scn.issue_ids)
    assert {"mean", "median", "low80", "high80", "low95", "high95", "converged", "p_deal"} <= set(
        frame.columns
    )
    for row, s, d in zip(frame.itertuples(), res.summaries, res.deals, strict=True):
        assert (row.mean, row.median, row.low95, row.high80) == (
            s.mean,
            s.median,
            s.interval95[0],
            s.interval80[1],
        )
        assert row.p_deal == d.p_deal and row.expected == d.expected.mean
    draws = res.draws_frame()
    assert list(draws.columns) == ["draw", "issue", "forecast", "outcome"]
    assert len(draws) == 40 * len(scn.issues)
    wide = draws.pivot(index="draw", columns="issue", values="forecast")[list(scn.issue_ids)]
    np.testing.assert_array_equal(wide.to_numpy(), res.forecasts)


def test_tornado_frame(scn: Scenario) -> None:
    t = sensitivity.tornado(scn, models.get("compromise"), spread=0.1)
    frame = t.to_frame()
    assert len(frame) == len(t.inputs) * len(scn.issues)
    first = frame[frame["issue"] == "i0"]
    assert list(first["rank"]) == list(range(1, len(t.inputs) + 1))
    assert list(first["input"]) == [t.inputs[i].name for i in t.ranked("i0")]
    i = t.ranked("i0")[0]
    top = first.iloc[0]
    assert (top["forecast_low"], top["forecast_high"], top["swing"], top["base"]) == (
        t.at_low[i, 0],
        t.at_high[i, 0],
        t.swing[i, 0],
        t.base[0],
    )


def test_sobol_frame(scn: Scenario) -> None:
    pytest.importorskip("SALib")
    s = sensitivity.sobol(scn, models.get("compromise"), samples=8, spread=0.1)
    frame = s.to_frame()
    assert len(frame) == len(s.inputs) * len(scn.issues)
    assert {"S1", "S1_conf", "ST", "ST_conf", "variance"} <= set(frame.columns)
    row = frame[(frame["issue"] == "i2") & (frame["rank"] == 1)].iloc[0]
    i = s.ranked("i2")[0]
    assert (row["input"], row["ST"], row["S1"]) == (s.inputs[i].name, s.total[i, 2], s.first[i, 2])


def test_levers_frame(scn: Scenario) -> None:
    lv = levers.levers(scn, "a0", models.get("compromise"))
    frame = lv.to_frame()
    assert len(frame) == len(scn.actors) * 3 * len(scn.issues)  # every actor, kind and issue
    own = frame[frame["own"]]
    assert set(own["actor"]) == {"a0"} and len(own) == 3 * len(scn.issues)
    issue = lv.issues[0]
    best_actor = issue.ranking()[0][0]
    assert frame[(frame["issue"] == issue.issue) & ~frame["own"]].iloc[0]["actor"] == best_actor
    lever = issue.own[0]
    row = own[(own["issue"] == issue.issue) & (own["kind"] == lever.kind)].iloc[0]
    assert (row["slope"], row["gain_up"], row["best"]) == (lever.slope, lever.gain_up, lever.best)


def test_comparison_frame_is_its_table(scn: Scenario) -> None:
    design = Design.model_validate(
        {"id": "pair-first", "name": "pair first", "stages": [{"forum": ["a0", "a1"]}, {}]}
    )
    cmp = compare(scn, [design], models.get("compromise"))
    frame = cmp.to_frame()
    pd.testing.assert_frame_equal(frame, cmp.table())
    assert list(frame["design"].unique()) == ["baseline", "pair-first"]
    assert len(frame) == 2 * (len(scn.issues) + 1)  # per issue, and overall
