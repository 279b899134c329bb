"""What would it take? The concessions that would open a zone of agreement where there is none.

For a set of linked issues without a zone, take a group H of actors that blocks it: the
holdouts the zone analysis found (a smallest group whose concession opens the zone), and each
pivotal actor on its own. Let Z_-H be the zone of everyone else who must accept, and c_-H its
centre (the others' best compromise). If Z_-H is empty, H cannot open the zone by itself. If H
is everyone who must accept, c_-H is their own minimax point (where they are least short of
accepting) and nobody is left to pay. Otherwise (:func:`concessions`):

- **the least concession**: the smallest worsening Δ of every member of H's outside option
  (the same Δ for each, in utility) at which a zone opens, and the point where it opens. Δ is
  found by bisection on the existence test. It can be tiny: a zone that opens right next to
  the outside options (a deal that changes almost nothing).
- **a deal at the others' compromise** c_-H: what each member j of H would need, in utility
  (``loss_j(c_-H) - b_j``), to accept it; that is the **side payment** it would take, and it is
  *affordable* when the others' total gain at c_-H covers the sum. The same figure as an
  **outside option**: where j's reservation point would have to lie for c_-H to be acceptable
  (its reservation point moved straight away from its position; c_-H itself when its outside
  option is its position).
- **positions**: the smallest share t of the way from their positions toward c_-H that the
  members of H must move (all by the same share, outside options fixed) for a zone to open.
  For one actor the set of such moves is an interval ending at c_-H (each point y of Z_-H is
  acceptable to j from the half-space of positions nearer to y than to j's outside option), so
  bisection finds its start.

Utilities are in the units of :mod:`accord.agreement.problem`: salience x squared share of the
scale (0.01 = a move of a tenth of the scale, at the ideal point, on an issue of salience 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from accord.agreement import minimax
from accord.agreement.analysis import Transfer, analyse
from accord.agreement.problem import Problem, stake_of
from accord.agreement.zone import EPS, Zone
from accord.errors import AccordError
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
STEPS = 60
"""Bisection steps (the bracket shrinks to 2^-60 of its width)."""


def _point(y: FloatArray) -> tuple[float, ...]:
    return tuple(float(v) for v in y)


@dataclass(frozen=True)
class Concession:
    """What one blocking group would have to concede to open the zone of linked issues.

    ``alone`` False: the others have no zone among themselves either, so this group cannot open
    it by itself; the other fields are then None.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    kind: Literal["holdouts", "pivotal", "named"]
    alone: bool
    least: float | None = None
    """Δ: the smallest worsening of each member's outside option that opens a zone (utility)."""
    opens_at: tuple[float, ...] | None = None
    """Where the zone opens at Δ (issue units)."""
    compromise: tuple[float, ...] | None = None
    """c_-H: the centre of the others' zone (issue units)."""
    need: dict[str, float] | None = None
    """Per member: the utility it would need to accept the compromise (its side payment)."""
    reservation: dict[str, tuple[float, ...]] | None = None
    """Per member: where its outside option would have to lie to accept the compromise."""
    others_gain: float | None = None
    """The others' total gain over their outside options at the compromise."""
    share: float | None = None
    """How far (0-1) the members' positions must move toward the compromise to open a zone."""
    positions: dict[str, tuple[float, ...]] | None = None
    """The positions they would then hold (issue units)."""

    @property
    def side_payment(self) -> float | None:
        """Return the total side payment that would buy a deal at the compromise."""
        return None if self.need is None else float(sum(self.need.values()))

    @property
    def affordable(self) -> bool | None:
        """Return whether the others gain enough at the compromise to pay it."""
        if self.side_payment is None or self.others_gain is None:
            return None
        return self.others_gain >= self.side_payment

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""

        def points(d: dict[str, tuple[float, ...]] | None) -> Any:
            return None if d is None else {k: list(v) for k, v in d.items()}

        return {
            "actors": list(self.actors),
            "issues": list(self.issues),
            "kind": self.kind,
            "alone": self.alone,
            "least": self.least,
            "opens_at": None if self.opens_at is None else list(self.opens_at),
            "compromise": None if self.compromise is None else list(self.compromise),
            "need": self.need,
            "side_payment": self.side_payment,
            "others_gain": self.others_gain,
            "affordable": self.affordable,
            "reservation": points(self.reservation),
            "share": self.share,
            "positions": points(self.positions),
        }


def _bisect(opens: Callable[[float], bool], high: float) -> float:
    """Return the smallest value in [0, high] at which ``opens`` turns True (monotone)."""
    low = 0.0
    if opens(0.0):
        return 0.0
    for _ in range(STEPS):
        mid = 0.5 * (low + high)
        if opens(mid):
            high = mid
        else:
            low = mid
    return high


def _group(
    problem: Problem,
    members: BoolArray,
    group: list[int],
    kind: Literal["holdouts", "pivotal", "named"],
    actor_ids: Sequence[str],
) -> Concession:
    """Return the concessions of one blocking group in a single draw (arrays of one draw)."""
    names = tuple(actor_ids[a] for a in group)
    ideal, salience, stake = problem.ideal, problem.salience, problem.stake
    others = members.copy()
    others[0, group] = False
    if others.any():
        base = minimax.solve_any(ideal, salience, stake, others)
        if not base.level[0] < -EPS:
            return Concession(names, problem.issues, kind, alone=False)
        centre = base.centre[0]
    else:  # the group is everyone: its own best compromise, where it is least short
        centre = minimax.solve_any(ideal, salience, stake, members).centre[0]

    def opens(st: FloatArray, ide: FloatArray = ideal) -> bool:
        return bool(minimax.solve_any(ide, salience, st, members).level[0] < -EPS)

    loss_c = (salience[0, group] * (centre - ideal[0, group]) ** 2).sum(axis=-1)
    b = stake[0, group]
    need = np.maximum(loss_c - b, 0.0)

    def worse_by(delta: float) -> FloatArray:
        st = stake.copy()
        st[0, group] = b + delta
        return st

    least = _bisect(lambda d: opens(worse_by(d)), float(need.max()) + 1e-9)
    at = minimax.solve_any(ideal, salience, worse_by(least), members).centre[0]
    gain_c = np.where(others[0], stake[0] - (salience[0] * (centre - ideal[0]) ** 2).sum(-1), 0.0)
    # Outside options that would make the compromise acceptable.
    p, o = ideal[0, group], problem.outside[0, group]
    reservation: dict[str, tuple[float, ...]] = {}
    for r, a in enumerate(group):
        if b[r] > 0 and np.all(np.isfinite(o[r])):
            moved = p[r] + (o[r] - p[r]) * np.sqrt(max(loss_c[r], b[r]) / b[r])
        else:
            moved = centre
        reservation[actor_ids[a]] = _point(problem.to_units(moved))
    # Positions: all members of the group move the same share toward the compromise.
    s = salience[0, group]
    paid = b - stake_of(p[None], s[None], o[None])[0]  # side payments already in the stakes

    def moved_by(t: float) -> bool:
        ide = ideal.copy()
        ide[0, group] = p + t * (centre - p)
        st = stake.copy()
        st[0, group] = stake_of(ide[:, group], s[None], o[None])[0] + paid
        return opens(st, ide)

    share = _bisect(moved_by, 1.0)
    return Concession(
        actors=names,
        issues=problem.issues,
        kind=kind,
        alone=True,
        least=float(least),
        opens_at=_point(problem.to_units(at)),
        compromise=_point(problem.to_units(centre)),
        need={actor_ids[a]: float(need[r]) for r, a in enumerate(group)},
        reservation=reservation,
        others_gain=float(gain_c.sum()),
        share=float(share),
        positions={
            actor_ids[a]: _point(problem.to_units(p[r] + share * (centre - p[r])))
            for r, a in enumerate(group)
        },
    )


def _one_draw(problem: Problem, draw: int) -> Problem:
    pick = slice(draw, draw + 1)
    return Problem(
        **{
            **problem.__dict__,
            "ideal": problem.ideal[pick],
            "salience": problem.salience[pick],
            "outside": problem.outside[pick],
            "stake": problem.stake[pick],
            "vetoes": problem.vetoes[pick],
            "voters": problem.voters[pick],
            "capability": problem.capability[pick],
        }
    )


def for_zone(
    zone: Zone, actor_ids: Sequence[str], draw: int = 0, named: Sequence[str] = ()
) -> list[Concession]:
    """Return the concessions of a zone's holdouts and pivotal actors in one draw.

    ``named`` adds the concessions of these actors, each on its own (those whose consent the
    zone needs; kind ``"named"``).
    """
    if zone.exists[draw] or not zone.holdouts[draw].any():
        return []
    problem = _one_draw(zone.problem, draw)
    members = zone.members[draw : draw + 1]
    group = [int(a) for a in np.flatnonzero(zone.holdouts[draw])]
    out = [_group(problem, members, group, "holdouts", actor_ids)]
    singles = [int(a) for a in np.flatnonzero(zone.pivotal[draw])]
    for a in singles:
        if [a] != group:
            out.append(_group(problem, members, [a], "pivotal", actor_ids))
    for name in named:
        a = list(actor_ids).index(name)
        if members[0, a] and a not in singles and [a] != group:
            out.append(_group(problem, members, [a], "named", actor_ids))
    return out


def concessions(
    data: Scenario | ScenarioArrays,
    tracks: Sequence[Sequence[str]] | None = None,
    transfers: Sequence[Transfer] = (),
    draw: int = 0,
    actors: Sequence[str] = (),
) -> list[Concession]:
    """Return the concessions that would open each zone that ``draw`` lacks.

    ``data`` is a scenario (its coded values) or arrays; only draw ``draw`` is analysed. Besides
    the holdouts and the pivotal actors, each actor named in ``actors`` gets its own concession
    (where its consent is needed).
    """
    arrays = data.to_arrays() if isinstance(data, Scenario) else data
    if not 0 <= draw < arrays.n_draws:
        raise AccordError(f"draw {draw} does not exist ({arrays.n_draws} draws)")
    for name in actors:
        if name not in arrays.actor_ids:
            raise AccordError(f"unknown actor '{name}'; actors: {', '.join(arrays.actor_ids)}")
    result = analyse(arrays.take_draws(slice(draw, draw + 1)), tracks=tracks, transfers=transfers)
    out: list[Concession] = []
    for zone in result.zones:
        out += for_zone(zone, result.actor_ids, named=actors)
    return out
