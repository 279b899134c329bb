"""Array kernels for the axiomatic bargaining solutions (Nash, Kalai–Smorodinsky).

Everything here works in *normalised coordinates*: issue k's scale ``[min_k, max_k]`` is mapped
onto ``[0, 1]`` by ``y_k = (x_k - min_k) / W_k``. Actor i's utility at a point y is the
salience-weighted quadratic loss

    u_i(y) = - sum_k s_ik (y_k - p_ik)^2,

with ``p_i`` its ideal point (its position). The disagreement outcome enters only through each
actor's *stake* ``b_i = u_i(p_i) - u_i(d) = -u_i(d) >= 0``: how much the actor gains in going
from disagreement to its ideal point. An actor's gain at y over disagreement is

    g_i(y) = u_i(y) - u_i(d) = b_i - sum_k s_ik (y_k - p_ik)^2.

Both solutions only look at the *seated* actors (capability > 0 and some salience > 0) and
only move *live* issues (some seated actor cares about them); everything else stays at a
fallback point. Arrays carry a leading draw axis D, then actors N, then issues K.

The solvers are Newton-type: a primal-dual interior-point method with an active-set polish for
the Kalai–Smorodinsky minimax, Newton's method with a line search for Nash. They are vectorised
over draws (the loops run over iterations only) and each draw stops on its own, so a draw's
result does not depend on the other draws in the batch. See ``docs/models/nash.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.models.weights import effective_weight, weighted_mean
from accord.scenario.arrays import ScenarioArrays

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

STAKE_FLOOR = 1e-12
"""Stakes at or below this (in salience x squared scale-widths) count as zero: no gain possible."""

GAIN_TOL = 1e-9
"""A Kalai–Smorodinsky level above ``-GAIN_TOL`` means no point makes every actor better off."""

_ARMIJO = 0.25
_SHRINK = 0.5
_MAX_HALVINGS = 60


@dataclass(frozen=True, eq=False)
class Bargain:
    """A batch of bargaining problems in normalised coordinates.

    Attributes
    ----------
    ideal : (D, N, K)
        Each actor's position mapped onto [0, 1].
    salience : (D, N, K)
        Saliences in [0, 1] (the weights of the quadratic loss).
    power : (D, N)
        Bargaining power (capability).
    stake : (D, N)
        ``b_i = -u_i(d)``: the actor's gain from disagreement to its ideal point.
    seated : (D, N)
        Actors that take part: positive capability and some positive salience.
    live : (D, K)
        Issues some seated actor cares about; the others stay at ``fallback``.
    fallback : (D, K)
        Point used on dead issues and (where it exists) when no agreement helps everyone.

    """

    ideal: FloatArray
    salience: FloatArray
    power: FloatArray
    stake: FloatArray
    seated: BoolArray
    live: BoolArray
    fallback: FloatArray

    @property
    def can_gain(self) -> BoolArray:
        """Return, per draw, whether someone is seated and every seated actor has a stake."""
        has_stake = self.stake > STAKE_FLOOR
        return np.asarray(self.seated.any(axis=1) & np.all(has_stake | ~self.seated, axis=1))


def loss(y: FloatArray, ideal: FloatArray, salience: FloatArray) -> FloatArray:
    """Return each actor's salience-weighted quadratic loss at y: (D, K) -> (D, N)."""
    dev = y[:, None, :] - ideal
    return np.asarray((salience * dev * dev).sum(axis=-1))


def worst_loss(ideal: FloatArray, salience: FloatArray) -> FloatArray:
    """Return each actor's largest loss on the unit box (at the corner farthest from its ideal)."""
    far = np.maximum(ideal, 1.0 - ideal)
    return np.asarray((salience * far * far).sum(axis=-1))


def normalise(arrays: ScenarioArrays) -> tuple[FloatArray, FloatArray]:
    """Return the scale widths (K,) and the positions mapped onto [0, 1], (D, N, K)."""
    width = arrays.scale_max - arrays.scale_min
    return width, (arrays.position - arrays.scale_min) / width


def weighted_position_mean(arrays: ScenarioArrays) -> FloatArray:
    """Return the compromise model's forecast: capability x salience weighted mean per issue.

    Capability alone weights an issue nobody cares about. Issue units, shaped (D, K).
    """
    sal = arrays.salience.transpose(0, 2, 1)  # (D, K, N)
    w = effective_weight(arrays.capability[:, None, :], sal)
    return weighted_mean(arrays.position.transpose(0, 2, 1), w)


def make_bargain(arrays: ScenarioArrays, stake: FloatArray, fallback: FloatArray) -> Bargain:
    """Return the bargaining problems of a scenario, given stakes (D, N) and a fallback (D, K).

    ``fallback`` is in issue units; the returned problem holds it in normalised coordinates.
    """
    width, ideal = normalise(arrays)
    sal = arrays.salience
    seated = (arrays.capability > 0) & (sal.sum(axis=-1) > 0)
    live = np.any(seated[:, :, None] & (sal > 0), axis=1)
    return Bargain(
        ideal=ideal,
        salience=sal,
        power=arrays.capability,
        stake=stake,
        seated=seated,
        live=live,
        fallback=(fallback - arrays.scale_min) / width,
    )


# --------------------------------------------------------------------------- the two solutions
def start_point(bargain: Bargain) -> FloatArray:
    """Return a starting point: the stake-normalised salience-weighted mean of ideal points.

    It minimises the sum of the seated actors' losses as shares of their stakes. Any point
    does (the solvers need no feasible start); a central one saves iterations.
    """
    w = np.where(bargain.seated[:, :, None], bargain.salience, 0.0)
    w = w / np.where(bargain.stake > STAKE_FLOOR, bargain.stake, 1.0)[:, :, None]
    total = w.sum(axis=1)
    mean = (w * bargain.ideal).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.asarray(np.where(total > 0, mean, bargain.fallback))


def kalai_smorodinsky(
    bargain: Bargain, weighted: bool = False, max_iter: int = 500, stages: int | None = None
) -> tuple[FloatArray, FloatArray, BoolArray, IntArray, BoolArray]:
    """Return the Kalai–Smorodinsky solution of each draw (normalised coordinates).

    Every seated actor obtains the same share t of its stake b_i (its largest feasible gain,
    reached at its ideal point, which lies in the box), with t as large as possible; ties are
    broken lexicographically (:func:`leximin_point`). With ``weighted`` actor i's share is
    ``t c_i / max c``. ``stages`` caps the lexicographic stages (1: plain minimax).

    Returns
    -------
    y : (D, K), share : (D,) the common share t (of the strongest actor, if weighted; 0 without
    mutual gain), mutual_gain : (D,), iterations : (D,), converged : (D,)

    """
    if weighted:
        top = np.where(bargain.seated, bargain.power, 0.0).max(axis=1, keepdims=True)
        omega = np.where(bargain.seated, bargain.power / np.where(top > 0, top, 1.0), 1.0)
    else:
        omega = np.ones_like(bargain.power)
    y, level, iters, conv = leximin_point(bargain, omega, start_point(bargain), max_iter, stages)
    mutual = bargain.can_gain & (level < -GAIN_TOL)
    return y, np.where(mutual, -level, 0.0), mutual, iters, conv


def nash_bargaining(
    bargain: Bargain, max_iter: int = 500
) -> tuple[FloatArray, BoolArray, IntArray, BoolArray]:
    """Return the asymmetric Nash bargaining solution of each draw (normalised coordinates).

    Stage 1 of the Kalai–Smorodinsky solver decides whether some point makes every seated
    actor strictly better off and, if so, gives one (a minimax point: every gain is at least
    the common share times the stake); :func:`nash_point` starts there.

    Returns
    -------
    y : (D, K) (the start where there is no mutual gain), mutual_gain : (D,),
    iterations : (D,) both stages together, converged : (D,)

    """
    start, _, mutual, it0, conv0 = kalai_smorodinsky(bargain, False, max_iter, stages=1)
    y, it1, conv1 = nash_point(bargain, start, mutual, max_iter)
    return y, mutual, it0 + it1, conv0 & conv1


# --------------------------------------------------------------------------- shared algebra
def _newton_direction(rhs: FloatArray, hess: FloatArray, free: BoolArray) -> FloatArray:
    """Return ``-H^{-1} rhs`` on the free coordinates (zero on the others), batched."""
    g = np.where(free, rhs, 0.0)
    h = np.where(free[:, :, None] & free[:, None, :], hess, 0.0)
    idx = np.arange(rhs.shape[1])
    h[:, idx, idx] = np.where(free, h[:, idx, idx], 1.0)
    try:
        step: FloatArray = -np.linalg.solve(h, g[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        # Numerically singular (capabilities many orders of magnitude apart make the barrier
        # of a weak actor near its boundary dominate in one direction): least squares per draw.
        step = np.empty_like(g)
        for r in range(g.shape[0]):
            try:
                step[r] = -np.linalg.solve(h[r], g[r])
            except np.linalg.LinAlgError:
                step[r] = -np.linalg.lstsq(h[r], g[r], rcond=None)[0]
    return step


def _outer(weight: FloatArray, v: FloatArray) -> FloatArray:
    """Return ``sum_i weight_i v_i v_i^T``: (D, N), (D, N, K) -> (D, K, K)."""
    return np.asarray((weight[:, :, None, None] * v[:, :, :, None] * v[:, :, None, :]).sum(axis=1))


# --------------------------------------------------------------------------- Kalai–Smorodinsky
BINDING = 1e-6
"""Normalised multiplier (they sum to 1) above which an actor binds at a minimax point."""


def leximin_point(
    bargain: Bargain,
    omega: FloatArray,
    start: FloatArray,
    max_iter: int,
    stages: int | None = None,
    polish: bool = True,
) -> tuple[FloatArray, FloatArray, IntArray, BoolArray]:
    """Return the lexicographic minimax point of ``h_i(y) = (loss_i(y) / b_i - 1) / omega_i``.

    ``-h_i`` is the share of its stake that actor i obtains, divided by ``omega_i`` (all ones
    for the classic Kalai–Smorodinsky solution), so minimising ``max_i h_i`` over the seated
    actors makes the smallest (weighted) share as large as it can be. That minimiser need not
    be unique: issues that no *binding* actor cares about are left undetermined. So, as in
    Imai's (1983) lexicographic solution, stage 1 solves the minimax (:func:`_pd_minimax`) and
    pins the issues the binding actors care about (binding = positive multiplier: by
    complementary slackness such an actor is at the minimax level at every minimiser, and
    every minimiser gives the issues it cares about the same values); stage 2 repeats with the
    other actors on the remaining issues, and so on: at most K stages (``stages`` caps them),
    each pinning at least one issue.

    Only draws where ``bargain.can_gain`` holds are solved; the others return ``start`` (on
    live issues) and level 0.

    Returns
    -------
    y : (D, K), level : (D,) the stage-1 minimax level, iterations : (D,) Newton steps (all
    stages), converged : (D,)

    """
    d, _, k = bargain.ideal.shape
    ok = bargain.can_gain
    members = bargain.seated & ok[:, None]
    stake = np.where(members, bargain.stake, 1.0)
    gamma = stake * np.where(members, omega, 1.0)  # loss_i <= b_i + b_i omega_i r
    free = bargain.live & ok[:, None]
    y = np.where(bargain.live, start, bargain.fallback)
    iters = np.zeros(d, dtype=np.int64)
    converged = np.ones(d, dtype=np.bool_)
    level = np.zeros(d)
    for stage in range(k if stages is None else min(stages, k)):
        # Actors that care about no free issue are constant from here on: they drop out.
        members = members & np.any((bargain.salience > 0) & free[:, None, :], axis=2)
        todo = members.any(axis=1) & free.any(axis=1)
        if not todo.any():
            break
        args = (bargain.ideal, bargain.salience, stake, gamma, members & todo[:, None])
        fr = free & todo[:, None]
        if polish:
            # A loose interior-point solution, then the active-set polish; where that fails,
            # the interior-point method again, to full precision, and another polish.
            y, r, mult, it, conv = _pd_minimax(*args, fr, y, max_iter, gap_tol=1e-9)
            y, r, mult, exact = _polish(*args, fr, y, r, mult)
            again = todo & ~exact
            if again.any():
                y2, r2, mult2, it2, conv = _pd_minimax(*args, fr & again[:, None], y, max_iter)
                y2, r2, mult2, exact2 = _polish(*args, fr & again[:, None], y2, r2, mult2)
                y = np.where(again[:, None], y2, y)
                r = np.where(again, r2, r)
                mult = np.where(again[:, None], mult2, mult)
                it = it + it2
                exact = exact | (again & exact2)
            conv = exact | conv
        else:
            y, r, mult, it, conv = _pd_minimax(*args, fr, y, max_iter)
        if stage == 0:
            level = np.where(ok, r, 0.0)
        iters = iters + it
        converged = converged & (conv | ~todo)
        binding = members & (mult > BINDING)
        pinned = np.any(binding[:, :, None] & (bargain.salience > 0), axis=1) & free
        # Nothing pinned (only possible through rounding): stop this draw here.
        stuck = todo & ~pinned.any(axis=1)
        free = free & ~pinned & ~stuck[:, None]
        members = members & ~binding
    return y, level, iters, converged


def _pd_minimax(
    ideal: FloatArray,
    salience: FloatArray,
    beta: FloatArray,
    gamma: FloatArray,
    members: BoolArray,
    free: BoolArray,
    start: FloatArray,
    max_iter: int,
    gap_tol: float = 1e-14,
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, BoolArray]:
    """Minimise r subject to ``loss_i(y) <= beta_i + gamma_i r`` (members), moving free issues.

    With ``beta_i = b_i`` and ``gamma_i = b_i omega_i`` the minimal r is ``min_y max_i h_i(y)``.
    Writing the constraints this way (rather than ``h_i(y) <= r``) keeps their curvature in y at
    most 1 whatever the stakes, which keeps Newton's linearisation good when a stake is tiny.

    Primal-dual interior-point method (Boyd & Vandenberghe 2004, sec. 11.7): Newton steps on
    the perturbed KKT conditions ``e_r + sum_i lam_i grad f_i = 0``, ``-lam_i f_i = 1/t``
    (``f_i = loss_i - beta_i - gamma_i r``), with ``t = 10 m / eta`` (m members, eta the
    surrogate duality gap); the longest step keeping ``lam > 0`` is shortened until ``f < 0``
    and the residual norm falls. A draw stops when the gap is below ``gap_tol m`` and the dual
    residual below ``max(1e-13, gap_tol / 10)``, or when no step changes anything (double
    precision is exhausted: converged if the gap is below ``max(1e-11, gap_tol) m``). Draws
    without members or free issues are left as they are. Each iteration works on the
    unfinished draws only.

    Returns
    -------
    y : (D, K), r : (D,) the optimal level, mult : (D, N) the multipliers scaled to sum to 1
    (``lam_i gamma_i``), iterations : (D,), converged : (D,)

    """
    d, _, k = ideal.shape
    ok: BoolArray = np.asarray(members.any(axis=1) & free.any(axis=1))
    members = members & ok[:, None]
    free = free & ok[:, None]
    weight = members.astype(np.float64)
    m_all = np.maximum(weight.sum(axis=1), 1.0)

    def level_of(
        y: FloatArray,
        beta: FloatArray,
        gamma: FloatArray,
        mem: BoolArray,
        ideal: FloatArray,
        sal: FloatArray,
    ) -> FloatArray:
        h = (loss(y, ideal, sal) - beta) / gamma
        return np.asarray(np.where(mem, h, -np.inf).max(axis=1, initial=-np.inf))

    y = start.copy()
    r = np.where(ok, level_of(y, beta, gamma, members, ideal, salience) + 1.0, 0.0)
    lam = weight / (m_all[:, None] * gamma)  # sum_i lam_i gamma_i = 1
    iters = np.zeros(d, dtype=np.int64)
    done = ~ok
    converged = ~ok
    idx = np.arange(k)
    for _ in range(max_iter):
        ix = np.flatnonzero(~done)
        if ix.size == 0:
            break
        p, sal, bt, gm, mem, fr = (
            ideal[ix],
            salience[ix],
            beta[ix],
            gamma[ix],
            members[ix],
            free[ix],
        )
        w, m = weight[ix], m_all[ix]
        yy, rr, ll = y[ix], r[ix], lam[ix]

        def slack_of(yy: FloatArray, rr: FloatArray) -> FloatArray:
            s_ = bt + gm * rr[:, None] - loss(yy, p, sal)  # noqa: B023
            return np.asarray(np.where(mem, s_, 1.0))  # noqa: B023

        def residual(yy: FloatArray, rr: FloatArray, ll: FloatArray, t: FloatArray) -> FloatArray:
            v = 2.0 * sal * (yy[:, None, :] - p)  # noqa: B023
            dual_y = np.where(fr, (ll[:, :, None] * v).sum(axis=1), 0.0)  # noqa: B023
            dual_r = 1.0 - (ll * gm).sum(axis=1)  # noqa: B023
            cent = np.where(mem, ll * slack_of(yy, rr) - 1.0 / t[:, None], 0.0)  # noqa: B023
            return np.asarray(
                np.sqrt((dual_y * dual_y).sum(axis=1) + dual_r * dual_r + (cent * cent).sum(axis=1))
            )

        s = slack_of(yy, rr)
        gap = (ll * s * w).sum(axis=1)
        v = 2.0 * sal * (yy[:, None, :] - p)
        dual_y = np.where(fr, (ll[:, :, None] * v).sum(axis=1), 0.0)
        dual_r = 1.0 - (ll * gm).sum(axis=1)
        dual = np.sqrt((dual_y * dual_y).sum(axis=1) + dual_r * dual_r)
        finished = (gap <= gap_tol * m) & (dual <= max(1e-13, 0.1 * gap_tol))
        t = 10.0 * m / np.where(gap > 0, gap, 1e-300)
        # Reduced Newton system in z = (y, r): grad f_i = (v_i, -gamma_i), hess = diag(2 s_i).
        rate = w * ll / s  # lam_i / s_i
        hess = np.zeros((ix.size, k + 1, k + 1))
        hess[:, :k, :k] = _outer(rate, v)
        hess[:, idx, idx] += (ll[:, :, None] * 2.0 * sal).sum(axis=1)
        cross = -((rate * gm)[:, :, None] * v).sum(axis=1)
        hess[:, :k, k] = cross
        hess[:, k, :k] = cross
        hess[:, k, k] = (rate * gm * gm).sum(axis=1)
        inv_ts = w / (t[:, None] * s)  # 1 / (t s_i)
        rhs = np.concatenate(
            [(inv_ts[:, :, None] * v).sum(axis=1), (1.0 - (inv_ts * gm).sum(axis=1))[:, None]],
            axis=1,
        )
        step = _newton_direction(rhs, hess, np.concatenate([fr, np.ones((ix.size, 1), bool)], 1))
        dy, dr = step[:, :k], step[:, k]
        dlam = rate * ((v * dy[:, None, :]).sum(axis=-1) - gm * dr[:, None]) - ll * w + inv_ts
        # The longest step keeping lam > 0, shortened until f < 0 and the residual falls.
        ratio = np.where(dlam < 0, -ll / np.where(dlam < 0, dlam, -1.0), np.inf)
        alpha = np.where(finished, 0.0, 0.99 * np.minimum(1.0, ratio.min(axis=1)))
        res0 = residual(yy, rr, ll, t)
        pending = ~finished
        accepted = np.zeros(ix.size, dtype=np.bool_)
        for _ in range(_MAX_HALVINGS):
            if not pending.any():
                break
            a = np.where(pending, alpha, 0.0)
            y1 = yy + a[:, None] * dy
            r1 = rr + a * dr
            l1 = ll + a[:, None] * dlam
            feas = np.all(slack_of(y1, r1) > 0, axis=1)
            good = pending & feas & (residual(y1, r1, l1, t) <= (1.0 - 0.01 * a) * res0)
            accepted = accepted | good
            pending = pending & ~good
            alpha = np.where(pending, alpha * _SHRINK, alpha)
        a = np.where(accepted, alpha, 0.0)
        y[ix] = yy + a[:, None] * dy
        r[ix] = rr + a * dr
        lam[ix] = np.where(mem, ll + a[:, None] * dlam, 0.0)
        iters[ix] += ~finished
        # No step that changes anything: double precision is exhausted.
        moved = a * np.maximum(np.abs(step).max(axis=1), np.abs(dlam * gm).max(axis=1))
        stalled = ~finished & (moved <= 1e-16)
        done[ix] = finished | stalled
        converged[ix] = finished | (stalled & (gap <= max(1e-11, gap_tol) * m) & (dual <= 1e-10))
    r = np.where(ok, level_of(y, beta, gamma, members, ideal, salience), 0.0)
    return y, r, lam * gamma * weight, iters, converged


def _polish(
    ideal: FloatArray,
    salience: FloatArray,
    beta: FloatArray,
    gamma: FloatArray,
    members: BoolArray,
    free: BoolArray,
    y: FloatArray,
    r: FloatArray,
    mult: FloatArray,
    rounds: int = 4,
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Refine an interior-point minimax solution to full precision (active-set Newton).

    Interior-point iterates stop some way short of the boundary, and near-degenerate problems
    (an actor almost, but not quite, binding) slow them down further. With the active set A
    guessed from the multipliers, the solution solves the square system

        sum_A mu_i grad h_i(y) = 0,   sum_A mu_i = 1,   h_i(y) = r  (i in A),

    which Newton's method solves to rounding error in a few steps (``mu_i`` are the normalised
    multipliers). The result is kept only if it is a KKT point: every ``mu_i >= 0``, every
    other member at or below r, within 1e-3 of the interior-point solution. Otherwise the
    active set is corrected (the most negative multiplier leaves, or the most violated actor
    joins) and the step repeated, ``rounds`` times at most; where all fail, the interior-point
    solution stands. The first guess at A: the members whose multiplier exceeds their slack
    ``r - h_i`` (they tend to 0 and infinity respectively along the central path).

    Returns
    -------
    y, r, mult (as given where the polish failed), exact : (D,) where it succeeded

    """
    todo: BoolArray = np.asarray(members.any(axis=1) & free.any(axis=1))
    exact = np.zeros_like(todo)
    slack = r[:, None] - (loss(y, ideal, salience) - beta) / gamma
    active = members & (mult > slack)
    y, r, mult = y.copy(), r.copy(), mult.copy()
    for _ in range(rounds):
        ix = np.flatnonzero(todo & active.any(axis=1))
        if ix.size == 0:
            break
        p, sal, bt, gm, mem, act = (
            ideal[ix],
            salience[ix],
            beta[ix],
            gamma[ix],
            members[ix],
            active[ix],
        )
        # Group draws by the size of their active set: the linear algebra is cubic in it.
        y1, r1, mu, res = y[ix].copy(), r[ix].copy(), mult[ix].copy(), np.zeros(ix.size)
        count = act.sum(axis=1)
        for c in np.unique(count):
            g = np.flatnonzero(count == c)
            sub = ix[g]
            y1[g], r1[g], mu[g], res[g] = _kkt_newton(
                p[g], sal[g], bt[g], gm[g], act[g], free[sub], y[sub], r[sub], mult[sub]
            )
        h = (loss(y1, p, sal) - bt) / gm
        viol = np.where(mem & ~act, h - r1[:, None], -np.inf)
        neg = np.where(act, mu, np.inf)
        good = (
            (res <= 1e-12)
            & (viol.max(axis=1) <= 1e-12)
            & (neg.min(axis=1) >= -1e-12)
            & (np.abs(y1 - y[ix]).max(axis=1) <= 1e-3)
        )
        keep = ix[good]
        y[keep], r[keep] = y1[good], r1[good]
        mult[keep] = np.where(act[good], np.maximum(mu[good], 0.0), 0.0)
        todo[keep] = False
        exact[keep] = True
        # Correct the active set of the others.
        rows = np.arange(ix.size)
        drop = neg.min(axis=1) < -1e-12
        add = ~drop & (viol.max(axis=1) > 1e-12)
        act = act.copy()
        act[rows[drop], neg.argmin(axis=1)[drop]] = False
        act[rows[add], viol.argmax(axis=1)[add]] = True
        active[ix] = act
    return y, r, mult, exact


def _kkt_newton(
    ideal: FloatArray,
    salience: FloatArray,
    beta: FloatArray,
    gamma: FloatArray,
    active: BoolArray,
    free: BoolArray,
    y: FloatArray,
    r: FloatArray,
    mult: FloatArray,
    steps: int = 6,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Run Newton's method on the KKT system of :func:`_polish` with a fixed active set.

    Only the active actors enter the linear algebra (they are moved to the front), so the
    systems have size K + 1 + max |A| (callers group draws by |A|). Pseudo-inverses keep
    degenerate systems (more active actors than needed, or free issues nobody active cares
    about) harmless.

    Returns
    -------
    y, r, mu (D, N) normalised multipliers (zero off the active set), residual norm (D,)

    """
    d, n, k = ideal.shape
    na = int(active.sum(axis=1).max())
    order = np.argsort(~active, axis=1, kind="stable")[:, :na]

    def take(a: FloatArray) -> FloatArray:
        if a.ndim == 3:
            return np.take_along_axis(a, order[:, :, None], axis=1)
        return np.take_along_axis(a, order, axis=1)

    p, sal, bt, gm = take(ideal), take(salience), take(beta), take(gamma)
    act = np.take_along_axis(active, order, axis=1)
    mu = np.where(act, take(mult), 0.0)
    y, r = y.copy(), r.copy()
    size = k + 1 + na
    idx = np.arange(k)
    jdx = k + 1 + np.arange(na)

    def equations(y: FloatArray, r: FloatArray, mu: FloatArray) -> tuple[FloatArray, FloatArray]:
        dev = y[:, None, :] - p
        grad_h = 2.0 * sal * dev / gm[:, :, None]  # (D, na, K)
        h = ((sal * dev * dev).sum(axis=-1) - bt) / gm
        f = np.concatenate(
            [
                np.where(free, (mu[:, :, None] * grad_h).sum(axis=1), 0.0),
                (1.0 - mu.sum(axis=1))[:, None],
                np.where(act, h - r[:, None], 0.0),
            ],
            axis=1,
        )
        return f, grad_h

    for _ in range(steps):
        f, grad_h = equations(y, r, mu)
        going = np.abs(f).max(axis=1) > 1e-15  # draws solved to rounding error stop here
        if not going.any():
            break
        jac = np.zeros((d, size, size))
        curv = (mu[:, :, None] * 2.0 * sal / gm[:, :, None]).sum(axis=1)
        jac[:, idx, idx] = np.where(free, curv, 1.0)
        g = np.where(act[:, :, None] & free[:, None, :], grad_h, 0.0)
        jac[:, :k, k + 1 :] = g.transpose(0, 2, 1)
        jac[:, k + 1 :, :k] = g
        jac[:, k, k + 1 :] = np.where(act, -1.0, 0.0)
        jac[:, k + 1 :, k] = np.where(act, -1.0, 0.0)
        jac[:, jdx, jdx] = np.where(act, 0.0, 1.0)
        delta = -(np.linalg.pinv(jac, rcond=1e-14) @ f[:, :, None])[:, :, 0]
        delta = np.where(going[:, None], delta, 0.0)
        y = y + np.where(free, delta[:, :k], 0.0)
        r = r + delta[:, k]
        mu = np.where(act, mu + delta[:, k + 1 :], 0.0)
    f, _ = equations(y, r, mu)
    out = np.zeros((d, n))
    np.put_along_axis(out, order, mu, axis=1)
    return y, r, out, np.sqrt((f * f).sum(axis=1))


# --------------------------------------------------------------------------- Nash
def nash_point(
    bargain: Bargain, start: FloatArray, solve: BoolArray, max_iter: int
) -> tuple[FloatArray, IntArray, BoolArray]:
    """Maximise ``sum_i c_i log g_i(y)`` over seated actors, from a strictly feasible start.

    ``g_i(y) = b_i - loss_i(y)`` is a concave quadratic, so the objective is strictly concave
    on the live issues and smooth where every g_i > 0. Newton's method with a backtracking
    (Armijo) line search that keeps every g_i > 0 converges to the unique maximiser,
    quadratically near it (Boyd & Vandenberghe 2004, sec. 9.5). Once the squared Newton
    decrement is below 1e-12 the objective changes by less than its rounding error, so full
    steps are taken without the Armijo test. A draw stops when its Newton step is below 1e-13
    in every coordinate, or below 1e-9 without having halved since the previous step (the
    rounding floor of an ill-conditioned problem). Draws with ``solve`` false return
    ``start`` unchanged. Each iteration works on the unfinished draws only.

    Returns
    -------
    y : (D, K), iterations : (D,), converged : (D,)

    """
    d, _, k = bargain.ideal.shape
    seated = bargain.seated & solve[:, None]
    top = np.where(seated, bargain.power, 0.0).max(axis=1, keepdims=True)
    weight_all = np.where(seated, bargain.power / np.where(top > 0, top, 1.0), 0.0)
    stake_all = np.where(seated, bargain.stake, 1.0)
    free_all = bargain.live & solve[:, None]
    y = np.where(free_all, start, bargain.fallback)
    iters = np.zeros(d, dtype=np.int64)
    done = ~solve
    converged = ~solve
    last = np.full(d, np.inf)
    idx = np.arange(k)
    for _ in range(max_iter):
        ix = np.flatnonzero(~done)
        if ix.size == 0:
            break
        p, sal, w, b, fr = (
            bargain.ideal[ix],
            bargain.salience[ix],
            weight_all[ix],
            stake_all[ix],
            free_all[ix],
        )
        yy = y[ix]

        def objective(yy: FloatArray) -> tuple[FloatArray, BoolArray]:
            g = b - loss(yy, p, sal)  # noqa: B023
            feas = np.all((g > 0) | (w == 0), axis=1)  # noqa: B023
            val = -(w * np.log(np.where(g > 0, g, 1.0))).sum(axis=1)  # noqa: B023
            return np.asarray(val), np.asarray(feas)

        gain = np.where(w > 0, b - loss(yy, p, sal), 1.0)
        v = 2.0 * sal * (yy[:, None, :] - p)
        inv = w / gain
        grad = (inv[:, :, None] * v).sum(axis=1)
        hess = _outer(inv / gain, v)
        hess[:, idx, idx] += (inv[:, :, None] * 2.0 * sal).sum(axis=1)
        step = _newton_direction(grad, hess, fr)
        dec = -(grad * step).sum(axis=1)  # squared Newton decrement: G - G* ~ dec / 2
        size = np.abs(step).max(axis=1)
        # Converged: a negligible step, or a small one that no longer shrinks (Newton steps
        # shrink quadratically until rounding error takes over, then they just jitter).
        small = (size <= 1e-13) | (dec <= 1e-28) | ((size <= 1e-9) & (size >= 0.5 * last[ix]))
        last[ix] = size
        f0, _ = objective(yy)
        full = (small | (dec <= 1e-12)) & objective(yy + step)[1]
        alpha = _backtrack(lambda a: objective(yy + a[:, None] * step), f0, -dec, ~(small | full))  # noqa: B023
        alpha = np.where(full, 1.0, alpha)
        y[ix] = yy + alpha[:, None] * step
        iters[ix] += 1
        done[ix] = small
        converged[ix] = small
    return y, iters, converged


def _backtrack(
    trial: Callable[[FloatArray], tuple[FloatArray, BoolArray]],
    f0: FloatArray,
    slope: FloatArray,
    active: BoolArray,
) -> FloatArray:
    """Return per-draw step sizes by backtracking (Armijo rule, feasibility required).

    ``trial(alpha)`` returns (values, feasible) at step sizes ``alpha``; ``slope`` is the
    directional derivative at 0 (negative). Draws not ``active`` get step 0, as do draws for
    which no step passes after ``_MAX_HALVINGS`` halvings.
    """
    alpha = np.where(active, 1.0, 0.0)
    pending = active.copy()
    accepted = np.zeros_like(active)
    for _ in range(_MAX_HALVINGS):
        if not pending.any():
            break
        val, feas = trial(np.where(pending, alpha, 0.0))
        good = pending & feas & (val <= f0 + _ARMIJO * alpha * slope)
        accepted = accepted | good
        pending = pending & ~good
        alpha = np.where(pending, alpha * _SHRINK, alpha)
    return np.asarray(np.where(accepted, alpha, 0.0))
