"""Joint models see the issues of one proposal as one multi-issue problem."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from accord import models
from accord.backtest.convert import (
    actor_order,
    issue_scenario,
    joint_batches,
    neutral_position,
    proposal_problem,
    proposal_problems,
)
from accord.backtest.deu import DeuIssue, read_deu
from accord.backtest.run import run_model
from accord.backtest.weights import all_capabilities, proposal_capabilities
from accord.errors import AccordError

JOINT = ("exchange", "kalai", "nash", "smp")
PER_PROPOSAL = ("exchange", "kalai", "nash")
"""Joint models that actors without salience cannot move: they see a proposal as one problem."""
# Proposals with uninvolved actors that batch as draws: (d00062, n99274), (d97359, d99252,
# n99092), (d99238, n98193); d98191 and n03318 stand alone (n03318 mixes two Council regimes).
BATCHED = {"d00062", "n99274", "d97359", "d99252", "n99092", "d99238", "n98193", "d98191"}


@pytest.fixture(scope="module")
def deu():
    return read_deu()


def _problem(data, proposal: str):
    _, caps = proposal_capabilities(data, "votes")
    idx = [k for k, i in enumerate(data.issues) if i.proposal == proposal]
    return proposal_problem(proposal, idx, data.issues, caps, actor_order(data.issues))


def test_registry_joint_models() -> None:
    assert tuple(n for n in models.names() if models.model_class(n).joint) == JOINT
    neutral = tuple(n for n in JOINT if models.model_class(n).indifferent_neutral)
    assert neutral == PER_PROPOSAL


def test_proposal_problem_is_built_from_its_issues(deu) -> None:
    prob = _problem(deu, "d05214")
    issues = [i for i in deu.issues if i.proposal == "d05214"]
    assert prob.index == tuple(k for k, i in enumerate(deu.issues) if i.proposal == "d05214")
    assert prob.issue_ids == tuple(sorted(i.issue for i in issues))
    union = {a for i in issues for a in i.actors}
    assert set(prob.actors) == union
    assert len(prob.actors) == len(union)
    assert prob.actors == tuple(a for a in deu.actors if a in union)  # file column order
    _, caps = proposal_capabilities(deu, "votes")
    for j, k in enumerate(prob.index):
        issue = deu.issues[k]
        if issue.reference is None:
            assert np.isnan(prob.status_quo[j])
        else:
            assert prob.status_quo[j] == issue.reference
        for a in prob.actors:
            r = prob.actors.index(a)
            if a in issue.actors:
                n = issue.actors.index(a)
                assert prob.involved[r, j]
                assert prob.position[r, j] == issue.position[n]
                assert prob.salience[r, j] == pytest.approx(issue.salience[n] / 100)
                assert prob.capability[r] == caps[k][n]
            else:
                assert not prob.involved[r, j]
                assert prob.salience[r, j] == 0.0
    assert (~prob.involved).sum() == 34  # some actors are not involved in some issues
    # the status quo: per issue, NaN where the issue has no rp
    assert np.isnan(prob.status_quo[3])
    np.testing.assert_array_equal(prob.status_quo[:3], [0.0, 0.0, 0.0])


def test_uninvolved_actors_sit_at_the_compromise_mean(deu) -> None:
    prob = _problem(deu, "d05214")
    for j in range(len(prob.index)):
        out = ~prob.involved[:, j]
        if not out.any():
            continue
        w = prob.capability * prob.salience[:, j]
        mean = (w * prob.position[:, j]).sum() / w.sum()  # uninvolved weigh 0
        np.testing.assert_allclose(prob.position[out, j], mean, rtol=0, atol=1e-12)
    # nobody involved cares: capability weights
    pos, sal = np.array([10.0, 40.0, 0.0]), np.zeros(3)
    cap, inv = np.array([1.0, 3.0, 5.0]), np.array([True, True, False])
    assert neutral_position(pos, sal, cap, inv) == pytest.approx(32.5)


def test_problem_scenario_round_trip(deu) -> None:
    prob = _problem(deu, "n03318")
    scn = prob.scenario()
    arrays = scn.to_arrays()
    np.testing.assert_allclose(arrays.position[0], prob.position)
    np.testing.assert_allclose(arrays.salience[0], prob.salience)
    np.testing.assert_allclose(arrays.capability[0], prob.capability)
    np.testing.assert_array_equal(np.isnan(arrays.status_quo), np.isnan(prob.status_quo))
    assert arrays.issue_ids == prob.issue_ids


def test_capabilities_agree_within_a_proposal(deu) -> None:
    regimes, caps = all_capabilities(deu, "votes")
    joint_regimes, joint_caps = proposal_capabilities(deu, "votes")
    changed = {i.issue: (r, j) for i, r, j in zip(deu.issues, regimes, joint_regimes, strict=True)
               if r != j}  # fmt: skip
    assert changed == {
        "n03318i1": ("pre-nice", "nice"),
        "n03318i2": ("pre-nice", "nice"),
        "n03318i4": ("pre-nice", "nice"),
        "n04164i1": ("pre-nice", "nice"),
    }
    for scheme in ("equal", "gdp"):
        assert proposal_capabilities(deu, scheme) == all_capabilities(deu, scheme)
    idx = [k for k, i in enumerate(deu.issues) if i.proposal == "n03318"]
    with pytest.raises(AccordError, match="needs one capability per actor"):
        proposal_problem("n03318", idx, deu.issues, caps)
    prob = proposal_problem("n03318", idx, deu.issues, joint_caps)
    assert prob.capability[prob.actors.index("de")] == 29.0  # Nice weights on every issue
    # run_model reports the refusal as a failure instead of crashing
    sub = [deu.issues[k] for k in idx]
    run = run_model("exchange", sub, [caps[k] for k in idx])
    assert np.isnan(run.forecast).all()
    assert "one capability per actor" in run.failures[0]


def test_actor_order_merges_the_issues() -> None:
    def issue(*actors: str) -> DeuIssue:
        n = len(actors)
        return DeuIssue(3, "p", "p1", "COD", "QMV", None, actors, (0.0,) * n, (50.0,) * n,
                        None, None)  # fmt: skip

    assert actor_order([issue("com", "de", "fr"), issue("com", "ep", "de")]) == (
        "com", "ep", "de", "fr",
    )  # fmt: skip
    assert actor_order([issue("a", "b"), issue("b", "a")]) == ("a", "b")  # contradictory


@pytest.mark.parametrize("name", PER_PROPOSAL)
def test_batched_equals_one_proposal_at_a_time(deu, name: str) -> None:
    data = deu.select(BATCHED)
    _, caps = proposal_capabilities(data, "votes")
    problems = proposal_problems(data.issues, caps)
    batches = joint_batches(problems)
    assert max(len(b.problems) for b in batches) == 3
    assert len(batches) < len(problems)
    run = run_model(name, data.issues, caps)
    assert not run.failures
    model = models.get(name)
    for prob in problems:
        alone = model.run(prob.scenario(), rng=0).forecast[0]
        np.testing.assert_allclose(run.forecast[list(prob.index)], alone, rtol=0, atol=1e-9)


def _moved(arrays, rng: np.random.Generator, involved: np.ndarray):
    pos = arrays.position.copy()
    noise = rng.uniform(0, 100, pos.shape)
    pos[0][~involved] = noise[0][~involved]
    return arrays.with_values(position=pos)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("exchange", {}),
        ("nash", {}),
        ("nash", {"disagreement": "worst"}),
        ("nash", {"disagreement": "common"}),
        ("kalai", {}),
        ("kalai", {"disagreement": "worst"}),
        ("kalai", {"weighted": True, "disagreement": "common"}),
    ],
)
@pytest.mark.parametrize("proposal", ["d05214", "d98134", "d99252", "n03318"])
def test_uninvolved_positions_cannot_move_the_forecast(
    deu, name: str, params: dict[str, object], proposal: str
) -> None:
    prob = _problem(deu, proposal)
    assert (~prob.involved).any()
    base = prob.arrays()
    model = models.get(name, **params)
    expected = model.run(base).forecast
    rng = np.random.default_rng(7)
    for extreme in (0.0, 100.0):
        pos = base.position.copy()
        pos[0][~prob.involved] = extreme
        got = model.run(base.with_values(position=pos)).forecast
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    for _ in range(3):
        got = model.run(_moved(base, rng, prob.involved)).forecast
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_uninvolved_positions_on_an_issue_nobody_cares_about() -> None:
    """The capability-weighted fallback of a dead issue is unmoved by a point at its mean."""
    issues = [
        DeuIssue(3, "p", "p1", "COD", "QMV", None, ("a", "b", "c"), (0.0, 100.0, 40.0),
                 (50.0, 80.0, 20.0), 0.0, None),
        DeuIssue(4, "p", "p2", "COD", "QMV", None, ("a", "b"), (20.0, 60.0), (0.0, 0.0),
                 0.0, None),
    ]  # fmt: skip
    caps = [(1.0, 3.0, 2.0), (1.0, 3.0)]
    prob = proposal_problem("p", [0, 1], issues, caps)
    assert prob.position[2, 1] == pytest.approx(50.0)  # (20 * 1 + 60 * 3) / 4
    for name in ("exchange", "nash", "kalai"):
        forecast = models.get(name).run(prob.arrays()).forecast[0]
        assert forecast[1] == pytest.approx(50.0 if name == "exchange" else 0.0)
        pos = prob.position.copy()
        pos[2, 1] = 90.0
        moved = models.get(name).run(prob.arrays().with_values(position=pos[None])).forecast[0]
        if name == "exchange":  # the dead issue's capability-weighted mean now includes c
            assert moved[1] != pytest.approx(forecast[1])


def test_smp_is_the_exception(deu) -> None:
    """smp's forecast is a probability-weighted mean of every actor's whole position vector.

    So the backtest runs smp issue by issue (``indifferent_neutral`` is False).
    """
    prob = _problem(deu, "d99252")
    base = prob.arrays()
    smp = models.get("smp")
    expected = smp.run(base).forecast
    pos = base.position.copy()
    pos[0][~prob.involved] = 100.0
    assert not np.allclose(smp.run(base.with_values(position=pos)).forecast, expected)
    assert not models.model_class("smp").indifferent_neutral
    data = deu.select({"d99252"})
    caps = proposal_capabilities(data, "votes")[1]
    run = run_model("smp", data.issues, caps)
    assert not run.joint  # one issue at a time, each exactly as it would run alone
    for k, issue in enumerate(data.issues):
        alone = smp.run(issue_scenario(issue, caps[k]), rng=0).forecast[0, 0]
        assert run.forecast[k] == pytest.approx(alone, abs=1e-9)


def test_exchange_trades_across_the_issues_of_a_proposal(deu) -> None:
    data = deu.select({"d98191", "d99158"})  # three issues; one issue
    _, caps = proposal_capabilities(data, "votes")
    ex = run_model("exchange", data.issues, caps).forecast
    co = run_model("compromise", data.issues, caps).forecast
    multi = np.array([i.proposal == "d98191" for i in data.issues])
    assert multi.sum() == 3
    assert np.abs(ex - co)[multi].min() > 5.0  # trades moved every issue by more than 5 points
    np.testing.assert_allclose(ex[~multi], co[~multi], rtol=0, atol=1e-9)  # nothing to trade


def test_joint_context_parameters_split_a_proposal(deu) -> None:
    """A joint model with a decision_rule gets one problem per rule within a proposal."""
    from accord.models.base import Model, Output, Params
    from accord.models.registry import _REGISTRY

    seen: list[tuple[str, int]] = []

    class RuleParams(Params):
        decision_rule: Literal["qmv", "unanimity"] = "qmv"
        agenda_setter: str | None = None

    class Probe(Model):
        name = "_joint_probe"
        summary = reference = "test"
        Parameters = RuleParams
        joint = True

        def _run(self, arrays, rng) -> Output:
            seen.append((self.params.decision_rule, arrays.n_issues))
            assert self.params.agenda_setter == "com"
            f = np.zeros((arrays.n_draws, arrays.n_issues))
            return Output(arrays.position[None], f, f.astype(np.int64), f == 0)

    data = deu.select({"d05127"})
    assert {i.rule for i in data.issues} == {"QMV", "unanimity"}
    _, caps = proposal_capabilities(data, "votes")
    _REGISTRY["_joint_probe"] = Probe
    try:
        run = run_model("_joint_probe", data.issues, caps)
    finally:
        del _REGISTRY["_joint_probe"]
    assert run.joint
    assert sorted(seen) == [("qmv", 1), ("unanimity", 1)]
    assert np.isfinite(run.forecast).all()
