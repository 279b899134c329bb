"""Design sweeps: the batched path gives the one-by-one path's numbers, in any chunks."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from accord import models
from accord.analysis.inputs import apply_values, uncertain_inputs
from accord.analysis.parallel import Chunk, ChunkWork, serial_runner
from accord.analysis.sampling import draw_block_range
from accord.models.base import keep_non_finite
from accord.process import BASELINE, Design, compare, load_designs
from accord.process.compare import Comparison, run_compare
from accord.process.runner import reentry_forecast, run_design
from accord.process.sweep import Batcher, chunk_size, stack, sweep
from accord.scenario import load
from tests.factories import random_scenario

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(
    p.name.removesuffix(".designs.yaml") for p in (ROOT / "cases").glob("*.designs.yaml")
)
TOL = 1e-9


def case(name: str) -> tuple[Any, tuple[Design, ...]]:
    scn = load(ROOT / "cases" / f"{name}.yaml")
    return scn, load_designs(ROOT / "cases" / f"{name}.designs.yaml", scenario=scn).designs


def assert_same(a: Comparison, b: Comparison) -> None:
    """Every number of two comparisons agrees to 1e-9 (the table, per-draw arrays, blockers)."""
    x, y = a.table(), b.table()
    pd.testing.assert_frame_equal(x, y, check_exact=False, rtol=0, atol=TOL)
    pd.testing.assert_frame_equal(a.utilities(), b.utilities(), check_exact=False, atol=TOL)
    assert a.blockers() == b.blockers()
    assert a.warnings == b.warnings
    assert (a.draws, a.dropped) == (b.draws, b.dropped)
    for ra, rb, ma, mb in zip(a.runs, b.runs, a.measures, b.measures, strict=True):
        assert ra.design.id == rb.design.id
        assert ra.excluded == rb.excluded
        for name in ("forecast", "rounds", "settlement", "outcome", "no_deal"):
            np.testing.assert_allclose(
                getattr(ra, name), getattr(rb, name), rtol=0, atol=TOL, err_msg=name
            )
        np.testing.assert_array_equal(ra.deal, rb.deal)
        np.testing.assert_array_equal(ra.inside, rb.inside)
        np.testing.assert_allclose(ra.final.position, rb.final.position, rtol=0, atol=TOL)
        np.testing.assert_allclose(ma.stability_shift, mb.stability_shift, rtol=0, atol=TOL)
        assert len(ra.records) == len(rb.records)
        for sa, sb in zip(ra.records, rb.records, strict=True):
            assert (sa.stage, sa.track, sa.seated) == (sb.stage, sb.track, sb.seated)
            np.testing.assert_allclose(sa.forecast, sb.forecast, rtol=0, atol=TOL)
            if sa.result is not None:
                assert sb.result is not None
                np.testing.assert_allclose(
                    sa.result.final_positions, sb.result.final_positions, rtol=0, atol=TOL
                )


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("model", ["compromise", "nash", "bdm"])
def test_batched_equals_one_by_one_on_the_seed_cases(name: str, model: str) -> None:
    scn, designs = case(name)
    mdl = models.get(model)
    batched = compare(scn, designs, mdl, draws=7, seed=3)
    reference = compare(scn, designs, mdl, draws=7, seed=3, batch=False)
    assert_same(batched, reference)


@pytest.mark.parametrize("name", ["syria-2015-vienna", "syria-2017-astana"])
def test_batched_equals_one_by_one_smp(name: str) -> None:
    scn, designs = case(name)
    mdl = models.get("smp", max_turns=12)  # some draws would take 100 turns: keep it short
    batched = compare(scn, designs, mdl, draws=4, seed=1)
    assert_same(batched, compare(scn, designs, mdl, draws=4, seed=1, batch=False))


def test_batched_equals_one_by_one_for_a_consensus() -> None:
    scn, designs = case("syria-2015-vienna")
    from accord.forecast import build_lead

    mdl = build_lead(["compromise", "nash", "median"], {})
    batched = compare(scn, designs, mdl, draws=6, seed=2)
    assert_same(batched, compare(scn, designs, mdl, draws=6, seed=2, batch=False))


def vienna_sweep(
    model: str, draws: int, **batcher: Any
) -> tuple[list[Any], list[np.ndarray], Batcher]:
    scn, designs = case("syria-2015-vienna")
    inputs = uncertain_inputs(scn, None)
    arrays = apply_values(scn.to_arrays(), inputs, draw_block_range(inputs, 0, draws, 5, 0.0))
    b = Batcher(**batcher)
    mdl = models.get(model, max_turns=12) if model == "smp" else models.get(model)
    with keep_non_finite():
        runs, again = sweep(arrays, [BASELINE, *designs], mdl, 5, b)
    return runs, again, b


def test_the_sweep_stacks_designs_into_fewer_model_calls() -> None:
    _, _, b = vienna_sweep("nash", 4)
    # 12 designs (the baseline too) ask for 32 model runs; the sweep makes fewer batches
    assert b.stats.calls == 32
    assert b.stats.batches < b.stats.calls
    assert b.stats.one_by_one == 0


class ShuffledPickledRunner:
    """Stands in for remote workers: the job travels pickled, chunks come back in any order."""

    def __init__(self) -> None:
        self.chunks = 0

    def __call__(self, job: ChunkWork, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, Any]]:
        remote = pickle.loads(pickle.dumps(job))
        for chunk in reversed(chunks):
            self.chunks += 1
            yield chunk, pickle.loads(pickle.dumps(remote.run(chunk)))


@pytest.mark.parametrize("model", ["bdm", "nash", "smp"])
def test_chunked_and_parallel_runs_equal_the_serial_run(model: str) -> None:
    runs, again, _ = vienna_sweep(model, 6)
    runner = ShuffledPickledRunner()
    runs2, again2, b = vienna_sweep(model, 6, runner=runner, chunk=4)
    assert runner.chunks == b.stats.chunks > b.stats.batches  # more chunks than batches
    for r1, r2, a1, a2 in zip(runs, runs2, again, again2, strict=True):
        np.testing.assert_allclose(r1.forecast, r2.forecast, rtol=0, atol=TOL)
        np.testing.assert_allclose(r1.outcome, r2.outcome, rtol=0, atol=TOL)
        np.testing.assert_allclose(a1, a2, rtol=0, atol=TOL)


def test_the_sweep_equals_run_design_and_reentry() -> None:
    scn, designs = case("syria-2016-coalition")
    inputs = uncertain_inputs(scn, None)
    arrays = apply_values(scn.to_arrays(), inputs, draw_block_range(inputs, 0, 5, 0, 0.0))
    mdl = models.get("bdm")
    chosen = [BASELINE, *designs]
    with keep_non_finite():
        runs, again = sweep(arrays, chosen, mdl, 4, Batcher(tasks=3))
        for d, run, a in zip(chosen, runs, again, strict=True):
            ref = run_design(arrays, d, mdl, 4)
            np.testing.assert_allclose(run.forecast, ref.forecast, rtol=0, atol=TOL)
            np.testing.assert_allclose(a, reentry_forecast(ref, mdl, 4), rtol=0, atol=TOL)


def test_round_shocks_implemented_stages_and_side_payments() -> None:
    scn = random_scenario(21, n_actors=6, n_issues=2, blocs=True)
    designs = [
        Design.model_validate(d)
        for d in (
            {"id": "late-exit", "shocks": [{"type": "exit", "actor": "a2", "round": 3}]},
            {
                "id": "implemented",
                "stages": [
                    {"forum": ["a0", "a1", "a2"], "agenda": ["i0"], "implemented": True},
                    {"forum": "all", "adopt": "positions"},
                ],
                "side_payments": [{"payer": "a0", "payee": "a1", "amount": 0.05}],
            },
            {"id": "bloc", "coalitions": ["b0"], "outside_weight": 0.5, "tracks": [["i0"], ["i1"]]},
        )
    ]
    mdl = models.get("bdm", rounds=6)
    batched = compare(scn, designs, mdl, draws=9, seed=4, spread=0.1, chunk=2)
    reference = compare(scn, designs, mdl, draws=9, seed=4, spread=0.1, batch=False)
    assert_same(batched, reference)


def test_a_model_that_draws_from_its_generator_runs_one_by_one() -> None:
    scn, designs = case("syria-2017-astana")
    mdl = models.get("smp", state_transition="stochastic", max_turns=4)
    batched = compare(scn, designs, mdl, draws=3, seed=0)
    assert_same(batched, compare(scn, designs, mdl, draws=3, seed=0, batch=False))
    inputs = uncertain_inputs(scn, None)
    arrays = apply_values(scn.to_arrays(), inputs, draw_block_range(inputs, 0, 3, 0, 0.0))
    b = Batcher()
    with keep_non_finite():
        sweep(arrays, [BASELINE, *designs], mdl, 0, b)
    assert b.stats.one_by_one > 0
    assert b.random == [mdl]  # found once, then never batched again


def test_drop_invalid_reruns_the_sweep_on_the_kept_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    scn, designs = case("syria-2015-vienna")
    mdl = models.get("compromise")
    real = type(mdl)._run

    def spoil(self: Any, arrays: Any, rng: Any) -> Any:  # NaN in some draws, by their inputs
        out = real(self, arrays, rng)
        bad = (np.floor(arrays.salience[:, 0, 0] * 1e6) % 4 == 0)[:, None]
        object.__setattr__(out, "forecast", np.where(bad, np.nan, out.forecast))
        return out

    monkeypatch.setattr(type(mdl), "_run", spoil)
    try:
        reference = compare(scn, designs, mdl, draws=12, seed=0, drop_invalid=True, batch=False)
    except Exception as exc:  # every draw bad, or none: the test needs some of each
        pytest.skip(str(exc))
    batched = compare(scn, designs, mdl, draws=12, seed=0, drop_invalid=True, chunk=5)
    assert_same(batched, reference)


def test_stack_and_chunk_size() -> None:
    scn = random_scenario(3, n_actors=5, n_issues=2)
    a = scn.to_arrays().repeat(3)
    b = scn.to_arrays().repeat(2)
    both = stack([a, b])
    assert both.n_draws == 5
    np.testing.assert_array_equal(both.position[:3], a.position)
    assert stack([a]) is a
    smp = models.get("smp")
    assert chunk_size(smp, a, tasks=1) >= 3
    assert chunk_size(smp, scn.to_arrays().repeat(1000), tasks=4) == 250


def test_run_compare_needs_draws_for_workers() -> None:
    scn, designs = case("syria-2015-vienna")
    from accord.errors import AccordError

    with pytest.raises(AccordError, match="need --draws"):
        run_compare(scn, designs, models.get("compromise"), workers=2)
    with pytest.raises(AccordError, match="either --workers or --scheduler"):
        run_compare(scn, designs, models.get("compromise"), workers=2, scheduler="tcp://x:1")


@pytest.mark.slow
def test_dask_workers_give_the_serial_numbers() -> None:
    pytest.importorskip("distributed")
    scn, designs = case("syria-2015-vienna")
    mdl = models.get("bdm")
    local = compare(scn, designs, mdl, draws=20, seed=9)
    assert_same(run_compare(scn, designs, mdl, workers=2, draws=20, seed=9), local)


def test_serial_runner_takes_a_sweep_job() -> None:
    _, _, b = vienna_sweep("compromise", 3, runner=serial_runner, chunk=1)
    assert b.stats.chunks >= 3 * b.stats.batches
