"""Outcome measures of a design run, per issue and overall.

All measures judge the outcome against the actors' *own* positions, saliences and capabilities
as coded in the scenario (before any shock): a concession or a narrowed scale changes what is
negotiated, not what the actors want. Distances are in units of each issue's original scale
width, so every measure lies in [0, 1] except rounds and shifts (in issue units).

- **breadth**: the share of total capability whose own position lies within ``tolerance`` (a
  fraction of the scale width) of the outcome; overall, the capability x salience weighted share
  of actor-issue stakes that are within the tolerance;
- **utility** of actor i on issue k: ``1 - |x_ik - O_k| / W_k``; overall, the salience-weighted
  mean over issues;
- **spoiler risk**: sum of ``c_i s_ik |x_ik - O_k| / W_k`` over the actors left outside the final
  forum or farther than the tolerance from the outcome, divided by ``sum_i c_i s_ik`` (overall:
  sums over issues before dividing);
- **stability**: the shift of the forecast when everyone excluded comes back to one last, full
  forum (:func:`~accord.process.runner.reentry_forecast`); stable when no issue moves more than
  the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.models.base import FloatArray
from accord.process.runner import DesignRun


@dataclass(frozen=True, eq=False)
class Measures:
    """Per-draw measures of one design run (arrays lead with the draw axis)."""

    forecast: FloatArray  # (D, K)
    rounds: FloatArray  # (D, K)
    breadth: FloatArray  # (D, K)
    breadth_overall: FloatArray  # (D,)
    utility: FloatArray  # (D, N, K)
    utility_overall: FloatArray  # (D, N)
    spoiler_risk: FloatArray  # (D, K)
    spoiler_risk_overall: FloatArray  # (D,)
    stability_shift: FloatArray  # (D, K)
    stable: np.ndarray  # (D,) bool


def measure(run: DesignRun, reentry: FloatArray, tolerance: float = 0.1) -> Measures:
    """Compute the measures of a run given its re-entry forecast."""
    a = run.initial
    width = a.scale_max - a.scale_min  # original scales
    outcome = run.forecast  # (D, K)
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
    outside = np.array([actor in run.excluded for actor in a.actor_ids])[None, :, None]
    spoilers = outside | ~near
    risk_terms = cs * gap * spoilers
    cs_sum = cs.sum(axis=1)
    spoiler = risk_terms.sum(axis=1) / np.where(cs_sum > 0, cs_sum, 1)
    spoiler_overall = risk_terms.sum(axis=(1, 2)) / np.maximum(cs.sum(axis=(1, 2)), 1e-300)
    shift = np.abs(reentry - outcome)
    stable = np.asarray((shift / width <= tolerance + 1e-12).all(axis=1))
    return Measures(
        forecast=outcome,
        rounds=run.rounds,
        breadth=breadth,
        breadth_overall=breadth_overall,
        utility=utility,
        utility_overall=utility_overall,
        spoiler_risk=spoiler,
        spoiler_risk_overall=spoiler_overall,
        stability_shift=shift,
        stable=stable,
    )
