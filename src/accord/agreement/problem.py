"""The agreement problem of one set of linked issues: stakes, who must accept, and how.

Everything is computed in normalised coordinates (each issue's scale mapped onto [0, 1]) with
the utility the Nash model uses: actor i's loss at a point y of the linked issues is
``sum_k s_ik (y_k - p_ik)^2`` (p_i its position, s_i its saliences), its *stake* b_i is that loss
at its outside option (its reservation point; the issue's no-deal outcome unless it codes its
own), and it accepts y when its loss there is smaller than its stake. An outside option that is
unknown on an issue (no reservation, no no-deal outcome, no status quo) is taken to be the
actor's worst point on that issue's scale: any agreement there is acceptable to it.

Who must accept (per issue, for a set of linked issues the union over its issues):

- *implementers* (those who must implement or pay): each of them;
- *consent* holders: each of them when the issue's quota is 1 (unanimity); with a quota q < 1
  they are *voters*, and a qualified majority of them, holding at least q of the voters' total
  capability, must accept;
- an actor with zero salience on every linked issue is indifferent and is never required.

A linked set takes the strictest quota of its issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.errors import AccordError
from accord.scenario.arrays import ScenarioArrays

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Problem:
    """One set of linked issues, over every draw, in normalised coordinates.

    Attributes
    ----------
    issues : the issue ids of the set, ``index`` their positions in the scenario
    ideal, salience : (D, N, K)
    outside : (D, N, K) the outside options (normalised; NaN where unknown)
    stake : (D, N) each actor's loss at its outside option (plus any side payment received)
    vetoes : (D, N) actors each of whom must accept
    voters : (D, N) actors of whom a qualified majority must accept (none under unanimity)
    capability : (D, N) the voters' weights
    quota : the share of the voters' capability that must accept
    lo, width : (K,) the scales, to map back to issue units

    """

    issues: tuple[str, ...]
    index: tuple[int, ...]
    ideal: FloatArray
    salience: FloatArray
    outside: FloatArray
    stake: FloatArray
    vetoes: BoolArray
    voters: BoolArray
    capability: FloatArray
    quota: float
    lo: FloatArray
    width: FloatArray

    @property
    def required(self) -> BoolArray:
        """Return everyone whose acceptance counts: vetoes and voters."""
        return np.asarray(self.vetoes | self.voters)

    def loss(self, y: FloatArray) -> FloatArray:
        """Return every actor's loss at normalised points y (D, K) -> (D, N)."""
        dev = y[:, None, :] - self.ideal
        return np.asarray((self.salience * dev * dev).sum(axis=-1))

    def to_units(self, y: FloatArray) -> FloatArray:
        """Return normalised points in issue units."""
        return np.asarray(self.lo + self.width * y)

    def to_unit_box(self, x: FloatArray) -> FloatArray:
        """Return points in issue units as normalised points."""
        return np.asarray((x - self.lo) / self.width)


def stake_of(ideal: FloatArray, salience: FloatArray, outside: FloatArray) -> FloatArray:
    """Return the loss at the outside option; unknown (NaN) options count as the worst point."""
    far = np.maximum(ideal, 1.0 - ideal)
    gap = np.where(np.isnan(outside), far, outside - ideal)
    return np.asarray((salience * gap * gap).sum(axis=-1))


def resolve_tracks(
    issue_ids: Sequence[str], tracks: Sequence[Sequence[str]] | None
) -> tuple[tuple[str, ...], ...]:
    """Return the sets of linked issues: ``tracks`` checked, or every issue on its own.

    Issues that no track names are each a set of their own.
    """
    if tracks is None:
        return tuple((i,) for i in issue_ids)
    out: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for track in tracks:
        chosen = tuple(track)
        if not chosen:
            raise AccordError("a set of linked issues needs at least one issue")
        for issue in chosen:
            if issue not in issue_ids:
                raise AccordError(
                    f"unknown issue '{issue}'; issues: {', '.join(issue_ids)}", where="tracks"
                )
            if issue in seen:
                raise AccordError(f"issue '{issue}' is in two sets of linked issues")
            seen.add(issue)
        out.append(chosen)
    out += [(i,) for i in issue_ids if i not in seen]
    return tuple(out)


def build(
    arrays: ScenarioArrays,
    issues: Sequence[str],
    side_payment: FloatArray | None = None,
) -> Problem:
    """Return the agreement problem of one set of linked issues.

    ``side_payment`` (D, N) is the utility each actor receives (positive) or pays (negative)
    when the agreement is made; it is added to the actor's stake: a payment received makes a
    worse agreement acceptable, a payment made a better one necessary.
    """
    idx = [arrays.issue_ids.index(i) for i in issues]
    lo, hi = arrays.scale_min[idx], arrays.scale_max[idx]
    width = hi - lo
    ideal = (arrays.position[:, :, idx] - lo) / width
    salience = arrays.salience[:, :, idx]
    outside = (arrays.outside_option[:, :, idx] - lo) / width
    stake = stake_of(ideal, salience, outside)
    if side_payment is not None:
        stake = stake + side_payment
    cares = (salience > 0).any(axis=2)
    quota = float(arrays.quota[idx].max())
    consent = arrays.consent[:, idx]
    unanimous = arrays.quota[idx] >= 1.0
    veto_rows = np.asarray(
        arrays.implementers[:, idx].any(axis=1) | (consent & unanimous).any(axis=1)
    )
    voter_rows = np.asarray((consent & ~unanimous).any(axis=1) & ~veto_rows)
    d = arrays.n_draws
    return Problem(
        issues=tuple(issues),
        index=tuple(idx),
        ideal=ideal,
        salience=salience,
        outside=outside,
        stake=stake,
        vetoes=np.broadcast_to(veto_rows, (d, len(veto_rows))) & cares,
        voters=np.broadcast_to(voter_rows, (d, len(voter_rows))) & cares,
        capability=_safe_capability(arrays.capability),
        quota=quota if voter_rows.any() else 1.0,
        lo=lo,
        width=width,
    )


def _safe_capability(capability: FloatArray) -> FloatArray:
    """Return capabilities scaled per draw by a power of two so that the largest is below 2^20.

    Only shares of capability matter here (a quota); the scaling is exact, and it keeps sums of
    capabilities such as 1e308 from overflowing. Draws whose largest is below 2^20 are kept.
    """
    cap = np.asarray(capability, dtype=np.float64)
    top = np.where(np.isfinite(cap), np.abs(cap), 0.0).max(axis=1) if cap.size else np.zeros(0)
    exponent = np.frexp(np.where(top > 2.0**20, top, 1.0))[1]
    shift = np.where(top > 2.0**20, 20 - exponent, 0)
    return np.ldexp(cap, shift[:, None]) if shift.any() else cap
