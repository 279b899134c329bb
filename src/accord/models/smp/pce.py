"""Votes, victory probabilities and the probabilistic Condorcet election (PCE), spec §3.

``pce`` is batched: row r is one election among M options with N voters. Every vote rule is
``w * g(delta)`` with w >= 0, so a coalition strength is the weight vector times the clipped
vote terms, which NumPy computes as one matrix product per row.
"""

from __future__ import annotations

import numpy as np

from accord.models.base import FloatArray
from accord.models.smp import kernel
from accord.models.smp.params import PCEModel, VotingRule, VPModel

TINY_C = 1e-8
"""Added to every coalition strength (and the diagonal), as KTAB does."""
MARKOV_UNIFORM_TOL = 1e-6
MARKOV_INCENTIVE_TOL = 1e-8
MAX_MARKOV_ITERATIONS = 100_000
BLOCK_ELEMENTS = 1 << 17
"""Largest temporary (in float64 elements) a vectorised step builds at once."""


def vote_term(delta: FloatArray, rule: VotingRule) -> FloatArray:
    """Return g(delta) with vote(w, delta) = w * g(delta), for every rule but ASymProsp.

    ASymProsp's g depends on which option comes first; see :func:`coalitions`.
    """
    if rule == "prop":
        return delta
    if rule == "binary":
        return np.clip(delta / 1e-8, -1.0, 1.0)
    if rule == "prop_bin":
        return 0.8 * delta + 0.2 * np.clip(delta / 1e-8, -1.0, 1.0)
    if rule == "prop_cbc":
        return 0.5 * delta + 0.5 * (delta * delta * delta)
    if rule == "cubic":
        return delta * delta * delta
    if rule == "asym_prosp":
        return np.where(delta < 0.0, delta, (2.0 / 3.0) * delta)
    raise ValueError(f"unknown voting rule {rule!r}")


def vote(weight: FloatArray, delta: FloatArray, rule: VotingRule) -> FloatArray:
    """Return the vote of actors with ``weight`` over utility differences ``delta``."""
    return weight * vote_term(delta, rule)


def coalitions(weight: FloatArray, util: FloatArray, rule: VotingRule) -> FloatArray:
    """Return the coalition strengths C[r, a, b], (R, M, M), for weights (R, N), utils (R, N, M).

    KTAB evaluates only pairs a > b: the positive votes over u_a - u_b go to C_ab, the negative
    ones to C_ba. For symmetric rules this equals summing max(vote(w, u_a - u_b), 0) over voters
    for every ordered pair; for ASymProsp the (2/3) discount falls on the higher-index option.
    The compiled :func:`.kernel.coalitions` runs instead when :func:`.kernel.use_compiled`
    says so (same sums, to rounding).
    """
    r, n, m = util.shape
    if kernel.use_compiled(n):
        return kernel.coalitions(weight, util, rule)
    total = np.zeros((r, m * m))
    upper = None
    if rule == "asym_prosp":
        idx = np.arange(m)
        upper = (idx[:, None] > idx[None, :]).reshape(-1)
    per_row = n * m * m
    row_step = max(1, BLOCK_ELEMENTS // per_row)
    voter_step = n if per_row <= BLOCK_ELEMENTS else max(1, BLOCK_ELEMENTS // (m * m))
    for r0 in range(0, r, row_step):
        rows = slice(r0, r0 + row_step)
        for k0 in range(0, n, voter_step):
            voters = slice(k0, k0 + voter_step)
            u = util[rows, voters, :]
            delta = u[:, :, :, None] - u[:, :, None, :]
            if upper is not None:
                # a > b: vote (2/3) w delta when delta > 0; a < b: the reflected vote w delta.
                g = np.maximum(delta, 0.0).reshape(u.shape[0], -1, m * m)
                g = np.where(upper, (2.0 / 3.0) * g, g)
            else:
                g = np.maximum(vote_term(delta, rule), 0.0).reshape(u.shape[0], -1, m * m)
            total[rows] += np.matmul(weight[rows, None, voters], g)[:, 0, :]
    c = TINY_C + total.reshape(r, m, m)
    diag = np.arange(m)
    c[:, diag, diag] = TINY_C
    return c


def victory(c: FloatArray, vp: VPModel) -> FloatArray:
    """Return V[r, a, b], the probability that option a beats b, from coalition strengths."""
    ct = np.swapaxes(c, -1, -2)
    if vp == "binary":
        ratio = c / (c + ct)
        t = (2.1 * ratio - 1.0) / 0.1
        fa = np.where(c >= 1.1 * ct, 1.0, np.where(ct >= 1.1 * c, 1e-6, t))
        fb = np.where(c >= 1.1 * ct, 1e-6, np.where(ct >= 1.1 * c, 1.0, 1.0 - t))
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[vp]
        fa = c**power if power > 1 else c
        fb = ct**power if power > 1 else ct
    v = fa / (fa + fb)
    m = c.shape[-1]
    diag = np.arange(m)
    v[:, diag, diag] = 0.5
    return v


def _conditional(v: FloatArray) -> FloatArray:
    prod = np.prod(v, axis=-1)
    total = prod.sum(axis=-1, keepdims=True)
    bad = ~(total[:, 0] > 0.0) | ~np.isfinite(total[:, 0])
    if np.any(bad):  # products underflowed: the same distribution, computed in logs
        logp = np.log(np.maximum(v[bad], 1e-300)).sum(axis=-1)
        logp -= logp.max(axis=-1, keepdims=True)
        prod[bad] = np.exp(logp)
        total = prod.sum(axis=-1, keepdims=True)
    return prod / total


def _markov(v: FloatArray, c: FloatArray, model: PCEModel) -> FloatArray:
    r, m, _ = v.shape
    p = np.full((r, m), 1.0 / m)
    if model == "markov_incentive":
        n = c * v
        diag = np.arange(m)
        n[:, diag, diag] += 1e-10
        q_mat = n / n.sum(axis=1, keepdims=True)  # Q_ab = n_ab / sum_l n_lb
        tol = MARKOV_INCENTIVE_TOL
    else:
        q_mat = np.empty((0, m, m))
        tol = MARKOV_UNIFORM_TOL
    active = np.arange(r)
    for _ in range(MAX_MARKOV_ITERATIONS):
        if active.size == 0:
            break
        pa = p[active]
        va = v[active]
        if model == "markov_incentive":
            qa = q_mat[active]
            t = pa[:, :, None] * np.swapaxes(qa, -1, -2)  # t_ab = p_a Q_ba
            q = (va * (t + np.swapaxes(t, -1, -2))).sum(axis=-1)
        else:
            q = (va * (pa[:, :, None] + pa[:, None, :])).sum(axis=-1) / m
        delta = np.abs(q - pa).max(axis=-1)
        p[active] = (pa + q) / 2.0
        active = active[delta > tol]
    return p


def pce(
    weight: FloatArray,
    util: FloatArray,
    rule: VotingRule,
    vp: VPModel,
    model: PCEModel,
) -> FloatArray:
    """Return outcome probabilities (R, M) of M options for N voters, batched over rows R.

    Parameters
    ----------
    weight : ndarray
        (R, N) voting weights (>= 0).
    util : ndarray
        (R, N, M) each voter's utility of each option.
    rule : str
        The vote rule.
    vp : str
        The victory-probability model.
    model : str
        The PCE model.

    """
    r, n, m = util.shape
    if m == 1:
        return np.ones((r, 1))
    if model == "conditional" and kernel.use_compiled(n):
        return kernel.elections(weight, util, rule, vp)  # the same steps, compiled
    c = coalitions(weight, util, rule)
    v = victory(c, vp)
    if model == "conditional":
        return _conditional(v)
    return _markov(v, c, model)
