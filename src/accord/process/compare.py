"""Compare designs side by side: one tidy table of outcome measures, under uncertainty.

With ``draws`` the scenario's uncertain inputs are drawn once and every design runs on the same
draws (common random numbers), so that a difference between two designs is the design's doing,
not the luck of the draw. Per design and issue the table reports the model's forecast, P(deal),
the settlement if they settle, the expected (deal-aware) outcome with its 95% interval over the
draws, and the **paired difference** to the first design (the baseline): per draw, this design's
expected outcome minus the baseline's, its mean and the 2.5-97.5% interval of those per-draw
differences. A difference whose interval contains 0 is marked as noise: across the plausible
inputs the design does not move the outcome one way. The difference in P(deal) gets a 95%
normal-approximation interval of the paired mean (noise when it contains 0).

A design that cannot change a model's result is flagged with a warning that says why (see
:func:`warnings_for`), never reported as if it had been tested and found equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from accord.analysis.inputs import apply_values, uncertain_inputs
from accord.analysis.parallel import serial_runner
from accord.analysis.sampling import check_correlation, draw_block_range
from accord.errors import AccordError
from accord.formatting import short_title
from accord.models.base import (
    FloatArray,
    Model,
    invalid_draws,
    invalid_draws_message,
    keep_non_finite,
)
from accord.process.design import BASELINE, Design, check_against
from accord.process.measures import Measures, measure
from accord.process.runner import DesignRun, reentry_forecast, run_design
from accord.process.sweep import Batcher, TaskRunner, sweep
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario, ScenarioProblem

FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`Comparison.to_dict` (``accord compare --json``; schema
in ``docs/json/``)."""
OVERALL = "all"
DEFAULT_MODEL = "nash"
"""The model ``accord compare`` uses unless told otherwise: it responds to every part of a design.

It bargains linked issues jointly (tracks matter), its answer depends on who is seated and with
what weight (forums, staging, exits and coalitions matter), it starts from the actors' outside
options (sequencing and side payments matter), and it is fast enough to run every design on
1,000 draws. The compromise model, by contrast, cannot respond to staging (a weighted mean of
weighted means is the weighted mean) and, like every per-issue model, not to tracks."""
SAME = 1e-9
"""Forecasts closer than this (issue units) count as equal."""


def _interval(values: np.ndarray) -> tuple[float, float]:
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return math.nan, math.nan
    lo, hi = np.quantile(ok, [0.025, 0.975])
    return float(lo), float(hi)


def _mean(values: np.ndarray) -> float:
    ok = values[np.isfinite(values)]
    return float(ok.mean()) if ok.size else math.nan


def _paired_p(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Return the mean paired difference of two indicator series and its 95% interval."""
    diff = a.astype(float) - b.astype(float)
    n = diff.size
    mean = float(diff.mean())
    half = 1.96 * float(diff.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return mean, mean - half, mean + half


def _noise(low: float, high: float, value: float) -> bool:
    if not (math.isfinite(low) and math.isfinite(high)):
        return False
    if low == high:  # one draw, or no spread at all
        return abs(value) <= SAME
    return low <= 0.0 <= high


def warnings_for(run: DesignRun, baseline: DesignRun, model: Model) -> list[str]:
    """Return why a design cannot change a model's result, where it does not.

    Structural reasons are given whatever the numbers: a per-issue model cannot see tracks; a
    model that pools positions linearly (``Model.aggregation_consistent``) cannot see staging
    when the last stage seats everyone and every stage carries its outcome forward. A design
    whose forecast equals the baseline's in every draw is flagged too, with the reason when one
    is known.
    """
    design = run.design
    out: list[str] = []
    if design.id == baseline.design.id:
        return out
    if design.tracks is not None and not model.joint:
        out.append(
            f"'{model.name}' forecasts each issue on its own, so tracks cannot change its "
            "forecast (they still decide which issues the agreement takes as one package)"
        )
    last = design.stages[-1]
    staged = len(design.stages) > 1
    plain_end = (
        last.forum.include == ("all",)
        and not last.forum.exclude
        and all(st.adopt == "outcome" for st in design.stages)
        and not design.shocks
        and not design.coalitions
        and all(st.agenda is None for st in design.stages)
        and all(design.outside_weight_of(k) == 0 for k in range(len(design.stages)))
    )
    if staged and plain_end and model.aggregation_consistent:
        out.append(
            f"staging cannot change '{model.name}': it pools positions linearly, and a weighted "
            "mean of weighted means is the weighted mean when everyone sits at the last table"
        )
    if np.allclose(run.forecast, baseline.forecast, rtol=0.0, atol=SAME, equal_nan=True):
        text = f"'{design.id}' gives '{model.name}' exactly the baseline's forecast"
        if not np.array_equal(run.deal, baseline.deal):
            text += " (its agreement analysis differs, so the deal-aware outcome may not)"
        out.append(text)
    return out


@dataclass(frozen=True, eq=False)
class Comparison:
    """Runs and measures of several designs on one scenario with one model, over draws."""

    scenario: Scenario
    model: Model
    tolerance: float
    runs: tuple[DesignRun, ...]
    measures: tuple[Measures, ...]
    draws: int = 1
    seed: int = 0
    warnings: tuple[tuple[str, str], ...] = field(default=())
    """(design id, message) for designs that cannot change the model's result."""
    dropped: int = 0
    """Draws left out because some design's forecast was not finite in them
    (``drop_invalid``); ``draws`` counts the draws compared."""

    def __repr__(self) -> str:
        return (
            f"Comparison({short_title(self.scenario.title)!r}, model={self.model.name!r}, "
            f"designs={len(self.runs)}, issues={len(self.scenario.issues)}, "
            f"draws={self.draws}, warnings={len(self.warnings)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy table of the comparison (the same as :meth:`table`).

        One row per design and issue, plus an overall row per design (issue ``all``); columns
        as :meth:`table` documents them. Named like every result's ``to_frame``.
        """
        return self.table()

    def table(self) -> pd.DataFrame:
        """Return one row per design and issue, plus an overall row per design (issue 'all').

        Columns: ``design``, ``design_name``, ``issue``, ``forecast``, ``p_deal``,
        ``settlement``, ``expected`` (with ``expected_low``/``expected_high``), ``delta`` to the
        baseline (with ``delta_low``/``delta_high``/``delta_noise``), ``p_deal_delta`` (with its
        interval and ``p_deal_noise``), ``rounds``, ``breadth``, ``spoiler_risk``, ``stable``,
        ``stability_shift``, ``mean_utility``: means over the draws.
        """
        rows: list[dict[str, Any]] = []
        cap = self.runs[0].initial.capability
        weights = cap / cap.sum(axis=1, keepdims=True)
        base = self.measures[0]
        for run, m in zip(self.runs, self.measures, strict=True):
            for k, issue in enumerate(self.scenario.issue_ids):
                deal = m.deal[:, k]
                diff = m.outcome[:, k] - base.outcome[:, k]
                d_low, d_high = _interval(diff)
                dp, dp_low, dp_high = _paired_p(deal, base.deal[:, k])
                delta = _mean(diff)
                lo, hi = _interval(m.outcome[:, k])
                rows.append(
                    {
                        "design": run.design.id,
                        "design_name": run.design.name,
                        "issue": issue,
                        "forecast": _mean(m.forecast[:, k]),
                        "p_deal": float(deal.mean()),
                        "settlement": _mean(np.where(deal, run.settlement[:, k], np.nan)),
                        "expected": _mean(m.outcome[:, k]),
                        "expected_low": lo,
                        "expected_high": hi,
                        "delta": delta,
                        "delta_low": d_low,
                        "delta_high": d_high,
                        "delta_noise": _noise(d_low, d_high, delta),
                        "p_deal_delta": dp,
                        "p_deal_delta_low": dp_low,
                        "p_deal_delta_high": dp_high,
                        "p_deal_noise": _noise(dp_low, dp_high, dp),
                        "rounds": float(m.rounds[:, k].mean()),
                        "breadth": float(m.breadth[:, k].mean()),
                        "spoiler_risk": _mean(m.spoiler_risk[:, k]),
                        "stable": float(m.stable[:, k].mean()),
                        "stability_shift": float(m.stability_shift[:, k].mean()),
                        "mean_utility": float((weights * m.utility[:, :, k]).sum(axis=1).mean()),
                    }
                )
            all_deal = m.deal.all(axis=1)
            rows.append(
                {
                    "design": run.design.id,
                    "design_name": run.design.name,
                    "issue": OVERALL,
                    "forecast": math.nan,
                    "p_deal": float(all_deal.mean()),
                    "settlement": math.nan,
                    "expected": math.nan,
                    "expected_low": math.nan,
                    "expected_high": math.nan,
                    "delta": math.nan,
                    "delta_low": math.nan,
                    "delta_high": math.nan,
                    "delta_noise": False,
                    "p_deal_delta": math.nan,
                    "p_deal_delta_low": math.nan,
                    "p_deal_delta_high": math.nan,
                    "p_deal_noise": False,
                    "rounds": float(m.rounds.max(axis=1).mean()),
                    "breadth": float(m.breadth_overall.mean()),
                    "spoiler_risk": _mean(m.spoiler_risk_overall),
                    "stable": float(m.stable_overall.mean()),
                    "stability_shift": float(m.stability_shift.max(axis=1).mean()),
                    "mean_utility": float((weights * m.utility_overall).sum(axis=1).mean()),
                }
            )
        return pd.DataFrame(rows)

    def utilities(self) -> pd.DataFrame:
        """Return each actor's utility from each design's outcome, per issue and overall."""
        rows = []
        for run, m in zip(self.runs, self.measures, strict=True):
            for a, actor in enumerate(self.scenario.actor_ids):
                for k, issue in enumerate(self.scenario.issue_ids):
                    rows.append(
                        {
                            "design": run.design.id,
                            "actor": actor,
                            "issue": issue,
                            "utility": float(m.utility[:, a, k].mean()),
                        }
                    )
                rows.append(
                    {
                        "design": run.design.id,
                        "actor": actor,
                        "issue": OVERALL,
                        "utility": float(m.utility_overall[:, a].mean()),
                    }
                )
        return pd.DataFrame(rows)

    def blockers(self) -> dict[str, dict[str, list[str]]]:
        """Return per design and issue the actors that most often block the final agreement."""
        out: dict[str, dict[str, list[str]]] = {}
        for run in self.runs:
            mine: dict[str, list[str]] = {}
            for sa in run.agreements:
                for issue in sa.issues:
                    if run.design.last_stage_of(issue, self.scenario.issue_ids) == sa.stage:
                        mine[issue] = [b.actor for b in sa.agreement.blockers(issue)[:3]]
            out[run.design.id] = mine
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record (tables as lists of rows)."""
        table = self.table().astype(object).where(self.table().notna(), None)
        return {
            "format_version": FORMAT_VERSION,
            "scenario": {"title": self.scenario.title, "hash": self.scenario.content_hash()},
            "model": self.model.name,
            "models": list(self.model.member_names),
            "params": self.model.params.model_dump(mode="json"),
            "tolerance": self.tolerance,
            "draws": self.draws,
            "dropped_draws": self.dropped,
            "seed": self.seed,
            "designs": [
                {
                    "id": r.design.id,
                    "name": r.design.name,
                    "source": r.design.source,
                    "excluded": list(r.excluded),
                }
                for r in self.runs
            ],
            "table": table.to_dict(orient="records"),
            "utilities": self.utilities().to_dict(orient="records"),
            "blockers": self.blockers(),
            "warnings": [{"design": d, "message": w} for d, w in self.warnings],
        }


def compare(
    scenario: Scenario,
    designs: Sequence[Design],
    model: Model,
    tolerance: float = 0.1,
    seed: int = 0,
    baseline: bool = True,
    draws: int | None = None,
    spread: float | None = None,
    bloc_correlation: float = 0.0,
    drop_invalid: bool = False,
    batch: bool = True,
    runner: TaskRunner | None = None,
    chunk: int | None = None,
    tasks: int = 1,
) -> Comparison:
    """Run every design (the baseline first, unless ``baseline=False``) and measure them.

    ``draws`` runs every design on the same random draws of the uncertain inputs (common random
    numbers); without it the coded values are used (one draw). A draw in which some design's
    forecast is not finite is an error ("N of M draws gave no finite forecast ...") unless
    ``drop_invalid``: then every design is compared on the other draws (``dropped`` counts
    the draws left out).

    With ``draws`` the designs run as a sweep (:mod:`accord.process.sweep`): their model runs
    stacked along the draw axis where they can be, in chunks of ``chunk`` draws (default: by
    the model's memory estimate, and at least ``tasks`` chunks per batch) computed by
    ``runner`` (default: one after the other in this process; a
    :class:`~accord.analysis.parallel.DaskRunner` runs them on Dask). The numbers are those of
    the one-by-one path (``batch=False``, the reference).
    """
    chosen = ([BASELINE] if baseline else []) + list(designs)
    if not chosen:
        raise AccordError("no design to compare")
    for design in chosen:
        try:
            check_against(design, scenario)
        except ScenarioProblem as problem:
            raise AccordError(
                problem.message, where=f"design '{design.id}' " + ".".join(map(str, problem.loc))
            ) from None
    arrays = scenario.to_arrays()
    n = 1
    if draws is not None:
        if isinstance(draws, bool) or draws < 1:
            raise AccordError(f"--draws must be a whole number >= 1, got {draws}")
        inputs = uncertain_inputs(scenario, spread)
        if not inputs:
            raise AccordError(
                "nothing is uncertain: no number of the scenario has a range; declare ranges in "
                "the scenario or pass --spread"
            )
        rho = check_correlation(bloc_correlation)
        arrays = apply_values(arrays, inputs, draw_block_range(inputs, 0, draws, seed, rho))
        n = draws
    dropped = 0

    def run_all(data: ScenarioArrays) -> tuple[tuple[DesignRun, ...], list[FloatArray]]:
        if draws is None or not batch:
            done = tuple(run_design(data, d, model, seed) for d in chosen)
            return done, [reentry_forecast(r, model, seed) for r in done]
        batcher = Batcher(runner=runner or serial_runner, chunk=chunk, tasks=tasks)
        done_, again_ = sweep(data, chosen, model, seed, batcher)
        return tuple(done_), again_

    if draws is None:
        runs, reentry = run_all(arrays)
    else:  # count the draws without a finite forecast (every design, and its re-entry)
        with keep_non_finite():
            runs, reentry = run_all(arrays)
        bad = np.zeros(n, dtype=np.bool_)
        for run, again in zip(runs, reentry, strict=True):
            for forecast in (run.forecast, again):
                mine = invalid_draws(forecast)
                if mine.any() and (not drop_invalid or (bad | mine).all()):
                    what = f" in design '{run.design.id}' with model '{model.name}'"
                    raise AccordError(
                        invalid_draws_message(mine, forecast, scenario.issue_ids, what)
                    )
                bad |= mine
        if bad.any():  # every design again, on the draws that all of them can compute
            arrays = arrays.take_draws(np.flatnonzero(~bad).tolist())
            dropped, n = int(bad.sum()), int((~bad).sum())
            runs, reentry = run_all(arrays)
    measures = tuple(
        measure(r, again, tolerance=tolerance) for r, again in zip(runs, reentry, strict=True)
    )
    warnings = tuple((r.design.id, w) for r in runs for w in warnings_for(r, runs[0], model))
    return Comparison(scenario, model, tolerance, runs, measures, n, seed, warnings, dropped)


def run_compare(
    scenario: Scenario,
    designs: Sequence[Design],
    model: Model,
    workers: int | None = None,
    scheduler: str | None = None,
    **options: Any,
) -> Comparison:
    """Run :func:`compare`, its sweep on ``workers`` local Dask processes or a ``scheduler``.

    Without either it runs in this process. Each batch of model runs is cut into at least two
    chunks per worker, so that a slow chunk does not leave the other workers idle.
    """
    from accord.analysis.parallel import check_workers

    check_workers(workers, scheduler)
    if workers is None and scheduler is None:
        return compare(scenario, designs, model, **options)
    if options.get("draws") is None:
        raise AccordError("--workers and --scheduler need --draws (a sweep over draws)")
    from accord.analysis.parallel import DaskRunner, dask_client

    with dask_client(workers=workers, scheduler=scheduler) as client:
        cores = workers or max(1, sum(client.nthreads().values()))
        return compare(
            scenario, designs, model, runner=DaskRunner(client), tasks=2 * cores, **options
        )
