"""Axiomatic bargaining solutions over all issues at once: Nash and Kalai–Smorodinsky.

Both treat the scenario's issues as one space. Actor i's utility at a point x is the
salience-weighted quadratic loss ``u_i(x) = -sum_k s_ik ((x_k - xi_ik) / W_k)^2`` (xi_i its
position, W_k the width of issue k's scale); the disagreement outcome d fixes each actor's
utility ``u_i(d)`` should the talks fail.

* ``nash``: the asymmetric Nash bargaining solution, the point that maximises
  ``sum_i c_i log(u_i(x) - u_i(d))`` among the points every actor prefers to d (c_i its
  capability). Nash, J. (1950), "The bargaining problem", *Econometrica* 18(2): 155-162.
* ``kalai``: the Kalai–Smorodinsky solution, the point where every actor obtains the same,
  largest possible, share of its largest feasible gain (ties broken lexicographically, as in
  Imai 1983). Kalai, E. and Smorodinsky, M. (1975), "Other solutions to Nash's bargaining
  problem", *Econometrica* 43(3): 513-518.

By default (``disagreement="auto"``) each actor's disagreement utility is its utility at its
outside option: its reservation point where the scenario codes one, else the issue's no-deal
outcome (by default the status quo); on an issue where neither is known, its worst point of the
scale. Without any of them this is each actor's worst outcome on the scales
(``disagreement="worst"``); ``disagreement="common"`` gives everyone the worst outcome of anyone.
See ``docs/models/nash.md``. When no point makes every actor better off than its outside option,
nobody agrees to move and the forecast is the no-deal outcome.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Literal

import numpy as np
from pydantic import Field

from accord.agreement.problem import stake_of
from accord.models.axiomatic import (
    Bargain,
    BoolArray,
    IntArray,
    kalai_smorodinsky,
    loss,
    make_bargain,
    nash_bargaining,
    normalise,
    weighted_position_mean,
    worst_loss,
)
from accord.models.base import FloatArray, Model, Output, Params
from accord.models.registry import register
from accord.scenario.arrays import ScenarioArrays

DisagreementRule = Literal["auto", "worst", "common"]


class BargainingParams(Params):
    """Parameters shared by the axiomatic bargaining solutions.

    Attributes
    ----------
    disagreement:
        ``"auto"``: each actor's outside option (reservation point, else the no-deal outcome,
        else the status quo; its worst point where none is known).
        ``"worst"``: each actor's disagreement utility is its worst outcome on the scales.
        ``"common"``: everyone's disagreement utility is the worst outcome of any actor.
    max_iter:
        Cap on Newton steps per draw (each solver); a draw that hits it is not converged.

    """

    disagreement: DisagreementRule = "auto"
    max_iter: int = Field(default=500, ge=1, le=100_000)


class KalaiParams(BargainingParams):
    """Parameters of the Kalai–Smorodinsky solution.

    Attributes
    ----------
    weighted:
        False (classic): capability plays no role. True: actor i's share of its largest gain is
        proportional to its capability (a weighted Kalai–Smorodinsky solution).

    """

    weighted: bool = False


def disagreement(
    arrays: ScenarioArrays, rule: DisagreementRule
) -> tuple[str, FloatArray, FloatArray | None, FloatArray]:
    """Return the disagreement used: its kind, stakes, point and fallback.

    Returns
    -------
    kind:
        ``"status_quo"`` (every outside option is the status quo), ``"outside_options"``
        (reservation points or a no-deal outcome other than the status quo), ``"worst"`` or
        ``"common"``.
    stake : (D, N)
        ``-u_i(d)``, each actor's gain from disagreement to its ideal point.
    point : (D, K) or None
        The disagreement point in issue units when everyone shares one (the no-deal outcome on
        every issue, no reservation point of its own); None otherwise (the disagreement is then
        a utility level per actor, not a point).
    fallback : (D, K)
        Where issues nobody seated cares about, and draws with no agreement, end up: the
        no-deal outcome, or (where there is none) the compromise model's weighted mean of
        positions.

    """
    d, k = arrays.n_draws, arrays.n_issues
    width, ideal = normalise(arrays)
    outside = arrays.outside_option
    if rule == "auto" and not bool(np.all(np.isnan(outside))):
        stake = stake_of(ideal, arrays.salience, (outside - arrays.scale_min) / width)
        no_deal = np.broadcast_to(arrays.no_deal, (d, k))
        fallback = np.where(np.isfinite(no_deal), no_deal, weighted_position_mean(arrays))
        shared = bool(np.all(np.isnan(arrays.reservation)) and np.all(np.isfinite(no_deal)))
        point = no_deal.copy() if shared else None
        at_sq = shared and bool(np.all(no_deal == arrays.status_quo))
        return ("status_quo" if at_sq else "outside_options"), stake, point, fallback
    fallback = weighted_position_mean(arrays)
    stake = worst_loss(ideal, arrays.salience)
    if rule == "common":
        seated = (arrays.capability > 0) & (arrays.salience.sum(axis=-1) > 0)
        top = np.where(seated, stake, 0.0).max(axis=1, keepdims=True)
        return "common", np.broadcast_to(top, stake.shape).copy(), None, fallback
    return "worst", stake, None, fallback


class AxiomaticModel(Model):
    """A one-shot bargaining solution on the joint issue space (shared plumbing)."""

    joint = True
    Parameters = BargainingParams
    positional_diagnostics = frozenset({"disagreement_point"})
    ops_per_second = 1.7e7

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the cost of the Newton-type solvers: O(D (N K^2 + N^2 + K^3)) per iteration.

        About 100 iterations (both stages) of N K^2 + N^2 + K^3 operations per draw, at 1.7e7
        per second: ``100 D (N K^2 + N^2 + K^3)``. Memory: about 5 (D x N x N) and 4
        (D x N x K x K) arrays, 8 D (5 N^2 + 4 N K^2) bytes. Measured: 100 draws x 50 actors x
        3 issues: 1.7 s, 13 MB; 100 x 200 x 5: 22 s, 172 MB.
        """
        ops = 100.0 * d * (n * k * k + n * n + k**3)
        peak = 8.0 * d * (5.0 * n * n + 4.0 * n * k * k) + 48.0 * d * n * k
        return ops, peak, "100 D (N K^2 + N^2 + K^3) operations, 8 D (5 N^2 + 4 N K^2) bytes"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        params = self.params
        assert isinstance(params, BargainingParams)
        d, _, k = arrays.position.shape
        kind, stake, point, fallback = disagreement(arrays, params.disagreement)
        bargain = make_bargain(arrays, stake, fallback)
        y, mutual, iters, conv, extra = self._solve(bargain, params)
        # Issues nobody seated cares about, and draws without mutual gain, stay at the fallback.
        moved = mutual[:, None] & bargain.live
        y = np.where(moved, y, bargain.fallback)
        width = arrays.scale_max - arrays.scale_min
        forecast = np.where(moved, arrays.scale_min + width * y, fallback)
        forecast = np.clip(forecast, arrays.scale_min, arrays.scale_max)
        lost = loss(y, bargain.ideal, bargain.salience)
        diagnostics: dict[str, Any] = {"disagreement": kind}
        if point is not None:
            diagnostics["disagreement_point"] = point
        diagnostics.update(
            {
                "disagreement_utility": -stake,
                "mutual_gain": mutual,
                "utility": -lost,
                "gain": stake - lost,
                "iterations": iters,
                **extra,
            }
        )
        return Output(
            trajectory=arrays.position[None, :, :, :],
            forecast=forecast,
            rounds=np.zeros((d, k), dtype=np.int64),
            converged=np.broadcast_to(conv[:, None], (d, k)).copy(),
            diagnostics=diagnostics,
        )

    @abstractmethod
    def _solve(
        self, bargain: Bargain, params: BargainingParams
    ) -> tuple[FloatArray, BoolArray, IntArray, BoolArray, dict[str, Any]]:
        """Return the solution (D, K) normalised, mutual gain, iterations, converged, extras."""


@register
class Nash(AxiomaticModel):
    """Asymmetric Nash bargaining solution with capability as bargaining power."""

    name = "nash"
    summary = (
        "Asymmetric Nash bargaining solution on all issues jointly: maximise the "
        "capability-weighted product of gains over the disagreement point."
    )
    reference = "Nash (1950), Econometrica 18(2):155-162; Achen (2006), The European Union Decides."
    Parameters = BargainingParams

    def _solve(
        self, bargain: Bargain, params: BargainingParams
    ) -> tuple[FloatArray, BoolArray, IntArray, BoolArray, dict[str, Any]]:
        y, mutual, iters, conv = nash_bargaining(bargain, params.max_iter)
        return y, mutual, iters, conv, {}


@register
class Kalai(AxiomaticModel):
    """Kalai–Smorodinsky solution: equal shares of each actor's largest feasible gain."""

    name = "kalai"
    summary = (
        "Kalai–Smorodinsky solution on all issues jointly: every actor gets the same, largest "
        "possible, share of its largest feasible gain (capability ignored unless weighted)."
    )
    reference = (
        "Kalai & Smorodinsky (1975), Econometrica 43(3):513-518; Imai (1983), Econometrica "
        "51(2):389-401."
    )
    Parameters = KalaiParams

    def _solve(
        self, bargain: Bargain, params: BargainingParams
    ) -> tuple[FloatArray, BoolArray, IntArray, BoolArray, dict[str, Any]]:
        assert isinstance(params, KalaiParams)
        y, share, mutual, iters, conv = kalai_smorodinsky(bargain, params.weighted, params.max_iter)
        return y, mutual, iters, conv, {"share": share}
