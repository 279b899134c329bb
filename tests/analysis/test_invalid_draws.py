"""Draws without a finite forecast, histograms at the scale's ends, and bounds on big options.

A model may be unable to compute with some drawn inputs. Monte Carlo, the deal-aware forecast
(and the bottom line on it) and design comparisons count such draws and refuse, naming how many
and the first; asked to drop them, they summarise the others and say how many were dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from accord import AccordError
from accord.analysis import montecarlo
from accord.analysis.bottom_line import bottom_line, estimate_cost
from accord.analysis.deal import deal_forecast
from accord.analysis.montecarlo import summarize_issue
from accord.analysis.sensitivity import MAX_SOBOL_RUNS, sobol
from accord.models import compiled, get, registry
from accord.models.base import Model, Output
from accord.models.weights import weighted_mean
from accord.process.compare import compare
from accord.process.design import Design
from accord.scenario import Issue, Scenario, ScenarioArrays

THRESHOLD = 2.5
"""Fragile gives no forecast for issue 'j' when actor a's capability is above this."""


class Fragile(Model):
    """A test model: the capability-weighted mean, NaN on issue 'j' when a's capability > 2.5."""

    name = "fragile"
    summary = "test model"
    reference = "none"
    aggregation_consistent = True

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        d, _, k = arrays.position.shape
        w = arrays.capability[:, :, None] * np.ones_like(arrays.position)
        forecast = (w * arrays.position).sum(axis=1) / w.sum(axis=1)
        if "j" in arrays.issue_ids:  # a design's track may hold issue i alone
            forecast[arrays.capability[:, 0] > THRESHOLD, arrays.issue_ids.index("j")] = np.nan
        return Output(
            trajectory=arrays.position[None],
            forecast=forecast,
            rounds=np.zeros((d, k), dtype=np.int64),
            converged=np.ones((d, k), dtype=np.bool_),
        )


def fragile_scenario() -> Scenario:
    """Actor a's capability is uniform on [1, 3]: about a quarter of the draws are bad."""
    return Scenario.model_validate(
        {
            "title": "fragile",
            "actors": [
                {"id": "a", "capability": 2, "capability_range": [1, 3]},
                {"id": "b", "capability": 2},
                {"id": "c", "capability": 1},
            ],
            "issues": [
                {"id": "i", "scale": {"min": 0, "max": 100}, "status_quo": 50},
                {"id": "j", "scale": {"min": 0, "max": 100}, "status_quo": 50},
            ],
            "stances": [
                {"actor": a, "issue": i, "position": p, "salience": 0.5}
                for a, ps in (("a", (10, 20)), ("b", (60, 70)), ("c", (90, 40)))
                for i, p in zip(("i", "j"), ps, strict=True)
            ],
        }
    )


def bad_draws(draws: int, seed: int = 0) -> np.ndarray:
    """Return which of the draws Fragile cannot compute (from the drawn capabilities)."""
    scn = fragile_scenario()
    result = montecarlo.run(scn, get("compromise"), draws=draws, seed=seed)
    # the first input is a's capability; draw it again exactly as the run did
    from accord.analysis.sampling import draw_block_range

    values = draw_block_range(result.inputs, 0, draws, seed, 0.0)
    return np.asarray(values[:, 0] > THRESHOLD)


def test_monte_carlo_refuses_draws_without_a_forecast() -> None:
    bad = bad_draws(500)
    assert 50 < bad.sum() < 250  # the test means something
    with pytest.raises(AccordError) as caught:
        montecarlo.run(fragile_scenario(), Fragile(), draws=500, seed=0)
    first = int(np.flatnonzero(bad)[0])
    assert str(caught.value).startswith(
        f"{int(bad.sum())} of 500 draws gave no finite forecast (first: draw {first}, issue 'j')"
    )
    assert "--drop-invalid" in str(caught.value)


def test_monte_carlo_drops_them_when_asked_and_says_so() -> None:
    bad = bad_draws(500)
    res = montecarlo.run(fragile_scenario(), Fragile(), draws=500, seed=0, drop_invalid=True)
    assert res.dropped == int(bad.sum())
    assert np.isnan(res.forecasts[bad]).all() and np.isfinite(res.forecasts[~bad]).all()
    for k, s in enumerate(res.summaries):
        kept = res.forecasts[~bad, k]
        assert s.mean == pytest.approx(kept.mean(), abs=1e-12)
        assert sum(s.counts) == kept.size  # every kept draw in the histogram, no dropped one
        # converged counts over every draw: a dropped draw did not converge
        assert s.converged == pytest.approx((~bad).mean())
    data = json.loads(res.to_json())
    assert data["dropped_draws"] == int(bad.sum())
    assert data["provenance"]["drop_invalid"] is True
    assert data["provenance"]["draws"] == 500


def test_monte_carlo_with_deal_summarises_the_kept_draws_only() -> None:
    bad = bad_draws(300)
    res = montecarlo.run(
        fragile_scenario(), Fragile(), draws=300, seed=0, deal=True, drop_invalid=True
    )
    assert res.dropped == int(bad.sum())
    assert res.outcomes is not None and np.isnan(res.outcomes[bad]).all()
    for d in res.deals:
        assert sum(d.expected.counts) == int((~bad).sum())


def test_every_draw_bad_is_an_error_even_when_dropping() -> None:
    scn = fragile_scenario()
    data = scn.model_dump()
    data["actors"][0]["capability_range"] = [2.6, 3.0]
    data["actors"][0]["capability"] = 2.8
    with pytest.raises(AccordError, match="200 of 200 draws gave no finite forecast"):
        montecarlo.run(Scenario.model_validate(data), Fragile(), draws=200, drop_invalid=True)


def test_the_deal_aware_forecast_and_the_bottom_line_refuse_or_drop() -> None:
    bad = bad_draws(200)
    scn = fragile_scenario()
    with pytest.raises(AccordError, match=r"of 200 draws gave no finite forecast with model"):
        deal_forecast(scn, [get("compromise"), Fragile()], draws=200)
    df = deal_forecast(scn, [get("compromise"), Fragile()], draws=200, drop_invalid=True)
    assert df.dropped == int(bad.sum())
    assert df.agreement.zones[0].exists.shape[0] == int((~bad).sum())
    assert json.loads(df.to_json())["provenance"]["dropped_draws"] == int(bad.sum())
    with pytest.raises(AccordError, match="draws gave no finite forecast"):
        bottom_line(scn, [get("compromise"), Fragile()], draws=200, with_drivers=False)
    bl = bottom_line(
        scn, [get("compromise"), Fragile()], draws=200, with_drivers=False, drop_invalid=True
    )
    assert bl.to_dict()["provenance"]["dropped_draws"] == int(bad.sum())
    assert bl.outcome.shape[0] == int((~bad).sum())
    assert np.isfinite(bl.outcome).all()


def test_design_comparisons_on_draws_refuse_or_drop() -> None:
    bad = bad_draws(100)
    scn = fragile_scenario()
    design = Design.model_validate({"id": "apart", "tracks": [["i"], ["j"]]})
    with pytest.raises(AccordError, match="of 100 draws gave no finite forecast in design"):
        compare(scn, [design], Fragile(), draws=100)
    cmp = compare(scn, [design], Fragile(), draws=100, drop_invalid=True)
    assert (cmp.draws, cmp.dropped) == (int((~bad).sum()), int(bad.sum()))
    assert cmp.to_dict()["dropped_draws"] == int(bad.sum())
    assert np.isfinite(cmp.runs[0].forecast).all()


# ------------------------------------------------------------------ histograms at the ends
EDGE = Issue.model_validate({"id": "year", "scale": {"min": 2015, "max": 2030}})


def test_values_at_either_end_of_the_scale_are_counted() -> None:
    values = np.array([2015.0, 2030.0, 2030.0, 2022.5, 2014.9999999999998, 2030.0000000000002])
    s = summarize_issue(np.append(values, np.nan), EDGE, bins=15)
    assert sum(s.counts) == values.size  # the NaN in no bin, every finite value in one
    assert s.counts[0] == 2 and s.counts[-1] == 3
    assert s.interval95[0] >= 2015.0 and s.interval95[1] <= 2030.0


def test_monte_carlo_counts_every_draw_at_the_edge() -> None:
    # Everyone at 2015, the weights uncertain: the compromise forecast is 2015 in every draw.
    # Unclipped, some weighted means round to 2014.9999999999998 and fell out of the histogram.
    scn = Scenario.model_validate(
        {
            "title": "edge",
            "actors": [
                {"id": f"a{i}", "capability": 5, "capability_range": [1, 9]} for i in range(5)
            ],
            "issues": [{"id": "year", "scale": {"min": 2015, "max": 2030}}],
            "stances": [
                {"actor": f"a{i}", "issue": "year", "position": 2015, "salience": 0.3 + 0.1 * i}
                for i in range(5)
            ],
        }
    )
    res = montecarlo.run(scn, get("compromise"), draws=1000, seed=1, bins=10)
    s = res.summaries[0]
    assert sum(s.counts) == 1000 and s.counts[0] == 1000
    assert np.all(res.forecasts >= 2015.0)
    # the rounding the clip repairs does happen on these draws
    from accord.analysis.inputs import apply_values
    from accord.analysis.sampling import draw_block_range

    batch = apply_values(scn.to_arrays(), res.inputs, draw_block_range(res.inputs, 0, 1000, 1, 0))
    raw = weighted_mean(batch.position[:, :, 0], batch.capability * batch.salience[:, :, 0])
    assert (raw < 2015.0).any()


# ------------------------------------------------------------------ bounds on big options
def test_huge_draws_bins_and_chunks_are_refused_with_the_arithmetic() -> None:
    with pytest.raises(AccordError) as caught:
        montecarlo.check_options(10**12, n_issues=4)
    text = str(caught.value)
    assert "1,000,000,000,000 draws x 4 issues x 9 bytes = 36.0 TB" in text
    assert "use at most 55,555,555 draws per run" in text and "--seed" in text
    with pytest.raises(AccordError, match="--bins must be at most 10,000, got 100,000,000"):
        montecarlo.check_options(100, bins=100_000_000)
    with pytest.raises(
        AccordError, match=r"--chunk 1,000,000 is too large: .* use --chunk 147,058"
    ):
        montecarlo.check_options(10**6, chunk=10**6, n_actors=17, n_issues=4)
    montecarlo.check_options(1000, bins=10_000, n_actors=17, n_issues=4)  # within bounds
    scn = fragile_scenario()
    with pytest.raises(AccordError, match="draws x 2 issues x 34 bytes"):
        montecarlo.run(scn, get("compromise"), draws=40_000_000, deal=True)


def test_sobol_refuses_a_sample_too_big_before_sampling() -> None:
    scn = fragile_scenario()  # one uncertain input
    with pytest.raises(AccordError) as caught:
        sobol(scn, get("compromise"), samples=2**30)
    text = str(caught.value)
    assert f"{2**30:,} x 3 = {3 * 2**30:,} model runs" in text
    assert f"above the limit of {MAX_SOBOL_RUNS:,}; use --samples 1,048,576 or fewer" in text


@pytest.fixture
def fragile_registered() -> Iterator[None]:
    registry._REGISTRY["fragile"] = Fragile
    try:
        yield
    finally:
        registry._REGISTRY.pop("fragile", None)


def test_cli_refuses_then_drops_with_the_flag(run_cli, tmp_path: Path, fragile_registered) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(json.dumps(fragile_scenario().model_dump(mode="json")), encoding="utf-8")
    code, out, err = run_cli("mc", str(path), "-m", "fragile", "-n", "400", "--quiet")
    assert code == 2 and "draws gave no finite forecast (first: draw" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run_cli(
        "mc", str(path), "-m", "fragile", "-n", "400", "--quiet", "--drop-invalid"
    )
    assert code == 0, err
    dropped = int(bad_draws(400).sum())
    assert f"400 draws, {dropped} of them dropped (no finite forecast)" in out
    code, out, err = run_cli(
        "mc", str(path), "-m", "fragile", "-n", "400", "--drop-invalid", "--json"
    )
    assert json.loads(out)["dropped_draws"] == dropped


def test_cli_bounds_are_one_line_errors(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(json.dumps(fragile_scenario().model_dump(mode="json")), encoding="utf-8")
    for args, words in (
        (("mc", str(path), "--draws", "1000000000000"), "is too many for one run"),
        (("mc", str(path), "--bins", "100000000"), "--bins must be at most 10,000"),
        (
            ("sensitivity", str(path), "--method", "sobol", "--samples", str(2**30)),
            "model runs, above the limit",
        ),
    ):
        code, _out, err = run_cli(*args)
        assert code == 2, (args, err)
        assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ------------------------------------------------------------------ cost estimates
def test_cost_estimates_follow_the_complexity() -> None:
    bdm, smp = get("bdm"), get("smp")
    # bdm: memory N^2 per problem (one draw of 5,000 actors: about 2.8 GB measured)
    assert 2e9 < bdm.cost(5000, 1).bytes < 4e9
    assert bdm.cost(2000, 1).bytes == pytest.approx(4 * bdm.cost(1000, 1).bytes, rel=0.05)
    # smp: time N^3 per turn (300 actors x 3 issues: 69 s measured on the NumPy path, 2.9 s
    # with the compiled kernels, which the estimate knows about)
    from accord.models.smp import kernel

    old = kernel.force(False)
    try:
        assert 30 < smp.cost(300, 3).seconds < 150
    finally:
        kernel.force(old)
    if compiled.enabled():
        assert 1 < smp.cost(300, 3).seconds < 15
    # per draw, apart from a fixed part per turn on the compiled path
    one, ten = smp.cost(200, 3).seconds, smp.cost(200, 3, draws=10).seconds
    assert 9 * one < ten <= 10 * one * (1 + 1e-9)
    old = kernel.force(False)
    try:
        ten_numpy = smp.cost(200, 3, draws=10).seconds
        assert ten_numpy == pytest.approx(10 * smp.cost(200, 3).seconds, rel=1e-9)
    finally:
        kernel.force(old)
    assert "N^3" in smp.cost(10, 1).formula
    assert "N^3" in (type(smp)._cost_terms.__doc__ or "")
    for name in registry.names():  # every model documents its formula and grows with N
        model = get(name)
        assert type(model)._cost_terms.__doc__
        assert model.cost(100, 3, 10).seconds > model.cost(10, 3, 10).seconds > 0


def test_the_run_command_warns_about_a_long_run(run_cli, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(json.dumps(fragile_scenario().model_dump(mode="json")), encoding="utf-8")
    scn = fragile_scenario()
    assert estimate_cost(scn, [get("compromise")]).seconds < 60
    code, _out, err = run_cli("run", str(path), "-m", "compromise", "--draws", "50")
    assert code == 0 and "warning: this may take" not in err
    monkeypatch.setattr("accord.cli.uncertainty_cmds.SECONDS_WARNING", 0.0)
    code, _out, err = run_cli("run", str(path), "-m", "compromise", "--draws", "50")
    assert code == 0
    assert "warning: this may take" in err and "it runs anyway" in err
    code, _out, err = run_cli("mc", str(path), "-m", "compromise", "-n", "50", "--quiet")
    assert code == 0 and "warning: this may take" in err
