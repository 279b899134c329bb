"""A deliberately plain, per-actor loop version of KTAB's Spatial Model of Politics (SMP).

Written straight from ``shared/specs/ktab-smp.md`` with Python floats, lists and for-loops
(no NumPy), so that the vectorised engine in :mod:`accord.models.smp` can be checked against it.
Every sum the spec writes is a loop here; the section numbers refer to the spec.

Inputs are in KTAB's own space: capabilities, positions in [0, 1] and saliences in [0, 1] with
each actor's total at most 1. Choices the spec leaves open are the engine's (see
``docs/models/smp.md``): R = 0 for everyone when all risk-neutral probabilities are equal; an
actor with no salience at all measures distance with equal weights; the option list of actor k
is SQ then bargains by ascending initiator (initiator's view first); stochastic mode takes one
``gen.random()`` per actor per turn, in actor order; targets whose gains, and (deterministic
mode) options whose probabilities, lie within 1e-12 of the best tie, and the lowest index wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from accord.models.smp.params import SMPParams

Vec = list[float]
Mat = list[list[float]]


# ---------------------------------------------------------------------- §3 votes and PCE
def vote(w: float, delta: float, rule: str) -> float:
    """Return the vote of an actor of weight w over a utility difference delta."""
    binary = min(1.0, max(-1.0, delta / 1e-8))
    if rule == "prop":
        g = delta
    elif rule == "binary":
        g = binary
    elif rule == "prop_bin":
        g = 0.8 * delta + 0.2 * binary
    elif rule == "prop_cbc":
        g = 0.5 * delta + 0.5 * (delta * delta * delta)
    elif rule == "cubic":
        g = delta * delta * delta
    elif rule == "asym_prosp":
        g = delta if delta < 0 else (2.0 / 3.0) * delta
    else:
        raise ValueError(rule)
    return w * g


def pce(w: Vec, u: Mat, p: SMPParams) -> Vec:
    """Return the outcome probabilities of the M options (columns of u) for voters w."""
    n, m = len(u), len(u[0])
    if m == 1:
        return [1.0]
    c = [[0.0] * m for _ in range(m)]
    for a in range(m):
        for b in range(a):  # KTAB evaluates only a > b
            pos = neg = 0.0
            for k in range(n):
                v = vote(w[k], u[k][a] - u[k][b], p.voting_rule)
                pos += max(v, 0.0)
                neg += max(-v, 0.0)
            c[a][b] = 1e-8 + pos
            c[b][a] = 1e-8 + neg
        c[a][a] = 1e-8
    v_mat = [[0.5] * m for _ in range(m)]
    for a in range(m):
        for b in range(m):
            if a == b:
                continue
            if p.vp_model == "binary":
                r = c[a][b] / (c[a][b] + c[b][a])
                if c[a][b] >= 1.1 * c[b][a]:
                    fa, fb = 1.0, 1e-6
                elif c[b][a] >= 1.1 * c[a][b]:
                    fa, fb = 1e-6, 1.0
                else:
                    t = (2.1 * r - 1.0) / 0.1
                    fa, fb = t, 1.0 - t
            else:
                e = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[p.vp_model]
                fa, fb = c[a][b] ** e, c[b][a] ** e
            v_mat[a][b] = fa / (fa + fb)
    if p.pce_model == "conditional":
        prod = []
        for a in range(m):
            x = 1.0
            for b in range(m):
                x *= v_mat[a][b]
            prod.append(x)
        total = sum(prod)
        return [x / total for x in prod]
    prob = [1.0 / m] * m
    if p.pce_model == "markov_uniform":
        while True:
            q = [sum(v_mat[a][b] * (prob[a] + prob[b]) for b in range(m)) / m for a in range(m)]
            delta = max(abs(q[a] - prob[a]) for a in range(m))
            prob = [(prob[a] + q[a]) / 2.0 for a in range(m)]
            if delta <= 1e-6:
                return prob
    nn = [[c[a][b] * v_mat[a][b] + (1e-10 if a == b else 0.0) for b in range(m)] for a in range(m)]
    col = [sum(nn[l_][b] for l_ in range(m)) for b in range(m)]
    qm = [[nn[a][b] / col[b] for b in range(m)] for a in range(m)]
    while True:
        flow = [[prob[a] * qm[b][a] for b in range(m)] for a in range(m)]
        q = [sum(v_mat[a][b] * (flow[a][b] + flow[b][a]) for b in range(m)) for a in range(m)]
        delta = max(abs(q[a] - prob[a]) for a in range(m))
        prob = [(prob[a] + q[a]) / 2.0 for a in range(m)]
        if delta <= 1e-8:
            return prob


# ---------------------------------------------------------------------- §3-§4 utilities
def distance(ideal: Vec, sal: Vec, y: Vec) -> float:
    """Return the salience-weighted distance from an ideal to a point."""
    s2 = [s * s for s in sal]
    if sum(s2) <= 0:
        s2 = [1.0] * len(sal)
    num = sum(s2[k] * (ideal[k] - y[k]) ** 2 for k in range(len(y)))
    return math.sqrt(num / sum(s2))


def beta(d: float, r: float) -> float:
    """Return the risk-aware utility of distance d."""
    return (1 - d) * (1 + d * r) if d <= 1 else (1 - d) * (1 + r)


def risk_attitudes(cap: Vec, dist: Mat, p: SMPParams) -> Vec:
    """Return R_i from the PCE over all N positions with risk-neutral utilities 1 - D."""
    n = len(cap)
    pi0 = pce(cap, [[1.0 - dist[i][j] for j in range(n)] for i in range(n)], p)
    hi, lo = max(pi0), min(pi0)
    if hi - lo <= 0:
        return [0.0] * n
    if p.big_r_range == "mid":
        return [(3 * x - hi - 2 * lo) / (2 * (hi - lo)) for x in pi0]
    if p.big_r_range == "min":
        return [(x - lo) / (hi - lo) for x in pi0]
    return [(2 * x - hi - lo) / (hi - lo) for x in pi0]


def estimate(rh: float, ri: float, adjust: str) -> float:
    """Return h's estimate of i's risk attitude."""
    return {
        "none": rh,
        "one_third": (2 * rh + ri) / 3,
        "half": (rh + ri) / 2,
        "two_thirds": (rh + 2 * ri) / 3,
    }[adjust]


# ---------------------------------------------------------------------- §5 challenges
def evaluate(
    h: int, k: int, i: int, j: int, dist: Mat, r: Vec, cap: Vec, sal: Mat, p: SMPParams
) -> tuple[float, float]:
    """Return (phi, Delta) of E(h, k, i, j): h's estimate of i's challenge to j, worth to k."""
    n = len(cap)

    def u(a: int, b: int) -> float:
        return beta(dist[a][b], estimate(r[h], r[a], p.big_r_adjust))

    sigma = [sum(s) for s in sal]
    omega = [cap[a] * sigma[a] for a in range(n)]
    rule = p.voting_rule
    a_i = vote(omega[i], u(i, i) - u(i, j), rule)
    a_j = vote(omega[j], u(j, i) - u(j, j), rule)
    s_i = 1e-10 + max(a_i, 0) + max(a_j, 0)
    s_j = 1e-10 + max(-a_i, 0) + max(-a_j, 0)
    s_i0, s_j0 = s_i, s_j
    for m in range(n):
        if m in (i, j):
            continue
        v = vote(omega[m], u(m, i) - u(m, j), rule)
        pr = (s_i0 + max(v, 0)) / (s_i0 + max(v, 0) + s_j0 + max(-v, 0))
        q = 1 - pr
        umi, umj, umm = u(m, i), u(m, j), u(m, m)
        if p.third_party_commit == "semi":
            a1, a2, a3, a4 = 2 * umi + umm, 3 * umj, 3 * umi, 2 * umj + umm
        elif p.third_party_commit == "full":
            a1, a2, a3, a4 = 3 * umi, 3 * umj, 3 * umi, 3 * umj
        else:
            a1, a2, a3, a4 = 2 * umi + umm, 2 * umj + umm, 2 * umi + umm, 2 * umj + umm
        vn = vote(omega[m], (pr * a1 + q * a2) - (pr * a3 + q * a4), rule)
        s_i += max(vn, 0)
        s_j += max(-vn, 0)
    phi = s_i / (s_i + s_j)
    e_sq = u(k, i) + u(k, j)
    e_chlg = (1 - sigma[j]) * 2 * u(k, i) + sigma[j] * (phi * 2 * u(k, i) + (1 - phi) * 2 * u(k, j))
    return phi, e_chlg - e_sq


# ---------------------------------------------------------------------- §6b bargains
def r4(z: float) -> float:
    """Round to the 1e-4 grid."""
    return math.floor(0.5 + 1e4 * z) / 1e4


def interpolate(
    xi: Vec, xj: Vec, si: Vec, sj: Vec, pi: float, pj: float, how: str
) -> tuple[Vec, Vec]:
    """Return the bargain positions (b_i, b_j)."""
    bi, bj = [], []
    for k in range(len(xi)):
        if how == "s2pmax":
            di, dj = max(0.0, pj - pi), max(0.0, pi - pj)
            ei = di * sj[k] * sj[k] / (di * sj[k] * sj[k] + 1e-6 + (1 - di) * si[k] * si[k])
            ej = dj * si[k] * si[k] / (dj * si[k] * si[k] + 1e-6 + (1 - dj) * sj[k] * sj[k])
            bi.append(xi[k] + ei * (xj[k] - xi[k]))
            bj.append(xj[k] + ej * (xi[k] - xj[k]))
            continue
        if how == "s2p2":
            wi, wj = (si[k] * si[k]) * (pi * pi), (sj[k] * sj[k]) * (pj * pj)
        else:
            wi, wj = si[k] * pi, sj[k] * pj
        den = wi + 1e-6 + wj
        bi.append(r4(((wi + 1e-6) * xi[k] + wj * xj[k]) / den))
        bj.append(r4((wi * xi[k] + (wj + 1e-6) * xj[k]) / den))
    return bi, bj


@dataclass
class LoopTurn:
    """What one turn did: targets (-1 for none), phi, Delta, bargains and each actor's pick."""

    target: list[int]
    phi: Vec
    gain: Vec
    bargains: list[list[tuple[Vec, Vec]]]
    choice: list[tuple[int, int]]


@dataclass
class LoopRun:
    """A whole run: states (positions), R and reported probabilities per state, rho per step."""

    positions: list[Mat] = field(default_factory=list)
    risk: list[Vec] = field(default_factory=list)
    probabilities: list[Vec] = field(default_factory=list)
    expected: list[Vec] = field(default_factory=list)
    rho: Vec = field(default_factory=list)
    turns: list[LoopTurn] = field(default_factory=list)
    converged: bool = False


def reported(x: Mat, cap: Vec, sal: Mat, r: Vec, p: SMPParams) -> Vec:
    """Return each actor's reported win probability (§8): KTAB's scan in actor order."""
    n = len(x)
    reps: list[int] = []
    member = []
    for a in range(n):
        found = -1
        for u_ in reps:
            if math.sqrt(sum((x[a][k] - x[u_][k]) ** 2 for k in range(len(x[a])))) < 1e-3:
                found = u_
                break
        if found < 0:
            reps.append(a)
            found = a
        member.append(found)
    util = [[beta(distance(x[a], sal[a], x[u_]), r[a]) for u_ in reps] for a in range(n)]
    prob = pce(cap, util, p)
    return [prob[reps.index(member[a])] for a in range(n)]


def clusters(x: Mat) -> list[list[int]]:
    """Return the groups of actors linked by chains of distances below 1e-3 (any order).

    Grown one group at a time from its lowest actor: every actor closer than 1e-3 to a member
    joins, until nobody does.
    """
    n = len(x)
    seen = [False] * n
    out = []
    for a in range(n):
        if seen[a]:
            continue
        group, todo, seen[a] = [a], [a], True
        while todo:
            m = todo.pop()
            for b in range(n):
                near = math.sqrt(sum((x[m][k] - x[b][k]) ** 2 for k in range(len(x[m]))))
                if not seen[b] and near < 1e-3:
                    seen[b] = True
                    group.append(b)
                    todo.append(b)
        out.append(sorted(group))
    return out


def expected(x: Mat, cap: Vec, sal: Mat, r: Vec, p: SMPParams) -> Vec:
    """Return the forecast of a state: the probability-weighted mean of its clusters' positions.

    A cluster sits at its members' mean position (their position when they coincide); every
    actor judges the clusters with its own true utilities.
    """
    groups = clusters(x)
    k = len(x[0])
    centre = []
    for g in groups:
        first = x[g[0]]
        centre.append([first[d] + sum(x[m][d] - first[d] for m in g) / len(g) for d in range(k)])
    util = [[beta(distance(x[a], sal[a], c), r[a]) for c in centre] for a in range(len(x))]
    prob = pce(cap, util, p)
    return [sum(prob[u] * centre[u][d] for u in range(len(groups))) for d in range(k)]


def run_loop(
    cap: Vec, x0: Mat, sal: Mat, p: SMPParams, gen: np.random.Generator | None = None
) -> LoopRun:
    """Run the SMP from positions x0 until the stopping rule holds (spec §6-§8)."""
    n = len(cap)
    x = [list(row) for row in x0]
    out = LoopRun()

    def state(x: Mat) -> tuple[Mat, Vec]:
        dist = [[distance(x[i], sal[i], x[j]) for j in range(n)] for i in range(n)]
        return dist, risk_attitudes(cap, dist, p)

    dist, r = state(x)
    out.positions.append([list(row) for row in x])
    out.risk.append(r)
    out.probabilities.append(reported(x, cap, sal, r, p))
    out.expected.append(expected(x, cap, sal, r, p))
    first = 0.0
    t = 0
    while True:
        t += 1
        x, turn = one_turn(x, dist, r, cap, sal, p, gen)
        out.turns.append(turn)
        old = out.positions[-1]
        step = sum(
            math.sqrt(sum((x[a][k] - old[a][k]) ** 2 for k in range(len(x[a])))) for a in range(n)
        )
        if t == 1:
            first = step
        rho = step / (first + 1e-4)
        out.rho.append(rho)
        dist, r = state(x)
        out.positions.append([list(row) for row in x])
        out.risk.append(r)
        out.probabilities.append(reported(x, cap, sal, r, p))
        out.expected.append(expected(x, cap, sal, r, p))
        if t >= p.min_turns and rho < p.min_delta_ratio:
            out.converged = True
            return out
        if t >= p.max_turns:
            return out


def one_turn(
    x: Mat, dist: Mat, r: Vec, cap: Vec, sal: Mat, p: SMPParams, gen: np.random.Generator | None
) -> tuple[Mat, LoopTurn]:
    """Return the positions after one simultaneous turn and what happened in it."""
    n = len(cap)
    sigma = [sum(s) for s in sal]
    target, phis, gains = [], [], []
    for i in range(n):  # §6a
        found = {}
        for j in range(n):
            if j == i:
                continue
            phi, gain = evaluate(i, i, i, j, dist, r, cap, sal, p)
            if gain > 1e-5:
                found[j] = (phi, gain)
        best, best_j, best_phi = -math.inf, -1, 0.0
        if found:
            top = max(g for _, g in found.values())
            # near-ties (within 1e-12) go to the lowest j, as in the engine
            best_j = min(j for j, (_, g) in found.items() if g >= top - 1e-12)
            best_phi, best = found[best_j]
        target.append(best_j)
        phis.append(best_phi)
        gains.append(best)
    bargains: list[list[tuple[Vec, Vec]]] = []
    for i in range(n):  # §6b
        j = target[i]
        if j < 0:
            bargains.append([])
            continue
        own = interpolate(x[i], x[j], sal[i], sal[j], phis[i], 1 - phis[i], p.inter_vec_bargain)
        if p.bargain_model == "init_only_interp":
            bargains.append([own])
            continue
        _, q = evaluate(j, i, i, j, dist, r, cap, sal, p)  # the quirk: Delta, not phi
        other = interpolate(x[i], x[j], sal[i], sal[j], q, 1 - q, p.inter_vec_bargain)
        if p.bargain_model == "init_rcvr_interp":
            bargains.append([own, other])
            continue
        w1, w2 = cap[i] * sigma[i], cap[i] * sigma[j]
        bargains.append(
            [
                (
                    [(w1 * own[0][k] + w2 * other[0][k]) / (w1 + w2) for k in range(len(x[i]))],
                    [(w1 * own[1][k] + w2 * other[1][k]) / (w1 + w2) for k in range(len(x[i]))],
                )
            ]
        )
    u_true = [[beta(dist[a][b], r[a]) for b in range(n)] for a in range(n)]

    def value(a: int, i: int, bar: tuple[Vec, Vec]) -> float:
        total = sum(u_true[a][m] for m in range(n))
        j = target[i]
        d_i = distance(x[a], sal[a], bar[0])
        d_j = distance(x[a], sal[a], bar[1])
        return (total - u_true[a][i] - u_true[a][j] + beta(d_i, r[a]) + beta(d_j, r[a])) / n

    new = [list(row) for row in x]
    choice = []
    uniforms = [gen.random() for _ in range(n)] if gen is not None else None
    for k in range(n):  # §6c-§6d
        options: list[tuple[int, int]] = [(-1, 0)]
        for i in range(n):
            if target[i] >= 0 and (i == k or target[i] == k):
                options += [(i, v) for v in range(len(bargains[i]))]
        util = []
        for a in range(n):
            row = []
            for i, v in options:
                if i < 0:
                    row.append(sum(u_true[a][m] for m in range(n)) / n)
                else:
                    row.append(value(a, i, bargains[i][v]))
            util.append(row)
        prob = pce(cap, util, p)
        if uniforms is None:
            # near-ties (within 1e-12) go to the first option (SQ first), as in the engine
            pick = next(m_ for m_, pm in enumerate(prob) if pm >= max(prob) - 1e-12)
        else:
            acc, pick = 0.0, len(prob) - 1
            for m_, pm in enumerate(prob):
                acc += pm
                if uniforms[k] <= acc:
                    pick = m_
                    break
        i, v = options[pick]
        choice.append((i, v))
        if i >= 0:
            new[k] = list(bargains[i][v][0] if i == k else bargains[i][v][1])
    return new, LoopTurn(target, phis, gains, bargains, choice)
