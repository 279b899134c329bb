"""Sensitivity of a forecast to its uncertain inputs: a one-at-a-time tornado and Sobol indices.

Both work on the inputs that :func:`accord.analysis.inputs.uncertain_inputs` finds (those with a
declared range, or every input with ``spread``), and both evaluate all their perturbed scenarios
as one batched model run: the perturbations are stacked on the draw axis.

- **Tornado**: each input at its low and at its high end while every other input stays at its
  point value (2m scenarios for m inputs, plus the base). The *swing* of an input on an issue is
  the extent of the bar it draws: the largest minus the smallest of the forecasts at its low end,
  its high end and the base.
- **Sobol**: variance-based indices estimated with SALib (Saltelli's scheme, first-order and
  total indices with bootstrap confidence intervals) over the inputs' ranges taken as *uniform*
  bounds, whatever distribution a range declares: the indices apportion the variance of the
  forecast over the whole plausible box, not under the Monte Carlo distributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.analysis.inputs import Input, apply_values, uncertain_inputs
from accord.errors import AccordError
from accord.formatting import per_issue
from accord.models.base import FloatArray, Model
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`Tornado.to_dict` and :meth:`SobolIndices.to_dict`
(``accord sensitivity --json``; schemas in ``docs/json/``)."""
CHUNK_CELLS = 500_000
"""Draws x actors x issues evaluated per model call when a batch is split (bounds memory)."""
MAX_SOBOL_RUNS = 1 << 22
"""The most model runs of one Sobol analysis, N (m + 2) for N samples and m inputs (4,194,304):
the sample, the forecasts and SALib's bootstrap all grow with it (at the limit with 153 inputs
and 4 issues: about 40 MB of sample and 130 MB of forecasts)."""


def _inputs(scenario: Scenario, spread: float | None) -> list[Input]:
    found = [i for i in uncertain_inputs(scenario, spread) if i.high > i.low]
    if not found:
        raise AccordError(
            f"no input of '{scenario.title}' has a range to vary; declare ranges in the file "
            "or give a spread (e.g. --spread 0.1 for +/- 10% of each input's width)"
        )
    return found


def evaluate(
    scenario: Scenario, model: Model, inputs: list[Input], values: FloatArray, seed: int = 0
) -> FloatArray:
    """Return the forecasts (rows, issues) of one scenario per row of ``values``.

    The rows are evaluated as batched runs of at most :data:`CHUNK_CELLS` cells each.
    """
    arrays = scenario.to_arrays()
    per = max(1, CHUNK_CELLS // (arrays.n_actors * arrays.n_issues))
    parts = [
        model.run(
            apply_values(arrays, inputs, values[start : start + per]), rng=seed, history=False
        ).forecast
        for start in range(0, len(values), per)
    ]
    return np.concatenate(parts, axis=0)


@dataclass(frozen=True, eq=False)
class Tornado:
    """One-at-a-time sensitivity: the forecast with each input at either end of its range.

    ``at_low`` and ``at_high`` are (inputs, issues); ``base`` is (issues,).
    """

    model: str
    issue_ids: tuple[str, ...]
    inputs: tuple[Input, ...]
    base: FloatArray
    at_low: FloatArray
    at_high: FloatArray
    models: tuple[str, ...] = ()
    """The models behind the forecast (a consensus's members; the model itself otherwise)."""

    @property
    def swing(self) -> FloatArray:
        """Return each input's bar extent per issue, (inputs, issues)."""
        stacked = np.stack(
            [self.at_low, self.at_high, np.broadcast_to(self.base, self.at_low.shape)]
        )
        return np.asarray(stacked.max(axis=0) - stacked.min(axis=0))

    def ranked(self, issue: str) -> list[int]:
        """Return input indices by decreasing swing on ``issue`` (ties keep input order)."""
        k = self.issue_ids.index(issue)
        return [int(i) for i in np.argsort(-self.swing[:, k], kind="stable")]

    def __repr__(self) -> str:
        top = [self.inputs[self.ranked(i)[0]].name for i in self.issue_ids]
        return (
            f"Tornado(model={self.model!r}, inputs={len(self.inputs)}, "
            f"issues={len(self.issue_ids)}, base={per_issue(self.issue_ids, self.base)}, "
            f"widest={per_issue(self.issue_ids, top)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per issue and input, inputs by decreasing swing.

        Columns: ``issue``, ``rank`` (1 = widest swing), ``input``, ``point``, ``low``, ``high``,
        ``base``, ``forecast_low``, ``forecast_high``, ``swing``, ``model``.
        """
        import pandas as pd

        swing = self.swing
        rows = [
            {
                "issue": issue,
                "rank": rank,
                **_row(self.inputs[i]),
                "base": float(self.base[k]),
                "forecast_low": float(self.at_low[i, k]),
                "forecast_high": float(self.at_high[i, k]),
                "swing": float(swing[i, k]),
                "model": self.model,
            }
            for k, issue in enumerate(self.issue_ids)
            for rank, i in enumerate(self.ranked(issue), start=1)
        ]
        return pd.DataFrame(rows)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """Return a JSON-ready dict: per issue, the inputs by decreasing swing."""
        swing = self.swing
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "model": self.model,
            "models": list(self.models),
            "method": "tornado",
            "issues": {},
        }
        for k, issue in enumerate(self.issue_ids):
            out["issues"][issue] = {
                "base": float(self.base[k]),
                "inputs": [
                    {
                        **_describe(self.inputs[i]),
                        "forecast_low": float(self.at_low[i, k]),
                        "forecast_high": float(self.at_high[i, k]),
                        "swing": float(swing[i, k]),
                    }
                    for i in self.ranked(issue)[:top]
                ],
            }
        return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _describe(inp: Input) -> dict[str, Any]:
    return {"name": inp.name, "point": inp.point, "low": inp.low, "high": inp.high}


def _row(inp: Input) -> dict[str, Any]:
    return {"input": inp.name, "point": inp.point, "low": inp.low, "high": inp.high}


def tornado(
    scenario: Scenario, model: Model, *, spread: float | None = None, seed: int = 0
) -> Tornado:
    """Return the tornado of ``model`` on ``scenario``: all 2m perturbations in one run."""
    inputs = _inputs(scenario, spread)
    m = len(inputs)
    values = np.repeat(np.array([[i.point for i in inputs]]), 1 + 2 * m, axis=0)
    idx = np.arange(m)
    values[1 + 2 * idx, idx] = [i.low for i in inputs]
    values[2 + 2 * idx, idx] = [i.high for i in inputs]
    f = evaluate(scenario, model, inputs, values, seed)
    return Tornado(
        model=model.name,
        issue_ids=scenario.issue_ids,
        inputs=tuple(inputs),
        base=f[0],
        at_low=f[1::2],
        at_high=f[2::2],
        models=model.member_names,
    )


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """Sobol first-order (S1) and total (ST) indices per input and issue, with CI half-widths.

    Arrays are (inputs, issues). ``samples`` is SALib's base sample size N; the model ran
    ``runs = N (inputs + 2)`` scenarios. ``variance`` is the forecast's variance per issue over
    the sample; where it is zero the forecast does not move and every index is 0.
    """

    model: str
    issue_ids: tuple[str, ...]
    inputs: tuple[Input, ...]
    samples: int
    runs: int
    conf_level: float
    first: FloatArray
    first_conf: FloatArray
    total: FloatArray
    total_conf: FloatArray
    variance: FloatArray
    models: tuple[str, ...] = ()
    """The models behind the forecast (a consensus's members; the model itself otherwise)."""

    def ranked(self, issue: str) -> list[int]:
        """Return input indices by decreasing total index on ``issue``."""
        k = self.issue_ids.index(issue)
        return [int(i) for i in np.argsort(-self.total[:, k], kind="stable")]

    def __repr__(self) -> str:
        top = [self.inputs[self.ranked(i)[0]].name for i in self.issue_ids]
        return (
            f"SobolIndices(model={self.model!r}, inputs={len(self.inputs)}, "
            f"issues={len(self.issue_ids)}, samples={self.samples}, runs={self.runs}, "
            f"largest_ST={per_issue(self.issue_ids, top)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per issue and input, inputs by decreasing total index.

        Columns: ``issue``, ``rank`` (1 = largest ST), ``input``, ``point``, ``low``, ``high``,
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``variance`` (the forecast's, per issue),
        ``model``.
        """
        import pandas as pd

        rows = [
            {
                "issue": issue,
                "rank": rank,
                **_row(self.inputs[i]),
                "S1": float(self.first[i, k]),
                "S1_conf": float(self.first_conf[i, k]),
                "ST": float(self.total[i, k]),
                "ST_conf": float(self.total_conf[i, k]),
                "variance": float(self.variance[k]),
                "model": self.model,
            }
            for k, issue in enumerate(self.issue_ids)
            for rank, i in enumerate(self.ranked(issue), start=1)
        ]
        return pd.DataFrame(rows)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """Return a JSON-ready dict: per issue, the inputs by decreasing total index."""
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "model": self.model,
            "models": list(self.models),
            "method": "sobol",
            "samples": self.samples,
            "runs": self.runs,
            "conf_level": self.conf_level,
            "bounds": "uniform over each input's [low, high]",
            "issues": {},
        }
        for k, issue in enumerate(self.issue_ids):
            out["issues"][issue] = {
                "variance": float(self.variance[k]),
                "inputs": [
                    {
                        **_describe(self.inputs[i]),
                        "S1": _finite(self.first[i, k]),
                        "S1_conf": _finite(self.first_conf[i, k]),
                        "ST": _finite(self.total[i, k]),
                        "ST_conf": _finite(self.total_conf[i, k]),
                    }
                    for i in self.ranked(issue)[:top]
                ],
            }
        return out


def saltelli_rows(base: FloatArray) -> FloatArray:
    """Return Saltelli's cross-sampled rows (first and total order) of base rows on [0, 1].

    ``base`` is (n, 2d): matrices A and B side by side. Row i gives d + 2 rows: A_i, then A_i
    with column j taken from B_i for each j, then B_i. This is exactly the layout that
    ``SALib.sample.sobol.sample(..., calc_second_order=False)`` builds with a Python loop (and
    that ``SALib.analyze.sobol.analyze`` expects), vectorised.
    """
    n, d = base.shape[0], base.shape[1] // 2
    a, b = base[:, :d], base[:, d:]
    rows = np.repeat(a[:, None, :], d + 2, axis=1)
    j = np.arange(d)
    rows[:, 1 + j, j] = b
    rows[:, -1] = b
    return rows.reshape(n * (d + 2), d)


def check_sobol_size(samples: int, n_inputs: int) -> None:
    """Raise :class:`AccordError` if N (m + 2) model runs pass :data:`MAX_SOBOL_RUNS`."""
    runs = samples * (n_inputs + 2)
    if runs <= MAX_SOBOL_RUNS:
        return
    most = 1 << max(1, (MAX_SOBOL_RUNS // (n_inputs + 2)).bit_length() - 1)
    raise AccordError(
        f"--samples {samples:,} is too many: with {n_inputs:,} uncertain inputs Sobol needs N "
        f"(inputs + 2) = {samples:,} x {n_inputs + 2:,} = {runs:,} model runs, above the limit "
        f"of {MAX_SOBOL_RUNS:,}; use --samples {most:,} or fewer. For more, vary fewer inputs "
        "(declare ranges only on the numbers that matter), or rank them first with the "
        "tornado (--method tornado: 2 x inputs + 1 runs)"
    )


def sobol(
    scenario: Scenario,
    model: Model,
    *,
    samples: int = 256,
    spread: float | None = None,
    seed: int = 0,
    conf_level: float = 0.95,
    resamples: int = 100,
) -> SobolIndices:
    """Return Sobol indices of ``model`` on ``scenario``, estimated with SALib.

    ``samples`` (SALib's N, a power of two) sets the cost: the model runs N (m + 2) scenarios
    for m inputs, in batches of at most :data:`CHUNK_CELLS` cells. The sample is SALib's
    (a scrambled Sobol' sequence cross-sampled after Saltelli), built chunk by chunk.
    """
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer):
        raise AccordError(f"samples must be a whole number, got {samples!r}")
    if samples < 2 or samples & (samples - 1):
        raise AccordError(f"samples must be a power of two (e.g. 256, 1024), got {samples}")
    try:
        from SALib.analyze import sobol as analyze
        from scipy.stats import qmc
    except ImportError:  # pragma: no cover - SALib ships with accord[scale]
        raise AccordError("Sobol indices need SALib: pip install 'accord[scale]'") from None
    inputs = _inputs(scenario, spread)
    m, k = len(inputs), len(scenario.issue_ids)
    check_sobol_size(samples, m)
    low = np.array([i.low for i in inputs])
    width = np.array([i.high for i in inputs]) - low
    problem = {
        "num_vars": m,
        "names": [i.name for i in inputs],
        "bounds": [[i.low, i.high] for i in inputs],
    }
    # The same generator call as SALib.sample.sobol.sample, so the sample is identical to its.
    base = qmc.Sobol(d=2 * m, scramble=True, seed=seed).random(samples)
    per = max(1, CHUNK_CELLS // (len(scenario.actor_ids) * k * (m + 2)))
    f = np.concatenate(
        [
            evaluate(scenario, model, inputs, low + saltelli_rows(base[i : i + per]) * width, seed)
            for i in range(0, samples, per)
        ]
    )
    idx = {name: np.zeros((m, k)) for name in ("S1", "S1_conf", "ST", "ST_conf")}
    variance = f.var(axis=0)
    for q in range(k):
        if variance[q] <= 1e-12 * max(1.0, float(np.abs(f[:, q]).max())) ** 2:
            continue
        res = analyze.analyze(
            problem,
            f[:, q],
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            # A generator, not the int: SALib silently ignores a seed of 0 (``if seed:``).
            seed=np.random.default_rng(seed),
        )
        for name, arr in idx.items():
            arr[:, q] = res[name]
    return SobolIndices(
        model=model.name,
        issue_ids=scenario.issue_ids,
        inputs=tuple(inputs),
        samples=samples,
        runs=len(f),
        conf_level=conf_level,
        first=idx["S1"],
        first_conf=idx["S1_conf"],
        total=idx["ST"],
        total_conf=idx["ST_conf"],
        variance=variance,
        models=model.member_names,
    )
