"""The minimax problem behind every zone-of-agreement question, solved for a batch of problems.

For actors i with ideal points p_i, saliences s_i and stakes b_i (the loss each would suffer at
its outside option), the *shortfall* of actor i at a point y is

    f_i(y) = sum_k s_ik (y_k - p_ik)^2 - b_i,

negative where i prefers y to its outside option. A zone of agreement among a set of members
exists exactly when some y makes every member's shortfall negative, i.e. when

    r* = min_y max_i f_i(y) < 0.

The minimiser (the *centre*) is the point where the most reluctant member gains most; -r* (the
*depth*) is that member's gain there, in utility units (salience x squared share of the scale).

The solver minimises the smooth upper bound ``LSE_t(y) = t log sum_i exp(f_i(y) / t)`` of the
maximum with Newton's method, for a falling temperature t (each stage starts where the last one
ended). The softmax weights w of the members are, in the limit, the Lagrange multipliers of the
minimax problem, and they certify the answer from below: for any weights on the simplex,

    phi(w) = min_y sum_i w_i f_i(y)   (closed form: a weighted mean per issue)

is a lower bound of r*, and ``max_i f_i(y)`` an upper bound. A problem stops once the two bounds
are within ``GAP`` of each other. Issues no member cares about are left at the start point.
Everything is vectorised over the batch; each problem iterates on its own, so its result does
not depend on the other problems in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

GAP = 1e-10
"""A problem is solved when its bounds of r* are within ``GAP + REL_GAP |r*|`` (utility units)."""
REL_GAP = 1e-7
TEMPERATURES = (3e-2, 3e-3, 3e-4, 3e-5, 3e-6, 3e-7, 3e-8, 3e-9, 3e-10, 3e-11)
"""The temperature schedule of the smooth maximum (utility units)."""
NEWTON_STEPS = 12
"""Most Newton steps per temperature."""
BINDING = 1e-3
"""A member whose final weight exceeds this binds at the centre (a holdout when r* >= 0)."""


@dataclass(frozen=True, eq=False)
class Minimax:
    """Solutions of a batch of minimax problems.

    centre : (B, K) the minimising point (the start point on issues no member cares about)
    level : (B,) the upper bound ``max_i f_i(centre)`` of r* (-inf for a problem without members)
    lower : (B,) a certified lower bound of r* (``level - lower <= GAP`` where converged)
    weight : (B, N) the members' final weights (summing to 1; the minimax multipliers in the limit)
    binding : (B, N) the members that bind at the centre: whose concession could lower r*
    converged : (B,)
    iterations : (B,) steps taken
    """

    centre: FloatArray
    level: FloatArray
    lower: FloatArray
    weight: FloatArray
    binding: BoolArray
    converged: BoolArray
    iterations: NDArray[np.intp]


def shortfall(
    y: FloatArray, ideal: FloatArray, salience: FloatArray, stake: FloatArray
) -> FloatArray:
    """Return every actor's shortfall f_i(y), (B, K) -> (B, N)."""
    dev = y[:, None, :] - ideal
    return np.asarray((salience * dev * dev).sum(axis=-1) - stake)


def _fast_shortfall(y: FloatArray, s: FloatArray, sp: FloatArray, c0: FloatArray) -> FloatArray:
    """Return f_i(y) from ``s``, ``s p`` and ``sum s p^2 - b`` (see :func:`shortfall`)."""
    return np.asarray(np.einsum("bnk,bk->bn", s, y * y) - 2.0 * np.einsum("bnk,bk->bn", sp, y) + c0)


def dual_bound(
    weight: FloatArray, ideal: FloatArray, salience: FloatArray, stake: FloatArray
) -> FloatArray:
    """Return ``phi(w) = min_y sum_i w_i f_i(y)``: a lower bound of r* (weights on the simplex)."""
    ws = weight[:, :, None] * salience  # (B, N, K)
    total = ws.sum(axis=1)
    mean = (ws * ideal).sum(axis=1) / np.where(total > 0, total, 1.0)
    spread = (ws * (ideal - mean[:, None, :]) ** 2).sum(axis=(1, 2))
    return np.asarray(spread - (weight * stake).sum(axis=1))


def _softmax(f: FloatArray, members: BoolArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the weights and ``t log sum exp(f / t)`` over the members, per row (t is (B,))."""
    z = np.where(members, f / t[:, None], -np.inf)
    top = z.max(axis=1, keepdims=True)
    e = np.exp(z - top)
    total = e.sum(axis=1, keepdims=True)
    return e / total, t * (top[:, 0] + np.log(total[:, 0]))


def solve(
    ideal: FloatArray,
    salience: FloatArray,
    stake: FloatArray,
    members: BoolArray,
    start: FloatArray,
) -> Minimax:
    """Solve ``min_y max_{i in members} f_i(y)`` for every problem of a batch.

    Parameters
    ----------
    ideal:
        (B, N, K) ideal points, normalised.
    salience:
        (B, N, K).
    stake:
        (B, N) each actor's loss at its outside option.
    members:
        (B, N) the actors whose shortfall counts.
    start:
        (B, K) the starting point (and the value of issues no member cares about).

    Each problem walks down :data:`TEMPERATURES` on its own: it moves to the next temperature
    once its Newton decrement is below 1e-3 x the temperature or after :data:`NEWTON_STEPS`
    steps, and stops once its bounds are within :data:`GAP` (or the schedule is exhausted:
    ``converged`` False). Problems without members get ``level = lower = -inf`` and ``start``.

    """
    bsz, _, k = ideal.shape
    has = np.asarray(members.any(axis=1))
    free = np.any(members[:, :, None] & (salience > 0), axis=1) & has[:, None]
    y = np.array(start, dtype=np.float64, copy=True)
    weight = np.where(members, 1.0, 0.0) / np.maximum(members.sum(axis=1, keepdims=True), 1)
    level = np.full(bsz, -np.inf)
    lower = np.full(bsz, -np.inf)
    stage = np.zeros(bsz, dtype=np.intp)
    steps = np.zeros(bsz, dtype=np.intp)
    iterations = np.zeros(bsz, dtype=np.intp)
    done = ~has
    converged = ~has
    temps = np.asarray(TEMPERATURES)
    idx = np.arange(k)
    # f_i(y) = sum_k s y^2 - 2 sum_k (s p) y + const_i: two contractions per evaluation.
    sp_all = salience * ideal
    const_all = (sp_all * ideal).sum(axis=-1) - stake
    for _ in range(len(TEMPERATURES) * NEWTON_STEPS):
        ix = np.flatnonzero(~done)
        if ix.size == 0:
            break
        s, sp, c0 = salience[ix], sp_all[ix], const_all[ix]
        mem, fr, yy = members[ix], free[ix], y[ix]
        t = temps[stage[ix]]
        f = _fast_shortfall(yy, s, sp, c0)
        w, value = _softmax(f, mem, t)
        half_grad = s * yy[:, None, :] - sp  # (b, N, K): grad f_i / 2
        g = 2.0 * np.einsum("bn,bnk->bk", w, half_grad)
        hess = 4.0 * np.einsum("bnk,bnl->bkl", w[:, :, None] * half_grad, half_grad)
        hess -= g[:, :, None] * g[:, None, :]
        hess /= t[:, None, None]
        hess[:, idx, idx] += 2.0 * np.einsum("bn,bnk->bk", w, s)
        # Only issues some member cares about move; the others keep the start value.
        g = np.where(fr, g, 0.0)
        hess = np.where(fr[:, :, None] & fr[:, None, :], hess, 0.0)
        hess[:, idx, idx] = np.where(fr, hess[:, idx, idx], 1.0)
        # A ridge keeps the system solvable where the members that carry the weight do not
        # care about an issue (its curvature vanishes; so does its gradient).
        diag = hess[:, idx, idx]
        hess[:, idx, idx] = diag + 1e-10 * diag.max(axis=1, keepdims=True) + 1e-300
        step = -np.linalg.solve(hess, g[:, :, None])[:, :, 0]
        decrement = -(g * step).sum(axis=1)
        # Backtracking (Armijo) on the smooth maximum; a step whose predicted decrease is
        # below the rounding error of the value is taken in full (Newton is then converging
        # quadratically and the test can no longer be evaluated).
        alpha = np.ones(ix.size)
        tiny = decrement <= 1e-13 * np.maximum(1.0, np.abs(value))
        pending = ~tiny
        for _ in range(30):
            rows = np.flatnonzero(pending)
            if rows.size == 0:
                break
            trial = yy[rows] + alpha[rows, None] * step[rows]
            tf = _fast_shortfall(trial, s[rows], sp[rows], c0[rows])
            _, tv = _softmax(tf, mem[rows], t[rows])
            ok = tv <= value[rows] - 0.25 * alpha[rows] * decrement[rows]
            pending[rows[ok]] = False
            alpha[rows[~ok]] *= 0.5
        alpha = np.where(pending, 0.0, alpha)
        y[ix] = yy + alpha[:, None] * step
        f = _fast_shortfall(y[ix], s, sp, c0)
        w, _ = _softmax(f, mem, t)
        weight[ix] = w
        level[ix] = np.where(mem, f, -np.inf).max(axis=1)
        lower[ix] = np.maximum(lower[ix], dual_bound(w, ideal[ix], s, stake[ix]))
        solved = level[ix] - lower[ix] <= GAP + REL_GAP * np.abs(level[ix])
        steps[ix] += 1
        iterations[ix] += 1
        advance = (decrement <= 1e-3 * t) | (steps[ix] >= NEWTON_STEPS) | (alpha == 0)
        stage[ix] = np.where(advance, stage[ix] + 1, stage[ix])
        steps[ix] = np.where(advance, 0, steps[ix])
        exhausted = stage[ix] >= len(TEMPERATURES)
        stage[ix] = np.minimum(stage[ix], len(TEMPERATURES) - 1)
        done[ix] = solved | exhausted
        converged[ix] = solved
    binding = members & (weight > BINDING)
    return Minimax(y, level, lower, weight, binding, converged, iterations)


GOLDEN_STEPS = 80
"""Golden-section steps of the one-issue solver (the bracket shrinks to 0.618^80 ~ 2e-17)."""


def solve_line(
    ideal: FloatArray, salience: FloatArray, stake: FloatArray, members: BoolArray
) -> Minimax:
    """Solve the minimax problem of one issue (K = 1) for a batch, by golden-section search.

    ``max_i f_i`` is convex on the normalised scale [0, 1], where its minimum lies (every ideal
    point does), so the search finds the centre to about 1e-16. The result carries no
    multipliers (``weight`` and ``binding`` are all zero): one-dimensional holdouts are found
    from the members' intervals instead (:mod:`accord.agreement.zone`).
    """
    p, s = ideal[:, :, 0], salience[:, :, 0]

    def top(y: FloatArray) -> FloatArray:
        f = s * (y[:, None] - p) ** 2 - stake
        return np.asarray(np.where(members, f, -np.inf).max(axis=1))

    bsz = p.shape[0]
    has = np.asarray(members.any(axis=1))
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    lo, hi = np.zeros(bsz), np.ones(bsz)
    c, d = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fc, fd = top(c), top(d)
    for _ in range(GOLDEN_STEPS):
        left = fc <= fd  # the minimum lies in [lo, d]: d becomes the upper end
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new_c = np.where(left, hi - ratio * (hi - lo), d)
        new_d = np.where(left, c, lo + ratio * (hi - lo))
        fx = top(np.where(left, new_c, new_d))  # one new point per step
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
        c, d = new_c, new_d
    centre = 0.5 * (lo + hi)
    level = np.where(has, top(centre), -np.inf)
    none = np.zeros(members.shape)
    return Minimax(
        centre[:, None],
        level,
        level,
        none,
        none.astype(np.bool_),
        np.ones(bsz, dtype=np.bool_),
        np.full(bsz, GOLDEN_STEPS, dtype=np.intp),
    )


def central_start(ideal: FloatArray, salience: FloatArray, members: BoolArray) -> FloatArray:
    """Return a starting point: the members' salience-weighted mean of ideal points."""
    w = np.where(members[:, :, None], salience, 0.0)
    total = w.sum(axis=1)
    mean = (w * ideal).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.asarray(np.where(total > 0, mean, ideal.mean(axis=1)))


def solve_any(
    ideal: FloatArray, salience: FloatArray, stake: FloatArray, members: BoolArray
) -> Minimax:
    """Solve a batch with the right solver: :func:`solve_line` for one issue, else :func:`solve`."""
    if ideal.shape[2] == 1:
        return solve_line(ideal, salience, stake, members)
    return solve(ideal, salience, stake, members, central_start(ideal, salience, members))
