"""One round of the BDM expected-utility model for a batch of one-issue problems.

The steps follow ``shared/specs/bdm-expected-utility.md`` (see ``docs/models/bdm.md``):
risk exponents from the danger each actor faces (every r = 1), vote probabilities with those
exponents, expected utilities, offers, and one simultaneous move.

A round works on the actors sorted by position (stable, so equal positions keep index order):
the voters nearer to one position than another are then a contiguous run. An actor with
several equally good offers takes them all and moves to the midpoint of their targets (see
:func:`~accord.models.bdm.offers.take_offers`), so the sort order decides nothing. The new
positions are returned in the caller's actor order; the offers and choices stay in sorted
order, with ``order`` to map them back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.models.bdm.offers import (
    Offers,
    least_move_choice,
    paper_offers,
    scholz_choice,
    scholz_offers,
    take_offers,
)
from accord.models.bdm.utility import challenge_eu, danger, own_eyes_eu, risk_exponents, stakes
from accord.models.bdm.votes import Geometry, preference_sums, probabilities

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class RoundOutcome:
    """What a round produced.

    position : (B, n) new positions, caller's actor order.
    order : (B, n) the sort order used: sorted slot t holds actor ``order[b, t]``.
    offers : offers between sorted slots, (B, n, n); accepted : (B, n, n) the offers each slot
        took (several when equally good); risk : (B, n) risk exponents per slot.
    """

    position: FloatArray
    order: IntArray
    offers: Offers
    accepted: NDArray[np.bool_]
    risk: FloatArray


def play_round(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    big_r: FloatArray,
    mu: FloatArray,
    variant: str,
    q: float,
) -> RoundOutcome:
    """Play one round on positions ``x`` (B, n).

    ``w`` = capability x salience and ``s`` = salience (B, n); ``big_r`` (B,) the issue range;
    ``mu`` (B,) the current median (used by the paper variant's "no challenge" term).
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    ss = np.take_along_axis(s, order, axis=1)
    paper = variant == "paper"
    median = mu if paper else None
    geo = Geometry.of(xs, big_r)
    p1 = probabilities(preference_sums(geo, ws, None), variant)
    r = risk_exponents(danger(xs, geo, ss, p1, q, big_r, median))
    p = probabilities(preference_sums(geo, ws, r), variant)
    st = stakes(geo, r)
    if paper:
        offers = paper_offers(xs, own_eyes_eu(xs, ss, p, st, q, big_r, median))
        accepted = least_move_choice(xs, offers, big_r)
    else:
        a = own_eyes_eu(xs, ss, p, st, q, big_r, None)  # EU_i(i, j)
        # EU_i(j, i): j challenges i (target salience s_i, P_ji), seen with i's exponent r_i
        b = challenge_eu(st, ss[:, :, None], p.transpose(0, 2, 1), q)
        offers = scholz_offers(xs, a, b)
        accepted = scholz_choice(xs, offers, geo.gap, big_r)
    new = np.empty_like(x)
    np.put_along_axis(new, order, take_offers(xs, offers, accepted, big_r), axis=1)
    return RoundOutcome(new, order, offers, accepted, r)
