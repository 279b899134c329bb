"""The bicameral compromise: a weighted mean in which a co-legislator holds a fixed share.

Achen's compromise model weighs every actor by capability x salience. In a bicameral system the
second chamber (the European Parliament beside the Council) is not one more member among many:
its say does not shrink as more member states take part. This model gives a named
``co_legislator`` a fixed ``share`` of the total weight, lets salience count with a power
(``salience_power`` > 1 favours the actors that care most), and can snap forecasts that fall
within ``snap`` (a fraction of the scale width) of an end of the scale onto that end.

With ``co_legislator=None`` (or absent from the scenario), ``salience_power=1`` and ``snap=0``
it is exactly the compromise model. The defaults (``share=0.2``, ``salience_power=1``,
``snap=0.15``) are the finalist chosen on DEU III's dev split; snapping suits scales whose ends
are positions actors actually hold, as DEU's are by construction -- set ``snap=0`` otherwise.
Equations and the fit on DEU III (train split only; the defaults chosen among train-fitted
finalists on the dev split) in ``docs/models/bicameral.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from accord.models.base import Model, Output, Params
from accord.models.registry import register
from accord.scenario.arrays import ScenarioArrays

SNAP_TOL = 1e-12
"""With ``snap`` > 0, means within this fraction of the scale width beyond the limit still snap."""


class BicameralParams(Params):
    """Parameters of the bicameral compromise.

    Attributes
    ----------
    co_legislator:
        Actor id of the second chamber (e.g. ``"ep"`` in DEU data); ``None``: nobody.
    share:
        The co-legislator's share of the total weight on every issue, in [0, 1).
    salience_power:
        Exponent of salience in the weight ``capability x salience ** power``.
    snap:
        Forecasts within ``snap x (max - min)`` of a scale end are moved onto that end.

    """

    co_legislator: str | None = None
    share: float = Field(default=0.2, ge=0.0, lt=1.0)
    salience_power: float = Field(default=1.0, ge=0.0, le=10.0)
    snap: float = Field(default=0.15, ge=0.0, lt=0.5)


def bicameral_weights(
    capability: np.ndarray, salience: np.ndarray, power: float, index: int | None, share: float
) -> np.ndarray:
    """Return weights (draws, actors, issues) with actor ``index`` holding ``share`` of the total.

    Where no actor cares at all about an issue, capability alone weighs (as in the compromise
    model). If nobody but the co-legislator carries weight, it keeps its own weight.
    """
    cap = np.broadcast_to(capability[:, :, None], salience.shape)
    w = cap * (salience if power == 1 else salience**power)
    w = np.where(w.sum(axis=1, keepdims=True) <= 0, cap, w)
    if index is None:
        return w
    others = w.sum(axis=1) - w[:, index, :]  # (draws, issues)
    fixed = np.where(others > 0, share / (1.0 - share) * others, w[:, index, :])
    out = w.copy()
    out[:, index, :] = fixed
    return out


@register
class Bicameral(Model):
    """Weighted mean with a fixed-share co-legislator, a salience power and end snapping."""

    name = "bicameral"
    summary = (
        "Bicameral compromise: capability x salience^p weighted mean in which a co-legislator "
        "(e.g. the European Parliament) holds a fixed share of the weight."
    )
    reference = (
        "Achen (2006), in Thomson et al., The European Union Decides; fitted on DEU III "
        "(Arregui & Perarnaud 2021) -- docs/models/bicameral.md."
    )
    Parameters = BicameralParams
    positional_diagnostics = frozenset({"mean"})

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        p = self.params
        assert isinstance(p, BicameralParams)
        d, _, k = arrays.position.shape
        ids = arrays.actor_ids
        index = ids.index(p.co_legislator) if p.co_legislator in ids else None
        w = bicameral_weights(arrays.capability, arrays.salience, p.salience_power, index, p.share)
        with np.errstate(invalid="ignore", divide="ignore"):  # no weight at all: NaN, reported
            mean = (w * arrays.position).sum(axis=1) / w.sum(axis=1)
        lo, hi = arrays.scale_min, arrays.scale_max
        # A mean within SNAP_TOL of the snap limit snaps, at both ends alike: rounding noise
        # differs between the ends, so without it a mean exactly at the limit could snap at
        # one end and not at the other (mirroring the scale would not mirror the forecast).
        reach = (p.snap + SNAP_TOL) * (hi - lo) if p.snap > 0 else np.zeros_like(lo)
        forecast = np.where(mean <= lo + reach, lo, np.where(mean >= hi - reach, hi, mean))
        forecast = np.clip(forecast, lo, hi)
        diagnostics: dict[str, Any] = {
            "mean": mean,
            "co_legislator_present": index is not None,
        }
        if index is not None:
            diagnostics["co_legislator_share"] = w[:, index, :] / w.sum(axis=1)
        return Output(
            trajectory=arrays.position[None, :, :, :],
            forecast=forecast,
            rounds=np.zeros((d, k), dtype=np.int64),
            converged=np.ones((d, k), dtype=np.bool_),
            series={"mean": mean[None]},
            diagnostics=diagnostics,
        )
