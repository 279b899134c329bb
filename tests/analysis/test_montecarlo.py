"""Monte Carlo runs: summaries, regions, reproducibility, chunking, provenance, bad options."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from accord import AccordError, __version__
from accord.analysis import apply_values, montecarlo, uncertain_inputs
from accord.analysis.montecarlo import region_bounds, region_probabilities, summarize_issue
from accord.analysis.parallel import plan_chunks
from accord.analysis.sampling import draw_block_range
from accord.models import get
from accord.scenario import Issue
from tests.factories import random_scenario
from tests.reference.bdm_loop import bdm_loop
from tests.reference.ec_case import ec_scenario

ISSUE = Issue.model_validate(
    {
        "id": "x",
        "scale": {"min": 0, "max": 100},
        "anchors": {0: "none", 25: "some", 50: "half", 100: "all"},
    }
)


def test_summary_against_numpy() -> None:
    values = np.random.default_rng(0).beta(2, 5, 5000) * 100
    s = summarize_issue(values, ISSUE, bins=10, converged=0.25)
    assert s.mean == pytest.approx(np.mean(values), abs=1e-12)
    assert s.median == pytest.approx(np.median(values), abs=1e-12)
    assert s.interval80 == pytest.approx(tuple(np.quantile(values, [0.1, 0.9])), abs=1e-12)
    assert s.interval95 == pytest.approx(tuple(np.quantile(values, [0.025, 0.975])), abs=1e-12)
    counts, edges = np.histogram(values, bins=10, range=(0, 100))
    assert s.counts == tuple(counts)
    assert s.bin_edges == pytest.approx(tuple(edges))
    assert sum(s.counts) == 5000
    assert s.converged == 0.25


def test_regions_split_at_midpoints_between_anchors() -> None:
    bounds = region_bounds(ISSUE)
    assert [(lo, hi) for _, _, lo, hi in bounds] == [(0, 12.5), (12.5, 37.5), (37.5, 75), (75, 100)]
    # by hand: a value on a midpoint goes to the lower region, as Issue.label_of does
    values = np.array([0, 12.5, 12.6, 37.5, 40, 74.9, 75, 75.1, 100])
    regions = region_probabilities(values, ISSUE)
    assert [r.label for r in regions] == ["none", "some", "half", "all"]
    assert [r.probability for r in regions] == pytest.approx([2 / 9, 2 / 9, 3 / 9, 2 / 9])
    for v in values:
        inside = [r.label for r in regions if r.low < v <= r.high or (v == r.low == 0)]
        assert inside == [ISSUE.label_of(float(v))]


def test_no_anchors_no_regions_and_nan_forecasts_left_out() -> None:
    plain = Issue.model_validate({"id": "p", "scale": {"min": 0, "max": 10}})
    assert region_probabilities(np.array([1.0, 2.0]), plain) == ()
    s = summarize_issue(np.array([1.0, np.nan, 3.0]), ISSUE, bins=4)
    assert s.mean == 2.0 and sum(s.counts) == 2
    assert sum(r.probability for r in s.regions) == pytest.approx(1.0)
    empty = summarize_issue(np.array([np.nan]), ISSUE)
    assert np.isnan(empty.mean) and empty.to_dict()["mean"] is None


def test_plan_chunks() -> None:
    chunks = plan_chunks(10, 4)
    assert [(c.index, c.start, c.stop) for c in chunks] == [(0, 0, 4), (1, 4, 8), (2, 8, 10)]
    assert len(plan_chunks(3, 100)) == 1


@pytest.fixture(scope="module")
def scenario():
    return random_scenario(5, n_actors=6, n_issues=2, blocs=True)


def test_reproducible_and_independent_of_chunking(scenario) -> None:
    bdm = get("bdm")
    kw = {"draws": 700, "seed": 7, "spread": 0.15, "bloc_correlation": 0.3}
    first = montecarlo.run(scenario, bdm, chunk=1000, **kw)
    again = montecarlo.run(scenario, bdm, chunk=1000, **kw)
    np.testing.assert_array_equal(first.forecasts, again.forecasts)
    assert first.to_json() == again.to_json()
    for chunk in (64, 333, 700):
        other = montecarlo.run(scenario, bdm, chunk=chunk, **kw)
        np.testing.assert_array_equal(other.forecasts, first.forecasts)
        assert other.summaries == first.summaries
    # draw d is the same draw in a shorter run, even one draw per chunk
    prefix = montecarlo.run(scenario, bdm, chunk=1, **{**kw, "draws": 30})
    np.testing.assert_array_equal(prefix.forecasts, first.forecasts[:30])
    different = montecarlo.run(scenario, bdm, chunk=1000, **{**kw, "seed": 8})
    assert not np.array_equal(different.forecasts, first.forecasts)


def test_each_draw_is_the_model_on_that_draw(scenario) -> None:
    model = get("compromise")
    result = montecarlo.run(scenario, model, draws=30, seed=2, chunk=7, spread=0.2)
    inputs = uncertain_inputs(scenario, 0.2)
    values = draw_block_range(inputs, 0, 30, seed=2)
    for d in (0, 13, 29):
        one = apply_values(scenario.to_arrays(), inputs, values[d : d + 1])
        np.testing.assert_allclose(result.forecasts[d], model.run(one).forecast[0], atol=1e-12)


def test_bdm_draws_match_the_plain_loop_reference() -> None:
    scn = ec_scenario()
    result = montecarlo.run(
        scn, get("bdm", variant="scholz"), draws=12, seed=4, spread=0.1, chunk=5
    )
    inputs = uncertain_inputs(scn, 0.1)
    arrays = apply_values(scn.to_arrays(), inputs, draw_block_range(inputs, 0, 12, seed=4))
    assert len({tuple(row) for row in arrays.position[:, :, 0]}) == 12  # the draws differ
    for d in range(12):
        run = bdm_loop(
            arrays.position[d, :, 0].tolist(),
            arrays.capability[d].tolist(),
            arrays.salience[d, :, 0].tolist(),
            variant="scholz", q=1.0, rounds=8, tol=1e-6, big_r=6.0,
        )  # fmt: skip
        assert result.forecasts[d, 0] == pytest.approx(run.medians[-1], abs=1e-9)


def test_result_is_immutable_with_provenance(scenario) -> None:
    result = montecarlo.run(scenario, get("median"), draws=50, seed=3, spread=0.1, chunk=20)
    p = result.provenance
    assert (p.model, p.seed, p.draws, p.chunk, p.spread, p.bloc_correlation) == (
        "median", 3, 50, 20, 0.1, 0.0,
    )  # fmt: skip
    assert p.input_hash == scenario.content_hash()
    assert p.accord_version == __version__
    assert p.n_inputs == len(result.inputs) == len(uncertain_inputs(scenario, 0.1))
    assert result.forecasts.shape == (50, 2)
    assert not result.forecasts.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.title = "x"  # type: ignore[misc]
    data = json.loads(result.to_json(draws=True))
    assert data["provenance"]["params"] == {}
    assert len(data["forecasts"]["i0"]) == 50
    assert [s["issue"] for s in data["issues"]] == ["i0", "i1"]
    assert sum(data["issues"][0]["counts"]) == 50


def test_progress_reports_draws_done(scenario) -> None:
    seen: list[int] = []
    montecarlo.run(scenario, get("median"), draws=25, chunk=10, spread=0.1, progress=seen.append)
    assert seen == [10, 20, 25]


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"draws": 0}, "--draws must be a whole number >= 1, got 0"),
        ({"draws": -5}, "--draws must be a whole number >= 1, got -5"),
        ({"chunk": 0}, "--chunk"),
        ({"bins": 0}, "--bins"),
        ({"seed": -1}, "--seed"),
        ({"bloc_correlation": 1.0}, "--bloc-correlation"),
        ({"spread": -1.0}, "--spread"),
    ],
)
def test_bad_options(scenario, options: dict[str, object], match: str) -> None:
    kw: dict[str, object] = {"draws": 10, "spread": 0.1, **options}
    with pytest.raises(AccordError, match=match):
        montecarlo.run(scenario, get("median"), **kw)  # type: ignore[arg-type]


def test_nothing_uncertain(scenario) -> None:
    with pytest.raises(AccordError, match="nothing is uncertain"):
        montecarlo.run(scenario, get("median"), draws=10)
