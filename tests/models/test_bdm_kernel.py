"""The compiled BDM kernel against the NumPy reference path, the dispatch rule, lazy events.

Both engines must give the same trajectories, medians and means to 1e-9 and the same rounds
and stop flags, on the EC case, the seed cases in ``cases/`` and random batches (ties, zero
saliences, both variants, several Q, problems that stop early, few problems with many actors).
Events are built when first read, from the stored states; they must equal the events the NumPy
path records during its rounds.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from accord.models import compiled
from accord.models.base import IssueBatch, LazyEvents
from accord.models.bdm import Bdm, BdmParams, solve_batch
from accord.models.bdm import model as bdm_model
from accord.scenario import ScenarioArrays, load
from tests.reference.ec_case import ec_arrays, ec_scenario

CASES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "cases").glob("*.yaml")
    if p.name.count(".") == 1
)
TOL = 1e-9

needs_kernel = pytest.mark.skipif(not compiled.enabled(), reason="compiled kernels are off")


def batch_of(arrays: ScenarioArrays, record: bool = False) -> IssueBatch:
    """Return the flat (draw, issue) batch that ``PerIssueModel`` builds from ``arrays``."""
    d, n, k = arrays.n_draws, arrays.n_actors, arrays.n_issues
    return IssueBatch(
        capability=np.repeat(arrays.capability, k, axis=0),
        position=arrays.position.transpose(0, 2, 1).reshape(d * k, n),
        salience=arrays.salience.transpose(0, 2, 1).reshape(d * k, n),
        lo=np.tile(arrays.scale_min, d),
        hi=np.tile(arrays.scale_max, d),
        status_quo=np.tile(arrays.status_quo, d),
        record_events=record,
    )


def random_batch(seed: int, b: int, n: int, ties: bool, record: bool = False) -> IssueBatch:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, (b, n)) * 2.0 if ties else rng.uniform(0, 10, (b, n))
    s = rng.uniform(0, 1, (b, n))
    s[rng.random((b, n)) < 0.15] = 0.0
    return IssueBatch(
        capability=rng.uniform(0, 1, (b, n)),
        position=x.astype(float),
        salience=s,
        lo=np.zeros(b),
        hi=np.full(b, 10.0),
        status_quo=np.full(b, np.nan),
        record_events=record,
    )


def assert_same(batch: IssueBatch, params: BdmParams, where: str = "") -> None:
    ref = solve_batch(batch, params, engine="numpy")
    out = solve_batch(batch, params, engine="compiled")
    assert out.trajectory.shape == ref.trajectory.shape, where
    np.testing.assert_allclose(out.trajectory, ref.trajectory, rtol=0, atol=TOL, err_msg=where)
    for name in ("median", "mean"):
        np.testing.assert_allclose(
            out.series[name], ref.series[name], rtol=0, atol=TOL, err_msg=f"{where} {name}"
        )
    np.testing.assert_allclose(out.forecast, ref.forecast, rtol=0, atol=TOL, err_msg=where)
    np.testing.assert_array_equal(out.rounds, ref.rounds, err_msg=where)
    np.testing.assert_array_equal(out.converged, ref.converged, err_msg=where)


def event_rows(events: object) -> list[tuple[object, ...]]:
    return [
        (e.round, e.row, e.actor, e.counterpart, e.kind, e.accepted)
        for e in events  # type: ignore[attr-defined]
    ]


def assert_same_events(a: object, b: object) -> None:
    assert event_rows(a) == event_rows(b)
    for x, y in zip(a, b, strict=True):  # type: ignore[call-overload]
        assert x.position_from == pytest.approx(y.position_from, abs=TOL)
        assert x.position_to == pytest.approx(y.position_to, abs=TOL)
        for key, value in x.detail.items():
            assert value == pytest.approx(y.detail[key], abs=TOL)


# ---------------------------------------------------------------- kernel = NumPy path
@needs_kernel
@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("q", [1.0, 0.0, 0.4])
def test_ec_case(variant: str, q: float) -> None:
    batch = batch_of(ec_arrays(draws=3))
    assert_same(batch, BdmParams(variant=variant, q=q, rounds=12), f"EC {variant} q={q}")


@needs_kernel
def test_ec_replication_through_the_kernel() -> None:
    from tests.models.test_bdm import EC_MEDIANS

    out = solve_batch(batch_of(ec_arrays()), BdmParams(variant="scholz"), engine="compiled")
    np.testing.assert_allclose(out.series["median"][1:, 0], EC_MEDIANS, atol=0.005 + 1e-9)


@needs_kernel
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("variant", ["scholz", "paper"])
def test_seed_cases(path: Path, variant: str) -> None:
    arrays = load(path).to_arrays()
    for range_from in ("scale", "positions"):
        params = BdmParams(variant=variant, q=0.8, range_from=range_from)
        assert_same(batch_of(arrays), params, f"{path.stem} {variant} {range_from}")


@needs_kernel
@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("ties", [False, True])
def test_random_batches(variant: str, ties: bool) -> None:
    rng = np.random.default_rng(5)
    for case, n in enumerate((2, 3, 5, 9, 17, 40)):
        q = float(rng.choice([1.0, 0.0, 0.5, rng.uniform()]))
        params = BdmParams(variant=variant, q=q, rounds=10, tol=float(rng.choice([1e-6, 1e-3])))
        batch = random_batch(100 + case, 60, n, ties)
        assert_same(batch, params, f"n={n} q={q} ties={ties}")


@needs_kernel
def test_problems_that_stop_early_and_long_horizons() -> None:
    # Q = 0 settles quickly: rows stop at different rounds; 40 rounds span three kernel calls.
    batch = random_batch(11, 50, 6, ties=True)
    for variant in ("scholz", "paper"):
        params = BdmParams(variant=variant, q=0.0, rounds=40)
        ref = solve_batch(batch, params, engine="numpy")
        assert ref.converged.any() and len(set(ref.rounds.tolist())) > 1
        assert_same(batch, params, variant)
    assert_same(batch, BdmParams(variant="scholz", q=1.0, rounds=40), "scholz cycles")


@needs_kernel
@pytest.mark.parametrize("variant", ["scholz", "paper"])
def test_few_problems_with_many_actors_split_by_rows(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bdm_model, "WIDE_ACTORS", 40)
    batch = random_batch(12, 2, 45, ties=False)
    assert_same(batch, BdmParams(variant=variant, q=0.6, rounds=2), variant)


# ---------------------------------------------------------------- dispatch
def test_dispatch_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "1")
    least = bdm_model.COMPILED_MIN_ACTORS
    assert bdm_model.use_compiled(least) == compiled.enabled()
    assert not bdm_model.use_compiled(least - 1)  # small problems: NumPy, no Numba import
    monkeypatch.setenv(compiled.ENV, "0")
    assert not compiled.enabled()
    assert not bdm_model.use_compiled(100)
    with pytest.raises(RuntimeError):
        solve_batch(random_batch(1, 2, 4, ties=False), BdmParams(), engine="compiled")


def test_auto_follows_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = bdm_model.solve_compiled

    def spy(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bdm_model, "solve_compiled", spy)
    monkeypatch.setattr(bdm_model, "use_compiled", lambda n: False)
    solve_batch(random_batch(1, 4, 5, ties=False), BdmParams())
    assert calls == []
    if compiled.enabled():
        monkeypatch.setattr(bdm_model, "use_compiled", lambda n: True)
        solve_batch(random_batch(1, 4, 5, ties=False), BdmParams())
        assert calls == [1]


# ---------------------------------------------------------------- lazy events
@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("ties", [False, True])
def test_lazy_events_equal_eager_events(variant: str, ties: bool) -> None:
    batch = random_batch(21, 9, 7, ties, record=True)
    params = BdmParams(variant=variant, q=0.5, rounds=8)
    eager = solve_batch(batch, params, engine="numpy", events="eager")
    lazy = solve_batch(batch, params, engine="numpy")
    assert isinstance(lazy.events, LazyEvents) and not lazy.events.built
    assert len(eager.events) > 0
    assert_same_events(lazy.events, eager.events)
    assert lazy.events.built
    if compiled.enabled():
        assert_same_events(solve_batch(batch, params, engine="compiled").events, eager.events)


def test_lazy_events_in_blocks_keep_the_eager_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bdm_model, "BLOCK_ELEMENTS", 3 * 36)  # blocks of 3 problems
    batch = random_batch(22, 8, 6, ties=True, record=True)
    params = BdmParams(variant="paper", q=0.0, rounds=10)  # problems stop at different rounds
    eager = solve_batch(batch, params, engine="numpy", events="eager")
    assert_same_events(solve_batch(batch, params, engine="numpy").events, eager.events)


def test_accepted_offers_only_above_the_actor_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bdm_model, "EVENT_ACTOR_LIMIT", 4)
    batch = random_batch(23, 3, 6, ties=False, record=True)
    params = BdmParams(variant="scholz", q=0.5, rounds=4)
    eager = solve_batch(batch, params, engine="numpy", events="eager")
    lazy = solve_batch(batch, params, engine="numpy")
    assert eager.events and all(e.accepted for e in eager.events)
    assert_same_events(lazy.events, eager.events)


def test_result_events_are_built_on_first_read() -> None:
    res = Bdm(variant="scholz").run(ec_scenario())
    assert isinstance(res.events, LazyEvents) and not res.events.built
    kinds = {e.kind for e in res.events}
    assert res.events.built and kinds <= {"confrontation", "compromise"}
    assert res.events[0].issue == "emissions" and res.events[0].actor in res.actor_ids
    assert res.to_dict()["events"] == [e.to_dict() for e in res.events]
    # pickling (workers, stores) sends the built tuple
    assert pickle.loads(pickle.dumps(res.events)) == tuple(res.events)
    assert res.events == tuple(res.events)


def test_eager_events_are_the_numpy_path_only() -> None:
    with pytest.raises(ValueError, match="eager"):
        solve_batch(
            random_batch(1, 2, 4, ties=False, record=True),
            BdmParams(),
            engine="compiled",
            events="eager",
        )


def test_several_draws_build_no_events() -> None:
    res = Bdm().run(ec_arrays(draws=20))
    assert res.events == ()
    assert not isinstance(res.events, LazyEvents)
