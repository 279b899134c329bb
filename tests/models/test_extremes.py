"""Extreme but valid inputs: finite forecasts inside the scale, no NumPy warning, clear errors.

The inputs are built as arrays, so these checks hold whatever bounds the scenario loader puts
on files: the models themselves must not overflow, warn or return a non-finite forecast as a
success.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from accord import models
from accord.agreement import analyse
from accord.errors import AccordError
from accord.models.base import (
    Model,
    NonFiniteForecast,
    Output,
    invalid_draws,
    keep_non_finite,
    safe_units,
)
from accord.scenario import ScenarioArrays

NAMES = [*models.names(), "consensus"]


def model_named(name: str) -> Model:
    return models.Consensus() if name == "consensus" else models.get(name)


def arrays(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    lo: float,
    hi: float,
    status_quo: float | None = None,
) -> ScenarioArrays:
    """Return arrays (draws, actors, issues) on one scale shared by every issue."""
    d, n, k = position.shape
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)),
        issue_ids=tuple(f"i{j}" for j in range(k)),
        capability=np.broadcast_to(capability, (d, n)),
        position=position,
        salience=np.broadcast_to(salience, (d, n, k)),
        scale_min=np.full(k, lo),
        scale_max=np.full(k, hi),
        status_quo=np.full(k, np.nan if status_quo is None else status_quo),
    )


SCALES = [(0.0, 100.0), (0.0, 1e-6), (2015.0, 2015.0 + 1e-6), (0.0, 1e9), (-1e9, 1e9)]


def extreme_cases() -> Iterator[tuple[str, ScenarioArrays]]:
    """Yield (label, arrays): 3 draws, 3 issues, each case on every scale of ``SCALES``."""
    rng = np.random.default_rng(0)
    d, k = 3, 3
    for lo, hi in SCALES:
        for n in (1, 2, 8, 30) if hi - lo == 100.0 else (1, 2, 8):
            u = rng.uniform(size=(d, n, k))
            pos = np.clip(lo + (hi - lo) * u, lo, hi)
            sal = rng.uniform(0.05, 1.0, (d, n, k))
            ordinary = rng.uniform(1.0, 100.0, (d, n))
            spanning = np.exp(rng.uniform(np.log(1e-6), np.log(1e9), (d, n)))
            tag = f"[{lo:g}, {hi:g}] n={n}"
            yield f"capabilities 1e-6..1e9 {tag}", arrays(spanning, pos, sal, lo, hi, lo)
            yield f"saliences 1e-12 {tag}", arrays(ordinary, pos, np.full((d, n, k), 1e-12), lo, hi)
            yield f"no salience {tag}", arrays(ordinary, pos, np.zeros((d, n, k)), lo, hi)
            for where in (lo, hi, lo + (hi - lo) / 3):
                same = np.full((d, n, k), where)
                yield f"all at {where:g} {tag}", arrays(ordinary, same, sal, lo, hi)
            ends = np.where(u < 0.5, lo, hi)
            yield f"at the ends {tag}", arrays(spanning, ends, sal, lo, hi)
            yield f"capabilities 1e308 {tag}", arrays(np.full((d, n), 1e308), pos, sal, lo, hi)


CASES = list(extreme_cases())


@pytest.mark.parametrize("name", NAMES)
def test_no_warning_and_finite_forecasts_inside_the_scale(name: str) -> None:
    model = model_named(name)
    for label, arr in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any NumPy RuntimeWarning fails the test
            res = model.run(arr)
        lo, hi = arr.scale_min, arr.scale_max
        assert np.isfinite(res.forecast).all(), label
        assert np.all((res.forecast >= lo) & (res.forecast <= hi)), label
        assert np.all((res.trajectory >= lo) & (res.trajectory <= hi)), label


def test_the_agreement_analysis_does_not_warn_either() -> None:
    for label, arr in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            settled = analyse(arr).settle(arr.position[:, 0, :])
        assert settled.deal.shape == (arr.n_draws, arr.n_issues), label


@pytest.mark.parametrize("name", NAMES)
def test_huge_capabilities_give_the_symmetric_answer(name: str) -> None:
    # Two equal actors at 10 and 90 with capability 1e308: the answer is 50, as with 1 and 1.
    # (compromise and exchange used to return NaN, bicameral 100, bdm and median 10.)
    pos = np.array([[[10.0], [90.0]]])
    for cap in (1.0, 1e308):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            res = model_named(name).run(arrays(np.full((1, 2), cap), pos, 0.5, 0.0, 100.0))
        assert res.forecast[0, 0] == pytest.approx(50.0, abs=1e-9), cap


@pytest.mark.parametrize("name", NAMES)
def test_a_scale_of_plus_minus_1e308_gives_the_symmetric_answer(name: str) -> None:
    pos = np.array([[[-1e308], [0.0], [1e308]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = model_named(name).run(arrays(np.ones((1, 3)), pos, 0.5, -1e308, 1e308))
    assert res.forecast[0, 0] == 0.0
    np.testing.assert_array_equal(res.trajectory[0], pos)


def test_safe_units_leave_ordinary_inputs_alone_and_scale_by_powers_of_two() -> None:
    pos = np.array([[[10.0], [90.0]]])
    plain = arrays(np.array([[3.0, 5.0]]), pos, 0.5, 0.0, 100.0)
    same, shift = safe_units(plain)
    assert same is plain and not shift.any()
    huge = arrays(np.array([[3e300, 5e300]]), pos * 1e200, 0.5, 0.0, 1e202)
    work, shift = safe_units(huge)
    top = work.capability.max()
    assert 2.0**19 <= top < 2.0**20
    # a power of two: ratios are exact
    assert work.capability[0, 0] / work.capability[0, 1] == 3e300 / 5e300
    assert 1.0 <= work.scale_max[0] < 2.0
    assert np.ldexp(work.position, -shift).tolist() == huge.position.tolist()


@pytest.mark.parametrize("name", NAMES)
def test_forecasts_stay_inside_the_scale_when_every_position_is_at_its_end(name: str) -> None:
    # Every actor at 2015 on a 2015-2030 scale: the weighted mean used to be 2014.9999999999998.
    rng = np.random.default_rng(3)
    n = 7
    cap = rng.uniform(1, 100, (1, n))
    sal = rng.uniform(0.05, 1, (1, n, 2))
    for end in (2015.0, 2030.0):
        res = model_named(name).run(arrays(cap, np.full((1, n, 2), end), sal, 2015.0, 2030.0))
        assert np.all((res.forecast >= 2015.0) & (res.forecast <= 2030.0))
        np.testing.assert_allclose(res.forecast, end, rtol=0, atol=1e-9)
        assert np.all((res.trajectory >= 2015.0) & (res.trajectory <= 2030.0))
        for series in res.series.values():
            assert np.all((series >= 2015.0) & (series <= 2030.0))


class Fragile(Model):
    """A test model: the mean position, NaN on the second issue of every odd draw."""

    name = "fragile"
    summary = "test"
    reference = "test"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        d, _, k = arrays.position.shape
        forecast = arrays.position.mean(axis=1)
        if k > 1:
            forecast[1::2, 1] = np.nan
        return Output(
            trajectory=arrays.position[None],
            forecast=forecast,
            rounds=np.zeros((d, k), dtype=np.int64),
            converged=np.ones((d, k), dtype=np.bool_),
        )


def test_a_non_finite_forecast_is_an_error_naming_model_issue_and_draw() -> None:
    pos = np.repeat(np.array([[[10.0, 20.0], [90.0, 40.0]]]), 4, axis=0)
    data = arrays(np.ones((4, 2)), pos, 0.5, 0.0, 100.0)
    with pytest.raises(NonFiniteForecast) as caught:
        Fragile().run(data)
    err = caught.value
    assert isinstance(err, AccordError)
    assert (err.model, err.issue, err.draw, err.count, err.draws) == ("fragile", "i1", 1, 2, 4)
    assert "model 'fragile'" in str(err) and "issue 'i1'" in str(err) and "draw 1" in str(err)
    # asked for, the NaN comes back to be counted
    kept = Fragile().run(data, finite=False)
    assert invalid_draws(kept.forecast).tolist() == [False, True, False, True]
    with keep_non_finite():
        assert np.isnan(Fragile().run(data).forecast[1, 1])
    with pytest.raises(NonFiniteForecast):
        Fragile().run(data)  # the block is over


def test_a_consensus_member_without_a_finite_forecast_is_named() -> None:
    # every capability 0: the weighted means (compromise, bicameral) are undefined
    pos = np.array([[[10.0], [90.0]]])
    data = arrays(np.zeros((1, 2)), pos, 0.5, 0.0, 100.0)
    both = models.Consensus(models=("median", "compromise"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteForecast, match="model 'compromise' gave no finite forecast"):
            both.run(data)
        res = both.run(data, finite=False)
    assert np.isfinite(res.member("median").forecast).all()
    assert np.isnan(res.member("compromise").forecast).all()
    assert np.isnan(res.forecast).all()  # the median of a NaN and a number is not a forecast
