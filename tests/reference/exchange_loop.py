"""A deliberately plain loop version of the exchange model (one draw, Python floats).

Written from ``docs/models/exchange.md`` with scalars, lists and for-loops, so that the
vectorised engine in :mod:`accord.models.exchange` can be checked against it. Every candidate
exchange (gainer i, partner j, issues k and q) is written out; nothing is batched.

It shares the engine's documented choices: positions as fractions of each issue's scale; an
ideal within ``SIDE_TOL`` of the outcome is on neither side; gains within ``TIE_TOL`` of the
best are equal and then go to the exchange with the smallest (gainer id, partner id, gainer's
issue id, partner's issue id), the lower of the two actor ids counting as the gainer's; a move
within ``SNAP_TOL`` of the partner's position ends on it; capability alone weighs the reported
outcome of an issue nobody cares about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SIDE_TOL = 1e-12
TIE_TOL = 1e-12
SNAP_TOL = 1e-12


@dataclass
class LoopTrade:
    """One executed exchange: i gains on k (j moves there), j gains on q (i moves there)."""

    round: int
    i: int
    j: int
    k: int
    q: int
    gain: float
    shift_k: float
    shift_q: float


@dataclass
class LoopRun:
    """States (positions in issue units), outcomes per state, trades, rounds, converged."""

    states: list[list[list[float]]]
    outcomes: list[list[float]]
    trades: list[LoopTrade] = field(default_factory=list)
    rounds: int = 0
    converged: bool = False


def sign(v: float) -> int:
    """Return -1, 0 or 1."""
    return (v > 0) - (v < 0)


def outcomes(u: list[list[float]], weight: list[list[float]]) -> list[float]:
    """Return the weighted mean of every issue (column) of u."""
    n, m = len(u), len(u[0])
    out = []
    for k in range(m):
        num = 0.0
        den = 0.0
        for a in range(n):
            num += weight[a][k] * u[a][k]
            den += weight[a][k]
        out.append(num / den)
    return out


def run_loop(
    actor_ids: list[str],
    issue_ids: list[str],
    capability: list[float],
    position: list[list[float]],
    salience: list[list[float]],
    lo: list[float],
    hi: list[float],
    max_rounds: int = 1000,
    tol: float = 1e-9,
) -> LoopRun:
    """Run the exchange model on one draw; ``position[a][k]`` in issue k's own units."""
    n, m = len(capability), len(lo)
    ideal = [[(position[a][k] - lo[k]) / (hi[k] - lo[k]) for k in range(m)] for a in range(n)]
    w = [[capability[a] * salience[a][k] for k in range(m)] for a in range(n)]
    total = [sum(w[a][k] for a in range(n)) for k in range(m)]
    # the reported outcome of an issue nobody cares about weighs capability alone
    report = [[w[a][k] if total[k] > 0 else capability[a] for k in range(m)] for a in range(n)]
    actor_rank = {a: sorted(actor_ids).index(actor_ids[a]) for a in range(n)}
    issue_rank = {k: sorted(issue_ids).index(issue_ids[k]) for k in range(m)}

    u = [row[:] for row in ideal]
    run = LoopRun(states=[_units(u, position, ideal, lo, hi)], outcomes=[])
    run.outcomes.append(_units_outcome(run.states[-1], report))
    for t in range(1, max_rounds + 2):
        o = outcomes(u, report)
        side = [
            [
                0 if abs(ideal[a][k] - o[k]) <= SIDE_TOL else sign(ideal[a][k] - o[k])
                for k in range(m)
            ]
            for a in range(n)
        ]
        best: tuple[float, tuple[int, int, int, int], LoopTrade] | None = None
        for i in range(n):
            for j in range(n):
                if i == j or actor_rank[i] > actor_rank[j]:
                    continue  # each pair once, the lower-ranked id as the gainer
                for k in range(m):
                    for q in range(m):
                        if k == q:
                            continue
                        trade = _candidate(i, j, k, q, u, ideal, salience, w, total, o, side, t)
                        if trade is None or trade.gain <= tol:
                            continue
                        key = (actor_rank[i], actor_rank[j], issue_rank[k], issue_rank[q])
                        if best is None or trade.gain > best[0] + TIE_TOL:
                            best = (trade.gain, key, trade)
                        elif trade.gain >= best[0] - TIE_TOL and key < best[1]:
                            best = (max(best[0], trade.gain), key, trade)
        if best is None:
            run.converged = True
            break
        if t > max_rounds:
            break
        tr = best[2]
        # j moves on k towards i's voting position, i moves on q towards j's
        new_jk = _move(u[tr.j][tr.k], u[tr.i][tr.k], tr.shift_k * total[tr.k] / w[tr.j][tr.k])
        new_iq = _move(u[tr.i][tr.q], u[tr.j][tr.q], tr.shift_q * total[tr.q] / w[tr.i][tr.q])
        u[tr.j][tr.k] = new_jk
        u[tr.i][tr.q] = new_iq
        run.trades.append(tr)
        run.rounds = t
        run.states.append(_units(u, position, ideal, lo, hi))
        run.outcomes.append(_units_outcome(run.states[-1], report))
    return run


def _candidate(
    i: int,
    j: int,
    k: int,
    q: int,
    u: list[list[float]],
    ideal: list[list[float]],
    s: list[list[float]],
    w: list[list[float]],
    total: list[float],
    o: list[float],
    side: list[list[int]],
    t: int,
) -> LoopTrade | None:
    """Return the exchange in which i gains on k and j on q, or None if it is not possible."""
    if side[i][k] == 0 or side[j][q] == 0:
        return None  # the gainer must want the outcome to move
    if side[j][k] == side[i][k] or side[i][q] == side[j][q]:
        return None  # the mover must not want the same direction
    cross = s[i][k] * s[j][q] - s[i][q] * s[j][k]
    if cross <= 0:
        return None  # i must care relatively more about k than j does
    # j moving all the way to i's voting position on k shifts O_k by this much towards i
    room_k = 0.0
    if total[k] > 0:
        room_k = w[j][k] * max(0.0, side[i][k] * (u[i][k] - u[j][k])) / total[k]
    room_q = 0.0
    if total[q] > 0:
        room_q = w[i][q] * max(0.0, side[j][q] * (u[j][q] - u[i][q])) / total[q]
    gap_k = abs(ideal[i][k] - o[k])  # O_k must not pass i's ideal
    gap_q = abs(ideal[j][q] - o[q])  # O_q must not pass j's ideal
    rate = (s[i][k] + s[j][k]) / (s[i][q] + s[j][q])  # d_q = rate x d_k gives equal gains
    shift_k = min(room_k, gap_k, room_q / rate, gap_q / rate)
    shift_q = shift_k * rate
    gain_i = s[i][k] * shift_k - s[i][q] * shift_q
    gain_j = s[j][q] * shift_q - s[j][k] * shift_k
    gain = 0.5 * (gain_i + gain_j)  # equal up to rounding
    return LoopTrade(t, i, j, k, q, gain, shift_k, shift_q)


def _move(start: float, target: float, step: float) -> float:
    """Return start moved by step towards target, never past it (snapping when within tol)."""
    dist = abs(target - start)
    if step >= dist * (1.0 - SNAP_TOL):
        return target
    return start + sign(target - start) * step


def _units(
    u: list[list[float]],
    position: list[list[float]],
    ideal: list[list[float]],
    lo: list[float],
    hi: list[float],
) -> list[list[float]]:
    """Return positions in issue units (unmoved ones exactly as given)."""
    return [
        [
            position[a][k] if u[a][k] == ideal[a][k] else lo[k] + u[a][k] * (hi[k] - lo[k])
            for k in range(len(lo))
        ]
        for a in range(len(u))
    ]


def _units_outcome(x: list[list[float]], report: list[list[float]]) -> list[float]:
    """Return the weighted mean of positions in issue units."""
    return outcomes(x, report)
