"""The SMP's compiled kernels against the NumPy reference path (accord.models.smp.kernel)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import accord.models.smp  # noqa: F401  (registers "smp")
from accord.models import compiled
from accord.models.smp import SMP, SMPParams, kernel
from accord.models.smp.bargain import bargain_values
from accord.models.smp.challenge import all_challenges, best_challenges, choose_targets
from accord.models.smp.params import KTAB_CODES
from accord.models.smp.pce import coalitions, pce, victory
from accord.models.smp.turn import PICK_TOL, Context, evaluate_state
from accord.models.smp.utility import distance_matrix, distance_weights, perceived_risk
from accord.scenario import ScenarioArrays, load
from tests.factories import random_scenario

ROOT = Path(__file__).resolve().parents[2]
KTAB = ROOT / "data" / "ktab"
KTAB_FILES = [
    "ktab_SOE-Pol-Comp.csv",
    "ktab_SOE-Policy.csv",
    "ktab_SOE-Competitive.csv",
    "ktab_dummyData_3Dim.csv",
    "ktab_dummyData_6Dim.csv",
    "ktab_dummyData-a040.csv",
    "ktab_dummyData-a080.csv",
]
needs_numba = pytest.mark.skipif(not compiled.enabled(), reason="Numba off or not installed")


@pytest.fixture
def forced() -> Iterator[None]:
    """Restore the size rule after a test that forces one path."""
    old = kernel.force(None)
    yield
    kernel.force(old)


def run_both(arrays: ScenarioArrays, params: SMPParams) -> tuple[object, object]:
    """Run the SMP on the NumPy path, then with the kernels forced on every call."""
    model = SMP(**params.model_dump())
    kernel.force(False)
    ref = model.run(arrays, rng=3)
    kernel.force(True)
    fast = model.run(arrays, rng=3)
    kernel.force(None)
    return ref, fast


def assert_same(ref: object, fast: object) -> None:
    """Same number of states, same positions, forecasts and probabilities to 1e-9."""
    assert fast.trajectory.shape == ref.trajectory.shape  # type: ignore[attr-defined]
    assert np.array_equal(fast.rounds, ref.rounds)  # type: ignore[attr-defined]
    assert np.array_equal(fast.converged, ref.converged)  # type: ignore[attr-defined]
    for name in ("trajectory", "forecast", "final_positions"):
        np.testing.assert_allclose(
            getattr(fast, name), getattr(ref, name), rtol=0, atol=1e-9, err_msg=name
        )
    for name in ("win_probability_by_turn", "modal"):
        np.testing.assert_allclose(
            fast.diagnostics[name],  # type: ignore[attr-defined]
            ref.diagnostics[name],  # type: ignore[attr-defined]
            rtol=0,
            atol=1e-9,
            err_msg=name,
        )


@needs_numba
@pytest.mark.parametrize("name", KTAB_FILES)
def test_ktab_examples_same_on_both_paths(name: str, forced: None) -> None:
    arrays = load(KTAB / name).to_arrays()
    ref, fast = run_both(arrays, SMPParams())
    assert_same(ref, fast)


@needs_numba
@pytest.mark.parametrize("seed", range(6))
def test_random_scenarios_same_on_both_paths(seed: int, forced: None) -> None:
    arrays = random_scenario(seed, n_actors=5 + 7 * seed, n_issues=1 + seed % 3).to_arrays()
    ref, fast = run_both(arrays, SMPParams())
    assert_same(ref, fast)


OPTIONS = [
    (name, value)
    for name, values in KTAB_CODES.items()
    for value in values
    if value != SMPParams.model_fields[name].default and (name, value) != ("big_r_adjust", "full")
]


@needs_numba
@pytest.mark.parametrize(("name", "value"), OPTIONS, ids=str)
def test_every_option_same_on_both_paths(name: str, value: str, forced: None) -> None:
    arrays = random_scenario(40, n_actors=9, n_issues=2).to_arrays()
    ref, fast = run_both(arrays, SMPParams(**{name: value}))
    assert_same(ref, fast)


@needs_numba
def test_batch_of_draws_same_on_both_paths(forced: None) -> None:
    arrays = load(KTAB / "ktab_SOE-Pol-Comp.csv").to_arrays().repeat(12)
    rng = np.random.default_rng(4)
    arrays = arrays.with_values(
        capability=arrays.capability * rng.uniform(0.8, 1.2, arrays.capability.shape)
    )
    ref, fast = run_both(arrays, SMPParams())
    assert_same(ref, fast)


def random_state(b: int, n: int, k: int, seed: int) -> tuple[np.ndarray, ...]:
    """dist, R^h, omega and sigma of a random state (the inputs of the challenge step)."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(1, 10, (b, n))
    sal = rng.uniform(0.02, 1.0 / k, (b, n, k))
    x = rng.uniform(0, 1, (b, n, k))
    x[:, 1] = x[:, 0]  # two actors at one position: gains of exactly zero
    ctx = Context.build(cap, sal)
    state = evaluate_state(ctx, x, SMPParams())
    r_h = perceived_risk(state.risk, "one_third")
    return state.dist, r_h, ctx.omega, ctx.sigma


RULES = list(KTAB_CODES["voting_rule"])


@needs_numba
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("commit", ["semi", "no"])
def test_challenge_kernels_equal_numpy(rule: str, commit: str) -> None:
    for b, n, k, seed in ((3, 5, 2, 1), (2, 23, 1, 2), (1, 70, 3, 3)):
        dist, r_h, omega, sigma = random_state(b, n, k, seed)
        phi, gain = all_challenges(dist, r_h, omega, sigma, rule, commit)  # type: ignore[arg-type]
        phi_k, gain_k = kernel.all_challenges(dist, r_h, omega, sigma, rule, commit == "semi")
        np.testing.assert_allclose(phi_k, phi, rtol=0, atol=1e-12)
        np.testing.assert_allclose(gain_k, gain, rtol=0, atol=1e-12)
        target, has = choose_targets(gain)
        phi_t = np.take_along_axis(phi, target[..., None], axis=-1)[..., 0]
        gain_t = np.take_along_axis(gain, target[..., None], axis=-1)[..., 0]
        for bound in (False, True):
            t_k, has_k, phi_tk, gain_tk, evaluated = kernel.targets(
                dist, r_h, omega, sigma, rule, commit == "semi", bound
            )
            assert np.array_equal(t_k, target) and np.array_equal(has_k, has)
            np.testing.assert_allclose(phi_tk, phi_t, rtol=0, atol=1e-12)
            np.testing.assert_allclose(gain_tk, gain_t, rtol=0, atol=1e-12)
            assert (evaluated <= n).all() and (bound or (evaluated == n).all())


@needs_numba
def test_bounding_skips_targets_and_keeps_the_choice() -> None:
    dist, r_h, omega, sigma = random_state(1, 160, 1, 7)
    full = kernel.targets(dist, r_h, omega, sigma, "prop", True, False)
    bounded = kernel.targets(dist, r_h, omega, sigma, "prop", True, True)
    for a, b in zip(full[:4], bounded[:4], strict=True):
        assert np.array_equal(a, b)
    assert bounded[4].mean() < 0.8 * 160  # a good share of the targets is never evaluated


@needs_numba
@pytest.mark.parametrize("rule", RULES)
def test_coalition_kernel_equals_numpy(rule: str, forced: None) -> None:
    rng = np.random.default_rng(11)
    for r, n, m in ((7, 9, 4), (2, 31, 30), (1, 12, 1)):
        weight = rng.uniform(0, 5, (r, n))
        util = rng.uniform(0, 1, (r, n, m))
        util[:, :, -1] = util[:, :, 0]  # equal utilities: zero votes
        kernel.force(False)
        ref = coalitions(weight, util, rule)  # type: ignore[arg-type]
        kernel.force(True)
        fast = coalitions(weight, util, rule)  # type: ignore[arg-type]
        np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-15)


@needs_numba
@pytest.mark.parametrize(
    ("b", "n", "k", "views"),
    [(3, 17, 4, 1), (2, 9, 1, 2), (2, 6, 8, 2), (1, 5, 13, 1), (4, 7, 3, 2)],
)
def test_distance_and_bargain_kernels_are_bit_identical(
    b: int, n: int, k: int, views: int, forced: None
) -> None:
    # the kernels add a distance's K terms in NumPy's order (one by one below 8, eight running
    # sums up to 128), so the two paths agree exactly, not just to rounding
    rng = np.random.default_rng(100 * n + k)
    x = rng.uniform(0, 1, (b, n, k))
    sal = rng.uniform(0, 1, (b, n, k)) * np.exp(rng.normal(0, 3, (b, n, k)))
    sal[0, 0] = 0.0  # an actor with no salience measures with equal weights
    s2 = distance_weights(sal)
    r = rng.uniform(-1, 1, (b, n))
    u_true = rng.uniform(0, 1, (b, n, n))
    target = rng.integers(0, n, (b, n))
    b_init = rng.uniform(0, 1, (b, n, views, k))
    b_rcvr = rng.uniform(
        -0.5, 1.5, (b, n, views, k)
    )  # a distance above 1 takes beta's other branch
    kernel.force(False)
    d_ref = distance_matrix(x, s2, x)
    sq_ref, v_ref = bargain_values(x, s2, r, u_true, target, b_init, b_rcvr)
    kernel.force(True)
    d_fast = distance_matrix(x, s2, x)
    sq_fast, v_fast = bargain_values(x, s2, r, u_true, target, b_init, b_rcvr)
    assert v_fast.shape == v_ref.shape == (b, n, n, views)
    assert np.array_equal(d_fast, d_ref)
    assert np.array_equal(sq_fast, sq_ref)
    assert np.array_equal(v_fast, v_ref)


@needs_numba
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("vp", ["linear", "square", "quartic", "octic", "binary"])
def test_option_election_kernel_equals_the_pce(rule: str, vp: str, forced: None) -> None:
    # every (draw, actor) elects among the status quo and its involved bargains: the compiled
    # pass must pick what pce() on the same utilities picks, with the same probability
    rng = np.random.default_rng(len(rule) * 10 + len(vp))
    b, n, options = 3, 7, 14
    weight = rng.uniform(0, 5, (b, n))
    sq_val = rng.uniform(0, 1, (b, n))
    val = rng.uniform(0, 1, (b, n, options))
    val[0, :, 3] = sq_val[0]  # an option worth exactly the status quo to everyone: a tie
    count = rng.integers(0, options + 1, b * n)
    count[:3] = (0, 1, options)
    involved = np.concatenate([np.sort(rng.choice(options, c, replace=False)) for c in count])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    kernel.force(True)
    pick, prob = kernel.option_elections(
        weight, sq_val, val, involved, first, count, rule, vp, PICK_TOL
    )
    for t in range(b * n):
        d, m = t // n, int(count[t])
        opts = involved[first[t] : first[t] + m]
        util = np.concatenate([sq_val[d][:, None], val[d][:, opts]], axis=1)[None]
        p = pce(weight[d][None], util, rule, vp, "conditional")[0]  # type: ignore[arg-type]
        want = int(np.argmax(p >= p.max() - PICK_TOL))
        assert pick[t] == want, t
        assert prob[t] == pytest.approx(p[want], rel=1e-12, abs=1e-300)


@needs_numba
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("vp", ["linear", "square", "quartic", "octic", "binary"])
def test_election_kernel_equals_numpy(rule: str, vp: str, forced: None) -> None:
    rng = np.random.default_rng(len(rule) + 7 * len(vp))
    for r, n, m in ((5, 9, 4), (2, 20, 17), (3, 6, 2)):
        weight = rng.uniform(0, 5, (r, n))
        util = rng.uniform(0, 1, (r, n, m))
        util[:, :, -1] = util[:, :, 0]  # two options every voter values alike
        kernel.force(False)
        ref = pce(weight, util, rule, vp, "conditional")  # type: ignore[arg-type]
        kernel.force(True)
        fast = pce(weight, util, rule, vp, "conditional")  # type: ignore[arg-type]
        # probabilities in [0, 1]; the binary victory model's (2.1 ratio - 1) / 0.1 magnifies
        # rounding in the tiny ones (1e-93 may differ by 3e-12 of itself)
        np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-15)


@needs_numba
@pytest.mark.parametrize("rule", ["prop", "asym_prosp", "cubic"])
def test_both_routes_of_the_election_kernel_are_bit_identical(
    rule: str, monkeypatch: pytest.MonkeyPatch, forced: None
) -> None:
    # many elections: each on its own core; few: each election's sums across cores. The two
    # routes add the same numbers in the same order, so the route never changes a result
    rng = np.random.default_rng(4)
    weight = rng.uniform(0, 5, (40, 18))
    util = rng.uniform(0, 1, (40, 18, 18))
    kernel.force(True)
    monkeypatch.setattr(kernel, "ROWS_PER_CORE", 0)
    rows = kernel.elections(weight, util, rule, "linear")
    monkeypatch.setattr(kernel, "ROWS_PER_CORE", 10**9)
    for parallel_work in (0, float("inf")):
        monkeypatch.setattr(kernel, "PARALLEL_WORK", parallel_work)
        assert np.array_equal(kernel.elections(weight, util, rule, "linear"), rows)


@needs_numba
def test_option_election_kernel_survives_underflow(forced: None) -> None:
    # three voters with cyclic preferences over 300 options (a Condorcet cycle): every option
    # loses about half its contests with probability 1e-6 (binary votes and victories), so
    # every product underflows to 0 and both paths fall back to logs
    options = 300
    i = np.arange(options)
    util = np.stack([((i + k * options // 3) % options) / options for k in range(3)])
    weight = np.ones((1, 3))
    v = victory(coalitions(weight, util[None], "binary"), "binary")
    assert np.prod(v, axis=-1).sum() == 0.0  # the case really underflows
    count = np.array([options - 1, 0, 0])
    first = np.array([0, options - 1, options - 1])
    kernel.force(True)
    pick, prob = kernel.option_elections(
        weight,
        util[None, :, :1].reshape(1, 3),
        util[None, :, 1:],
        np.arange(options - 1),
        first,
        count,
        "binary",
        "binary",
        PICK_TOL,
    )
    p = pce(weight, util[None], "binary", "binary", "conditional")[0]
    assert np.isfinite(prob).all() and prob[0] > 0
    assert pick[0] == int(np.argmax(p >= p.max() - PICK_TOL))
    assert prob[0] == pytest.approx(p[pick[0]], rel=1e-9)
    assert list(pick[1:]) == [0, 0] and list(prob[1:]) == [1.0, 1.0]


@needs_numba
def test_more_issues_than_the_kernels_add_in_order_stay_on_numpy(
    monkeypatch: pytest.MonkeyPatch, forced: None
) -> None:
    x = np.random.default_rng(2).uniform(0, 1, (1, 4, 3))
    s2 = np.ones_like(x)
    kernel.force(True)
    monkeypatch.setattr(kernel, "MAX_SUM_TERMS", 2)  # 3 issues: beyond what the kernel adds

    def refuse(*args: object) -> None:
        raise AssertionError("the kernel ran")

    monkeypatch.setattr(kernel, "distances", refuse)
    want = np.sqrt(((x[:, :, None] - x[:, None]) ** 2).sum(-1) / 3)
    np.testing.assert_allclose(distance_matrix(x, s2, x), want, rtol=1e-15)


@needs_numba
def test_parallel_and_serial_kernels_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    dist, r_h, omega, sigma = random_state(4, 30, 2, 5)
    monkeypatch.setattr(kernel, "PARALLEL_WORK", 0)
    par = kernel.targets(dist, r_h, omega, sigma, "prop", True)
    mat = kernel.all_challenges(dist, r_h, omega, sigma, "prop", True)
    monkeypatch.setattr(kernel, "PARALLEL_WORK", float("inf"))
    seq = kernel.targets(dist, r_h, omega, sigma, "prop", True)
    mat_seq = kernel.all_challenges(dist, r_h, omega, sigma, "prop", True)
    for a, b in zip(par, seq, strict=True):
        assert np.array_equal(a, b)
    for a, b in zip(mat, mat_seq, strict=True):
        assert np.array_equal(a, b)


def test_dispatch_rule(monkeypatch: pytest.MonkeyPatch, forced: None) -> None:
    monkeypatch.setenv(compiled.ENV, "0")
    assert not kernel.use_compiled(10_000)  # ACCORD_NUMBA=0: always NumPy
    kernel.force(True)
    assert not kernel.use_compiled(1)  # forcing cannot turn on what is off
    kernel.force(None)
    dist, r_h, omega, sigma = random_state(1, 6, 2, 9)
    target, has, _, _ = best_challenges(dist, r_h, omega, sigma, "prop", "semi")
    assert target.shape == has.shape == (1, 6)
    monkeypatch.delenv(compiled.ENV)
    if compiled.enabled():
        least = kernel.KERNEL_MIN_ACTORS
        assert not kernel.use_compiled(least - 1)  # small scenarios: NumPy
        assert kernel.use_compiled(least) and kernel.will_compile(least)
        # once loaded, a small scenario still takes the NumPy path: the actors alone decide
        assert kernel.loaded() and not kernel.use_compiled(least - 1)
