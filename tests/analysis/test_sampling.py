"""Draws of uncertain inputs: distributions, bloc correlation, reproducibility."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest
from scipy import stats

from accord import AccordError
from accord.analysis import Input
from accord.analysis.sampling import (
    SAMPLE_BLOCK,
    block_seed,
    correlation_groups,
    draw_block_range,
    quantiles,
    sample,
)

N = 40_000


def make(
    dist: str = "uniform",
    low: float = 10.0,
    point: float = 30.0,
    high: float = 80.0,
    *,
    actor: str = "a",
    issue: str | None = "i",
    kind: str = "position",
    bloc: str | None = None,
) -> Input:
    name = f"{kind}:{actor}" + (f":{issue}" if issue else "")
    return Input(name, kind, actor, issue, point, low, high, dist, bloc)  # type: ignore[arg-type]


def moments(dist: str, a: float, m: float, b: float) -> tuple[float, float]:
    """Textbook mean and variance."""
    if dist == "uniform":
        return (a + b) / 2, (b - a) ** 2 / 12
    if dist == "triangular":
        return (a + m + b) / 3, (a * a + m * m + b * b - a * m - a * b - m * b) / 18
    mean = (a + 4 * m + b) / 6
    alpha, beta = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
    return mean, (b - a) ** 2 * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))


@pytest.mark.parametrize("dist", ["uniform", "triangular", "pert"])
@pytest.mark.parametrize("mode", [10.0, 30.0, 80.0])
def test_moments_and_bounds(dist: str, mode: float) -> None:
    inp = make(dist, point=mode)
    x = sample([inp], N, np.random.default_rng(1))[:, 0]
    mean, var = moments(dist, inp.low, mode, inp.high)
    sd = math.sqrt(var)
    assert x.min() >= inp.low and x.max() <= inp.high
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(N)
    assert x.var() == pytest.approx(var, rel=0.04)
    if dist == "pert":  # the PERT mean as PERT users know it
        assert mean == pytest.approx((inp.low + 4 * mode + inp.high) / 6)


@pytest.mark.parametrize("dist", ["triangular", "pert"])
def test_the_point_value_is_the_mode(dist: str) -> None:
    inp = make(dist, low=0.0, point=70.0, high=100.0)
    x = sample([inp], 200_000, np.random.default_rng(2))[:, 0]
    counts, edges = np.histogram(x, bins=20, range=(0, 100))
    peak = int(np.argmax(counts))
    assert edges[peak] <= 70.0 <= edges[peak + 1]


@pytest.mark.parametrize("dist", ["uniform", "triangular", "pert"])
def test_quantiles_match_scipy(dist: str) -> None:
    inp = make(dist, low=-2.0, point=1.0, high=6.0)
    u = np.linspace(0, 1, 101)[:, None]
    got = quantiles([inp], u)[:, 0]
    loc, scale = -2.0, 8.0
    if dist == "uniform":
        ref = stats.uniform(loc, scale).ppf(u[:, 0])
    elif dist == "triangular":
        ref = stats.triang((1.0 + 2.0) / 8, loc, scale).ppf(u[:, 0])
    else:
        ref = stats.beta(1 + 4 * 3 / 8, 1 + 4 * 5 / 8, loc, scale).ppf(u[:, 0])
    np.testing.assert_allclose(got, ref, atol=1e-9)


def test_quantile_route_and_beta_route_agree_for_pert() -> None:
    inp = make("pert", low=0.0, point=20.0, high=50.0)
    fast = sample([inp], N, np.random.default_rng(3))[:, 0]
    exact = quantiles([inp], np.random.default_rng(4).random((N, 1)))[:, 0]
    assert stats.ks_2samp(fast, exact).pvalue > 0.001


def test_zero_width_inputs_stay_put() -> None:
    inputs = [
        make(d, low=5.0, point=5.0, high=5.0, actor=d) for d in ("uniform", "triangular", "pert")
    ]
    x = sample(inputs, 100, np.random.default_rng(0), bloc_correlation=0.5)
    assert (x == 5.0).all()


def test_saliences_never_leave_0_1() -> None:
    inp = make("pert", low=0.3, point=1.0, high=1.0, kind="salience")
    x = sample([inp], N, np.random.default_rng(5))
    assert x.max() <= 1.0 and x.min() >= 0.3


def bloc_inputs() -> list[Input]:
    return [
        make("uniform", actor="a", bloc="west"),
        make("pert", actor="b", bloc="west"),
        make("triangular", actor="c", bloc="west"),
        make("uniform", actor="d", bloc="east"),
        make("uniform", actor="e", bloc=None),
        make("uniform", actor="a", issue="j", bloc="west"),
        make("uniform", actor="a", kind="salience", low=0.1, point=0.5, high=0.9, bloc="west"),
        make("uniform", actor="b", kind="salience", low=0.1, point=0.5, high=0.9, bloc="west"),
    ]


def test_groups_are_same_kind_issue_and_bloc() -> None:
    assert correlation_groups(bloc_inputs()).tolist() == [0, 0, 0, -1, -1, -1, 1, 1]


@pytest.mark.parametrize("rho", [0.3, 0.8])
def test_correlation_within_a_bloc_is_measured(rho: float) -> None:
    x = sample(bloc_inputs(), N, np.random.default_rng(6), bloc_correlation=rho)
    spearman = stats.spearmanr(x).statistic
    expected = 6 / math.pi * math.asin(rho / 2)  # rank correlation of a Gaussian copula
    for i, j in [(0, 1), (0, 2), (1, 2), (6, 7)]:
        assert spearman[i, j] == pytest.approx(expected, abs=0.025), (i, j)
    for i, j in [(0, 3), (0, 4), (0, 5), (0, 6), (3, 4)]:  # other bloc / issue / kind
        assert abs(spearman[i, j]) < 0.025, (i, j)
    # every input keeps its own distribution under the copula
    uniform = (x[:, 0] - 10.0) / 70.0
    assert stats.kstest(uniform, "uniform").pvalue > 0.001
    alpha, beta = 1 + 4 * 20 / 70, 1 + 4 * 50 / 70
    assert stats.kstest((x[:, 1] - 10) / 70, "beta", args=(alpha, beta)).pvalue > 0.001


def test_no_correlation_by_default() -> None:
    x = sample(bloc_inputs(), N, np.random.default_rng(7))
    assert abs(stats.spearmanr(x[:, 0], x[:, 1]).statistic) < 0.025


@pytest.mark.parametrize("rho", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_correlation(rho: float) -> None:
    with pytest.raises(AccordError, match=r"--bloc-correlation must lie in \[0, 1\)"):
        sample(bloc_inputs(), 10, np.random.default_rng(0), bloc_correlation=rho)


def test_reproducible_from_the_seed() -> None:
    inputs = bloc_inputs()
    a = draw_block_range(inputs, 0, 700, seed=7, bloc_correlation=0.4)
    b = draw_block_range(inputs, 0, 700, seed=7, bloc_correlation=0.4)
    c = draw_block_range(inputs, 0, 700, seed=8, bloc_correlation=0.4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    "cuts", [[0, 1000], [0, 1, 999, 1000], [0, 250, 500, 1000], [0, 333, 666, 1000]]
)
def test_draws_do_not_depend_on_how_they_are_cut(cuts: list[int]) -> None:
    inputs = bloc_inputs()
    whole = draw_block_range(inputs, 0, 1000, seed=3, bloc_correlation=0.5)
    parts = [draw_block_range(inputs, a, b, 3, 0.5) for a, b in pairwise(cuts)]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_block_seeds_are_spawned_children() -> None:
    children = np.random.SeedSequence(11).spawn(3)
    # our blocks live under branch 0 of the spawn tree: SeedSequence(11).spawn(1)[0].spawn(...)
    branch = np.random.SeedSequence(11, spawn_key=(0,)).spawn(3)
    for b in range(3):
        assert block_seed(11, b).generate_state(4).tolist() == branch[b].generate_state(4).tolist()
    assert block_seed(11, 0).generate_state(4).tolist() != children[0].generate_state(4).tolist()
    first = draw_block_range(bloc_inputs(), 0, SAMPLE_BLOCK, 11)
    again = sample(bloc_inputs(), SAMPLE_BLOCK, np.random.default_rng(branch[0]))
    np.testing.assert_array_equal(first, again)


def test_bad_ranges_and_seeds() -> None:
    with pytest.raises(ValueError, match="bad draw range"):
        draw_block_range(bloc_inputs(), 5, 2, seed=0)
    with pytest.raises(AccordError, match="seed"):
        draw_block_range(bloc_inputs(), 0, 2, seed=-1)
    with pytest.raises(AccordError, match="draws"):
        sample(bloc_inputs(), -1, np.random.default_rng(0))
