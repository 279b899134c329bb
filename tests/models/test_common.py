"""Checks every registered model must pass (in the spirit of scikit-learn's estimator checks)."""

from __future__ import annotations

import numpy as np
import pytest

from accord import models
from accord.scenario import ScenarioArrays
from tests.factories import random_scenario
from tests.models.mirroring import mirror_scenario, scale_bounds, tie_heavy_scenarios

MODEL_NAMES = models.names()
CONSENSUS = "consensus"
"""The consensus of every registered model passes the same checks as each of them."""
SCENARIOS = [
    random_scenario(1, n_actors=5, n_issues=1),
    random_scenario(2, n_actors=7, n_issues=2, scale=(-10.0, 30.0)),
    random_scenario(3, n_actors=4, n_issues=3, status_quo=False),
]


TIE_HEAVY = tie_heavy_scenarios()


@pytest.fixture(params=[*MODEL_NAMES, CONSENSUS])
def model(request: pytest.FixtureRequest) -> models.Model:
    if request.param == CONSENSUS:
        return models.Consensus()
    return models.get(request.param)


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_deterministic(model: models.Model, scn) -> None:
    a = model.run(scn, rng=7)
    b = model.run(scn, rng=7)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    np.testing.assert_array_equal(a.forecast, b.forecast)
    assert a.to_json() == b.to_json()


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_results_inside_scale(model: models.Model, scn) -> None:
    res = model.run(scn)
    lo = np.array([i.scale.min for i in scn.issues])
    hi = np.array([i.scale.max for i in scn.issues])
    assert np.all(res.forecast >= lo - 1e-9)
    assert np.all(res.forecast <= hi + 1e-9)
    assert np.all(res.trajectory >= lo - 1e-9)
    assert np.all(res.trajectory <= hi + 1e-9)
    assert np.all(np.isfinite(res.forecast))


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_inputs_not_mutated(model: models.Model, scn) -> None:
    before = scn.content_hash()
    arrays = scn.to_arrays()
    snapshot = {
        k: np.array(v, copy=True) for k, v in arrays.__dict__.items() if isinstance(v, np.ndarray)
    }
    model.run(arrays)
    model.run(scn)
    assert scn.content_hash() == before
    for key, value in snapshot.items():
        np.testing.assert_array_equal(getattr(arrays, key), value)


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_final_state_only_changes_nothing_it_returns(model: models.Model, scn) -> None:
    # Monte Carlo and design sweeps ask for the final state only (history=False); a model may
    # then leave out per-round series and diagnostics, but what it returns must be identical
    arrays = scn.to_arrays().take_draws([0, 0, 0])
    rng = np.random.default_rng(5)
    lo, hi = arrays.scale_min, arrays.scale_max
    position = np.clip(arrays.position + rng.normal(0, 3, arrays.position.shape), lo, hi)
    batch = arrays.with_values(position=position)
    for data in (scn, batch):
        full = model.run(data, rng=4)
        lean = model.run(data, rng=4, history=False)
        for name in ("forecast", "rounds", "converged", "final_positions"):
            assert np.array_equal(getattr(lean, name), getattr(full, name)), name
        # the first and last states; the middle rows may be left out
        assert lean.trajectory.shape[1:] == full.trajectory.shape[1:]
        assert lean.trajectory.shape[0] in {2, full.trajectory.shape[0]}
        assert np.array_equal(lean.trajectory[0], full.trajectory[0])
        assert np.array_equal(lean.trajectory[-1], full.trajectory[-1])
        assert set(lean.series) <= set(full.series)
        for key, value in lean.series.items():
            assert np.array_equal(value, full.series[key]), key
        assert set(lean.diagnostics) <= set(full.diagnostics)
        for key, value in lean.diagnostics.items():
            assert _same(value, full.diagnostics[key]), key


def _same(a: object, b: object) -> bool:
    """Return whether two diagnostics are identical (arrays, nested lists and dicts, scalars)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        nan_ok = a.dtype.kind == "f" and b.dtype.kind == "f"
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=nan_ok))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) or (a != a and b != b)  # NaN equals NaN here


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_actor_order_irrelevant(model: models.Model, scn) -> None:
    perm = np.random.default_rng(0).permutation(len(scn.actors))
    shuffled = scn.subset(actors=[scn.actor_ids[i] for i in perm])
    a = model.run(scn)
    b = model.run(shuffled)
    np.testing.assert_allclose(a.forecast, b.forecast, rtol=0, atol=1e-9)
    # final positions follow their actors
    np.testing.assert_allclose(a.final_positions[:, perm, :], b.final_positions, atol=1e-9)


ORDER_SCENARIOS = [
    random_scenario(
        100 + seed,
        n_actors=6 + seed % 5,
        n_issues=1 + seed % 3,
        scale=((0.0, 100.0), (-10.0, 30.0), (2015.0, 2030.0))[seed % 3],
    )
    for seed in range(30)
]
"""30 scenarios with 6-10 actors and 1-3 issues, without exact ties. smp once depended on
the actor order in 97 of 400 such scenarios (by up to 6.6% of the scale): its reported
positions were clustered by a scan in actor order."""


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_actor_order_irrelevant_in_many_scenarios(name: str) -> None:
    model = models.get(name)
    rng = np.random.default_rng(1)
    for scn in ORDER_SCENARIOS:
        n = len(scn.actors)
        a = model.run(scn)
        perms = [np.arange(n)[::-1], rng.permutation(n), rng.permutation(n)]
        for perm in perms:
            b = model.run(scn.subset(actors=[scn.actor_ids[i] for i in perm]))
            np.testing.assert_allclose(
                a.forecast, b.forecast, rtol=0, atol=1e-9, err_msg=f"{scn.title}, order {perm}"
            )
            np.testing.assert_allclose(a.final_positions[:, perm, :], b.final_positions, atol=1e-9)


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_issue_order_irrelevant(model: models.Model, scn) -> None:
    perm = list(reversed(range(len(scn.issues))))
    flipped = scn.subset(issues=[scn.issue_ids[i] for i in perm])
    a = model.run(scn)
    b = model.run(flipped)
    np.testing.assert_allclose(a.forecast[:, perm], b.forecast, atol=1e-9)


@pytest.mark.parametrize("scn", SCENARIOS + TIE_HEAVY, ids=lambda s: s.title)
def test_mirroring_every_scale_mirrors_the_forecast(model: models.Model, scn) -> None:
    # Which end of a scale is 0 is a coding convention: x -> min + max - x on every issue
    # (positions, ranges, status quo, anchors) must map the forecast f to min + max - f, and
    # every actor's path likewise. Ties must therefore be broken symmetrically (never "the
    # lowest position"); the tie-heavy scenarios are full of exact ties.
    lo, hi = scale_bounds(scn)
    a = model.run(scn)
    b = model.run(mirror_scenario(scn))
    np.testing.assert_allclose(a.forecast, lo + hi - b.forecast, rtol=0, atol=1e-9)
    assert a.trajectory.shape == b.trajectory.shape
    np.testing.assert_allclose(a.trajectory, lo + hi - b.trajectory, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    np.testing.assert_array_equal(a.converged, b.converged)


def test_batch_equals_single_draws(model: models.Model) -> None:
    scns = [random_scenario(s, n_actors=5, n_issues=2) for s in (11, 12, 13)]
    arrays = [s.to_arrays() for s in scns]
    batch = ScenarioArrays(
        actor_ids=arrays[0].actor_ids,
        issue_ids=arrays[0].issue_ids,
        capability=np.concatenate([a.capability for a in arrays]),
        position=np.concatenate([a.position for a in arrays]),
        salience=np.concatenate([a.salience for a in arrays]),
        scale_min=arrays[0].scale_min,
        scale_max=arrays[0].scale_max,
        status_quo=arrays[0].status_quo,
    )
    together = model.run(batch)
    for d, a in enumerate(arrays):
        alone = model.run(a.with_values(status_quo=arrays[0].status_quo))
        np.testing.assert_allclose(together.forecast[d], alone.forecast[0], atol=1e-12)
        assert together.rounds[d].tolist() == alone.rounds[0].tolist()


def test_result_shapes_and_provenance(model: models.Model) -> None:
    scn = SCENARIOS[1]
    res = model.run(scn, rng=3)
    n, k = len(scn.actors), len(scn.issues)
    assert res.trajectory.shape[1:] == (1, n, k)
    assert res.forecast.shape == (1, k)
    assert res.rounds.shape == res.converged.shape == (1, k)
    np.testing.assert_array_equal(res.trajectory[0], scn.to_arrays().position)
    for series in res.series.values():
        assert series.shape == (res.trajectory.shape[0], 1, k)
    p = res.provenance
    assert (p.model, p.seed, p.input_hash) == (model.name, 3, scn.content_hash())
    assert p.accord_version
    assert p.params == model.params.model_dump(mode="json")
    with pytest.raises(ValueError, match="read-only"):
        res.forecast[0, 0] = 1.0


def test_registry_metadata(model: models.Model) -> None:
    if isinstance(model, models.Consensus):
        assert model.summary and model.reference
        assert model.member_names == tuple(MODEL_NAMES)
        return
    info = next(i for i in models.list_models() if i.name == model.name)
    assert info.summary
    assert info.reference
    assert models.get(model.name).params == model.params


def _indifferent_spread(model: models.Model, scn) -> float:
    """Return how far moving one zero-salience actor across its issue's scale moves the forecast."""
    data = scn.model_dump()
    target = data["stances"][0]
    target["salience"] = 0.0
    k = scn.issue_ids.index(target["issue"])
    lo, hi = scn.issues[k].scale.min, scn.issues[k].scale.max
    forecasts = []
    for where in (lo, 0.5 * (lo + hi), hi):
        target["position"] = where
        forecasts.append(model.run(type(scn).model_validate(data)).forecast[0, k])
    return float(max(forecasts) - min(forecasts))


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda s: s.title)
def test_an_indifferent_actor_cannot_move_the_forecast(model: models.Model, scn) -> None:
    """Models that declare ``indifferent_neutral``: salience 0 means no say on that issue."""
    if not model.indifferent_neutral:
        pytest.skip(f"{model.name} declares that indifferent actors can move it")
    assert _indifferent_spread(model, scn) <= 1e-9


def test_models_that_are_not_neutral_say_so_truthfully(model: models.Model) -> None:
    """A model that declares ``indifferent_neutral = False`` is moved by one in some scenario."""
    if model.indifferent_neutral:
        pytest.skip(f"{model.name} is neutral (checked above)")
    assert max(_indifferent_spread(model, s) for s in SCENARIOS) > 1e-9


@pytest.mark.parametrize("name", ["smp", "bdm"])
def test_a_draw_gives_the_same_forecast_alone_and_in_any_batch_with_kernels(name: str) -> None:
    """Large enough for the compiled kernels (when on): the path never depends on the batch.

    The kernels agree with the NumPy path to rounding only, and over many rounds rounding can
    tip a close choice; so a scenario takes one path whatever the number of draws (a rule by
    batch size once made a design sweep differ from the one-by-one comparison by 0.001).
    """
    scn = random_scenario(77, n_actors=20, n_issues=2)
    base = scn.to_arrays()
    rng = np.random.default_rng(3)
    draws = 6
    big = base.take_draws([0] * draws)
    lo, hi = base.scale_min, base.scale_max
    position = np.clip(big.position + rng.normal(0, 5, big.position.shape), lo, hi)
    batch = big.with_values(position=position)
    model = models.get(name)
    together = model.run(batch).forecast
    for d in range(draws):
        alone = model.run(batch.take_draws([d])).forecast
        np.testing.assert_allclose(alone[0], together[d], rtol=0, atol=1e-9)
    halves = [model.run(batch.take_draws(list(p))).forecast for p in ([0, 1, 2], [3, 4, 5])]
    np.testing.assert_allclose(np.concatenate(halves), together, rtol=0, atol=1e-9)
    # the final state alone (Monte Carlo's request) is the same numbers, bit for bit
    assert np.array_equal(model.run(batch, history=False).forecast, together)
