"""Outcome measures of a design run, per issue and overall.

All measures judge the outcome against the actors' *own* positions, saliences, capabilities and
outside options as coded in the scenario (before any shock): a concession or a narrowed scale
changes what is negotiated, not what the actors want. Distances are in units of each issue's
original scale width. Where a measure needs an outcome it takes the deal-aware one: the
settlement where there is a deal, the no-deal outcome where there is none.

- **breadth**: the share of total capability whose own position lies within ``tolerance`` (a
  fraction of the scale width) of the outcome; overall, the capability x salience weighted share
  of actor-issue stakes that are within the tolerance;
- **utility** of actor i on issue k: ``1 - |x_ik - O_k| / W_k``; overall, the salience-weighted
  mean over issues;
- **spoiler risk** (draws with a deal): the capability x salience weighted share of actors who
  prefer their outside option to the settlement, i.e. who would rather the deal failed (on an
  issue: ``|x_ik - O_k| > |o_ik - x_ik|``; overall: the same share over every issue with a deal
  in the draw). Everyone whose consent the agreement needs accepts it, so spoilers are the
  actors without a say (seed 003: "Assad ... thinks he has nothing to sacrifice"). NaN without a
  deal;
- **stable** (per issue and draw): there is a deal and the design's own forecast needed no
  change to get it: every actor whose consent or implementation it needs accepts the forum's
  result as it stands. A forum that leaves out a veto player it cannot ignore (a boycott, a
  two-party table) is unstable whenever its result is worse for that player than its outside
  option. Overall: some deal is reached, and every deal reached is stable;
- **stability shift**: how far the forecast moves when everyone excluded comes back to one
  last, full forum (:func:`~accord.process.runner.reentry_forecast`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.models.base import FloatArray
from accord.process.runner import DesignRun


@dataclass(frozen=True, eq=False)
class Measures:
    """Per-draw measures of one design run (arrays lead with the draw axis)."""

    forecast: FloatArray  # (D, K) the model's answer
    outcome: FloatArray  # (D, K) deal-aware
    deal: np.ndarray  # (D, K) bool
    rounds: FloatArray  # (D, K)
    breadth: FloatArray  # (D, K)
    breadth_overall: FloatArray  # (D,)
    utility: FloatArray  # (D, N, K)
    utility_overall: FloatArray  # (D, N)
    spoiler_risk: FloatArray  # (D, K), NaN without a deal
    spoiler_risk_overall: FloatArray  # (D,), NaN unless every issue has a deal
    stable: np.ndarray  # (D, K) bool
    stable_overall: np.ndarray  # (D,) bool
    stability_shift: FloatArray  # (D, K)


def _spoilers(run: DesignRun) -> tuple[FloatArray, FloatArray]:
    a = run.initial
    width = a.scale_max - a.scale_min
    x = (a.position - a.scale_min) / width  # (D, N, K)
    o = (a.outside_option - a.scale_min) / width
    out = (run.outcome - a.scale_min) / width  # (D, K)
    cs = a.capability[:, :, None] * a.salience
    gap = np.abs(x - out[:, None, :])
    far = np.where(np.isnan(o), np.inf, np.abs(o - x))  # unknown option: the worst point
    spoil = cs * (gap > far + 1e-12)
    total = cs.sum(axis=1)
    risk = spoil.sum(axis=1) / np.where(total > 0, total, 1.0)
    risk = np.where(run.deal, risk, np.nan)
    # Overall: the same share over every issue that has a deal in the draw.
    dealt = run.deal[:, None, :]
    weight = np.where(dealt, cs, 0.0).sum(axis=(1, 2))
    share = np.where(dealt, spoil, 0.0).sum(axis=(1, 2)) / np.where(weight > 0, weight, 1.0)
    return risk, np.where(run.deal.any(axis=1), share, np.nan)


def measure(run: DesignRun, reentry: FloatArray, tolerance: float = 0.1) -> Measures:
    """Compute the measures of a run given its re-entry forecast."""
    a = run.initial
    width = a.scale_max - a.scale_min  # original scales
    outcome = run.outcome  # (D, K)
    gap = np.abs(a.position - outcome[:, None, :]) / width  # (D, N, K)
    cap = a.capability[:, :, None]  # (D, N, 1)
    near = gap <= tolerance + 1e-12
    breadth = (cap * near).sum(axis=1) / cap.sum(axis=1)
    s = a.salience
    cs = cap * s
    breadth_overall = (cs * near).sum(axis=(1, 2)) / np.maximum(cs.sum(axis=(1, 2)), 1e-300)
    utility = 1.0 - gap
    s_total = s.sum(axis=2)
    utility_overall = np.where(
        s_total > 0, (s * utility).sum(axis=2) / np.where(s_total > 0, s_total, 1), 1.0
    )
    spoiler, spoiler_overall = _spoilers(run)
    stable = run.deal & run.inside
    # Overall: some deal, and every deal reached stands as the forum made it.
    stable_overall = run.deal.any(axis=1) & (stable | ~run.deal).all(axis=1)
    shift = np.abs(reentry - run.forecast)
    return Measures(
        forecast=run.forecast,
        outcome=outcome,
        deal=run.deal,
        rounds=run.rounds,
        breadth=breadth,
        breadth_overall=breadth_overall,
        utility=utility,
        utility_overall=utility_overall,
        spoiler_risk=spoiler,
        spoiler_risk_overall=spoiler_overall,
        stable=stable,
        stable_overall=np.asarray(stable_overall),
        stability_shift=shift,
    )
