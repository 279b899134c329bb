"""Process designs: staging, forums, coalitions, shocks, tracks, and the required invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import models
from accord.errors import AccordError
from accord.process import BASELINE, Design, run_design
from accord.process.runner import reentry_forecast
from tests.factories import random_scenario

SCN = random_scenario(21, n_actors=6, n_issues=2, blocs=True)  # blocs b0 = a0,a2,a4; b1 = odd
MODELS = ["compromise", "median", "bdm", "smp", "nash"]


def design(**kw) -> Design:
    return Design.model_validate({"id": "d", **kw})


@pytest.mark.parametrize("name", MODELS)
def test_single_full_stage_equals_plain_run(name: str) -> None:
    model = models.get(name)
    plain = model.run(SCN, rng=np.random.default_rng([0, 0, 0, 0]))
    run = run_design(SCN, BASELINE, model)
    np.testing.assert_allclose(run.forecast, plain.forecast, atol=1e-12)
    assert run.excluded == ()


@pytest.mark.parametrize("name", MODELS)
def test_shock_at_round_zero_equals_editing_the_scenario(name: str) -> None:
    model = models.get(name)
    shocked = design(
        shocks=[
            {"type": "capability", "actor": "a1", "factor": 2.0},
            {"type": "salience", "actor": "a2", "issue": "i1", "value": 0.9},
            {"type": "position", "actor": "a3", "issue": "i0", "value": 12.5},
        ]
    )
    data = SCN.model_dump()
    data["actors"][1]["capability"] *= 2.0
    for st_ in data["stances"]:
        if (st_["actor"], st_["issue"]) == ("a2", "i1"):
            st_["salience"] = 0.9
        if (st_["actor"], st_["issue"]) == ("a3", "i0"):
            st_["position"] = 12.5
    edited = type(SCN).model_validate(data)
    a = run_design(SCN, shocked, model).forecast
    b = run_design(edited, BASELINE, model).forecast
    np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("how", ["boycott", "exit", "outside"])
def test_absent_actor_position_never_enters_the_votes(name: str, how: str) -> None:
    model = models.get(name)
    if how == "outside":
        d = design(stages=[{"forum": {"exclude": ["a0"]}}])
    else:
        d = design(shocks=[{"type": how, "actor": "a0"}])
    far = SCN.model_dump()
    for st_ in far["stances"]:
        if st_["actor"] == "a0":
            st_["position"] = 100.0 - st_["position"]
    moved = type(SCN).model_validate(far)
    a = run_design(SCN, d, model)
    b = run_design(moved, d, model)
    np.testing.assert_allclose(a.forecast, b.forecast, atol=1e-12)
    assert a.excluded == ("a0",)


def test_compromise_forum_and_outside_weight_by_hand() -> None:
    model = models.get("compromise")
    arr = SCN.to_arrays()
    w = arr.capability[0][:, None] * arr.salience[0]
    x = arr.position[0]
    seated = [0, 1, 2]
    d = design(stages=[{"forum": ["a0", "a1", "a2"]}])
    expected = (w[seated] * x[seated]).sum(0) / w[seated].sum(0)
    np.testing.assert_allclose(run_design(SCN, d, model).forecast[0], expected)
    d = design(outside_weight=0.5, stages=[{"forum": ["a0", "a1", "a2"]}])
    ww = w.copy()
    ww[3:] *= 0.5
    expected = (ww * x).sum(0) / ww.sum(0)
    np.testing.assert_allclose(run_design(SCN, d, model).forecast[0], expected)


def test_staged_entry_adopts_the_stage_outcome() -> None:
    model = models.get("median")
    # a0 sits only in stage 0, so it ends holding that stage's outcome
    d = design(stages=[{"forum": ["a0", "a1"]}, {"forum": {"exclude": ["a0"]}}])
    run = run_design(SCN, d, model)
    first, second = run.records
    assert first.seated == ("a0", "a1")
    assert second.seated == SCN.actor_ids[1:]
    np.testing.assert_allclose(run.final.position[0, 0], first.forecast[0])
    np.testing.assert_allclose(
        run.final.position[0, 1:], np.broadcast_to(second.forecast[0], (5, 2))
    )
    assert run.excluded == ("a0",)


def test_coalition_acts_as_one_and_split_restores_independence() -> None:
    model = models.get("compromise")
    arr = SCN.to_arrays()
    holds = run_design(SCN, design(coalitions=["b0"]), model)
    # the weighted mean is aggregation-consistent: merging a bloc leaves it unchanged
    np.testing.assert_allclose(holds.forecast, run_design(SCN, BASELINE, model).forecast)
    # but with only a1 seated, a held bloc b1 brings a3 and a5 in with it
    d = design(coalitions=["b1"], stages=[{"forum": ["a0", "a1"]}])
    members = [0, 1, 3, 5]
    w = arr.capability[0][:, None] * arr.salience[0]
    expected = (w[members] * arr.position[0][members]).sum(0) / w[members].sum(0)
    np.testing.assert_allclose(run_design(SCN, d, model).forecast[0], expected)
    split = design(
        coalitions=["b1"],
        stages=[{"forum": ["a0", "a1"]}],
        shocks=[{"type": "split", "bloc": "b1"}],
    )
    alone = [0, 1]
    expected = (w[alone] * arr.position[0][alone]).sum(0) / w[alone].sum(0)
    np.testing.assert_allclose(run_design(SCN, split, model).forecast[0], expected)


def test_bound_takes_an_option_off_the_table() -> None:
    d = design(shocks=[{"type": "bound", "issue": "i0", "max": 40}])
    for name in MODELS:
        run = run_design(SCN, d, models.get(name))
        assert run.forecast[0, 0] <= 40 + 1e-9
        assert run.final.position[0, :, 0].max() <= 40 + 1e-9


def test_separate_tracks_matter_only_for_joint_models() -> None:
    d = design(tracks=[["i0"], ["i1"]])
    for name in ("compromise", "median", "bdm"):
        model = models.get(name)
        np.testing.assert_allclose(
            run_design(SCN, d, model).forecast, run_design(SCN, BASELINE, model).forecast
        )
    smp = models.get("smp")
    assert not np.allclose(
        run_design(SCN, d, smp).forecast, run_design(SCN, BASELINE, smp).forecast
    )


def test_round_level_shock_splits_an_iterative_run() -> None:
    bdm = models.get("bdm", rounds=6)
    d = design(shocks=[{"type": "exit", "actor": "a2", "round": 3}])
    run = run_design(SCN, d, bdm)
    assert run.excluded == ("a2",)
    assert len(run.records) == 2  # two segments of the one stage
    with pytest.raises(AccordError, match="needs an iterative model"):
        run_design(SCN, d, models.get("compromise"))
    with pytest.raises(AccordError, match="after the model's last round"):
        run_design(SCN, design(shocks=[{"type": "exit", "actor": "a2", "round": 9}]), bdm)


def test_reentry_of_excluded_actor_moves_the_outcome() -> None:
    model = models.get("compromise")
    run = run_design(SCN, design(shocks=[{"type": "exit", "actor": "a0"}]), model)
    back = reentry_forecast(run, model)
    assert np.all(np.abs(back - run.forecast) > 0)
    full = run_design(SCN, BASELINE, model)
    np.testing.assert_allclose(reentry_forecast(full, model), full.forecast, atol=1e-9)


def test_unknown_names_are_clear_errors() -> None:
    with pytest.raises(AccordError, match="unknown actor 'zz'"):
        run_design(SCN, design(stages=[{"forum": ["zz"]}]), models.get("compromise"))
    with pytest.raises(AccordError, match="issue 'i1' is in no track"):
        run_design(SCN, design(tracks=[["i0"]]), models.get("compromise"))


forums = st.lists(st.sampled_from(SCN.actor_ids), min_size=1, max_size=6, unique=True)
shock = st.one_of(
    st.builds(lambda a: {"type": "exit", "actor": a}, st.sampled_from(SCN.actor_ids[1:])),
    st.builds(
        lambda a, f: {"type": "capability", "actor": a, "factor": f},
        st.sampled_from(SCN.actor_ids),
        st.floats(0, 3),
    ),
    st.builds(
        lambda a, i, v: {"type": "position", "actor": a, "issue": i, "value": v},
        st.sampled_from(SCN.actor_ids),
        st.sampled_from(SCN.issue_ids),
        st.floats(0, 100),
    ),
    st.builds(lambda b: {"type": "split", "bloc": b}, st.sampled_from(["b0", "b1"])),
    st.builds(
        lambda i, m: {"type": "bound", "issue": i, "max": m},
        st.sampled_from(SCN.issue_ids),
        st.floats(10, 100),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stages=st.lists(forums, min_size=1, max_size=3),
    shocks=st.lists(shock, max_size=3),
    weight=st.floats(0, 1),
    coalitions=st.sampled_from([[], ["b0"], ["b0", "b1"]]),
    tracks=st.sampled_from([None, [["i0"], ["i1"]]]),
    name=st.sampled_from(["compromise", "median", "bdm"]),
)
def test_random_designs_run_inside_the_scale_deterministically(
    stages, shocks, weight, coalitions, tracks, name
) -> None:
    stages = [*({"forum": [*f, "a0"]} for f in stages)]  # a0 never exits: someone is seated
    d = design(
        stages=stages,
        shocks=shocks,
        outside_weight=weight,
        coalitions=coalitions,
        tracks=tracks,
    )
    model = models.get(name)
    a = run_design(SCN, d, model)
    b = run_design(SCN, d, model)
    np.testing.assert_array_equal(a.forecast, b.forecast)
    assert np.all(a.forecast >= -1e-9)
    assert np.all(a.forecast <= 100 + 1e-9)
    assert np.all(np.isfinite(a.forecast))


def test_reentry_respects_an_option_taken_off_the_table() -> None:
    # a0 is outside and its position lies above the bound; it returns inside the bound
    for name in ("compromise", "bdm"):
        model = models.get(name)
        d = design(
            stages=[{"forum": {"exclude": ["a0"]}}],
            shocks=[{"type": "bound", "issue": "i0", "max": 20}],
        )
        run = run_design(SCN, d, model)
        back = reentry_forecast(run, model)
        assert back[0, 0] <= 20 + 1e-9
