"""A deliberately plain, one-issue, per-actor loop version of the BDM expected-utility model.

Written straight from ``shared/specs/bdm-expected-utility.md`` with scalars, lists and
for-loops, so that the vectorised engine in :mod:`accord.models.bdm` can be checked against it.
It is slow on purpose (the vote probabilities cost n^3 per round) and has no tricks: every sum
the spec writes is a loop here.

The only choices not written in the spec are shared with the engine and documented in
``docs/models/bdm.md``: the tolerances that keep floating-point noise from deciding a tie
(``MEDIAN_TOL``, ``RISK_TOL``), the fallback to capability weights for the reported median and
mean when no actor cares, R = 1 when all initial positions coincide (nothing can move then),
and two tie rules that treat both ends of the scale alike: among tied medians (a flat minimum
of the vote function) the midpoint of the lowest and highest, and an actor with several equally
good offers moves to the midpoint of the lowest and highest of their targets (offers at equal
distances on both sides cancel: it stays put).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEDIAN_TOL = 1e-12
"""A position replaces the median champion when its vote margin exceeds this x total weight."""
RISK_TOL = 1e-12
"""Dangers within this (relative) spread of each other count as all equal: every r is 1."""
EU_TOL = 1e-12
"""Expected utilities closer than this count as equal (and as 0 when this close to 0)."""
CHOICE_TOL = 1e-12
"""Offers whose choice scores lie within this x R of the best count as equally good."""


def bigger(u: float, v: float) -> bool:
    """Return u > v for expected utilities, with the EU_TOL tolerance."""
    return u > v + EU_TOL


def pick(keys: list[float], slack: float) -> list[int]:
    """Return the indices of the best (lowest) keys: every key within ``slack`` of the lowest."""
    if not keys:
        return []
    low = min(keys)
    return [idx for idx in range(len(keys)) if keys[idx] <= low + slack]


def take(x_i: float, targets: list[float], slack: float) -> float:
    """Return where an actor at x_i ends when it takes equally good offers with these targets.

    The midpoint of the lowest and highest target; x_i itself when there is none, or when the
    midpoint lies within ``slack`` of x_i (equally good offers on both sides cancel).
    """
    if not targets:
        return x_i
    lowest = min(targets)
    highest = max(targets)
    if abs((lowest - x_i) + (highest - x_i)) <= 2 * slack:
        return x_i
    return 0.5 * (lowest + highest)


@dataclass
class LoopOffer:
    """One offer an actor received in a round (the loop's counterpart of a KernelEvent)."""

    round: int
    actor: int
    counterpart: int
    kind: str
    accepted: bool
    position_from: float
    position_to: float
    eu_actor: float
    eu_counterpart: float


@dataclass
class LoopRun:
    """Everything one loop run produces for one issue."""

    positions: list[list[float]]  # rounds taken + 1 states, each a list over actors
    medians: list[float]
    means: list[float]
    rounds: int
    converged: bool
    offers: list[LoopOffer] = field(default_factory=list)


def walk(x: list[float], w: list[float], big_r: float, upwards: bool) -> float:
    """Spec step 2: walk the distinct positions keeping a champion (every r = 1).

    A position takes over when its vote margin over the champion exceeds MEDIAN_TOL x total
    weight, so among tied positions the first one walked over stays champion.
    """
    n = len(x)
    total = sum(w)
    champion = None
    for pos in sorted(set(x), reverse=not upwards):
        if champion is None:
            champion = pos
            continue
        margin = 0.0  # sum_k v_k(pos, champion) with r_k = 1
        for k in range(n):
            margin += w[k] * (abs(x[k] - champion) / big_r - abs(x[k] - pos) / big_r)
        if margin > MEDIAN_TOL * total:
            champion = pos
    assert champion is not None
    return champion


def weighted_median_walk(x: list[float], w: list[float], big_r: float) -> float:
    """Return the median: the midpoint of the walks upwards (lowest tied) and downwards."""
    return 0.5 * (walk(x, w, big_r, True) + walk(x, w, big_r, False))


def report_weights(c: list[float], s: list[float]) -> list[float]:
    """Return c*s, or c alone when nobody cares (used for the reported median and mean only)."""
    w = [c[k] * s[k] for k in range(len(c))]
    if sum(w) <= 0:
        return list(c)
    return w


def weighted_mean(x: list[float], w: list[float]) -> float:
    """Return sum(w x) / sum(w)."""
    top = 0.0
    bottom = 0.0
    for k in range(len(x)):
        top += w[k] * x[k]
        bottom += w[k]
    return top / bottom


def vote(
    k: int,
    a: float,
    b: float,
    x: list[float],
    c: list[float],
    s: list[float],
    r: list[float],
    big_r: float,
) -> float:
    """Spec step 1: voter k's weighted preference for position a over position b."""
    return c[k] * s[k] * ((abs(x[k] - b) / big_r) ** r[k] - (abs(x[k] - a) / big_r) ** r[k])


def probabilities(
    x: list[float], c: list[float], s: list[float], r: list[float], big_r: float, variant: str
) -> list[list[float]]:
    """Spec step 3 (scholz: one global denominator) or the paper's pairwise P."""
    n = len(x)
    top = [[0.0] * n for _ in range(n)]
    absolute = [[0.0] * n for _ in range(n)]
    everything = 0.0
    for i in range(n):
        for j in range(n):
            for k in range(n):
                v = vote(k, x[i], x[j], x, c, s, r, big_r)
                top[i][j] += max(0.0, v)
                absolute[i][j] += abs(v)
                everything += abs(v)
    p = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if variant == "scholz":
                p[i][j] = top[i][j] / everything if everything > 0 else 0.0
            else:
                p[i][j] = top[i][j] / absolute[i][j] if absolute[i][j] > 0 else 0.5
    return p


def expected_utility(
    i: int,
    j: int,
    rp: float,
    x: list[float],
    s: list[float],
    p: list[list[float]],
    q: float,
    big_r: float,
    mu: float,
    variant: str,
) -> float:
    """Spec steps 4-5: EU of i challenging j as an actor with risk exponent rp sees it."""
    d = abs(x[i] - x[j]) / big_r
    us = 2 - 4 * (0.5 - 0.5 * d) ** rp
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rp
    usq = 2 - 4 * 0.5**rp
    eu = s[j] * (p[i][j] * us + (1 - p[i][j]) * uf) + (1 - s[j]) * us - q * usq
    if variant == "paper":
        m = abs(x[i] - mu) / big_r
        ub = 2 - 4 * (0.5 - 0.25 * (m + d)) ** rp
        uw = 2 - 4 * (0.5 + 0.25 * (m + d)) ** rp
        t = 1.0 if abs(x[i] - mu) < abs(x[i] - x[j]) else 0.0
        eu -= (1 - q) * (t * ub + (1 - t) * uw)
    return eu


def risk_exponents(
    x: list[float], c: list[float], s: list[float], q: float, big_r: float, mu: float, variant: str
) -> list[float]:
    """Spec step 6: danger with every r = 1, then r_i = (1 - Rb/3) / (1 + Rb/3)."""
    n = len(x)
    ones = [1.0] * n
    p = probabilities(x, c, s, ones, big_r, variant)
    danger = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += expected_utility(j, i, 1.0, x, s, p, q, big_r, mu, variant)
        danger.append(total)
    hi = max(danger)
    lo = min(danger)
    r = []
    for i in range(n):
        if hi - lo <= RISK_TOL * max(1.0, abs(hi), abs(lo)):
            rb = 0.0
        else:
            rb = (2 * danger[i] - hi - lo) / (hi - lo)
        r.append((1 - rb / 3) / (1 + rb / 3))
    return r


@dataclass
class Received:
    """An offer on the table for one actor: from ``other``, to move to ``offer``."""

    kind: str
    other: int
    offer: float
    mine: float  # the receiver's EU number behind it
    theirs: float  # the counterpart's EU number behind it


def scholz_moves(
    t: int,
    x: list[float],
    s: list[float],
    p: list[list[float]],
    r: list[float],
    q: float,
    big_r: float,
    mu: float,
    offers: list[LoopOffer],
) -> list[float]:
    """Spec steps 7-8: offers to each actor through its own eyes, and its choice."""
    n = len(x)
    new = list(x)
    for i in range(n):
        received = []
        for j in range(n):
            if j == i or x[j] == x[i]:
                continue
            a = expected_utility(i, j, r[i], x, s, p, q, big_r, mu, "scholz")
            b = expected_utility(j, i, r[i], x, s, p, q, big_r, mu, "scholz")
            if bigger(b, a) and bigger(a, 0):
                received.append(Received("confrontation", j, x[j], a, b))
            elif bigger(b, 0) and bigger(0, a) and bigger(b, abs(a)):
                received.append(Received("compromise", j, x[i] + (x[j] - x[i]) * abs(a / b), a, b))
        # Near-ties: every equally good offer is taken (see take).
        confront = [o for o in received if o.kind == "confrontation"]
        if confront:
            keys = [abs(o.offer - x[i]) for o in confront]
            best = [confront[idx] for idx in pick(keys, CHOICE_TOL * big_r)]
        else:
            # the reconstruction's quirk: the compromise with the lowest weighted point wins
            keys = []
            for o in received:
                a, b = o.mine, o.theirs
                keys.append((abs(a) * x[i] + abs(b) * x[o.other]) / (abs(a) + abs(b)))
            best = [received[idx] for idx in pick(keys, CHOICE_TOL * big_r)]
        for o in received:
            taken = any(o is b for b in best)
            offers.append(LoopOffer(t, i, o.other, o.kind, taken, x[i], o.offer, o.mine, o.theirs))
        new[i] = take(x[i], [o.offer for o in best], CHOICE_TOL * big_r)
    return new


def paper_moves(
    t: int,
    x: list[float],
    s: list[float],
    p: list[list[float]],
    r: list[float],
    q: float,
    big_r: float,
    mu: float,
    offers: list[LoopOffer],
) -> list[float]:
    """Paper variant: classify each pair from both sides; each actor takes the least move."""
    n = len(x)
    received: list[list[Received]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if j == i or x[j] == x[i]:
                continue
            # Look at the pair from i's side only; (j, i) is visited in its own turn.
            e_i = expected_utility(i, j, r[i], x, s, p, q, big_r, mu, "paper")  # i challenges j
            e_j = expected_utility(j, i, r[j], x, s, p, q, big_r, mu, "paper")  # j challenges i
            # Offers that make j move towards i (i is the one who gains).
            if bigger(e_i, 0) and bigger(e_j, 0):
                if bigger(e_i, e_j):
                    received[j].append(Received("confrontation", i, x[i], e_j, e_i))
            elif bigger(e_i, 0) and bigger(0, e_j):
                if bigger(e_i, abs(e_j)):
                    share = abs(e_j / e_i)
                    target = x[j] + (x[i] - x[j]) * share
                    received[j].append(Received("compromise", i, target, e_j, e_i))
                else:
                    received[j].append(Received("capitulation", i, x[i], e_j, e_i))
    new = list(x)
    for j in range(n):
        options = received[j]
        keys = [abs(o.offer - x[j]) for o in options]
        chosen = pick(keys, CHOICE_TOL * big_r)
        for idx, o in enumerate(options):
            offers.append(
                LoopOffer(t, j, o.other, o.kind, idx in chosen, x[j], o.offer, o.mine, o.theirs)
            )
        new[j] = take(x[j], [options[idx].offer for idx in chosen], CHOICE_TOL * big_r)
    return new


def bdm_loop(
    position: list[float],
    capability: list[float],
    salience: list[float],
    *,
    variant: str = "scholz",
    q: float = 1.0,
    rounds: int = 10,
    tol: float = 1e-6,
    big_r: float | None = None,
) -> LoopRun:
    """Run the model on one issue; ``big_r`` defaults to the range of the initial positions."""
    x = [float(v) for v in position]
    c = [float(v) for v in capability]
    s = [float(v) for v in salience]
    n = len(x)
    if big_r is None:
        big_r = max(x) - min(x)
    if big_r <= 0:
        big_r = 1.0
    w = report_weights(c, s)
    run = LoopRun([list(x)], [weighted_median_walk(x, w, big_r)], [weighted_mean(x, w)], 0, False)
    for t in range(1, rounds + 1):
        mu = run.medians[-1]
        r = risk_exponents(x, c, s, q, big_r, mu, variant)
        p = probabilities(x, c, s, r, big_r, variant)
        if variant == "scholz":
            new = scholz_moves(t, x, s, p, r, q, big_r, mu, run.offers)
        else:
            new = paper_moves(t, x, s, p, r, q, big_r, mu, run.offers)
        moved = max(abs(new[i] - x[i]) for i in range(n))
        x = new
        run.positions.append(list(x))
        run.medians.append(weighted_median_walk(x, w, big_r))
        run.means.append(weighted_mean(x, w))
        run.rounds = t
        if moved <= tol * big_r:
            run.converged = True
            break
    return run
