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


def _best(score: FloatArray, allowed: NDArray[np.bool_], slack: FloatArray) -> IntArray:
    """Return, per actor, the first allowed j whose score is within ``slack`` of the lowest.

    With the actors sorted by position, "first" is the lowest-positioned counterpart (then
    the lowest index). -1 where nothing is allowed. ``slack`` is (B,).
    """
    masked = np.where(allowed, score, np.inf)
    low = masked.min(axis=2, keepdims=True)
    near = masked <= low + slack[:, None, None]
    first = np.argmax(near, axis=2)
    return np.where(np.isfinite(low[:, :, 0]), first, -1)


def scholz_choice(x: FloatArray, offers: Offers, gap: FloatArray, big_r: FloatArray) -> IntArray:
    """Return the counterpart each actor accepts, (B, n), -1 for none (spec step 8).

    The nearest confrontation offer (``gap`` = |x_i - x_j|) if there is any; else the
    compromise whose point ``(|a| x_i + |b| x_j) / (|a| + |b|)`` is lowest:
    ``lowest_point_quirk``, kept on purpose because the reconstruction does it.
    """
    slack = CHOICE_TOL * big_r
    nearest = _best(gap, offers.kind == CONFRONTATION, slack)
    a, b = offers.eu_actor, offers.eu_counterpart
    with np.errstate(divide="ignore", invalid="ignore"):
        # where a compromise is offered a < 0 < b, so |a| x_i + |b| x_j = b x_j - a x_i
        point = (b * x[:, None, :] - a * x[:, :, None]) / (b - a)
    lowest_point_quirk = _best(point, offers.kind == COMPROMISE, slack)
    return np.where(nearest >= 0, nearest, lowest_point_quirk)


def least_move_choice(x: FloatArray, offers: Offers, big_r: FloatArray) -> IntArray:
    """Return the counterpart whose offer moves each actor least, (B, n), -1 for none."""
    gap = np.abs(offers.target - x[:, :, None])
    return _best(gap, offers.kind != NO_OFFER, CHOICE_TOL * big_r)


def take_choice(x: FloatArray, offers: Offers, chosen: IntArray) -> FloatArray:
    """Return the new positions: the chosen offer's target, or the old position for -1."""
    idx = np.maximum(chosen, 0)[:, :, None]
    moved = np.take_along_axis(offers.target, idx, axis=2)[:, :, 0]
    return np.where(chosen >= 0, moved, x)
