"""The consensus model: the per-draw median of its members, with every member kept."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from accord import models
from accord.errors import AccordError
from accord.models import Consensus
from tests.factories import random_scenario

SCN = random_scenario(5, n_actors=6, n_issues=3)


def test_the_forecast_is_the_median_of_the_members_run_alone() -> None:
    names = ("bdm", "compromise", "median", "nash")
    consensus = Consensus(models=names).run(SCN, rng=3)
    alone = np.stack([models.get(n).run(SCN, rng=3).forecast for n in names])
    # An even number of members: the midpoint of the two middle forecasts, by hand.
    ordered = np.sort(alone, axis=0)
    np.testing.assert_allclose(consensus.forecast, (ordered[1] + ordered[2]) / 2, atol=1e-12)
    np.testing.assert_allclose(consensus.series["models_low"][-1], ordered[0], atol=1e-12)
    np.testing.assert_allclose(consensus.series["models_high"][-1], ordered[-1], atol=1e-12)
    for name, result in zip(names, consensus.members, strict=True):
        assert result.model == name
        np.testing.assert_array_equal(result.forecast, consensus.member(name).forecast)


def test_final_positions_are_each_actors_median_over_the_members() -> None:
    names = ("bdm", "exchange", "smp")
    result = Consensus(models=names).run(SCN)
    finals = np.stack([models.get(n).run(SCN).final_positions for n in names])
    np.testing.assert_allclose(result.final_positions, np.median(finals, axis=0), atol=1e-12)
    np.testing.assert_array_equal(result.trajectory[0], SCN.to_arrays().position)


def test_members_keep_their_parameters_and_provenance_names_them() -> None:
    tuned = [models.get("bdm", rounds=3), models.get("compromise")]
    consensus = Consensus.of(tuned)
    assert consensus.member_names == ("bdm", "compromise")
    assert consensus.members[0].params.model_dump()["rounds"] == 3
    prov = consensus.run(SCN).provenance
    assert prov.model == "consensus"
    assert prov.params == {
        "models": ["bdm", "compromise"],
        "params": {"bdm": {**tuned[0].params.model_dump(mode="json")}},
    }


def test_default_members_are_every_registered_model() -> None:
    assert Consensus().member_names == tuple(models.names())


def test_flags_follow_the_members() -> None:
    assert Consensus(models=("compromise",)).aggregation_consistent
    assert not Consensus(models=("compromise", "median")).aggregation_consistent
    assert Consensus(models=("compromise", "nash")).joint
    assert not Consensus(models=("compromise", "median")).joint
    assert not Consensus(models=("compromise", "smp")).indifferent_neutral


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"models": ("bdm", "bdm")}, "named twice"),
        ({"models": ("bdm", "consensus")}, "its own member"),
        ({"models": ("bdmm",)}, "unknown model 'bdmm'"),
        ({"models": ("bdm",), "params": {"smp": {}}}, "not a member"),
    ],
)
def test_bad_members_are_clear_errors(params: dict, message: str) -> None:
    with pytest.raises(AccordError, match=message):
        Consensus(**params)


def test_round_trips_through_pickle_and_json() -> None:
    consensus = Consensus(models=("compromise", "median"))
    again = pickle.loads(pickle.dumps(consensus))
    np.testing.assert_array_equal(again.run(SCN).forecast, consensus.run(SCN).forecast)
    record = consensus.run(SCN).to_dict()
    assert [m["model"] for m in record["members"]] == ["compromise", "median"]


def test_consensus_of_one_model_is_that_model() -> None:
    one = models.get("median")
    assert models.consensus_of([one]) is one
    assert isinstance(models.consensus_of([one, models.get("nash")]), Consensus)
