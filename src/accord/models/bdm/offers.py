"""Offers and choices of the BDM expected-utility model.

Offer matrices are indexed ``[b, i, j]``: the offer actor i receives from actor j in batch row
b (i is the one that would move). Actors at the same position never make each other offers.

Comparisons are made with small tolerances (``EU_TOL`` on expected utilities, ``CHOICE_TOL``
x R on positions and distances) so that ties that are exact in real arithmetic, common with
integer-coded positions, stay ties whatever the summation order; the spec's strict
inequalities are otherwise unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

EU_TOL = 1e-12
"""``u > v`` between expected utilities means ``u > v + EU_TOL`` (and ``u > 0``: ``u > EU_TOL``)."""
CHOICE_TOL = 1e-12
"""Offers whose choice scores lie within ``CHOICE_TOL`` x R of the best count as equally good."""

NO_OFFER = 0
CONFRONTATION = 1
COMPROMISE = 2
CAPITULATION = 3
KIND_NAMES = {
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


@dataclass(frozen=True, eq=False)
class Offers:
    """Every offer of one round.

    kind : (B, n, n) int8, one of the constants above.
    target : (B, n, n) the position i would move to (meaningful where kind != NO_OFFER).
    eu_actor, eu_counterpart : (B, n, n) the expected utilities behind each offer (see the
        variant functions for whose they are).
    """

    kind: NDArray[np.int8]
    target: FloatArray
    eu_actor: FloatArray
    eu_counterpart: FloatArray


def _share_of_gap(x: FloatArray, share: FloatArray) -> FloatArray:
    """Return x_i + (x_j - x_i) share, (B, n, n)."""
    xi = x[:, :, None]
    return xi + (x[:, None, :] - xi) * share


def scholz_offers(x: FloatArray, a: FloatArray, b: FloatArray) -> Offers:
    """Return the offers of the ``scholz`` variant.

    ``a[b, i, j] = EU_i(i, j)`` and ``b[b, i, j] = EU_i(j, i)``, both through i's eyes.
    Confrontation i loses (b > a > 0): offer x_j. Compromise (b > 0 > a, b > |a|): offer
    x_i + (x_j - x_i) |a / b|. Otherwise none.
    """
    apart = x[:, :, None] != x[:, None, :]
    confront = apart & (b > a + EU_TOL) & (a > EU_TOL)
    compromise = apart & (b > EU_TOL) & (a < -EU_TOL) & (b > np.abs(a) + EU_TOL)
    share = np.abs(a / np.where(compromise, b, 1.0))
    target = np.where(confront, x[:, None, :], _share_of_gap(x, share))
    kind = np.where(confront, CONFRONTATION, np.where(compromise, COMPROMISE, NO_OFFER))
    return Offers(kind.astype(np.int8), target, a, b)


def paper_offers(x: FloatArray, e: FloatArray) -> Offers:
    """Return the offers of the ``paper`` variant; ``e[b, i, j] = EU_i(i, j)`` (i's own eyes).

    For mover i and counterpart j, ``mine = EU_i(i, j)`` and ``theirs = EU_j(j, i)``. Both
    positive: the smaller one gives way fully (confrontation). Opposite signs with j's side
    positive: i compromises by the share |mine / theirs| when theirs > |mine|, and capitulates
    (moves fully to x_j) otherwise. Both negative: none.
    """
    mine = e
    theirs = e.transpose(0, 2, 1)
    apart = x[:, :, None] != x[:, None, :]
    confront = apart & (mine > EU_TOL) & (theirs > mine + EU_TOL)
    opposite = apart & (theirs > EU_TOL) & (mine < -EU_TOL)
    compromise = opposite & (theirs > np.abs(mine) + EU_TOL)
    capitulate = opposite & ~compromise
    share = np.abs(mine / np.where(compromise, theirs, 1.0))
    full = confront | capitulate
    target = np.where(full, x[:, None, :], _share_of_gap(x, share))
    kind = np.select(
        [confront, compromise, capitulate], [CONFRONTATION, COMPROMISE, CAPITULATION], NO_OFFER
    )
    return Offers(kind.astype(np.int8), target, mine, theirs)


def _ties(score: FloatArray, allowed: BoolArray, slack: FloatArray) -> BoolArray:
    """Return, per actor, the allowed offers whose score is within ``slack`` of the lowest.

    ``score`` and ``allowed`` are (B, n, n); ``slack`` is (B,). All False where nothing is
    allowed.
    """
    masked = np.where(allowed, score, np.inf)
    low = masked.min(axis=2, keepdims=True)
    return allowed & (masked <= low + slack[:, None, None])


def scholz_choice(x: FloatArray, offers: Offers, gap: FloatArray, big_r: FloatArray) -> BoolArray:
    """Return the offers each actor takes, (B, n, n) (spec step 8); several when tied.

    The nearest confrontation offers (``gap`` = |x_i - x_j|) if there are any; else the
    compromises whose point ``(|a| x_i + |b| x_j) / (|a| + |b|)`` is lowest:
    ``lowest_point_quirk``, kept on purpose because the reconstruction does it (it prefers
    offers from the left, so this variant is not mirror-symmetric). Ties: :func:`take_offers`.
    """
    slack = CHOICE_TOL * big_r
    nearest = _ties(gap, offers.kind == CONFRONTATION, slack)
    a, b = offers.eu_actor, offers.eu_counterpart
    with np.errstate(divide="ignore", invalid="ignore"):
        # where a compromise is offered a < 0 < b, so |a| x_i + |b| x_j = b x_j - a x_i
        point = (b * x[:, None, :] - a * x[:, :, None]) / (b - a)
    lowest_point_quirk = _ties(point, offers.kind == COMPROMISE, slack)
    return np.where(nearest.any(axis=2, keepdims=True), nearest, lowest_point_quirk)


def least_move_choice(x: FloatArray, offers: Offers, big_r: FloatArray) -> BoolArray:
    """Return the offers that move each actor least, (B, n, n); several when tied.

    Offers whose moves lie within ``CHOICE_TOL`` x R of the smallest are equally good; see
    :func:`take_offers` for where taking them leaves the actor.
    """
    gap = np.abs(offers.target - x[:, :, None])
    return _ties(gap, offers.kind != NO_OFFER, CHOICE_TOL * big_r)


def take_offers(x: FloatArray, offers: Offers, taken: BoolArray, big_r: FloatArray) -> FloatArray:
    """Return the new positions when each actor takes the (equally good) offers in ``taken``.

    An actor moves to the midpoint of the lowest and highest taken targets, and stays put when
    it takes none. With a single target (or several equal ones) that is the target itself; two
    equally good offers at equal distances on both sides of the actor cancel, and it stays
    exactly where it is (a midpoint within ``CHOICE_TOL`` x R of the old position is snapped to
    it). Unlike "the lowest-positioned counterpart", the rule treats both ends of the scale
    alike: mirroring every position mirrors the move.
    """
    some = taken.any(axis=2)
    lowest = np.where(some, np.where(taken, offers.target, np.inf).min(axis=2), x)
    highest = np.where(some, np.where(taken, offers.target, -np.inf).max(axis=2), x)
    middle = 0.5 * (lowest + highest)  # exactly t when every taken target is t
    cancel = np.abs((lowest - x) + (highest - x)) <= (2 * CHOICE_TOL * big_r)[:, None]
    return np.where(cancel, x, middle)
