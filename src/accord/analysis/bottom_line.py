"""The bottom line of a forecast: one answer per issue across models, with its uncertainty.

An analyst's first questions are: will they settle, where does it end up, how sure are we, who
blocks it and what moves it. :func:`bottom_line` answers them per issue from one
:func:`~accord.analysis.deal.deal_forecast` (every model on the same draws of the uncertain
inputs, outside options included) and one consensus tornado (:func:`drivers`):

- **consensus**: in every draw the median of the models' forecasts (the forecast of
  :class:`~accord.models.consensus.Consensus`), made deal-aware like any model's forecast, and
  its *expected outcome* over the draws, ``P(deal) x settlement + (1 - P(deal)) x no-deal
  outcome``; where an issue has no no-deal outcome every point is acceptable and this is the
  median of the models' own forecasts;
- **spread across models**: the lowest and highest model expected outcome (model
  disagreement), next to the models' own forecasts before the deal analysis;
- **input uncertainty**: the 2.5-97.5% interval, over the draws, of the consensus outcome;
- **P(deal)** and the **blocking actors** (most often pivotal, then most often holding out);
- **drivers**: the inputs whose low or high end moves the consensus most, one at a time (a
  tornado of the whole chain: every model, the agreement analysis, the median), and the actors
  behind them;
- **why**: plain-language sentences from the agreement analysis and the models' own event logs
  (:mod:`accord.analysis.explain`).

The median is the forecast combination of :class:`~accord.models.consensus.Consensus`; see
``docs/bottom-line.md`` for why a median and how to read the spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from accord import __version__, jsonsafe
from accord.agreement import analyse
from accord.agreement.analysis import Blocker
from accord.analysis.deal import DealForecast, deal_at_point, deal_forecast
from accord.analysis.inputs import Input, apply_values, uncertain_inputs
from accord.errors import AccordError
from accord.models.base import Cost, Model
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
FORMAT_VERSION = 1
"""Version of :meth:`BottomLine.to_dict`'s layout (bumped when a key changes meaning)."""
DEFAULT_DRAWS = 200
"""Draws of the deal-aware forecast behind a bottom line unless asked otherwise."""
DRIVER_SPREAD = 0.1
"""Without declared ranges, drivers vary every input by ± this share of its valid width."""
SHOWN = 3
"""Drivers, driver actors and blockers kept per issue."""
CHUNK_CELLS = 400_000
"""Rows x actors x issues per model call in the tornado (bounds memory)."""


@dataclass(frozen=True)
class Driver:
    """One input and how far its low and high ends move the consensus of one issue."""

    name: str
    kind: str
    actor: str | None
    issue: str | None
    point: float
    low: float
    high: float
    at_low: float
    at_high: float
    swing: float

    def describe(self, of_issue: str = "") -> str:
        """Return the input in words ("syria_gov's outside option"), naming other issues."""
        from accord.analysis.explain import describe

        return describe(self.kind, self.actor, self.issue, of_issue)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**self.__dict__, "words": self.describe()}


@dataclass(frozen=True, eq=False)
class Drivers:
    """A tornado of the consensus: each input at either end, all others at their point.

    ``base`` is (K,), ``at_low`` and ``at_high`` are (inputs, K): the consensus outcome (median
    over models of the deal-aware outcome) in each perturbed scenario. ``spread`` is None when
    the inputs' declared ranges were used, else the share of each width applied to all inputs.
    """

    issue_ids: tuple[str, ...]
    inputs: tuple[Input, ...]
    base: FloatArray
    at_low: FloatArray
    at_high: FloatArray
    spread: float | None

    @property
    def swing(self) -> FloatArray:
        """Return (inputs, K): the extent of each input's bar (largest minus smallest)."""
        stacked = np.stack(
            [self.at_low, self.at_high, np.broadcast_to(self.base, self.at_low.shape)]
        )
        # fmax/fmin skip NaN (a draw without a forecast) and give NaN, silently, when all are
        return np.asarray(np.fmax.reduce(stacked, axis=0) - np.fmin.reduce(stacked, axis=0))

    def top(self, issue: str, n: int = SHOWN) -> tuple[Driver, ...]:
        """Return the ``n`` inputs that move ``issue`` most (only those that move it at all)."""
        k = self.issue_ids.index(issue)
        swing = self.swing[:, k]
        order = np.argsort(-swing, kind="stable")
        out = []
        for i in order[:n]:
            if not swing[i] > 1e-9:
                break
            inp = self.inputs[int(i)]
            out.append(
                Driver(
                    name=inp.name,
                    kind=inp.kind,
                    actor=inp.actor,
                    issue=inp.issue,
                    point=inp.point,
                    low=inp.low,
                    high=inp.high,
                    at_low=float(self.at_low[i, k]),
                    at_high=float(self.at_high[i, k]),
                    swing=float(swing[i]),
                )
            )
        return tuple(out)

    def actors(self, issue: str, n: int = SHOWN) -> tuple[tuple[str, float], ...]:
        """Return the ``n`` actors whose inputs move ``issue`` most, with their largest swing."""
        k = self.issue_ids.index(issue)
        best: dict[str, float] = {}
        for inp, s in zip(self.inputs, self.swing[:, k], strict=True):
            if inp.actor is not None and s > 1e-9:
                best[inp.actor] = max(best.get(inp.actor, 0.0), float(s))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        return tuple(ranked[:n])


@dataclass(frozen=True)
class IssueLine:
    """The bottom line of one issue (issue units; None where undefined)."""

    issue: str
    name: str
    consensus: float | None
    """The consensus's expected outcome: per draw the median of the models' forecasts, made
    deal-aware (settlement or no-deal outcome), averaged over the draws."""
    label: str
    """The anchor nearest the consensus ('' when the issue has none)."""
    interval: tuple[float | None, float | None]
    """2.5-97.5% over the draws of the per-draw consensus outcome (input uncertainty)."""
    models: tuple[tuple[str, float | None], ...]
    """Each model's deal-aware expected outcome."""
    model_range: tuple[float | None, float | None]
    own: tuple[tuple[str, float], ...]
    """Each model's own forecast at the coded values (before the deal analysis)."""
    own_range: tuple[float, float]
    p_deal: float
    settlement: float | None
    """The consensus's mean settlement over the draws with a deal."""
    no_deal: float | None
    blockers: tuple[Blocker, ...]
    drivers: tuple[Driver, ...]
    driver_actors: tuple[tuple[str, float], ...]
    why: tuple[str, ...] = ()

    @property
    def own_consensus(self) -> float:
        """Return the median of the models' own forecasts (no deal analysis)."""
        return float(np.median([v for _, v in self.own]))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "issue": self.issue,
            "name": self.name,
            "consensus": self.consensus,
            "label": self.label,
            "interval": list(self.interval),
            "models": dict(self.models),
            "model_range": list(self.model_range),
            "own": dict(self.own),
            "own_range": list(self.own_range),
            "own_consensus": self.own_consensus,
            "p_deal": self.p_deal,
            "settlement": self.settlement,
            "no_deal": self.no_deal,
            "blockers": [b.__dict__ for b in self.blockers],
            "drivers": [{**d.to_dict(), "words": d.describe(self.issue)} for d in self.drivers],
            "driver_actors": [{"actor": a, "swing": s} for a, s in self.driver_actors],
            "why": list(self.why),
        }


@dataclass(frozen=True, eq=False)
class BottomLine:
    """The bottom line of a scenario: one :class:`IssueLine` per issue, and how it was made."""

    scenario: Scenario
    models: tuple[str, ...]
    issues: tuple[IssueLine, ...]
    draws: int
    seed: int
    n_inputs: int
    driver_spread: float | None
    deal: DealForecast = field(repr=False)
    outcome: FloatArray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    """(D, K) the consensus's deal-aware outcome in every draw."""
    forecast: FloatArray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    """(D, K) the consensus forecast (median of the models) in every draw, before the deal."""
    drivers: Drivers | None = field(repr=False, default=None)

    def line(self, issue: str) -> IssueLine:
        """Return one issue's line."""
        for line in self.issues:
            if line.issue == issue:
                return line
        raise KeyError(issue)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record (deterministic for the same inputs and seed)."""
        s = self.scenario
        return jsonsafe.finite(
            {
                "format_version": FORMAT_VERSION,
                "scenario": {
                    "title": s.title,
                    "date": s.date.isoformat() if s.date else None,
                    "hash": s.content_hash(),
                },
                "provenance": {
                    "models": list(self.models),
                    "combination": "median",
                    "draws": self.draws,
                    "dropped_draws": self.deal.dropped,
                    "seed": self.seed,
                    "uncertain_inputs": self.n_inputs,
                    "driver_spread": self.driver_spread,
                    "input_hash": s.content_hash(),
                    "accord_version": __version__,
                },
                "issues": [line.to_dict() for line in self.issues],
            },
            digits=10,
        )

    def to_json(self) -> str:
        """Return :meth:`to_dict` as deterministic JSON text."""
        return jsonsafe.dumps(self.to_dict())

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per issue with the headline numbers."""
        import pandas as pd

        rows = []
        for line in self.issues:
            rows.append(
                {
                    "issue": line.issue,
                    "consensus": line.consensus,
                    "low": line.interval[0],
                    "high": line.interval[1],
                    "model_low": line.model_range[0],
                    "model_high": line.model_range[1],
                    "own_consensus": line.own_consensus,
                    "p_deal": line.p_deal,
                    "settlement": line.settlement,
                    "no_deal": line.no_deal,
                    "blockers": ", ".join(b.actor for b in line.blockers),
                    "drivers": ", ".join(d.name for d in line.drivers),
                }
            )
        return pd.DataFrame(rows)


def consensus_outcome(
    arrays: Any,
    models: Sequence[Model],
    seed: int = 0,
    tracks: Sequence[Sequence[str]] | None = None,
) -> FloatArray:
    """Return (D, K): per draw, the deal-aware outcome of the median of ``models``' forecasts."""
    agreement = analyse(arrays, tracks=tracks, blockers=False)
    forecasts = np.stack([np.asarray(m.run(arrays, rng=seed).forecast) for m in models])
    return np.asarray(agreement.settle(_median(forecasts)).outcome)


def _median(stack: FloatArray) -> FloatArray:
    """Return the median over axis 0, NaN where every value is NaN (no warning)."""
    ok = np.isfinite(stack)
    filled = np.where(ok, stack, np.nan)
    out = np.full(stack.shape[1:], np.nan)
    has = ok.any(axis=0)
    if has.any():
        out[has] = np.nanmedian(filled[:, has], axis=0)
    return out


def drivers(
    scenario: Scenario,
    models: Sequence[Model],
    *,
    seed: int = 0,
    spread: float | None = None,
    tracks: Sequence[Sequence[str]] | None = None,
) -> Drivers:
    """Return the consensus tornado: every input at either end of its range, one at a time.

    The inputs are the scenario's declared ranges, or with ``spread`` (or when none is declared,
    :data:`DRIVER_SPREAD`) every input ± that share of its valid width. All 2m + 1 scenarios run
    as one batch per model (split into chunks of :data:`CHUNK_CELLS` cells).
    """
    if not models:
        raise AccordError("no model to find the drivers with")
    used = spread
    inputs = [i for i in uncertain_inputs(scenario, spread) if i.high > i.low]
    if not inputs and spread is None:
        used = DRIVER_SPREAD
        inputs = [i for i in uncertain_inputs(scenario, used) if i.high > i.low]
    base = scenario.to_arrays()
    k = base.n_issues
    if not inputs:
        flat = consensus_outcome(base, models, seed, tracks)[0]
        empty = np.zeros((0, k))
        return Drivers(scenario.issue_ids, (), flat, empty, empty, used)
    m = len(inputs)
    values = np.repeat(np.array([[i.point for i in inputs]]), 1 + 2 * m, axis=0)
    idx = np.arange(m)
    values[1 + 2 * idx, idx] = [i.low for i in inputs]
    values[2 + 2 * idx, idx] = [i.high for i in inputs]
    per = max(1, CHUNK_CELLS // (base.n_actors * k))
    parts = [
        consensus_outcome(apply_values(base, inputs, values[a : a + per]), models, seed, tracks)
        for a in range(0, len(values), per)
    ]
    out = np.concatenate(parts, axis=0)
    return Drivers(scenario.issue_ids, tuple(inputs), out[0], out[1::2], out[2::2], used)


def estimate_cost(
    scenario: Scenario,
    models: Sequence[Model],
    *,
    draws: int = DEFAULT_DRAWS,
    spread: float | None = None,
    with_drivers: bool = True,
) -> Cost:
    """Return the estimated cost of :func:`bottom_line` (and of ``accord run``'s own forecast).

    Every model runs on the coded values (twice: the forecast and the deal analysis), on
    ``draws`` draws and, for the drivers, on 2m + 1 perturbed scenarios (m uncertain inputs);
    see :meth:`Model.cost`. Nothing is run.
    """
    if not models:
        raise AccordError("no model to estimate")
    n, k = len(scenario.actors), len(scenario.issues)
    rows = 2 + max(draws, 0)
    if with_drivers:
        m = len([i for i in uncertain_inputs(scenario, spread) if i.high > i.low])
        if not m and spread is None:
            m = len([i for i in uncertain_inputs(scenario, DRIVER_SPREAD) if i.high > i.low])
        rows += 2 * m + 1
    costs = [model.cost(n, k, rows) for model in models]
    total = costs[0]
    for c in costs[1:]:
        total = total + c
    return replace(total, model=f"{len(costs)} models") if len(costs) > 1 else total


def _interval(values: FloatArray) -> tuple[float | None, float | None]:
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return None, None
    lo, hi = np.quantile(ok, [0.025, 0.975])
    return float(lo), float(hi)


def _range(values: Sequence[float | None]) -> tuple[float | None, float | None]:
    ok = [v for v in values if v is not None]
    return (min(ok), max(ok)) if ok else (None, None)


def from_deal(deal: DealForecast, found: Drivers | None = None) -> BottomLine:
    """Return the bottom line of a deal-aware forecast (and of its drivers, if found)."""
    from accord.analysis.explain import why

    scenario = deal.scenario
    combined = deal.agreement.settle(
        _median(np.stack([md.settlement.forecast for md in deal.models]))
    )
    deals = deal.issue_deals()
    lines = []
    for k, issue in enumerate(scenario.issue_ids):
        mine = [d for d in deals if d.issue == issue]
        expected = [d.expected for d in mine]
        outcome = combined.outcome[:, k]
        consensus = float(outcome.mean()) if np.all(np.isfinite(outcome)) else None
        settled = combined.settlement[combined.deal[:, k], k]
        own = tuple((d.model, d.point) for d in mine)
        spec = scenario.issue(issue)
        line = IssueLine(
            issue=issue,
            name=spec.name,
            consensus=consensus,
            label=spec.label_of(consensus) if consensus is not None else "",
            interval=_interval(outcome),
            models=tuple((d.model, d.expected) for d in mine),
            model_range=_range(expected),
            own=own,
            own_range=(min(v for _, v in own), max(v for _, v in own)),
            p_deal=mine[0].p_deal,
            settlement=float(settled.mean()) if settled.size else None,
            no_deal=mine[0].no_deal,
            blockers=tuple(deal.agreement.blockers(issue)[:SHOWN]),
            drivers=found.top(issue) if found is not None else (),
            driver_actors=found.actors(issue) if found is not None else (),
        )
        lines.append(_with_why(line, why(deal, line)))
    return BottomLine(
        scenario=scenario,
        models=tuple(md.model.name for md in deal.models),
        issues=tuple(lines),
        draws=deal.draws,
        seed=deal.seed,
        n_inputs=deal.n_inputs,
        driver_spread=found.spread if found is not None else None,
        deal=deal,
        outcome=np.asarray(combined.outcome),
        forecast=np.asarray(combined.forecast),
        drivers=found,
    )


def _with_why(line: IssueLine, sentences: Sequence[str]) -> IssueLine:
    from dataclasses import replace

    return replace(line, why=tuple(sentences))


def bottom_line(
    scenario: Scenario,
    models: Sequence[Model],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    spread: float | None = None,
    tracks: Sequence[Sequence[str]] | None = None,
    with_drivers: bool = True,
    drop_invalid: bool = False,
) -> BottomLine:
    """Return the bottom line of ``scenario`` across ``models`` (see the module docstring).

    ``draws`` 0 judges the coded values only (no interval; P(deal) is 0 or 1). A draw in which
    some model gives no finite forecast is an error unless ``drop_invalid`` leaves such draws
    out (counted in the record's ``dropped_draws``; see
    :func:`~accord.analysis.deal.deal_forecast`).
    """
    if isinstance(draws, bool) or draws < 0:
        raise AccordError(f"--draws must be a whole number >= 0, got {draws}")
    if draws == 0:
        deal = deal_at_point(scenario, models, seed=seed, tracks=tracks)
    else:
        deal = deal_forecast(
            scenario,
            models,
            draws=draws,
            seed=seed,
            tracks=tracks,
            spread=spread,
            drop_invalid=drop_invalid,
        )
    found = (
        drivers(scenario, models, seed=seed, spread=spread, tracks=tracks) if with_drivers else None
    )
    return from_deal(deal, found)
