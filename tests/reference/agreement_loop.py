"""A slow, obvious version of the agreement analysis: one draw, one set of issues at a time.

Used only by the tests, to check the vectorised engine (:mod:`accord.agreement`). Everything
is written from the definitions (docs/agreement.md), without the engine's solvers:

- an actor accepts y when ``sum_k s_k (y_k - p_k)^2 < stake``, its stake being the same sum at
  its outside option (the worst point of an issue's scale where the option is unknown);
- on one issue the zone is the intersection of the members' open intervals;
- on several issues, r* = min_y max_i (loss_i(y) - stake_i) is found with SciPy's SLSQP on the
  epigraph form (minimise r subject to r >= loss_i(y) - stake_i), from several starts;
- a settlement walks from the model's point toward the centre in small steps, then bisects.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize


def stake(p: list[float], s: list[float], outside: list[float]) -> float:
    """Return the loss at the outside option (NaN option: the worst point of that issue)."""
    total = 0.0
    for pk, sk, ok in zip(p, s, outside, strict=True):
        gap = max(pk, 1.0 - pk) if math.isnan(ok) else ok - pk
        total += sk * gap * gap
    return total


def loss(y: list[float], p: list[float], s: list[float]) -> float:
    """Return an actor's loss at y."""
    return sum(sk * (yk - pk) ** 2 for yk, pk, sk in zip(y, p, s, strict=True))


def interval(p: float, s: float, b: float) -> tuple[float, float] | None:
    """Return the open interval an actor accepts on one issue (None: it accepts nothing)."""
    if s <= 0 or b <= 0:
        return None
    r = math.sqrt(b / s)
    return p - r, p + r


def line_zone(members: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    """Return the zone (low, high) on [0, 1] of members (p, s, b), or None when it is empty."""
    low, high = 0.0, 1.0
    closed_low, closed_high = True, True
    for p, s, b in members:
        iv = interval(p, s, b)
        if iv is None:
            return None
        if iv[0] >= low:
            low, closed_low = iv[0], False
        if iv[1] <= high:
            high, closed_high = iv[1], False
    if low < high or (low == high and closed_low and closed_high):
        return low, high
    return None


def minimax_value(members: list[tuple[list[float], list[float], float]], k: int) -> float:
    """Return r* = min_y max_i (loss_i(y) - b_i) by SLSQP from several starts (best found)."""
    best = math.inf
    starts = [[0.5] * k] + [list(p) for p, _, _ in members]
    for y0 in starts:
        r0 = max(loss(y0, p, s) - b for p, s, b in members) + 1.0
        cons = [
            {"type": "ineq", "fun": (lambda z, p=p, s=s, b=b: z[-1] - (loss(z[:-1], p, s) - b))}
            for p, s, b in members
        ]
        res = minimize(
            lambda z: z[-1],
            np.array([*y0, r0]),
            constraints=cons,
            bounds=[(0.0, 1.0)] * k + [(None, None)],
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 500},
        )
        y = list(res.x[:-1])
        best = min(best, max(loss(y, p, s) - b for p, s, b in members))
    return best


def settle_line(point: float, zone: tuple[float, float]) -> float:
    """Return the nearest point of a one-issue zone."""
    return min(max(point, zone[0]), zone[1])


def settle_segment(
    point: list[float],
    centre: list[float],
    members: list[tuple[list[float], list[float], float]],
) -> list[float]:
    """Return the first point on the segment from ``point`` to ``centre`` that all accept."""

    def ok(t: float) -> bool:
        y = [a + t * (c - a) for a, c in zip(point, centre, strict=True)]
        return all(loss(y, p, s) <= b + 1e-12 for p, s, b in members)

    if ok(0.0):
        return list(point)
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return [a + hi * (c - a) for a, c in zip(point, centre, strict=True)]
