"""The agreement analysis of a whole scenario, and deal-aware forecasts built on it.

:func:`analyse` splits the issues into the sets that must be accepted together (default: every
issue on its own; a package only where the caller links issues) and analyses each set's zone of
agreement in every draw (:mod:`accord.agreement.zone`).

Why issues are judged one by one unless linked: with additive, salience-weighted utilities a
package almost always contains a trade that every party prefers to its outside option (each
gives way where it cares less). Whether such a package can be struck is a question about the
process — can the parties commit to every part of it at once, are the issues divisible — not
about preferences (Fearon 1995 on commitment problems; Toft 2003 on indivisible stakes), so
accord links issues only where a design or the analyst says they are bargained as one package.

:meth:`Agreement.settle` turns any model's forecast into a deal-aware one: per draw and issue, a
deal or not, the settlement if there is one (the model's point moved into the zone,
:mod:`accord.agreement.settle`) and the outcome (the settlement, or the issue's no-deal
outcome). Over Monte Carlo draws these give P(deal), the settlement if they settle, and the
expected outcome ``P(deal) x settlement + (1 - P(deal)) x no-deal outcome``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.agreement.problem import build, resolve_tracks
from accord.agreement.settle import restrict
from accord.agreement.zone import Zone, analyse_problem
from accord.errors import AccordError
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Transfer:
    """A side payment that comes with an agreement: ``payer`` gives ``payee`` some utility.

    ``amount`` is in utility units (salience x squared share of the scale: 0.01 is what a move
    of a tenth of the scale is worth, at its ideal point, to an actor for whom the issue has
    salience 1). ``issue`` names the set of linked issues whose agreement carries the payment
    (None: every set).
    """

    payer: str
    payee: str
    amount: float
    issue: str | None = None


@dataclass(frozen=True)
class Blocker:
    """How often an actor blocks the agreement on a set of linked issues, over the draws."""

    actor: str
    pivotal: float
    """Share of all draws in which removing this actor alone would open the zone."""
    holdout: float
    """Share of all draws without a zone in which the actor binds (its concession would help)."""


@dataclass(frozen=True, eq=False)
class Settlement:
    """A model's forecast made deal-aware, per draw and issue.

    deal : (D, K) bool; settlement : (D, K), NaN without a deal; outcome : (D, K) the
    settlement, or the no-deal outcome; forecast : (D, K) the model's own point; inside : (D, K)
    where the model's point needed no move (everyone who must accept it does, as it stands).
    """

    deal: BoolArray
    settlement: FloatArray
    outcome: FloatArray
    forecast: FloatArray
    inside: BoolArray


@dataclass(frozen=True, eq=False)
class Agreement:
    """The zones of agreement of a scenario's sets of linked issues, over draws."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    zones: tuple[Zone, ...]
    no_deal: FloatArray
    """(D, K) where each issue ends up without an agreement (NaN where unknown)."""
    transfers: tuple[Transfer, ...] = field(default=())

    @property
    def n_draws(self) -> int:
        """Return the number of draws."""
        return int(self.no_deal.shape[0])

    def zone_of(self, issue: str) -> Zone:
        """Return the zone of the set of linked issues that holds ``issue``."""
        for zone in self.zones:
            if issue in zone.issues:
                return zone
        raise KeyError(issue)

    def _per_issue(self, name: str, fill: Any) -> NDArray[Any]:
        d, k = self.no_deal.shape
        sample = getattr(self.zones[0], name)
        out = np.full((d, k), fill, dtype=sample.dtype)
        for zone in self.zones:
            value = getattr(zone, name)
            out[:, list(zone.index)] = value if value.ndim == 2 else value[:, None]
        return out

    @property
    def exists(self) -> BoolArray:
        """Return (D, K): whether the issue's set of linked issues has a zone in each draw."""
        return np.asarray(self._per_issue("exists", False), dtype=np.bool_)

    @property
    def centre(self) -> FloatArray:
        """Return (D, K): the centre of each issue's zone (issue units)."""
        return np.asarray(self._per_issue("centre", np.nan), dtype=np.float64)

    @property
    def p_deal(self) -> FloatArray:
        """Return (K,): the share of draws with a zone of agreement, per issue."""
        return np.asarray(self.exists.mean(axis=0))

    def blockers(self, issue: str) -> list[Blocker]:
        """Return who blocks the agreement on ``issue``'s set of linked issues, most often first.

        Only actors that were pivotal or held out in at least one draw are listed; ties go to
        scenario order.
        """
        zone = self.zone_of(issue)
        d = zone.exists.shape[0]
        blocked = max(int((~zone.exists).sum()), 1)
        pivotal = zone.pivotal.sum(axis=0) / d
        holdout = zone.holdouts.sum(axis=0) / blocked
        order = sorted(
            (a for a in range(len(self.actor_ids)) if pivotal[a] > 0 or holdout[a] > 0),
            key=lambda a: (-pivotal[a], -holdout[a], a),
        )
        return [Blocker(self.actor_ids[a], float(pivotal[a]), float(holdout[a])) for a in order]

    def settle(self, forecast: FloatArray) -> Settlement:
        """Return a model's forecast (D, K), or (1, K) for every draw, made deal-aware."""
        d, k = self.no_deal.shape
        point = np.broadcast_to(np.asarray(forecast, dtype=np.float64), (d, k))
        settlement = np.full((d, k), np.nan)
        inside = np.zeros((d, k), dtype=np.bool_)
        for zone in self.zones:
            idx = list(zone.index)
            settlement[:, idx], within = restrict(zone, point[:, idx])
            inside[:, idx] = within[:, None]
        deal = self.exists
        outcome = np.where(deal, settlement, self.no_deal)
        return Settlement(deal, settlement, outcome, np.array(point), inside)


def _transfers(
    arrays: ScenarioArrays, transfers: Sequence[Transfer], track: Sequence[str]
) -> FloatArray | None:
    if not transfers:
        return None
    pay = np.zeros((arrays.n_draws, arrays.n_actors))
    for t in transfers:
        for who in (t.payer, t.payee):
            if who not in arrays.actor_ids:
                raise AccordError(f"side payment: unknown actor '{who}'")
        if t.issue is not None and t.issue not in arrays.issue_ids:
            raise AccordError(f"side payment: unknown issue '{t.issue}'")
        if t.issue is None or t.issue in track:
            pay[:, arrays.actor_ids.index(t.payee)] += t.amount
            pay[:, arrays.actor_ids.index(t.payer)] -= t.amount
    return pay


def analyse(
    data: Scenario | ScenarioArrays,
    tracks: Sequence[Sequence[str]] | None = None,
    transfers: Sequence[Transfer] = (),
    blockers: bool = True,
) -> Agreement:
    """Return the agreement analysis of a scenario (or of arrays with any number of draws).

    Parameters
    ----------
    data:
        The scenario, or its arrays (e.g. Monte Carlo draws).
    tracks:
        The sets of issues accepted together as one package; issues in no set (by default every
        issue) are judged on their own.
    transfers:
        Side payments that come with the agreement (see :class:`Transfer`).
    blockers:
        Whether to find the pivotal blockers of the draws without a zone (one extra problem per
        holdout).

    """
    arrays = data.to_arrays() if isinstance(data, Scenario) else data
    zones = []
    for track in resolve_tracks(arrays.issue_ids, tracks):
        problem = build(arrays, track, _transfers(arrays, transfers, track))
        zones.append(analyse_problem(problem, blockers=blockers))
    return Agreement(
        actor_ids=arrays.actor_ids,
        issue_ids=arrays.issue_ids,
        zones=tuple(zones),
        no_deal=np.array(arrays.no_deal),
        transfers=tuple(transfers),
    )
