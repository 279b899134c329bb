"""Zones of agreement: whether one exists, where, how large, and who blocks it.

For each set of linked issues and each draw, :func:`analyse_problem` decides whether some point
is preferred to their outside options by everyone who must accept (see
:mod:`accord.agreement.problem`):

- **exists**: ``r* = min_y max_i f_i(y) < -EPS`` (:mod:`accord.agreement.minimax`): at the
  centre every member gains at least EPS over its outside option;
- **centre**: the minimax point, where the most reluctant member gains most (defined with or
  without a zone: without one it is where the holdouts are least short of accepting);
- **depth**: ``-r*``, that member's gain at the centre (utility units: salience x squared share
  of the scale); negative without a zone;
- **span**: per issue, the stretch of the zone through the centre along that issue (the others
  held at the centre): the room for manoeuvre on each issue;
- **holdouts** (draws without a zone): a smallest group of members whose concession (or
  absence) would open the zone; **pivotal**: members whose removal alone opens it.

**One issue** (exact). Member i accepts the open interval ``p_i -/+ sqrt(b_i / s_i)``. The
points where most members accept (a sweep over the intervals' ends; ties by the capability that
accepts) show who must give way: the holdouts are the members that accept none of those points
(with several best points, the union: when two equal groups face each other, both are listed).
Under a quota the coalition of voters is the one accepting the point that the vetoes accept and
the most voter capability accepts.

**Several linked issues** (numerical). Holdouts are found greedily: the member most short of
accepting at the centre (largest shortfall; ties by the largest multiplier, then the first in
scenario order) is set aside and the centre found again, until a zone opens; pivotal members are
those among the holdouts of the first round whose removal alone opens the zone. Under a quota the
voters are whittled down the same way while the quota allows it; this finds a qualified majority
whenever dropping the most reluctant voters first finds one, and can miss one that needs a
cleverer choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.agreement import minimax
from accord.agreement.problem import Problem

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

EPS = 1e-9
"""A zone must give every member at least this gain at its centre (utility units)."""
TIE = 1e-12
"""Values this close count as equal when holdouts are chosen."""


@dataclass(frozen=True, eq=False)
class Zone:
    """The zone of agreement of one set of linked issues, per draw.

    Attributes
    ----------
    issues, index : the linked issues and their positions in the scenario
    members : (D, N) who had to accept (vetoes and, under a quota, the coalition of voters)
    required : (D, N) vetoes and every voter (before any voter was left out)
    exists : (D,)
    level : (D,) r*: negative with a zone (minus its depth), otherwise how far the holdouts are
    centre : (D, K) issue units
    span_low, span_high : (D, K) issue units; NaN without a zone
    gain : (D, N) each actor's gain at the centre over its outside option (utility units)
    holdouts, pivotal : (D, N) (all False where a zone exists)
    stake : (D, N) the stakes used (side payments included)
    converged : (D,) whether the minimax solver met its tolerance
    problem : the problem analysed (normalised inputs)

    """

    issues: tuple[str, ...]
    index: tuple[int, ...]
    members: BoolArray
    required: BoolArray
    exists: BoolArray
    level: FloatArray
    centre: FloatArray
    span_low: FloatArray
    span_high: FloatArray
    gain: FloatArray
    holdouts: BoolArray
    pivotal: BoolArray
    stake: FloatArray
    converged: BoolArray
    problem: Problem

    @property
    def depth(self) -> FloatArray:
        """Return -r*: the smallest member's gain at the centre (negative without a zone)."""
        return np.asarray(-self.level)


def _solve(problem: Problem, members: BoolArray, rows: IntArray) -> minimax.Minimax:
    """Solve the minimax problem of some draws (``members`` already restricted to them)."""
    return minimax.solve_any(
        problem.ideal[rows], problem.salience[rows], problem.stake[rows], members
    )


@dataclass(frozen=True, eq=False)
class _Found:
    members: BoolArray
    centre: FloatArray
    level: FloatArray
    holdouts: BoolArray
    pivotal: BoolArray
    converged: BoolArray


# --------------------------------------------------------------------------- one issue
def _intervals(problem: Problem) -> tuple[FloatArray, FloatArray]:
    """Return each actor's open interval of acceptable points (empty when it accepts none)."""
    p, s, b = problem.ideal[:, :, 0], problem.salience[:, :, 0], problem.stake
    ok = (s > 0) & (b > 0)
    radius = np.sqrt(np.where(ok, b / np.where(s > 0, s, 1.0), 0.0))
    # Ends on a 1e-12 grid: intervals that touch in exact arithmetic (everyone's outside option
    # at one status quo) must not overlap by a rounding error.
    low = np.where(ok, np.round(p - radius, 12), np.inf)
    high = np.where(ok, np.round(p + radius, 12), -np.inf)
    return low, high


def _candidates(low: FloatArray, high: FloatArray) -> FloatArray:
    """Return points between every two consecutive interval ends on [0, 1], and the ends."""
    ends = np.concatenate([low, high, np.zeros_like(low[:, :1]), np.ones_like(low[:, :1])], 1)
    ends = np.sort(np.clip(np.where(np.isfinite(ends), ends, 0.0), 0.0, 1.0), axis=1)
    mids = 0.5 * (ends[:, 1:] + ends[:, :-1])
    return np.concatenate([ends[:, :1], mids, ends[:, -1:]], axis=1)


def _line(problem: Problem, blockers: bool) -> _Found:
    """Analyse one issue exactly (see the module docstring)."""
    d = problem.stake.shape[0]
    low, high = _intervals(problem)
    x = _candidates(low, high)  # (D, C)
    accepts = (low[:, None, :] < x[:, :, None]) & (x[:, :, None] < high[:, None, :])  # (D, C, N)
    vetoes, voters = problem.vetoes, problem.voters
    cap = np.where(voters, problem.capability, 0.0)
    members = problem.required.copy()
    if voters.any() and problem.quota < 1.0:
        vetoes_ok = np.all(accepts | ~vetoes[:, None, :], axis=2)  # (D, C)
        weight = np.where(vetoes_ok, (accepts * cap[:, None, :]).sum(axis=2), -1.0)
        best = np.argmax(weight, axis=1)
        enough = weight[np.arange(d), best] >= problem.quota * cap.sum(axis=1) * (1 - TIE)
        chosen = accepts[np.arange(d), best] & voters
        members = np.where(enough[:, None], vetoes | chosen, members)
    sol = minimax.solve_line(problem.ideal, problem.salience, problem.stake, members)
    exists = sol.level < -EPS
    # Holdouts: the members that accept none of the points most members accept.
    count = (accepts & members[:, None, :]).sum(axis=2)  # (D, C)
    clout = (accepts * np.where(members, problem.capability, 0.0)[:, None, :]).sum(axis=2)
    score = count + clout / np.maximum(clout.max(axis=1, keepdims=True), 1e-300) * 0.5
    top = score.max(axis=1, keepdims=True)
    best_points = score >= top - 1e-9  # sums in another order must not break a tie
    left_out = members[:, None, :] & ~accepts & best_points[:, :, None]
    holdouts = left_out.any(axis=1) & ~exists[:, None]
    # A zone too thin to count (depth below EPS) that every member touches: the members that
    # gain least at the centre hold out.
    thin = ~exists & ~holdouts.any(axis=1)
    if thin.any():
        short = problem.loss(sol.centre) - problem.stake
        near = short >= sol.level[:, None] - TIE * np.maximum(1.0, np.abs(sol.level[:, None]))
        holdouts |= thin[:, None] & members & near
    pivotal = np.zeros_like(holdouts)
    if blockers:
        # Candidates: members left out alone at some point; confirmed by solving without them.
        size = members.sum(axis=1, keepdims=True)
        one_short = (count == size - 1) & ~exists[:, None]  # (D, C)
        maybe = (members[:, None, :] & ~accepts & one_short[:, :, None]).any(axis=1) | (
            holdouts & (holdouts.sum(axis=1, keepdims=True) == 1)
        )
        if voters.any() and problem.quota < 1.0:
            maybe &= vetoes  # a qualified majority needs no single voter
        draws, actors = np.nonzero(maybe)
        if draws.size:
            sub = members[draws].copy()
            sub[np.arange(draws.size), actors] = False
            check = minimax.solve_line(
                problem.ideal[draws], problem.salience[draws], problem.stake[draws], sub
            )
            pivotal[draws, actors] = check.level < -EPS
    return _Found(members, sol.centre, sol.level, holdouts, pivotal, sol.converged)


# --------------------------------------------------------------------------- several issues
def _most_reluctant(
    problem: Problem,
    rows: IntArray,
    candidates: BoolArray,
    centre: FloatArray,
    weight: FloatArray,
) -> IntArray:
    """Return, for the draws ``rows``, the candidate with the largest shortfall at the centre.

    ``candidates``, ``centre`` and ``weight`` are given for those draws only. Ties go to the
    largest multiplier, then to the first in scenario order.
    """
    dev = centre[:, None, :] - problem.ideal[rows]
    short = (problem.salience[rows] * dev * dev).sum(axis=-1) - problem.stake[rows]
    score = np.where(candidates, short, -np.inf)
    top = score.max(axis=1, keepdims=True)
    tied = candidates & (score >= top - TIE * np.maximum(1.0, np.abs(top)))
    return np.asarray(np.argmax(np.where(tied, weight, -np.inf), axis=1))


def _space(problem: Problem, blockers: bool) -> _Found:
    """Analyse several linked issues (see the module docstring)."""
    d, n = problem.stake.shape
    members = problem.required.copy()
    sol = _solve(problem, members, np.arange(d))
    centre, level, weight = sol.centre.copy(), sol.level.copy(), sol.weight.copy()
    converged = sol.converged.copy()
    if problem.voters.any() and problem.quota < 1.0:
        cap = np.where(problem.voters, problem.capability, 0.0)
        need = problem.quota * cap.sum(axis=1) * (1 - TIE)
        for _ in range(n):
            cand = members & problem.voters
            drop = _most_reluctant(problem, np.arange(d), cand, centre, weight)
            have = np.where(cand, problem.capability, 0.0).sum(axis=1)
            left = have - np.take_along_axis(cap, drop[:, None], axis=1)[:, 0]
            todo = (level >= -EPS) & cand.any(axis=1) & (left >= need)
            if not todo.any():
                break
            rows = np.flatnonzero(todo)
            members[rows, drop[rows]] = False
            sub = _solve(problem, members[rows], rows)
            centre[rows], level[rows], weight[rows] = sub.centre, sub.level, sub.weight
            converged[rows] = sub.converged
    exists = level < -EPS
    first_binding = members & (weight > minimax.BINDING) & ~exists[:, None]
    # Holdouts: set aside the most reluctant member until a zone opens.
    holdouts = np.zeros((d, n), dtype=np.bool_)
    rest = members.copy()
    c2, l2, w2 = centre.copy(), level.copy(), weight.copy()
    for _ in range(n):
        todo = (l2 >= -EPS) & rest.any(axis=1)
        if not todo.any():
            break
        rows = np.flatnonzero(todo)
        drop = _most_reluctant(problem, rows, rest[rows], c2[rows], w2[rows])
        holdouts[rows, drop] = True
        rest[rows, drop] = False
        sub = _solve(problem, rest[rows], rows)
        c2[rows], l2[rows], w2[rows] = sub.centre, sub.level, sub.weight
    pivotal = np.zeros((d, n), dtype=np.bool_)
    if blockers:
        draws, actors = np.nonzero(first_binding)
        if draws.size:
            sub_members = members[draws].copy()
            sub_members[np.arange(draws.size), actors] = False
            sub = _solve(problem, sub_members, draws)
            pivotal[draws, actors] = sub.level < -EPS
        if problem.voters.any() and problem.quota < 1.0:
            pivotal &= problem.vetoes
    return _Found(members, centre, level, holdouts, pivotal, converged)


# --------------------------------------------------------------------------- both
def _spans(
    problem: Problem, members: BoolArray, centre: FloatArray, exists: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Return, per issue, the zone's stretch through the centre along that issue (normalised)."""
    f_centre = problem.loss(centre) - problem.stake  # (D, N), negative for members with a zone
    s = problem.salience  # (D, N, K)
    dev = centre[:, None, :] - problem.ideal  # (D, N, K)
    # f_i(c + t e_k) = f_i(c) + s_ik (t^2 + 2 t dev_ik): negative between the two roots.
    disc = dev * dev - f_centre[:, :, None] / np.where(s > 0, s, 1.0)
    root = np.sqrt(np.maximum(disc, 0.0))
    t_low = np.where(s > 0, -dev - root, -np.inf)
    t_high = np.where(s > 0, -dev + root, np.inf)
    use = members[:, :, None]
    low = np.where(use, t_low, -np.inf).max(axis=1)
    high = np.where(use, t_high, np.inf).min(axis=1)
    span_low = np.where(exists[:, None], np.clip(centre + low, 0.0, 1.0), np.nan)
    span_high = np.where(exists[:, None], np.clip(centre + high, 0.0, 1.0), np.nan)
    return span_low, span_high


def analyse_problem(problem: Problem, blockers: bool = True) -> Zone:
    """Return the zone of agreement of one set of linked issues in every draw."""
    found = _line(problem, blockers) if len(problem.issues) == 1 else _space(problem, blockers)
    exists = found.level < -EPS
    centre = np.clip(found.centre, 0.0, 1.0)
    span_low, span_high = _spans(problem, found.members, centre, exists)
    return Zone(
        issues=problem.issues,
        index=problem.index,
        members=found.members,
        required=problem.required,
        exists=exists,
        level=found.level,
        centre=problem.to_units(centre),
        span_low=problem.to_units(span_low),
        span_high=problem.to_units(span_high),
        gain=problem.stake - problem.loss(centre),
        holdouts=found.holdouts,
        pivotal=found.pivotal,
        stake=problem.stake,
        converged=found.converged,
        problem=problem,
    )
