"""Deal-aware forecasts: whether they settle, where, and what happens if they do not.

:func:`deal_forecast` draws the scenario's uncertain inputs once (outside options and no-deal
outcomes included), runs every chosen model on the same draws and the agreement analysis on the
same draws too, so that all models face the same possible worlds. Per model and issue it
reports

- **P(deal)**: the share of draws with a zone of agreement (the same for every model: whether a
  zone exists does not depend on how a model picks a point in it);
- **settlement if they settle**: the model's point moved into the zone, averaged over the draws
  with a deal;
- **expected outcome**: the mean over all draws of the settlement where there is a deal and of
  the no-deal outcome where there is none, i.e. ``P(deal) x settlement + (1 - P(deal)) x
  no-deal outcome``;

and, at the coded values (no draw), whether there is a zone, who blocks it and what it would
take to open it (:mod:`accord.agreement.concession`). Issues are judged on their own unless
``tracks`` links them into packages (see :mod:`accord.agreement.analysis`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord import __version__, jsonsafe
from accord.agreement import Agreement, Settlement, Transfer, analyse
from accord.agreement.concession import Concession, concessions
from accord.analysis.inputs import apply_values, uncertain_inputs
from accord.analysis.sampling import check_correlation, draw_block_range
from accord.errors import AccordError
from accord.models.base import Model, Result, invalid_draws, invalid_draws_message
from accord.scenario.model import Scenario

FloatArray = NDArray[np.float64]
DEFAULT_DRAWS = 1000
"""Draws of the deal-aware forecast unless asked otherwise."""


def _interval(values: FloatArray) -> tuple[float | None, float | None]:
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return None, None
    lo, hi = np.quantile(ok, [0.025, 0.975])
    return float(lo), float(hi)


def _mean(values: FloatArray) -> float | None:
    ok = values[np.isfinite(values)]
    return float(ok.mean()) if ok.size else None


@dataclass(frozen=True)
class IssueDeal:
    """One model's deal-aware forecast of one issue (issue units; None where undefined)."""

    model: str
    issue: str
    point: float
    """The model's forecast at the coded values (no deal analysis)."""
    p_deal: float
    settlement: float | None
    """Mean settlement over the draws with a deal (None when there is none)."""
    settlement_interval: tuple[float | None, float | None]
    expected: float | None
    """Mean outcome over all draws: the settlement, or the no-deal outcome (None if unknown)."""
    expected_interval: tuple[float | None, float | None]
    no_deal: float | None
    """Mean no-deal outcome (None where the issue has none)."""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "model": self.model,
            "issue": self.issue,
            "point": self.point,
            "p_deal": self.p_deal,
            "settlement": self.settlement,
            "settlement_interval": list(self.settlement_interval),
            "expected": self.expected,
            "expected_interval": list(self.expected_interval),
            "no_deal": self.no_deal,
        }


@dataclass(frozen=True, eq=False)
class ModelDeal:
    """One model's forecasts over the draws and their deal-aware version."""

    model: Model
    point: FloatArray
    """(K,) the model's forecast at the coded values."""
    settlement: Settlement
    result: Result | None = None
    """The model's run at the coded values (its trajectory and events), where kept."""


@dataclass(frozen=True, eq=False)
class DealForecast:
    """Deal-aware forecasts of several models on one scenario (see the module docstring)."""

    scenario: Scenario
    agreement: Agreement
    point: Agreement
    """The agreement analysis at the coded values (one draw)."""
    models: tuple[ModelDeal, ...]
    concessions: tuple[Concession, ...]
    draws: int
    seed: int
    n_inputs: int
    tracks: tuple[tuple[str, ...], ...] | None
    transfers: tuple[Transfer, ...] = field(default=())
    dropped: int = 0
    """Draws left out because some model gave no finite forecast in them (``drop_invalid``):
    the draws summarised are ``draws - dropped``."""

    def __repr__(self) -> str:
        from accord.formatting import per_issue, short_title

        ids = self.scenario.issue_ids
        p_deal = self.models[0].settlement.deal.mean(axis=0) if self.models else []
        return (
            f"DealForecast({short_title(self.scenario.title)!r}, "
            f"models={tuple(md.model.name for md in self.models)!r}, draws={self.draws}, "
            f"seed={self.seed}, p_deal={per_issue(ids, p_deal, 3)})"
        )

    def issue_deals(self) -> list[IssueDeal]:
        """Return one :class:`IssueDeal` per model and issue (models in order, then issues)."""
        out = []
        no_deal = self.agreement.no_deal
        for md in self.models:
            st = md.settlement
            for k, issue in enumerate(self.scenario.issue_ids):
                deal = st.deal[:, k]
                out.append(
                    IssueDeal(
                        model=md.model.name,
                        issue=issue,
                        point=float(md.point[k]),
                        p_deal=float(deal.mean()),
                        settlement=_mean(st.settlement[deal, k]),
                        settlement_interval=_interval(st.settlement[deal, k]),
                        expected=None
                        if not np.all(np.isfinite(st.outcome[:, k]))
                        else float(st.outcome[:, k].mean()),
                        expected_interval=_interval(st.outcome[:, k]),
                        no_deal=_mean(no_deal[:, k]),
                    )
                )
        return out

    def deal_of(self, model: str, issue: str) -> IssueDeal:
        """Return the deal-aware forecast of one model on one issue."""
        for d in self.issue_deals():
            if d.model == model and d.issue == issue:
                return d
        raise KeyError((model, issue))

    def blockers(self) -> dict[str, list[dict[str, Any]]]:
        """Return per issue who blocks its agreement over the draws, most often first."""
        return {
            issue: [b.__dict__ for b in self.agreement.blockers(issue)]
            for issue in self.scenario.issue_ids
        }

    def zones(self) -> list[dict[str, Any]]:
        """Return, per set of linked issues, the zone at the coded values and P(deal)."""
        out = []
        for zone, pz in zip(self.agreement.zones, self.point.zones, strict=True):
            out.append(
                {
                    "issues": list(zone.issues),
                    "p_deal": float(zone.exists.mean()),
                    "at_coded_values": {
                        "exists": bool(pz.exists[0]),
                        "depth": float(pz.depth[0]),
                        "centre": [float(v) for v in pz.centre[0]],
                        "span": [
                            [_none(lo), _none(hi)]
                            for lo, hi in zip(pz.span_low[0], pz.span_high[0], strict=True)
                        ],
                        "must_accept": [
                            a
                            for a, m in zip(self.agreement.actor_ids, pz.members[0], strict=True)
                            if m
                        ],
                        "holdouts": [
                            a
                            for a, h in zip(self.agreement.actor_ids, pz.holdouts[0], strict=True)
                            if h
                        ],
                    },
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record (deterministic for the same inputs and seed)."""
        s = self.scenario
        return jsonsafe.finite(
            {
                "scenario": {
                    "title": s.title,
                    "date": s.date.isoformat() if s.date else None,
                    "hash": s.content_hash(),
                    "actors": list(s.actor_ids),
                    "issues": list(s.issue_ids),
                },
                "provenance": {
                    "draws": self.draws,
                    "dropped_draws": self.dropped,
                    "seed": self.seed,
                    "uncertain_inputs": self.n_inputs,
                    "tracks": None if self.tracks is None else [list(t) for t in self.tracks],
                    "transfers": [t.__dict__ for t in self.transfers],
                    "models": {
                        md.model.name: md.model.params.model_dump(mode="json") for md in self.models
                    },
                    "input_hash": s.content_hash(),
                    "accord_version": __version__,
                },
                "zones": self.zones(),
                "blockers": self.blockers(),
                "concessions": [c.to_dict() for c in self.concessions],
                "forecasts": [d.to_dict() for d in self.issue_deals()],
            },
            digits=10,
        )

    def to_json(self) -> str:
        """Return :meth:`to_dict` as deterministic JSON text."""
        return jsonsafe.dumps(self.to_dict())


def _none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def deal_forecast(
    scenario: Scenario,
    models: Sequence[Model],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    tracks: Sequence[Sequence[str]] | None = None,
    transfers: Sequence[Transfer] = (),
    spread: float | None = None,
    bloc_correlation: float = 0.0,
    what_it_takes: bool = True,
    drop_invalid: bool = False,
) -> DealForecast:
    """Return the deal-aware forecasts of ``models`` on ``scenario`` (see the module docstring).

    Without uncertain inputs (no ranges and no ``spread``) there is one draw, the coded values,
    and P(deal) is 0 or 1. ``what_it_takes`` False skips the concessions (the slowest part for
    many linked issues). A draw in which some model gives no finite forecast is an error
    ("N of M draws gave no finite forecast ...") unless ``drop_invalid``: such draws are then
    left out for every model and for the agreement analysis, and counted in ``dropped``.
    """
    if isinstance(draws, bool) or draws < 1:
        raise AccordError(f"--draws must be a whole number >= 1, got {draws}")
    if seed < 0:
        raise AccordError(f"--seed must be >= 0, got {seed}")
    if not models:
        raise AccordError("no model to forecast with")
    rho = check_correlation(bloc_correlation)
    base = scenario.to_arrays()
    inputs = uncertain_inputs(scenario, spread)
    if inputs:
        arrays = apply_values(base, inputs, draw_block_range(inputs, 0, draws, seed, rho))
    else:
        arrays, draws = base, 1
    chosen = None if tracks is None else tuple(tuple(t) for t in tracks)
    coded_runs = [model.run(base, rng=seed) for model in models]  # raises at the coded values
    overs = [
        np.asarray(model.run(arrays, rng=seed, finite=False, history=False).forecast)
        if inputs
        else np.asarray(coded.forecast)
        for model, coded in zip(models, coded_runs, strict=True)
    ]
    bad = np.zeros(arrays.n_draws, dtype=np.bool_)
    for model, over in zip(models, overs, strict=True):
        mine = invalid_draws(over)
        if mine.any() and (not drop_invalid or (bad | mine).all()):
            what = f" with model '{model.name}'"
            raise AccordError(invalid_draws_message(mine, over, scenario.issue_ids, what))
        bad |= mine
    if bad.any():
        keep = np.flatnonzero(~bad)
        arrays = arrays.take_draws(keep.tolist())
        overs = [over[keep] for over in overs]
    agreement = analyse(arrays, tracks=chosen, transfers=transfers)
    point = analyse(base, tracks=chosen, transfers=transfers)
    runs = [
        ModelDeal(model, np.array(coded.forecast[0]), agreement.settle(over), coded)
        for model, coded, over in zip(models, coded_runs, overs, strict=True)
    ]
    found = concessions(base, tracks=chosen, transfers=transfers) if what_it_takes else []
    return DealForecast(
        scenario=scenario,
        agreement=agreement,
        point=point,
        models=tuple(runs),
        concessions=tuple(found),
        draws=draws,
        seed=seed,
        n_inputs=len(inputs),
        tracks=chosen,
        transfers=tuple(transfers),
        dropped=int(bad.sum()),
    )


def deal_at_point(
    scenario: Scenario,
    models: Sequence[Model],
    *,
    seed: int = 0,
    tracks: Sequence[Sequence[str]] | None = None,
) -> DealForecast:
    """Return the deal-aware forecast at the coded values only (one draw; P(deal) is 0 or 1).

    What :func:`deal_forecast` gives for a scenario without uncertain inputs, whatever ranges
    the scenario declares.
    """
    if not models:
        raise AccordError("no model to forecast with")
    chosen = None if tracks is None else tuple(tuple(t) for t in tracks)
    base = scenario.to_arrays()
    point = analyse(base, tracks=chosen)
    runs = []
    for model in models:
        coded = model.run(base, rng=seed)
        own = np.array(coded.forecast[0])
        runs.append(ModelDeal(model, own, point.settle(own[None, :]), coded))
    return DealForecast(
        scenario=scenario,
        agreement=point,
        point=point,
        models=tuple(runs),
        concessions=tuple(concessions(base, tracks=chosen)),
        draws=1,
        seed=seed,
        n_inputs=0,
        tracks=chosen,
    )
