"""Where a negotiation settles if it settles: a model's point moved into the zone of agreement.

A model forecasts a point; the agreement analysis says which points everyone who must accept
prefers to their outside options. Where the model's point lies inside the zone it stands. Where
it lies outside, it is moved in a straight line toward the zone's centre until every member
accepts it (the first point of the segment inside the closed zone): the settlement keeps as
much of the model's answer as the holdouts allow. In one dimension this is the nearest end of
the zone. Without a zone there is no settlement (NaN) and the issue stays at its no-deal
outcome.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from accord.agreement.zone import Zone

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ACCEPT_TOL = 1e-12
"""A member whose loss exceeds its stake by no more than this (utility) accepts the point."""


def restrict(zone: Zone, point: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Return ``point`` (D, K) in issue units moved into the zone, and where it needed no move.

    ``point`` holds the values of the zone's issues only (in the zone's issue order). The moved
    point is NaN where there is no zone; ``inside`` (D,) is True where the point already lay in
    the (closed) zone.
    """
    problem = zone.problem
    f = problem.to_unit_box(point)
    c = problem.to_unit_box(zone.centre)
    d = c - f
    s, p = problem.salience, problem.ideal
    dev = f[:, None, :] - p
    quad = (s * d[:, None, :] ** 2).sum(axis=-1)  # (D, N)
    lin = 2.0 * (s * d[:, None, :] * dev).sum(axis=-1)
    const = (s * dev * dev).sum(axis=-1) - problem.stake
    disc = np.maximum(lin * lin - 4.0 * quad * const, 0.0)
    denom = -lin + np.sqrt(disc)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(denom > 0, 2.0 * const / denom, 1.0)
    # A shortfall within rounding of zero is indifference: that member accepts the point.
    short = const > ACCEPT_TOL
    t = np.where(zone.members & short, np.clip(root, 0.0, 1.0), 0.0).max(axis=1)
    settled = np.where(t[:, None] > 0, problem.to_units(f + t[:, None] * d), point)
    moved = np.where(zone.exists[:, None], settled, np.nan)
    return moved, np.asarray(zone.exists & (t <= 0.0))
