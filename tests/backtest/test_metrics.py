from __future__ import annotations

import math

import numpy as np
import pytest

from accord.backtest.metrics import Resamples, point, summary, weighted_stats


def test_point_metrics_by_hand() -> None:
    m = point(np.array([1.0, 2.0, 3.0, 10.0, 20.0]))
    assert m["mae"] == pytest.approx(7.2)
    assert m["rmse"] == pytest.approx(math.sqrt(514 / 5))
    assert m["median_ae"] == 3.0
    assert m["within10"] == pytest.approx(0.8)
    assert point(np.array([4.0, 1.0, 3.0, 2.0]))["median_ae"] == 2.5


def test_weighted_stats_equal_the_expanded_sample() -> None:
    rng = np.random.default_rng(1)
    ae = rng.uniform(0, 50, 9)
    w = rng.integers(0, 4, (50, 9)).astype(float)
    w[:, 0] += 1
    got = weighted_stats(ae, w)
    for b in range(50):
        x = np.repeat(ae, w[b].astype(int))
        assert got["mae"][b] == pytest.approx(x.mean())
        assert got["rmse"][b] == pytest.approx(np.sqrt((x**2).mean()))
        assert got["median_ae"][b] == pytest.approx(np.median(x))
        assert got["within10"][b] == pytest.approx((x <= 10).mean())


def test_resamples_are_clusters_and_deterministic() -> None:
    clusters = ["a", "a", "b", "c", "c", "c"]
    r1 = Resamples.draw(clusters, 200, [5, 0])
    r2 = Resamples.draw(clusters, 200, [5, 0])
    np.testing.assert_array_equal(r1.weight, r2.weight)
    assert not np.array_equal(r1.weight, Resamples.draw(clusters, 200, [6, 0]).weight)
    # issues of one proposal are always drawn together, and three proposals per resample
    np.testing.assert_array_equal(r1.weight[:, 0], r1.weight[:, 1])
    np.testing.assert_array_equal(r1.weight[:, 3], r1.weight[:, 5])
    np.testing.assert_array_equal(r1.weight[:, [0, 2, 3]].sum(axis=1), 3)


def test_summary_and_paired_difference() -> None:
    rng = np.random.default_rng(0)
    ae = rng.uniform(0, 40, 60)
    clusters = [f"p{k // 3}" for k in range(60)]
    rs = Resamples.draw(clusters, 500, 0)
    s = summary(ae, rs)
    assert s["mae"]["value"] == pytest.approx(ae.mean())
    assert s["mae"]["lo"] < ae.mean() < s["mae"]["hi"]
    same = summary(ae, rs, base_ae=ae)
    assert all(same[k] == {"value": 0.0, "lo": 0.0, "hi": 0.0} for k in same)
    better = summary(ae - 5, rs, base_ae=ae)["mae"]
    assert better["value"] == pytest.approx(-5)
    assert better["lo"] == pytest.approx(-5)
    assert better["hi"] == pytest.approx(-5)


def test_missing_forecasts_are_left_out() -> None:
    ae = np.array([1.0, np.nan, 3.0])
    rs = Resamples.draw(["a", "b", "c"], 100, 0)
    assert summary(ae, rs)["mae"]["value"] == 2.0
    diff = summary(ae, rs, base_ae=np.array([2.0, 7.0, 2.0]))
    assert diff["mae"]["value"] == 0.0
