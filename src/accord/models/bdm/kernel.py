# mypy: disable-error-code="no-untyped-def"
"""The compiled BDM round loop: one fused pass per round per (draw, issue) problem.

The NumPy path (:mod:`accord.models.bdm.round`) is the reference; this module computes the same
round with Numba (:mod:`accord.models.compiled`), with no (problem x actor x actor)
temporaries. Per problem and round it sorts the actors once and then makes a few passes over
the actor pairs, each computing on the fly what the NumPy path stores:

1. the prefix sums ``cum[m, a]`` of the voters' utilities (r = 1), the only (n + 1) x n array;
2. the vote sums N_ij from ``cum`` and the midpoint counts (a pointer walk per row, O(n)), the
   scholz variant's global total of N, and each actor's danger (a column sum of EU with r = 1);
3. the risk exponents, then ``cum`` again with them, and the total of N;
4. (paper variant only) the matrix of EU_i(i, j), since an offer needs both EU_i(i, j) and
   EU_j(j, i); the scholz variant's two utilities of a pair are both seen with r_i and are
   computed where they are used;
5. per actor: the utilities, offers, the choice among them and the move.

The moves are then written back in actor order, and the median and mean recorded. Comparisons
use the NumPy path's tolerances, and every sum runs in the same order except the two totals
(the scholz denominator and the reported mean, NumPy's pairwise sums), so both paths agree to
rounding (the tests check 1e-9).

Drivers: :func:`play_rows` plays a range of problems in one thread (scratch arrays allocated
once); :func:`play_problems` splits the problems across cores in chunks (``prange``), for
batches of small problems (Monte Carlo); :func:`wide_round` plays one round of one problem with
each pass split across cores by rows (few problems with many actors). A problem stops once
its positions move no more than ``tol`` x R in a round.
"""

from __future__ import annotations

import numpy as np

from accord.models.bdm.offers import CHOICE_TOL, EU_TOL
from accord.models.bdm.utility import RISK_TOL
from accord.models.bdm.votes import MEDIAN_TOL
from accord.models.compiled import kernel, prange

# ---------------------------------------------------------------------------- passes


@kernel(error_model="numpy")
def sort_state(x, w, s, order, xs, ws, ss):
    """Fill ``order`` (stable sort of ``x``) and the sorted positions, weights, saliences."""
    o = np.argsort(x, kind="mergesort")
    for t in range(x.size):
        k = o[t]
        order[t] = k
        xs[t] = x[k]
        ws[t] = w[k]
        ss[t] = s[k]


@kernel(error_model="numpy")
def cumulate(xs, ws, r, use_r, big_r, cum, a0, a1):
    """Fill columns a0..a1 of ``cum[m, a]`` = sum over the m leftmost voters k of w_k d_ka^r_k."""
    n = xs.size
    for a in range(a0, a1):
        cum[0, a] = 0.0
    for k in range(n):
        xk = xs[k]
        wk = ws[k]
        rk = r[k]
        for a in range(a0, a1):
            d = min(abs(xk - xs[a]) / big_r, 1.0)
            g = d**rk if use_r else d
            cum[k + 1, a] = cum[k, a] + g * wk


@kernel(error_model="numpy")
def pair_tops(xs, cum, i, j, m):
    """Return (N_ij, N_ji), the vote sums of the pair, from ``cum`` and the midpoint count m."""
    n = xs.size
    h_ij = cum[m, j]
    h_ji = cum[m, i]
    k_ij = h_ij - h_ji
    k_ji = h_ji - h_ij
    t_ij = 0.0
    t_ji = 0.0
    if xs[i] < xs[j]:
        t_ij = k_ij
        t_ji = (cum[n, i] - cum[n, j]) - k_ji
    elif xs[i] > xs[j]:
        t_ij = (cum[n, j] - cum[n, i]) - k_ij
        t_ji = k_ji
    return max(t_ij, 0.0), max(t_ji, 0.0)


@kernel(error_model="numpy")
def probability(t_ij, t_ji, total, paper):
    """Return P_ij: N_ij / (N_ij + N_ji) (paper, 0.5 if 0) or N_ij / total (scholz, 0 if 0)."""
    if paper:
        both = t_ij + t_ji
        return t_ij / both if both > 0 else 0.5
    return t_ij / total if total > 0 else 0.0


@kernel(error_model="numpy")
def top_total(xs, cum, i0, i1):
    """Return the sum of N_ij over rows i0..i1 and every column (midpoint counts walked)."""
    n = xs.size
    acc = 0.0
    for i in range(i0, i1):
        m = 0
        xi = xs[i]
        for j in range(n):
            mid = 0.5 * (xi + xs[j])
            while m < n and xs[m] < mid:
                m += 1
            t_ij, _ = pair_tops(xs, cum, i, j, m)
            acc += t_ij
    return acc


@kernel(error_model="numpy")
def dangers(xs, ss, cum, big_r, total, paper, q, mu, out, i0, i1):
    """Fill out[i] = sum over challengers j != i of EU_j(j, i) with every r = 1, rows i0..i1."""
    n = xs.size
    for i in range(i0, i1):
        m = 0
        xi = xs[i]
        si = ss[i]
        acc = 0.0
        for j in range(n):
            mid = 0.5 * (xi + xs[j])
            while m < n and xs[m] < mid:
                m += 1
            if j == i:
                acc += 0.0
                continue
            t_ij, t_ji = pair_tops(xs, cum, i, j, m)
            p_ji = probability(t_ji, t_ij, total, paper)
            gap = abs(xs[j] - xi)
            d = min(gap / big_r, 1.0)
            us = 2 - 4 * (0.5 - 0.5 * d)
            uf = 2 - 4 * (0.5 + 0.5 * d)
            e = si * (p_ji * us + (1 - p_ji) * uf) + (1 - si) * us - q * 0.0
            if paper:
                off = abs(xs[j] - mu)
                mm = off / big_r
                if off < gap:
                    e -= (1 - q) * (2 - 4 * (0.5 - 0.25 * (mm + d)))
                else:
                    e -= (1 - q) * (2 - 4 * (0.5 + 0.25 * (mm + d)))
            acc += e
        out[i] = acc


@kernel(error_model="numpy")
def risk_exponents(danger, r):
    """Fill r_i = (1 - Rb_i/3) / (1 + Rb_i/3) (every r = 1 when all dangers are equal)."""
    hi = danger.max()
    lo = danger.min()
    scale = max(1.0, max(abs(hi), abs(lo)))
    flat = hi - lo <= RISK_TOL * scale
    for i in range(danger.size):
        rb = 0.0 if flat else (2 * danger[i] - hi - lo) / (hi - lo)
        r[i] = (1 - rb / 3) / (1 + rb / 3)


@kernel(error_model="numpy")
def eu_rows(xs, ss, cum, r, big_r, total, paper, q, mu, e, i0, i1):
    """Fill e[i, j] = EU_i(i, j) through i's eyes (with the paper term if ``paper``), i0..i1."""
    n = xs.size
    for i in range(i0, i1):
        m = 0
        xi = xs[i]
        ri = r[i]
        usq = 2 - 4 * 0.5**ri
        off = abs(xi - mu)
        mm = off / big_r
        for j in range(n):
            mid = 0.5 * (xi + xs[j])
            while m < n and xs[m] < mid:
                m += 1
            t_ij, t_ji = pair_tops(xs, cum, i, j, m)
            p_ij = probability(t_ij, t_ji, total, paper)
            gap = abs(xi - xs[j])
            d = min(gap / big_r, 1.0)
            us = 2 - 4 * (0.5 - 0.5 * d) ** ri
            uf = 2 - 4 * (0.5 + 0.5 * d) ** ri
            sj = ss[j]
            v = sj * (p_ij * us + (1 - p_ij) * uf) + (1 - sj) * us - q * usq
            if paper:
                if off < gap:
                    v -= (1 - q) * (2 - 4 * (0.5 - 0.25 * (mm + d)) ** ri)
                else:
                    v -= (1 - q) * (2 - 4 * (0.5 + 0.25 * (mm + d)) ** ri)
            e[i, j] = v


@kernel(error_model="numpy")
def offer_rows(xs, ss, cum, r, big_r, total, paper, q, e, moved, i0, i1):
    """Fill moved[i], the position each sorted actor i in i0..i1 moves to (spec steps 6-8).

    scholz: EU_i(i, j) and EU_i(j, i) computed here; nearest confrontation, else the lowest
    compromise point. paper: both utilities read from ``e``; the offer that moves i least.
    Several equally good offers: the midpoint of the lowest and highest targets (cancelling
    when they balance), as :func:`~accord.models.bdm.offers.take_offers`.
    """
    n = xs.size
    slack = CHOICE_TOL * big_r
    kind = np.zeros(n, dtype=np.int8)
    target = np.empty(n)
    score = np.empty(n)
    for i in range(i0, i1):
        xi = xs[i]
        si = ss[i]
        ri = r[i]
        usq = 2 - 4 * 0.5**ri
        m = 0
        best_full = np.inf  # scholz: nearest confrontation; paper: least move
        best_part = np.inf  # scholz: lowest compromise point
        for j in range(n):
            mid = 0.5 * (xi + xs[j])
            while m < n and xs[m] < mid:
                m += 1
            xj = xs[j]
            kind[j] = 0
            if xj == xi:
                continue
            if paper:
                mine = e[i, j]
                theirs = e[j, i]
                if mine > EU_TOL and theirs > mine + EU_TOL:
                    kind[j] = 1
                    target[j] = xj
                elif theirs > EU_TOL and mine < -EU_TOL:
                    if theirs > abs(mine) + EU_TOL:
                        kind[j] = 2
                        target[j] = xi + (xj - xi) * abs(mine / theirs)
                    else:
                        kind[j] = 3
                        target[j] = xj
                if kind[j] != 0:
                    score[j] = abs(target[j] - xi)
                    best_full = min(best_full, score[j])
                continue
            t_ij, t_ji = pair_tops(xs, cum, i, j, m)
            p_ij = probability(t_ij, t_ji, total, paper)
            p_ji = probability(t_ji, t_ij, total, paper)
            gap = abs(xi - xj)
            d = min(gap / big_r, 1.0)
            us = 2 - 4 * (0.5 - 0.5 * d) ** ri
            uf = 2 - 4 * (0.5 + 0.5 * d) ** ri
            sj = ss[j]
            a = sj * (p_ij * us + (1 - p_ij) * uf) + (1 - sj) * us - q * usq
            b = si * (p_ji * us + (1 - p_ji) * uf) + (1 - si) * us - q * usq
            if b > a + EU_TOL and a > EU_TOL:
                kind[j] = 1
                target[j] = xj
                score[j] = gap
                best_full = min(best_full, gap)
            elif b > EU_TOL and a < -EU_TOL and b > abs(a) + EU_TOL:
                kind[j] = 2
                target[j] = xi + (xj - xi) * abs(a / b)
                score[j] = (b * xj - a * xi) / (b - a)
                best_part = min(best_part, score[j])
        lowest = np.inf
        highest = -np.inf
        for j in range(n):
            k = kind[j]
            if k == 0:
                continue
            if paper:
                take = score[j] <= best_full + slack
            elif best_full < np.inf:
                take = k == 1 and score[j] <= best_full + slack
            else:
                take = k == 2 and score[j] <= best_part + slack
            if take:
                lowest = min(lowest, target[j])
                highest = max(highest, target[j])
        if lowest == np.inf or abs((lowest - xi) + (highest - xi)) <= 2 * CHOICE_TOL * big_r:
            moved[i] = xi
        else:
            moved[i] = 0.5 * (lowest + highest)


@kernel(error_model="numpy")
def walk_values(x, w, big_r, f, j0, j1):
    """Fill f[j] = sum_k w_k |x_k - x_j| / R for j0..j1 (the median's vote function)."""
    n = x.size
    for j in range(j0, j1):
        acc = 0.0
        xj = x[j]
        for k in range(n):
            acc += w[k] * (abs(x[k] - xj) / big_r)
        f[j] = acc


@kernel(error_model="numpy")
def median_of(x, w, f):
    """Return the median from the vote function ``f`` (see ``votes.median_walk``)."""
    slack = MEDIAN_TOL * w.sum()
    low = f.min() + slack
    lowest = np.inf
    highest = -np.inf
    for j in range(x.size):
        if f[j] <= low:
            lowest = min(lowest, x[j])
            highest = max(highest, x[j])
    return 0.5 * (lowest + highest)


@kernel(error_model="numpy")
def mean_of(x, w):
    """Return sum(w x) / sum(w) (NaN when there is no weight)."""
    top = 0.0
    bottom = 0.0
    for k in range(x.size):
        top += w[k] * x[k]
        bottom += w[k]
    return top / bottom if bottom != 0 else np.nan


# ---------------------------------------------------------------------------- one problem


@kernel(error_model="numpy")
def play_one(x, w, s, rw, big_r, mu, paper, q, tol, steps, traj, med, mean, scratch):
    """Play up to ``steps`` rounds of one problem in one thread; return the rounds played.

    ``x`` is updated in place; ``traj[t]``, ``med[t]``, ``mean[t]`` receive the state after
    round t + 1 (the rest of the chunk repeats the last state once the problem stops).
    ``scratch`` is a (n + 1) x n array (2 n + 1 rows for the paper variant's EU matrix).
    Returns -(rounds played) - 1 if the problem converged, else the rounds played.
    """
    n = x.size
    cum = scratch[: n + 1]
    e = scratch[n + 1 : 2 * n + 1] if paper else scratch[:0]
    order = np.empty(n, dtype=np.intp)
    xs = np.empty(n)
    ws = np.empty(n)
    ss = np.empty(n)
    ones = np.ones(n)
    r = np.empty(n)
    danger = np.empty(n)
    moved = np.empty(n)
    f = np.empty(n)
    played = 0
    converged = False
    for t in range(steps):
        sort_state(x, w, s, order, xs, ws, ss)
        cumulate(xs, ws, ones, False, big_r, cum, 0, n)
        total = 0.0 if paper else 2.0 * top_total(xs, cum, 0, n)
        dangers(xs, ss, cum, big_r, total, paper, q, mu, danger, 0, n)
        risk_exponents(danger, r)
        cumulate(xs, ws, r, True, big_r, cum, 0, n)
        total = 0.0 if paper else 2.0 * top_total(xs, cum, 0, n)
        if paper:
            eu_rows(xs, ss, cum, r, big_r, total, paper, q, mu, e, 0, n)
        offer_rows(xs, ss, cum, r, big_r, total, paper, q, e, moved, 0, n)
        shift = 0.0
        for k in range(n):
            a = order[k]
            shift = max(shift, abs(moved[k] - x[a]))
            x[a] = moved[k]
        walk_values(x, rw, big_r, f, 0, n)
        mu = median_of(x, rw, f)
        traj[t, :] = x
        med[t] = mu
        mean[t] = mean_of(x, rw)
        played = t + 1
        if shift <= tol * big_r:
            converged = True
            break
    for t in range(played, steps):
        traj[t, :] = x
        med[t] = med[played - 1] if played > 0 else mu
        mean[t] = mean[played - 1] if played > 0 else mean_of(x, rw)
    return -played - 1 if converged else played


# ---------------------------------------------------------------------------- drivers


@kernel(error_model="numpy")
def play_rows(
    x, w, s, rw, big_r, mu, avg, active, paper, q, tol, steps, traj, med, mean, played, r0, r1
):
    """Play up to ``steps`` rounds of the active problems r0..r1 in this thread.

    x, w, s, rw : (B, n); big_r, mu, avg (current medians, means) : (B,); active : (B,)
    bool; traj : (B, steps, n); med, mean : (B, steps); played : (B,) receives
    :func:`play_one`'s return (0 if inactive). Starts with the medians when ``steps`` is 0:
    mu[row] = the median of x[row].
    """
    n = x.shape[1]
    scratch = np.empty((n + 1 + (n if paper else 0), n))
    for row in range(r0, r1):
        if steps == 0:
            f = scratch[0]
            walk_values(x[row], rw[row], big_r[row], f, 0, n)
            mu[row] = median_of(x[row], rw[row], f)
            continue
        if not active[row]:
            played[row] = 0
            for t in range(steps):
                traj[row, t, :] = x[row]
                med[row, t] = mu[row]
                mean[row, t] = avg[row]
            continue
        played[row] = play_one(
            x[row],
            w[row],
            s[row],
            rw[row],
            big_r[row],
            mu[row],
            paper,
            q,
            tol,
            steps,
            traj[row],
            med[row],
            mean[row],
            scratch,
        )


@kernel(parallel=True, error_model="numpy")
def play_problems(
    x, w, s, rw, big_r, mu, avg, active, paper, q, tol, steps, traj, med, mean, played, chunks
):
    """:func:`play_rows` on every problem, in ``chunks`` chunks split across cores."""
    b = x.shape[0]
    for c in prange(chunks):
        play_rows(
            x,
            w,
            s,
            rw,
            big_r,
            mu,
            avg,
            active,
            paper,
            q,
            tol,
            steps,
            traj,
            med,
            mean,
            played,
            c * b // chunks,
            (c + 1) * b // chunks,
        )


@kernel(parallel=True, error_model="numpy")
def wide_round(x, w, s, rw, big_r, mu, paper, q, blocks, cum, e, moved, f):
    """Play one round of one problem with every pass split across cores by rows.

    Returns (largest move, new median, new mean); ``x`` is updated in place.
    """
    n = x.size
    order = np.empty(n, dtype=np.intp)
    xs = np.empty(n)
    ws = np.empty(n)
    ss = np.empty(n)
    ones = np.ones(n)
    r = np.empty(n)
    danger = np.empty(n)
    part = np.zeros(blocks)
    sort_state(x, w, s, order, xs, ws, ss)
    for c in prange(blocks):
        cumulate(xs, ws, ones, False, big_r, cum, c * n // blocks, (c + 1) * n // blocks)
    total = 0.0
    if not paper:
        for c in prange(blocks):
            part[c] = top_total(xs, cum, c * n // blocks, (c + 1) * n // blocks)
        total = 2.0 * part.sum()
    for c in prange(blocks):
        lo = c * n // blocks
        hi = (c + 1) * n // blocks
        dangers(xs, ss, cum, big_r, total, paper, q, mu, danger, lo, hi)
    risk_exponents(danger, r)
    for c in prange(blocks):
        cumulate(xs, ws, r, True, big_r, cum, c * n // blocks, (c + 1) * n // blocks)
    if not paper:
        for c in prange(blocks):
            part[c] = top_total(xs, cum, c * n // blocks, (c + 1) * n // blocks)
        total = 2.0 * part.sum()
    if paper:
        for c in prange(blocks):
            lo = c * n // blocks
            hi = (c + 1) * n // blocks
            eu_rows(xs, ss, cum, r, big_r, total, paper, q, mu, e, lo, hi)
    for c in prange(blocks):
        lo = c * n // blocks
        hi = (c + 1) * n // blocks
        offer_rows(xs, ss, cum, r, big_r, total, paper, q, e, moved, lo, hi)
    shift = 0.0
    for k in range(n):
        a = order[k]
        shift = max(shift, abs(moved[k] - x[a]))
        x[a] = moved[k]
    for c in prange(blocks):
        walk_values(x, rw, big_r, f, c * n // blocks, (c + 1) * n // blocks)
    return shift, median_of(x, rw, f), mean_of(x, rw)
