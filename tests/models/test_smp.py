"""KTAB's Spatial Model of Politics: KTAB's own reference runs, the loop version, every option."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import accord.models.smp  # noqa: F401  (registers "smp" until models/__init__ imports it)
from accord import models
from accord.errors import AccordError
from accord.models.smp import SMP, SMPParams, simulate
from accord.models.smp.bargain import interpolate, make_bargains
from accord.models.smp.challenge import all_challenges, receiver_view
from accord.models.smp.params import KTAB_CODES
from accord.models.smp.pce import coalitions, pce, victory, vote
from accord.models.smp.turn import Context, evaluate_state
from accord.models.smp.utility import perceived_risk, risk_attitudes
from accord.scenario import Scenario, ScenarioArrays, load
from tests.factories import random_scenario
from tests.reference.smp_loop import run_loop

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "ktab"
REFS = {
    "soe_pol_comp": "ktab_SOE-Pol-Comp.csv",
    "dummy_data_3dim": "ktab_dummyData_3Dim.csv",
}


@cache
def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@cache
def ktab_arrays(name: str) -> ScenarioArrays:
    """KTAB's input CSV, read with accord's own KTAB loader."""
    return load(ROOT / "data" / "ktab" / REFS[name]).to_arrays()


@cache
def ktab_run(name: str) -> Any:
    return SMP().run(ktab_arrays(name))


def space(arr: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capabilities, positions and saliences in KTAB's [0, 1] space (inputs are 0-100)."""
    return arr.capability, arr.position / 100.0, arr.salience


# ------------------------------------------------------------------ KTAB's reference runs
@pytest.mark.parametrize("name", list(REFS))
def test_reference_run_reproduced(name: str) -> None:
    ref = fixture(name)
    res = ktab_run(name)
    states = ref["states"]
    assert res.trajectory.shape[0] == states  # 28 and 11 states: exact
    assert res.rounds[0].tolist() == [states - 1] * res.trajectory.shape[-1]
    assert res.converged[0].all()
    pos = np.array(ref["positions"])
    # every state's positions to the log's precision (0.01 points, exact on KTAB's grid)
    np.testing.assert_allclose(res.trajectory[:, 0], pos, rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.final_positions[0], pos[-1], rtol=0, atol=0.5)
    np.testing.assert_allclose(
        res.trajectory[:, 0], np.array(ref["history_positions"]), rtol=0, atol=0.05 + 1e-9
    )
    probs = res.diagnostics["win_probability_by_turn"][:, 0]
    np.testing.assert_allclose(probs, np.array(ref["probabilities"]), rtol=0, atol=1e-4)
    np.testing.assert_allclose(
        res.diagnostics["rho"][0], ref["fractional_change"], rtol=0, atol=5e-5 + 1e-12
    )
    np.testing.assert_allclose(
        res.diagnostics["risk_attitude"][0], ref["risk_attitudes"][0], rtol=0, atol=5e-4 + 1e-12
    )
    assert not res.diagnostics["salience_rescaled"].any()


@pytest.mark.parametrize("name", list(REFS))
def test_reference_turns_reproduced(name: str) -> None:
    """Every turn's R, targets, phi, Delta and bargains (both views and the compromise)."""
    ref = fixture(name)
    arr = ktab_arrays(name)
    cap, x0, sal = space(arr)
    run, _ = simulate(cap, x0, sal, SMPParams(), np.random.default_rng(0), record=True)
    ctx = Context.build(cap, sal)
    rcvr = SMPParams(bargain_model="init_rcvr_interp")
    comp = SMPParams(bargain_model="pw_comp_interp")
    for t, turn in enumerate(ref["turns"]):
        step, old, rec = run.events[t]
        assert step == t + 1
        state = evaluate_state(ctx, old, SMPParams())
        np.testing.assert_allclose(state.risk[0], ref["risk_attitudes"][t], atol=5e-4 + 1e-12)
        r_h = perceived_risk(state.risk, "one_third")
        phi_r, gain_r = receiver_view(
            state.dist, r_h, ctx.omega, ctx.sigma, rec.target, "prop", "semi"
        )
        two = make_bargains(
            old, sal, cap, ctx.sigma, rec.target, rec.phi, gain_r, "s2p2", rcvr.bargain_model
        )
        mix = make_bargains(
            old, sal, cap, ctx.sigma, rec.target, rec.phi, gain_r, "s2p2", comp.bargain_model
        )
        assert sorted(np.flatnonzero(~rec.has_target[0]).tolist()) == turn.get("no_target", [])
        for ch in turn["challenges"]:
            i, j = ch["initiator"], ch["target"]
            assert rec.has_target[0, i], (t, i)
            assert rec.target[0, i] == j, (t, i)
            assert abs(rec.phi[0, i] - ch["phi_by_initiator"]) <= 5e-5 + 1e-12
            assert abs(rec.gain[0, i] - ch["gain_to_initiator_by_initiator"]) <= 5e-5 + 1e-12
            assert abs(phi_r[0, i] - ch["phi_by_target"]) <= 5e-5 + 1e-12
            assert abs(gain_r[0, i] - ch["gain_to_initiator_by_target"]) <= 5e-5 + 1e-12
            for view, key in ((0, "bargain_initiator_view"), (1, "bargain_target_view")):
                got = 100 * np.array([two[0][0, i, view], two[1][0, i, view]])
                np.testing.assert_allclose(got, ch[key], rtol=0, atol=1e-6)
            got = 100 * np.array([mix[0][0, i, 0], mix[1][0, i, 0]])
            np.testing.assert_allclose(got, ch["bargain_compromise"], rtol=0, atol=5e-4 + 1e-9)


def test_spec_turn0_checkpoints_soe_pol_comp() -> None:
    """The turn-0 numbers quoted in the spec (§11), written out here by hand."""
    arr = ktab_arrays("soe_pol_comp")
    cap, x0, sal = space(arr)
    run, risk0 = simulate(cap, x0, sal, SMPParams(), np.random.default_rng(0), record=True)
    r_spec = [
        1.0,
        -0.498,
        -0.452,
        0.362,
        -0.5,
        -0.5,
        -0.497,
        -0.499,
        -0.452,
        0.643,
        -0.383,
        -0.196,
        -0.5,
    ]
    np.testing.assert_allclose(risk0[0], r_spec, atol=5e-4 + 1e-12)
    _, _, rec = run.events[0]
    targets = {
        0: (10, 0.7676, 0.0456),
        1: (5, 0.8974, 0.4826),
        2: (10, 0.7913, 0.2639),
        3: (8, 0.9361, 0.1977),
        4: (5, 0.8682, 0.4920),
        5: (8, 0.1164, 0.0359),
        6: (5, 0.9768, 0.0714),
        7: (6, 0.8965, 0.4244),
        8: (5, 0.8849, 0.1520),
        9: (5, 0.7667, 0.1157),
        10: (8, 0.9113, 0.3400),
        11: (5, 0.9322, 0.1448),
        12: (8, 0.9602, 0.4215),
    }
    for i, (j, phi, gain) in targets.items():
        assert rec.target[0, i] == j
        assert abs(rec.phi[0, i] - phi) <= 5e-5 + 1e-12
        assert abs(rec.gain[0, i] - gain) <= 5e-5 + 1e-12
    np.testing.assert_allclose(100 * rec.b_init[0, 0, 0], [34.83, 22.50], atol=1e-9)
    np.testing.assert_allclose(100 * rec.b_rcvr[0, 0, 0], [34.83, 22.50], atol=1e-9)
    np.testing.assert_allclose(100 * rec.b_init[0, 10, 0], [49.93, 49.96], atol=1e-9)
    np.testing.assert_allclose(100 * rec.b_rcvr[0, 10, 0], [49.93, 49.95], atol=1e-9)
    state1 = [
        (30.0, 20.0),
        (44.8, 64.6),
        (30.0, 15.0),
        (44.9, 45.0),
        (49.6, 64.4),
        (42.9, 38.8),
        (20.0, 15.0),
        (59.7, 49.8),
        (29.6, 14.7),
        (42.9, 38.8),
        (49.9, 50.0),
        (20.0, 29.9),
        (15.0, 60.0),
    ]
    np.testing.assert_allclose(100 * run.positions[1][0], state1, atol=0.05 + 1e-9)


def test_reference_result_api() -> None:
    res = ktab_run("soe_pol_comp")
    ref = fixture("soe_pol_comp")
    prob = res.diagnostics["win_probability"][0]
    np.testing.assert_allclose(prob, ref["probabilities"][-1], atol=1e-4)
    # KTAB's reported probabilities: one per unique position found by its scan in actor order
    final = res.final_positions[0]
    reps: list[int] = []
    for a in range(len(final)):
        if not any(np.linalg.norm(final[a] - final[u]) / 100 < 1e-3 for u in reps):
            reps.append(a)
    weights = prob[reps]
    assert abs(weights.sum() - 1) < 1e-12
    # forecast = probability-weighted mean of the clusters of the final positions (chains of
    # actors closer than 0.1 points, at their mean position), as the loop reference computes it
    cap, x0, sal = space(ktab_arrays("soe_pol_comp"))
    loop = run_loop(cap[0].tolist(), x0[0].tolist(), sal[0].tolist(), SMPParams())
    np.testing.assert_allclose(res.forecast[0], 100 * np.array(loop.expected[-1]), atol=1e-9)
    # the two clusterings differ in this run (near but distinct positions), by little
    assert 0 < np.abs(res.forecast[0] - weights @ final[reps]).max() < 1e-3
    modal = res.diagnostics["modal"][0]
    assert np.linalg.norm(modal - final[reps[np.argmax(weights)]]) < 0.1
    assert res.series["expected"].shape == (28, 1, 2)
    np.testing.assert_allclose(res.series["expected"][-1], res.forecast)
    json.loads(res.to_json())


def test_loop_reference_reproduces_ktab_too() -> None:
    ref = fixture("dummy_data_3dim")
    cap, x0, sal = space(ktab_arrays("dummy_data_3dim"))
    out = run_loop(cap[0].tolist(), x0[0].tolist(), sal[0].tolist(), SMPParams())
    assert len(out.positions) == ref["states"]
    np.testing.assert_allclose(100 * np.array(out.positions), ref["positions"], atol=1e-6)
    np.testing.assert_allclose(out.probabilities, ref["probabilities"], atol=1e-4)


# ------------------------------------------------------------------ loop vs vectorised
def small_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random KTAB-valid case: 3-6 actors, 1-3 dimensions, saliences summing to <= 1."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(3, 7)), int(rng.integers(1, 4))
    cap = rng.uniform(1, 100, n)
    x = rng.uniform(0, 1, (n, k))
    s = rng.uniform(0.05, 1, (n, k))
    return cap, x, s / np.maximum(1, s.sum(axis=1, keepdims=True))


def assert_matches_loop(seed: int, params: SMPParams) -> None:
    cap, x, s = small_case(seed)
    loop = run_loop(cap.tolist(), x.tolist(), s.tolist(), params)
    run, risk0 = simulate(cap[None], x[None], s[None], params, np.random.default_rng(0))
    assert len(run.positions) == len(loop.positions)
    np.testing.assert_allclose(np.stack(run.positions)[:, 0], loop.positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        np.stack(run.probabilities)[:, 0], loop.probabilities, rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(run.rho[0], loop.rho, rtol=0, atol=1e-9)
    np.testing.assert_allclose(risk0[0], loop.risk[0], rtol=0, atol=1e-9)
    assert bool(run.converged[0]) == loop.converged
    expected = [
        (w[0, :, None] * c[0]).sum(axis=0)
        for w, c in zip(run.rep_probabilities, run.rep_positions, strict=True)
    ]
    np.testing.assert_allclose(expected, loop.expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_loop_agrees_defaults(seed: int) -> None:
    assert_matches_loop(seed, SMPParams())


OPTION_VALUES = [
    (name, value)
    for name, values in KTAB_CODES.items()
    for value in values
    if value != "full" or name != "big_r_adjust"
]
NON_DEFAULT = [
    (n, v)
    for n, v in OPTION_VALUES
    if v != SMPParams.model_fields[n].default and n != "state_transition"
]


@pytest.mark.parametrize(("name", "value"), NON_DEFAULT, ids=lambda v: str(v))
def test_loop_agrees_options(name: str, value: str) -> None:
    for seed in (100, 101):
        assert_matches_loop(seed, SMPParams(**{name: value}))


@pytest.mark.slow
@pytest.mark.parametrize(
    "opts",
    [
        {"vp_model": "square", "pce_model": "markov_incentive", "voting_rule": "prop_cbc"},
        {"vp_model": "binary", "pce_model": "markov_uniform", "big_r_range": "max"},
        {"voting_rule": "asym_prosp", "bargain_model": "init_rcvr_interp", "big_r_adjust": "half"},
        {"third_party_commit": "full", "inter_vec_bargain": "s2pmax", "big_r_range": "min"},
        {"inter_vec_bargain": "s1p1", "bargain_model": "pw_comp_interp", "vp_model": "octic"},
        {"voting_rule": "cubic", "big_r_adjust": "none", "third_party_commit": "no"},
    ],
)
def test_loop_agrees_combinations(opts: dict[str, str]) -> None:
    for seed in range(200, 212):
        assert_matches_loop(seed, SMPParams(**opts))


def test_loop_agrees_stochastic_batch() -> None:
    params = SMPParams(state_transition="stochastic", pce_model="markov_incentive")
    cases = [small_case(s) for s in range(300, 400)]
    cases = [c for c in cases if c[1].shape == (4, 2)][:4]
    cap, x, s = (np.stack(v) for v in zip(*cases, strict=True))
    run, _ = simulate(cap, x, s, params, np.random.default_rng(5))
    kids = np.random.default_rng(5).spawn(len(cases))
    for d in range(len(cases)):
        loop = run_loop(cap[d].tolist(), x[d].tolist(), s[d].tolist(), params, kids[d])
        got = np.stack(run.positions)[:, d]
        np.testing.assert_allclose(got[: len(loop.positions)], loop.positions, atol=1e-9)
        assert (got[len(loop.positions) - 1 :] == got[-1]).all()  # padded by repetition
        assert run.rounds[d] == len(loop.positions) - 1


# ------------------------------------------------------------------ parameters
def test_defaults_are_ktabs() -> None:
    assert SMPParams().ktab_vector == [0, 0, 0, 2, 1, 1, 1, 1, 0]
    p = SMPParams()
    assert (p.max_turns, p.min_turns, p.min_delta_ratio) == (100, 2, 0.02)
    assert models.get("smp").params == p
    assert SMP.joint
    assert SMP.name == "smp"


def test_full_big_r_adjust_rejected() -> None:
    with pytest.raises(AccordError, match="big_r_adjust='full' is not supported"):
        models.get("smp", big_r_adjust="full")
    with pytest.raises(AccordError, match="max_turns"):
        models.get("smp", max_turns=0)
    with pytest.raises(AccordError):
        models.get("smp", voting_rule="plurality")


@pytest.mark.parametrize(("name", "value"), OPTION_VALUES, ids=lambda v: str(v))
def test_every_option_runs(name: str, value: str) -> None:
    scn = random_scenario(7, n_actors=6, n_issues=2)
    res = models.get("smp", **{name: value}).run(scn, rng=1)
    assert res.trajectory.shape[1:] == (1, 6, 2)
    assert np.isfinite(res.forecast).all()
    assert np.all((res.trajectory >= 0) & (res.trajectory <= 100))
    prob = res.diagnostics["win_probability"][0]
    assert np.all((prob >= 0) & (prob <= 1))


def test_vp_models_sharpen_victory() -> None:
    c = np.array([[[1e-8, 3.0], [1.0, 1e-8]]])
    v = {vp: victory(c, vp)[0, 0, 1] for vp in ("linear", "square", "quartic", "octic")}
    assert v["linear"] == pytest.approx(0.75)
    assert v["square"] == pytest.approx(0.9)
    assert v["linear"] < v["square"] < v["quartic"] < v["octic"] < 1
    assert victory(c, "binary")[0, 0, 1] == pytest.approx(1 / (1 + 1e-6))
    near = np.array([[[1e-8, 1.0], [1.0, 1e-8]]])
    assert victory(near, "binary")[0, 0, 1] == pytest.approx(0.5)  # a tie stays a tie
    for vp in ("linear", "square", "binary"):
        v_ = victory(c, vp)[0]
        assert v_[0, 1] + v_[1, 0] == pytest.approx(1)


def test_pce_models_crown_a_condorcet_winner() -> None:
    # three voters, three options; option 1 is everyone's first or second choice
    util = np.array([[[0.9, 0.8, 0.1], [0.1, 0.8, 0.9], [0.5, 0.9, 0.4]]])
    w = np.array([[1.0, 1.0, 1.0]])
    got = {}
    for model in ("conditional", "markov_incentive", "markov_uniform"):
        p = pce(w, util, "prop", "linear", model)[0]
        assert p.sum() == pytest.approx(1)
        assert np.argmax(p) == 1
        got[model] = p
    assert not np.allclose(got["conditional"], got["markov_uniform"], atol=1e-3)
    # the uniform Markov chain stops at (near) its fixed point
    c = coalitions(w, util, "prop")
    v = victory(c, "linear")[0]
    p = got["markov_uniform"]
    fixed = (v * (p[:, None] + p[None, :])).sum(axis=1) / 3
    np.testing.assert_allclose(fixed, p, atol=1e-5)


def test_voting_rules() -> None:
    d = np.array([-0.5, -1e-10, 0.0, 1e-10, 0.5])
    np.testing.assert_allclose(vote(2.0, d, "prop"), 2 * d)
    np.testing.assert_allclose(vote(2.0, d, "binary"), [-2, -0.02, 0, 0.02, 2])
    np.testing.assert_allclose(vote(2.0, d, "cubic"), 2 * d**3)
    np.testing.assert_allclose(vote(1.0, d, "prop_cbc"), 0.5 * d + 0.5 * d**3)
    np.testing.assert_allclose(vote(1.0, d, "prop_bin"), 0.8 * d + 0.2 * np.clip(d / 1e-8, -1, 1))
    np.testing.assert_allclose(vote(3.0, d, "asym_prosp"), [-1.5, -3e-10, 0, 2e-10, 1.0])
    # ASymProsp depends on the order of the options (spec §3 quirk); Prop does not
    util = np.array([[[0.2, 0.6]]])
    swapped = util[:, :, ::-1]
    w = np.array([[1.0]])
    for rule, same in (("prop", True), ("asym_prosp", False)):
        a = coalitions(w, util, rule)[0]
        b = coalitions(w, swapped, rule)[0]
        assert np.allclose(a, b[::-1, ::-1]) is same


def test_big_r_range_and_adjust() -> None:
    pi0 = np.array([[0.1, 0.2, 0.7]])
    for rng, (lo, hi) in {"min": (0, 1), "mid": (-0.5, 1), "max": (-1, 1)}.items():
        r = risk_attitudes(pi0, rng)[0]
        assert r.min() == pytest.approx(lo)
        assert r.max() == pytest.approx(hi)
    assert (risk_attitudes(np.full((1, 3), 1 / 3), "mid") == 0).all()  # undefined -> neutral
    r = np.array([[1.0, -0.5]])
    est = {a: perceived_risk(r, a)[0] for a in ("none", "one_third", "half", "two_thirds")}
    assert est["none"][0, 1] == 1.0  # h uses its own attitude for everybody
    assert est["one_third"][0, 1] == pytest.approx(0.5)
    assert est["half"][0, 1] == pytest.approx(0.25)
    assert est["two_thirds"][0, 1] == pytest.approx(0.0)
    for a in est.values():  # everyone knows its own attitude
        np.testing.assert_allclose(np.diagonal(a), r[0])


def test_third_party_commitment() -> None:
    cap, x0, sal = space(ktab_arrays("soe_pol_comp"))
    ctx = Context.build(cap, sal)
    state = evaluate_state(ctx, x0, SMPParams())
    r_h = perceived_risk(state.risk, "one_third")
    phi = {
        c: all_challenges(state.dist, r_h, ctx.omega, ctx.sigma, "prop", c)[0]
        for c in ("no", "semi", "full")
    }
    # no and full give third parties the same stake on either side: only principals vote
    np.testing.assert_array_equal(phi["no"], phi["full"])
    assert np.abs(phi["semi"] - phi["no"]).max() > 0.05


def test_bargain_interpolations() -> None:
    t_i, t_j = np.array([0.2]), np.array([0.8])
    s_i, s_j = np.array([0.6]), np.array([0.4])
    p_i, p_j = np.array([0.7]), np.array([0.3])
    s1 = interpolate(t_i, t_j, s_i, s_j, p_i, p_j, "s1p1")
    s2 = interpolate(t_i, t_j, s_i, s_j, p_i, p_j, "s2p2")
    mx = interpolate(t_i, t_j, s_i, s_j, p_i, p_j, "s2pmax")
    # i is stronger (s p = .42 vs .12): squaring pulls the bargain further towards i
    assert t_i[0] < s2[0][0] < s1[0][0] < 0.5
    assert s1[0][0] == pytest.approx(0.2 + 0.6 * 0.12 / 0.54, abs=1e-4)
    for b in (*s1, *s2):  # rounded to KTAB's 1e-4 grid
        assert b[0] * 1e4 == pytest.approx(round(b[0] * 1e4), abs=1e-9)
    # S2PMax: the likely winner stays put, the loser moves towards it (no rounding)
    assert mx[0][0] == t_i[0]
    assert t_i[0] < mx[1][0] < t_j[0]


def test_bargain_models_offer_different_options() -> None:
    scn = random_scenario(3, n_actors=5, n_issues=2)
    counts = {}
    for bm in ("init_only_interp", "init_rcvr_interp", "pw_comp_interp"):
        res = models.get("smp", bargain_model=bm).run(scn)
        adopts = [e for e in res.events if e.kind == "adopt" and e.round == 1]
        counts[bm] = max(e.detail["options"] for e in adopts) if adopts else 1
    assert counts["init_rcvr_interp"] > counts["init_only_interp"]
    assert counts["pw_comp_interp"] == counts["init_only_interp"]


def test_stochastic_mode() -> None:
    scn = random_scenario(4, n_actors=6, n_issues=2)
    det = models.get("smp")
    np.testing.assert_array_equal(det.run(scn, rng=1).trajectory, det.run(scn, rng=2).trajectory)
    sto = models.get("smp", state_transition="stochastic")
    runs = [sto.run(scn, rng=s).final_positions for s in range(6)]
    assert any(not np.array_equal(runs[0], r) for r in runs[1:])
    np.testing.assert_array_equal(sto.run(scn, rng=3).trajectory, sto.run(scn, rng=3).trajectory)


def test_stopping_parameters() -> None:
    scn = random_scenario(5, n_actors=6, n_issues=2)
    one = models.get("smp", max_turns=1).run(scn)
    assert one.trajectory.shape[0] == 2
    assert not one.converged.any()
    base = models.get("smp").run(scn)
    longer = models.get("smp", min_delta_ratio=0.0, max_turns=base.rounds[0, 0] + 5).run(scn)
    assert longer.rounds[0, 0] >= base.rounds[0, 0]
    np.testing.assert_array_equal(longer.trajectory[: base.trajectory.shape[0]], base.trajectory)
    late = models.get("smp", min_turns=base.rounds[0, 0] + 3).run(scn)
    assert late.rounds[0, 0] >= base.rounds[0, 0] + 3


# ------------------------------------------------------------------ accord's mapping
def test_scale_mapping_and_salience_rule() -> None:
    scn = random_scenario(8, n_actors=5, n_issues=3)  # saliences in 0.05-1 per issue
    arr = scn.to_arrays()
    total = arr.salience.sum(axis=-1)
    assert (total > 1).any()
    assert (total <= 1).any()
    res = models.get("smp").run(scn)
    np.testing.assert_array_equal(res.diagnostics["salience_rescaled"], total > 1 + 1e-9)
    np.testing.assert_allclose(res.diagnostics["salience_total"], total)
    # same run with the rule applied by hand
    scaled = arr.salience / np.where(total > 1, total, 1)[..., None]
    by_hand = models.get("smp").run(arr.with_values(salience=scaled))
    np.testing.assert_allclose(by_hand.trajectory, res.trajectory, atol=1e-9)
    # positions are mapped linearly from each issue's own scale
    lo, hi = np.array([-10.0, 0.0, 5.0]), np.array([30.0, 1.0, 6.0])
    moved = arr.with_values(
        position=lo + arr.position / 100 * (hi - lo), scale_min=lo, scale_max=hi
    )
    other = models.get("smp").run(moved)
    np.testing.assert_allclose(other.trajectory, lo + res.trajectory / 100 * (hi - lo), atol=1e-9)
    np.testing.assert_array_equal(other.trajectory[0], moved.position)


def test_batch_equals_single_draws_and_padding() -> None:
    scns = [random_scenario(s, n_actors=6, n_issues=2) for s in (20, 21, 22)]
    arrays = [s.to_arrays() for s in scns]
    batch = arrays[0].with_values(
        capability=np.concatenate([a.capability for a in arrays]),
        position=np.concatenate([a.position for a in arrays]),
        salience=np.concatenate([a.salience for a in arrays]),
    )
    together = models.get("smp").run(batch)
    assert together.events == ()
    for d, a in enumerate(arrays):
        alone = models.get("smp").run(a)
        t = alone.trajectory.shape[0]
        np.testing.assert_array_equal(together.trajectory[:t, d], alone.trajectory[:, 0])
        assert (together.trajectory[t - 1 :, d] == alone.trajectory[-1, 0]).all()
        np.testing.assert_array_equal(together.forecast[d], alone.forecast[0])
        assert together.rounds[d].tolist() == alone.rounds[0].tolist()
        assert len(together.diagnostics["rho"][d]) == alone.rounds[0, 0]


def test_events_single_draw() -> None:
    res = ktab_run("soe_pol_comp")
    first = [e for e in res.events if e.round == 1 and e.kind == "challenge"]
    assert len(first) == 13 * 2  # every actor challenged someone, one event per issue
    xj = [e for e in first if e.actor == "xj"]
    assert {e.counterpart for e in xj} == {"shx"}
    assert xj[0].detail["phi"] == pytest.approx(0.7676, abs=5e-5)
    moves = [e for e in res.events if e.round == 1 and e.kind == "adopt"]
    state1 = res.trajectory[1, 0]
    for e in moves:
        a, k = res.actor_ids.index(e.actor), res.issue_ids.index(e.issue)
        assert e.position_to == pytest.approx(state1[a, k])


def test_degenerate_inputs() -> None:
    scn = Scenario.model_validate(
        {
            "title": "together",
            "actors": [{"id": f"a{i}", "capability": 1.0 + i} for i in range(3)],
            "issues": [{"id": "x"}, {"id": "y"}],
            "stances": [
                {"actor": f"a{i}", "issue": iss, "position": 40.0, "salience": 0.0 if i else 0.5}
                for i in range(3)
                for iss in ("x", "y")
            ],
        }
    )
    res = models.get("smp").run(scn)  # all at one point; two actors care about nothing
    assert res.rounds[0, 0] >= 1
    np.testing.assert_array_equal(res.final_positions, res.trajectory[0])
    np.testing.assert_allclose(res.forecast, [[40.0, 40.0]])


# ------------------------------------------------------------------ actor order
def test_near_positions_cluster_the_same_way_in_any_order() -> None:
    # 54.43, 54.45 and 54.53 (on 0-100): 54.43-54.45 and 54.45-54.53 lie within 0.1 points of
    # each other, 54.43-54.53 does not. KTAB's scan makes one cluster when 54.45 comes first
    # and two otherwise; the forecast's clusters are the chain, whatever the order.
    from accord.models.smp.turn import ktab_unique_positions, unique_positions

    x = np.array([54.43, 54.53, 54.45, 20.0]) / 100
    for order in ([0, 1, 2, 3], [2, 0, 1, 3], [3, 1, 2, 0]):
        xs = x[order][None, :, None]
        rep, centre = unique_positions(xs)
        groups = {tuple(sorted(np.array(order)[rep[0] == r])) for r in set(rep[0].tolist())}
        assert groups == {(0, 1, 2), (3,)}
        mean = centre[0, rep[0][order.index(0)], 0]
        assert mean == pytest.approx((54.43 + 54.53 + 54.45) / 300, abs=1e-15)
    assert len(set(ktab_unique_positions(x[None, :, None])[0].tolist())) == 3
    assert len(set(ktab_unique_positions(x[[2, 0, 1, 3]][None, :, None])[0].tolist())) == 2


def test_the_forecast_does_not_depend_on_actor_order() -> None:
    # 8 actors, no exact tie: reversing the actors moved the forecast from 52.72 to 50.84
    scn = random_scenario(152, n_actors=8, n_issues=1)
    smp = models.get("smp")
    a = smp.run(scn)
    b = smp.run(scn.subset(actors=list(reversed(scn.actor_ids))))
    np.testing.assert_allclose(a.forecast, b.forecast, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.diagnostics["modal"], b.diagnostics["modal"], atol=1e-9)
    # the loop reference, written independently, gives the same forecast
    cap, x0, sal = space(scn.to_arrays())
    loop = run_loop(cap[0].tolist(), x0[0].tolist(), sal[0].tolist(), SMPParams())
    np.testing.assert_allclose(a.forecast[0], 100 * np.array(loop.expected[-1]), atol=1e-9)
