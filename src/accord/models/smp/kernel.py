"""Compiled (Numba) versions of the SMP's O(N^3) steps, and when to use them.

The NumPy functions in :mod:`.challenge` and :mod:`.pce` are the reference; the kernels here
compute the same quantities in one fused pass with no temporaries:

- :func:`challenge_matrix` -- phi and Delta of E(i, i, i, j) for every ordered pair (what
  :func:`.challenge.all_challenges` returns). Per (draw, initiator) it runs over the third
  parties n in order and, for each n, over every target j (contiguous memory, vectorised by
  the compiler), accumulating S_i and S_j per target. (Draw, initiator) pairs are split across
  cores (``prange``).
- :func:`challenge_targets` -- the same, but only what a turn needs: each initiator's target,
  whether it has one, and phi and Delta of that challenge. It first bounds every target's
  gain without the third parties (see :func:`challenge_targets`) and skips the targets that
  cannot be chosen; the targets it evaluates get the same phi and Delta as the full matrix.
- :func:`coalition_matrix` -- the coalition strengths of a batch of elections
  (:func:`.pce.coalitions`), split across (row, option) pairs.

The distance, bargain and election kernels have no one-core build: compiled without
``parallel`` (:attr:`~accord.models.compiled.Kernel.serial`) they ran 3-7x slower per element
even on one thread, for a reason not pinned down (the challenge kernels run equally fast in both
builds), which costs more than waking the threads (measured once, with a throwaway script: one
draw of 17 actors 8 us parallel against 26 us serial, 50 draws 0.18 ms against 1.2 ms).

Dispatch (:func:`use_compiled`): a kernel runs when compiled kernels are on
(:func:`accord.models.compiled.enabled`, i.e. Numba is installed and ``ACCORD_NUMBA`` is not
0) and the scenario has at least :data:`KERNEL_MIN_ACTORS` actors. The choice depends on the
number of actors only -- never on the number of draws, the chunking of a Monte Carlo or a
design sweep, or what ran before in the process -- so a draw gives identical numbers alone, in
any batch, in any process. (The kernels agree with the NumPy path to 1e-15 in phi and Delta,
but over many turns such differences can tip a close choice, so the two paths are not mixed
for the same scenario.) See docs/models/smp.md, "Speed".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from accord.models import compiled
from accord.models.base import FloatArray
from accord.models.compiled import kernel, prange

IntArray = NDArray[np.intp]

RULES = ("binary", "prop_bin", "prop", "prop_cbc", "cubic", "asym_prosp")
"""Voting rules by kernel code (KTAB's order)."""

KERNEL_MIN_ACTORS = 16
"""Scenarios with at least this many actors run the compiled kernels. From about 16 actors the
kernels are faster per draw by 1.5x (Vienna, 17 actors) growing to 20x at 160 actors, and such
runs are mostly Monte Carlo batches (the bottom line's 200 draws and more), which repay the
one-off 0.4-0.8 s of importing Numba and loading the cached kernels; smaller scenarios (the
SOE cases, 13 actors: 1.2x) stay on NumPy and never import Numba."""

PARALLEL_WORK = 1 << 23
"""Work from which a call is split across cores: about 8 ms on one core. Below it, starting
the threads (and, on a busy machine, waiting for a core) costs more than it saves: on the
2-core development machine under load a batch of 160 three-option elections took 12 ms on two
threads and 0.3 ms on one, and 17,000 of them (2.6 million) 20 ms and 3.5 ms."""

TRIPLE_WORK = 8.0
"""Work units of one (initiator, target, third party) triple of a challenge kernel with third
parties, against ``PARALLEL_WORK``: a triple costs about 6 ns on one core, 5-8 times an
election's (voter, option, option) unit. Vienna's Monte Carlo (1,000 draws of 17 actors, 4.9
million triples per turn, ~28 ms on one core) ran on one core when triples counted as one unit;
on both it took 1.97 s instead of 2.08 s (best of 4; measured once, with a throwaway script)."""

BOUND_MIN_ACTORS = 48
"""From this many actors :func:`targets` bounds the gains to skip targets. With few actors
it skips few (7% of Vienna's 17) and copying the rest together costs more than it saves;
at 160-320 actors it skips 50-75% (1-D KTAB data, random scenarios) and halves the time."""

CHUNKS = 64
"""Parallel kernels split their tasks into at most this many chunks (each with its scratch)."""

_loaded = False
_force: bool | None = None
TINY_S = 1e-10
TINY_C = 1e-8
TARGET_MIN_GAIN = 1e-5
TARGET_TIE_TOL = 1e-12
BOUND_MARGIN = 1e-9
"""Slack on the gain bounds of :func:`challenge_targets`: a target is skipped only when its
gain is certainly (by more than rounding could explain) below the best one."""


def rule_code(rule: str) -> int:
    """Return the kernel code of a voting rule."""
    return RULES.index(rule)


def loaded() -> bool:
    """Return whether the SMP kernels have been loaded (compiled or read from the cache)."""
    return _loaded


def load() -> bool:
    """Load (compile, or read from Numba's cache) every SMP kernel; return whether it could."""
    global _loaded
    if _loaded:
        return True
    if not compiled.enabled():
        return False
    for k in KERNELS:
        k.compiled()
    _loaded = True
    return True


def force(value: bool | None) -> bool | None:
    """Make the kernels always (True) or never (False) run, or choose by size (None).

    Returns the previous setting. Kernels still need :func:`compiled.enabled`. For tests and
    benchmarks.
    """
    global _force
    old, _force = _force, value
    return old


def use_compiled(n_actors: int) -> bool:
    """Return whether a scenario of ``n_actors`` runs the compiled kernels (see the module doc)."""
    if not compiled.enabled():
        return False
    if _force is not None:
        return _force and load()
    return n_actors >= KERNEL_MIN_ACTORS and load()


def will_compile(n_actors: int) -> bool:
    """Return whether a run with this many actors would use the kernels (loads nothing)."""
    if not compiled.enabled() or _force is False:
        return False
    return _force is True or n_actors >= KERNEL_MIN_ACTORS


def prepare(n_actors: int) -> None:
    """Load the kernels before a run that will use them (no effect on the results)."""
    if will_compile(n_actors):
        load()


@kernel(error_model="numpy")
def _g(delta: float, rule: int) -> float:  # pragma: no cover - compiled
    """g(delta) of :func:`.pce.vote_term` (ASymProsp: its symmetric form, delta<0 ? d : 2d/3)."""
    if rule == 2:
        return delta
    if rule == 0:
        return min(max(delta / 1e-8, -1.0), 1.0)
    if rule == 1:
        return 0.8 * delta + 0.2 * min(max(delta / 1e-8, -1.0), 1.0)
    if rule == 3:
        return 0.5 * delta + 0.5 * (delta * delta * delta)
    if rule == 4:
        return delta * delta * delta
    if delta < 0.0:
        return delta
    return (2.0 / 3.0) * delta


@kernel(error_model="numpy")
def _beta(d: float, r: float) -> float:  # pragma: no cover - compiled
    """Risk-aware utility (:func:`.utility.beta`)."""
    if d <= 1.0:
        return (d * r + 1.0) * (1.0 - d)
    return (1.0 - d) * (1.0 + r)


@kernel(error_model="numpy")
def _span(
    src: FloatArray,
    sb: int,
    sn: int,
    r: float,
    w: float,
    u_ni: float,
    u_nn: float,
    work: FloatArray,
    j0: int,
    j1: int,
    rule: int,
    skip: int,
) -> None:  # pragma: no cover - compiled
    """Add third party n's votes over the targets j0 <= j < j1, src[sb, sn, j] = d_n(x_j).

    Target ``skip`` (the third party itself, or any value outside j0..j1 for none) gets
    votes times 0.0 -- adding 0.0 leaves its sums exactly as they were -- so that one loop
    without a break covers every target.

    ``work`` rows: 0 S_i0, 1 S_j0, 4 votes for i, 5 votes for j. The loop over contiguous
    targets is what the compiler vectorises: indices are unsigned (no negative-index
    wraparound) and nothing is sliced (a slice costs atomic reference counting); ``prop``, the
    default rule, has its own copy with g(delta) = delta written out.
    """
    b = np.uint64(sb)
    n = np.uint64(sn)
    sk = np.uint64(skip) if skip >= 0 else np.uint64(src.shape[2])
    if rule == 2:
        for jj in range(j1 - j0):
            j = np.uint64(j0 + jj)
            d = src[b, n, j]
            u_nj = (d * r + 1.0) * (1.0 - d) if d <= 1.0 else (1.0 - d) * (1.0 + r)
            v = w * (u_ni - u_nj)
            num = max(v, 0.0) + work[0, j]
            den = num + work[1, j] + max(-v, 0.0)
            p = num / den
            y = u_nj - u_nn
            vn = w * (((u_nn - u_ni) - y) * p + y)
            keep = 0.0 if j == sk else 1.0
            work[4, j] += max(vn, 0.0) * keep
            work[5, j] += max(-vn, 0.0) * keep
    else:
        for jj in range(j1 - j0):
            j = np.uint64(j0 + jj)
            u_nj = _beta(src[b, n, j], r)
            v = w * _g(u_ni - u_nj, rule)
            num = max(v, 0.0) + work[0, j]
            den = num + work[1, j] + max(-v, 0.0)
            p = num / den
            y = u_nj - u_nn
            gap = ((u_nn - u_ni) - y) * p + y
            vn = w * _g(gap, rule)
            keep = 0.0 if j == sk else 1.0
            work[4, j] += max(vn, 0.0) * keep
            work[5, j] += max(-vn, 0.0) * keep


@kernel(error_model="numpy")
def _third_parties(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    b: int,
    i: int,
    cols: IntArray,
    ncols: int,
    work: FloatArray,
    buf: FloatArray,
    rule: int,
) -> None:  # pragma: no cover - compiled
    """Add every third party's votes for i (work[4]) and for j (work[5]), targets cols[:ncols].

    ``cols`` holds the targets in ascending order and ``work`` their S_i0 (row 0) and S_j0
    (row 1) in that order. ``ncols == N`` means every target: the loops then read the
    distances in place; otherwise they are first copied into ``buf`` (1, 1, N). Third parties
    n run in order 0..N-1, n not in {i, j}, as the NumPy sum adds them.
    """
    n_act = dist.shape[1]
    for k in range(ncols):
        work[4, k] = 0.0
        work[5, k] = 0.0
    full = ncols == n_act
    nxt = 0  # the first evaluated target >= n
    for n in range(n_act):
        if n == i:
            continue
        r = r_h[b, i, n]
        w = omega[b, n]
        u_ni = _beta(dist[b, n, i], r)
        u_nn = _beta(dist[b, n, n], r)
        if full:  # every target but n itself
            _span(dist, b, n, r, w, u_ni, u_nn, work, 0, n_act, rule, n)
        else:  # the evaluated targets: copy their distances together, then the same loop
            while nxt < ncols and cols[nxt] < n:
                nxt += 1
            for k in range(ncols):
                buf[0, 0, k] = dist[b, n, cols[k]]
            skip = nxt if nxt < ncols and cols[nxt] == n else -1  # n among the targets
            _span(buf, 0, 0, r, w, u_ni, u_nn, work, 0, ncols, rule, skip)


@kernel(error_model="numpy")
def _principals(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    b: int,
    i: int,
    j: int,
    rule: int,
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    """Return (S_i0, S_j0, u_ii, u_ij) of E(i, i, i, j): the principals' votes."""
    r_ii = r_h[b, i, i]
    r_ij = r_h[b, i, j]
    u_ii = _beta(dist[b, i, i], r_ii)
    u_ij = _beta(dist[b, i, j], r_ii)
    u_ji = _beta(dist[b, j, i], r_ij)
    u_jj = _beta(dist[b, j, j], r_ij)
    a_i = omega[b, i] * _g(u_ii - u_ij, rule)
    a_j = omega[b, j] * _g(u_ji - u_jj, rule)
    s_i0 = TINY_S + max(a_i, 0.0) + max(a_j, 0.0)
    s_j0 = TINY_S + max(-a_i, 0.0) + max(-a_j, 0.0)
    return s_i0, s_j0, u_ii, u_ij


@kernel(error_model="numpy")
def _gain(phi: float, u_ki: float, u_kj: float, sigma_j: float) -> float:  # pragma: no cover
    """Delta of :func:`.challenge.expected_gain`, same operation order."""
    e_sq = u_ki + u_kj
    e_chlg = (1.0 - sigma_j) * 2.0 * u_ki + sigma_j * (phi * 2.0 * u_ki + (1.0 - phi) * 2.0 * u_kj)
    return e_chlg - e_sq


@kernel(error_model="numpy")
def _matrix_task(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: int,
    semi: bool,
    phi: FloatArray,
    gain: FloatArray,
    t: int,
    work: FloatArray,
    cols: IntArray,
    buf: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Fill phi[b, i, :] and gain[b, i, :] of E(i, i, i, j) for task t = b N + i.

    ``work`` (7, N), ``cols`` (N, 0..N-1) and ``buf`` (1, 1, N) are scratch space.
    """
    n_act = dist.shape[1]
    b = t // n_act
    i = t - b * n_act
    u_ii = 0.0
    for j in range(n_act):
        s_i0, s_j0, u_ii, u_ij = _principals(dist, r_h, omega, b, i, j, rule)
        work[0, j] = s_i0
        work[1, j] = s_j0
        work[2, j] = u_ij
        work[4, j] = 0.0
        work[5, j] = 0.0
    if semi:
        _third_parties(dist, r_h, omega, b, i, cols, n_act, work, buf, rule)
    for j in range(n_act):
        s_i = work[0, j] + work[4, j]
        s_j = work[1, j] + work[5, j]
        ph = s_i / (s_i + s_j)
        phi[b, i, j] = ph
        gain[b, i, j] = _gain(ph, u_ii, work[2, j], sigma[b, j])


@kernel(error_model="numpy")
def _target_task(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: int,
    semi: bool,
    bound: bool,
    target: IntArray,
    has: NDArray[np.bool_],
    phi_t: FloatArray,
    gain_t: FloatArray,
    evaluated: IntArray,
    t: int,
    work: FloatArray,
    cols: IntArray,
    buf: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Fill initiator i's target, flag, phi and Delta (task t = b N + i).

    The target is the one :func:`.challenge.choose_targets` chooses.

    Bounding (``bound``): Delta = (u_ii - u_ij)(1 - 2 sigma_j (1 - phi)) with 0 < phi < 1, so
    with delta = u_ii - u_ij every target's gain lies between delta (1 - 2 sigma_j) and
    delta, whatever the third parties do. A target whose upper bound is below the largest
    lower bound of the others, or below the 1e-5 a target must clear, by more than
    ``BOUND_MARGIN``, cannot be chosen and is not evaluated. Target 0 is always evaluated,
    since an initiator without a target reports the challenge of actor 0 (as the NumPy path
    does). ``evaluated[b, i]`` counts the targets evaluated. ``work`` (7, N), ``cols`` (N) and
    ``buf`` (1, 1, N) are scratch space.
    """
    n_act = dist.shape[1]
    b = t // n_act
    i = t - b * n_act
    u_ii = 0.0
    low = -np.inf
    for j in range(n_act):
        s_i0, s_j0, u_ii, u_ij = _principals(dist, r_h, omega, b, i, j, rule)
        work[0, j] = s_i0
        work[1, j] = s_j0
        work[2, j] = u_ij
        delta = u_ii - u_ij
        other = delta * (1.0 - 2.0 * sigma[b, j])
        work[3, j] = max(delta, other)
        if j != i:
            low = max(low, min(delta, other))
    cut = max(low, TARGET_MIN_GAIN) - BOUND_MARGIN
    ncols = 0
    for j in range(n_act):
        if j == 0 or not bound or (j != i and work[3, j] >= cut):
            cols[ncols] = j
            work[0, ncols] = work[0, j]
            work[1, ncols] = work[1, j]
            work[2, ncols] = work[2, j]
            work[4, ncols] = 0.0
            work[5, ncols] = 0.0
            ncols += 1
    evaluated[b, i] = ncols
    if semi:
        _third_parties(dist, r_h, omega, b, i, cols, ncols, work, buf, rule)
    best = -np.inf
    for k in range(ncols):
        j = cols[k]
        s_i = work[0, k] + work[4, k]
        s_j = work[1, k] + work[5, k]
        ph = s_i / (s_i + s_j)
        g = _gain(ph, u_ii, work[2, k], sigma[b, j])
        work[4, k] = ph  # reuse: phi and Delta of the k-th evaluated target
        work[5, k] = g
        if j != i and g > TARGET_MIN_GAIN and g > best:
            best = g
    pick = 0
    if best > -np.inf:
        for k in range(ncols):
            j = cols[k]
            if j != i and work[5, k] > TARGET_MIN_GAIN and work[5, k] >= best - TARGET_TIE_TOL:
                pick = k
                break
    target[b, i] = cols[pick]
    has[b, i] = best > -np.inf
    phi_t[b, i] = work[4, pick]
    gain_t[b, i] = work[5, pick]


@kernel(error_model="numpy")
def _coalition_task(
    weight: FloatArray, util: FloatArray, rule: int, out: FloatArray, t: int
) -> None:  # pragma: no cover - compiled
    """Fill out[r, a, :] = 1e-8 + sum_k max(vote(w_k, u_ka - u_kb), 0), task t = r M + a.

    As :func:`.pce.coalitions`: for ASymProsp the (2/3) discount falls on a > b; the diagonal
    is 1e-8.
    """
    _, nv, m = util.shape
    r = t // m
    a = t - r * m
    row = out[r, a]
    for c in range(m):
        row[c] = 0.0
    for k in range(nv):
        w = weight[r, k]
        u_a = util[r, k, a]
        if rule == 5:
            for c in range(a):
                row[c] += w * ((2.0 / 3.0) * max(u_a - util[r, k, c], 0.0))
            for c in range(a, m):
                row[c] += w * max(u_a - util[r, k, c], 0.0)
        elif rule == 2:
            for c in range(m):
                row[c] += w * max(u_a - util[r, k, c], 0.0)
        else:
            for c in range(m):
                row[c] += w * max(_g(u_a - util[r, k, c], rule), 0.0)
    for c in range(m):
        row[c] = TINY_C + row[c]
    row[a] = TINY_C


@kernel(parallel=True, error_model="numpy")
def challenge_matrix_par(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: int,
    semi: bool,
    phi: FloatArray,
    gain: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Fill phi and gain (B, N, N) of E(i, i, i, j), (draw, initiator) tasks across cores."""
    tasks = dist.shape[0] * dist.shape[1]
    chunks = min(tasks, CHUNKS)
    for c in prange(chunks):
        work = np.zeros((7, dist.shape[1]))
        cols = np.arange(dist.shape[1])
        buf = np.zeros((1, 1, dist.shape[1]))
        for t in range(c * tasks // chunks, (c + 1) * tasks // chunks):
            _matrix_task(dist, r_h, omega, sigma, rule, semi, phi, gain, t, work, cols, buf)


@kernel(parallel=True, error_model="numpy")
def challenge_targets_par(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: int,
    semi: bool,
    bound: bool,
    target: IntArray,
    has: NDArray[np.bool_],
    phi_t: FloatArray,
    gain_t: FloatArray,
    evaluated: IntArray,
) -> None:  # pragma: no cover - compiled
    """Fill every initiator's target, flag, phi and Delta, tasks across cores."""
    tasks = dist.shape[0] * dist.shape[1]
    chunks = min(tasks, CHUNKS)
    for c in prange(chunks):
        work = np.zeros((7, dist.shape[1]))
        cols = np.zeros(dist.shape[1], dtype=np.intp)
        buf = np.zeros((1, 1, dist.shape[1]))
        for t in range(c * tasks // chunks, (c + 1) * tasks // chunks):
            _target_task(
                dist,
                r_h,
                omega,
                sigma,
                rule,
                semi,
                bound,
                target,
                has,
                phi_t,
                gain_t,
                evaluated,
                t,
                work,
                cols,
                buf,
            )


@kernel(parallel=True, error_model="numpy")
def coalition_matrix_par(
    weight: FloatArray, util: FloatArray, rule: int, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill the coalition strengths (R, M, M), (election, option) tasks across cores."""
    for t in prange(util.shape[0] * util.shape[2]):
        _coalition_task(weight, util, rule, out, t)


@kernel(error_model="numpy", inline="always")
def _numpy_sum(v: FloatArray, n: int) -> float:  # pragma: no cover - compiled
    """Return v[0] + ... + v[n - 1] added in NumPy's order (its pairwise sum, n <= 128).

    Below 8 terms NumPy adds them one by one; up to 128 it keeps 8 running sums. Adding in the
    same order makes the compiled distances bit-identical to :func:`.utility.distance_to`.
    """
    if n < 8:
        res = 0.0
        for i in range(n):
            res += v[i]
        return res
    r0, r1, r2, r3 = v[0], v[1], v[2], v[3]
    r4, r5, r6, r7 = v[4], v[5], v[6], v[7]
    i = 8
    while i < n - n % 8:
        r0 += v[i]
        r1 += v[i + 1]
        r2 += v[i + 2]
        r3 += v[i + 3]
        r4 += v[i + 4]
        r5 += v[i + 5]
        r6 += v[i + 6]
        r7 += v[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += v[i]
        i += 1
    return res


@kernel(error_model="numpy", inline="always")
def _distance(
    x: FloatArray,
    s2: FloatArray,
    d: int,
    a: int,
    total: float,
    pts: FloatArray,
    p: int,
    buf: FloatArray,
) -> float:  # pragma: no cover - compiled
    """Return d_a(pts[d, p]) in draw d: :func:`.utility.distance_to`, same operations in order.

    ``total`` is the sum of actor a's weights s2[d, a] (NumPy's order); ``buf`` is scratch of
    length K.
    """
    k = x.shape[2]
    if k < 8:  # NumPy adds fewer than 8 terms one by one, from 0
        acc = 0.0
        for kk in range(k):
            diff = x[d, a, kk] - pts[d, p, kk]
            acc += s2[d, a, kk] * (diff * diff)
        return np.sqrt(acc / total)
    for kk in range(k):
        diff = x[d, a, kk] - pts[d, p, kk]
        buf[kk] = s2[d, a, kk] * (diff * diff)
    return np.sqrt(_numpy_sum(buf, k) / total)


@kernel(error_model="numpy", inline="always")
def _weight_total(s2: FloatArray, d: int, a: int, buf: FloatArray) -> float:  # pragma: no cover
    """Return the sum of s2[d, a, :] in NumPy's order."""
    k = s2.shape[2]
    for kk in range(k):
        buf[kk] = s2[d, a, kk]
    return _numpy_sum(buf, k)


@kernel(parallel=True, error_model="numpy")
def distance_matrix_par(x: FloatArray, s2: FloatArray, out: FloatArray) -> None:  # pragma: no cover
    """Fill out[b, i, j] = d_i(x_j) (:func:`.utility.distance_matrix`), (draw, actor) tasks."""
    b, n, k = x.shape
    tasks = b * n
    chunks = min(tasks, CHUNKS)
    for c in prange(chunks):
        buf = np.empty(k)
        for t in range(c * tasks // chunks, (c + 1) * tasks // chunks):
            d = t // n
            i = t % n
            total = _weight_total(s2, d, i, buf)
            for j in range(n):
                out[d, i, j] = _distance(x, s2, d, i, total, x, j, buf)


@kernel(parallel=True, error_model="numpy")
def bargain_values_par(
    x: FloatArray,
    s2: FloatArray,
    r: FloatArray,
    u_true: FloatArray,
    row: FloatArray,
    target: IntArray,
    p_init: FloatArray,
    p_rcvr: FloatArray,
    views: int,
    val: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Fill val[b, a, o] (o = i * views + v): :func:`.bargain.bargain_values`, fused.

    p_init and p_rcvr are the bargains' positions (B, N * views, K); ``row`` the sums of the
    true utilities (B, N). (Draw, actor) tasks across cores; the same operations in the same
    order as the NumPy code, so the values are bit-identical.
    """
    b, n, k = x.shape
    tasks = b * n
    chunks = min(tasks, CHUNKS)
    for c in prange(chunks):
        buf = np.empty(k)
        for t in range(c * tasks // chunks, (c + 1) * tasks // chunks):
            d = t // n
            a = t % n
            total = _weight_total(s2, d, a, buf)
            ra = r[d, a]
            ra_row = row[d, a]
            for i in range(n):  # no integer division per option
                base = (ra_row - u_true[d, a, i]) - u_true[d, a, target[d, i]]
                for v in range(views):
                    o = i * views + v
                    d_init = _distance(x, s2, d, a, total, p_init, o, buf)
                    d_rcvr = _distance(x, s2, d, a, total, p_rcvr, o, buf)
                    val[d, a, o] = ((base + _beta(d_init, ra)) + _beta(d_rcvr, ra)) / n


@kernel(error_model="numpy")
def _coalition_rows(
    weight: FloatArray, util: FloatArray, m: int, rule: int, c: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill c[:m, :m] with one election's coalition strengths (:func:`_coalition_task`'s sums).

    util (A, >= m): the voters' utilities of the m options; weight (A,): their weights.
    """
    nv = util.shape[0]
    for a in range(m):
        for col in range(m):
            c[a, col] = 0.0
        for k in range(nv):
            w = weight[k]
            u_a = util[k, a]
            if rule == 5:
                for col in range(a):
                    c[a, col] += w * ((2.0 / 3.0) * max(u_a - util[k, col], 0.0))
                for col in range(a, m):
                    c[a, col] += w * max(u_a - util[k, col], 0.0)
            elif rule == 2:
                for col in range(m):
                    c[a, col] += w * max(u_a - util[k, col], 0.0)
            else:
                for col in range(m):
                    c[a, col] += w * max(_g(u_a - util[k, col], rule), 0.0)
        for col in range(m):
            c[a, col] = TINY_C + c[a, col]
        c[a, a] = TINY_C


@kernel(error_model="numpy")
def _conditional_pce(
    c: FloatArray,
    m: int,
    power: float,
    binary: bool,
    v: FloatArray,
    prod: FloatArray,
    buf: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Fill prod[:m] with the conditional PCE from coalition strengths c[:m, :m].

    :func:`.pce.victory` and :func:`.pce._conditional`, same steps (products underflowed: in
    logs); v (>= m, >= m) and buf (>= m) are scratch.
    """
    for a in range(m):
        for col in range(m):
            ca = c[a, col]
            cb = c[col, a]
            if binary:
                t = (2.1 * (ca / (ca + cb)) - 1.0) / 0.1
                if ca >= 1.1 * cb:
                    fa, fb = 1.0, 1e-6
                elif cb >= 1.1 * ca:
                    fa, fb = 1e-6, 1.0
                else:
                    fa, fb = t, 1.0 - t
            elif power > 1.0:
                fa, fb = ca**power, cb**power
            else:
                fa, fb = ca, cb
            v[a, col] = fa / (fa + fb)
        v[a, a] = 0.5
    for a in range(m):
        acc = v[a, 0]
        for col in range(1, m):
            acc *= v[a, col]
        prod[a] = acc
    total = _numpy_sum(prod, m)
    if not (total > 0.0) or not np.isfinite(total):  # underflow: the same distribution in logs
        top = -np.inf
        for a in range(m):
            for col in range(m):
                buf[col] = np.log(max(v[a, col], 1e-300))
            prod[a] = _numpy_sum(buf, m)
            top = max(top, prod[a])
        for a in range(m):
            prod[a] = np.exp(prod[a] - top)
        total = _numpy_sum(prod, m)
    for a in range(m):
        prod[a] = prod[a] / total


@kernel(parallel=True, error_model="numpy")
def conditional_par(
    c: FloatArray, power: float, binary: bool, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill out (R, M) with the conditional PCE of coalition strengths c (R, M, M).

    Elections across cores.
    """
    r, m, _ = c.shape
    chunks = min(r, CHUNKS)
    for ch in prange(chunks):
        v = np.empty((m, m))
        prod = np.empty(m)
        buf = np.empty(m)
        for row in range(ch * r // chunks, (ch + 1) * r // chunks):
            _conditional_pce(c[row], m, power, binary, v, prod, buf)
            for a in range(m):
                out[row, a] = prod[a]


@kernel(parallel=True, error_model="numpy")
def option_elections_par(
    weight: FloatArray,
    sq_val: FloatArray,
    val: FloatArray,
    involved: IntArray,
    first: IntArray,
    count: IntArray,
    rule: int,
    power: float,
    binary: bool,
    pick_tol: float,
    pick: IntArray,
    prob: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Every actor's election among the status quo and the bargains it is involved in.

    Row t = b N + k (draw b, actor k) elects among the status quo (option 0) and the options
    involved[first[t] : first[t] + count[t]] (bargain values val[b, :, o]); every actor of
    draw b votes with weight[b]. Fills pick[t] (the first option within ``pick_tol`` of the
    most probable) and prob[t] (its probability), as :func:`.turn.take_turn` does with
    :func:`.pce.pce`. Rows across cores.
    """
    b, n, _ = val.shape
    tasks = b * n
    most = 1
    for t in range(tasks):
        most = max(most, count[t] + 1)
    chunks = min(tasks, CHUNKS)
    for ch in prange(chunks):
        util = np.empty((n, most))
        c = np.empty((most, most))
        v = np.empty((most, most))
        prod = np.empty(most)
        buf = np.empty(most)
        for t in range(ch * tasks // chunks, (ch + 1) * tasks // chunks):
            d = t // n
            m = count[t] + 1
            if m == 1:
                pick[t] = 0
                prob[t] = 1.0
                continue
            start = first[t]
            for a in range(n):
                util[a, 0] = sq_val[d, a]
                for j in range(m - 1):
                    util[a, j + 1] = val[d, a, involved[start + j]]
            _coalition_rows(weight[d], util, m, rule, c)
            _conditional_pce(c, m, power, binary, v, prod, buf)
            best = prod[0]
            for j in range(1, m):
                best = max(best, prod[j])
            chosen = 0
            while prod[chosen] < best - pick_tol:
                chosen += 1
            pick[t] = chosen
            prob[t] = prod[chosen]


@kernel(parallel=True, error_model="numpy")
def elections_par(
    weight: FloatArray, util: FloatArray, rule: int, power: float, binary: bool, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill out (R, M) with the conditional PCE of every election, elections across cores.

    The same sums in the same order as :func:`coalition_matrix_par` then
    :func:`conditional_par`, without the (R, M, M) coalition array.
    """
    r, _, m = util.shape
    chunks = min(r, CHUNKS)
    for ch in prange(chunks):
        c = np.empty((m, m))
        v = np.empty((m, m))
        prod = np.empty(m)
        buf = np.empty(m)
        for row in range(ch * r // chunks, (ch + 1) * r // chunks):
            _coalition_rows(weight[row], util[row], m, rule, c)
            _conditional_pce(c, m, power, binary, v, prod, buf)
            for a in range(m):
                out[row, a] = prod[a]


ROWS_PER_CORE = 8
"""With at least this many elections per core, :func:`elections` splits the elections across
cores (one pass each); with fewer, it splits each election's coalition sums across cores
instead (one big election: the risk-neutral election of a single draw). Both routes add the
same numbers in the same order, so the choice never changes a result (tested)."""


def elections(weight: FloatArray, util: FloatArray, rule: str, vp: str) -> FloatArray:
    """Return the conditional PCE (R, M) of a batch of elections (:func:`.pce.pce`)."""
    r, _, m = util.shape
    out = np.empty((r, m))
    power, binary = VP_POWER[vp], vp == "binary"
    if r >= ROWS_PER_CORE * compiled.threads():
        elections_par(_c(weight), _c(util), rule_code(rule), power, binary, out)
        return out
    c = coalitions(weight, util, rule)  # (election, option) tasks across cores
    conditional_par(c, power, binary, out)
    return out


VP_POWER = {"linear": 1.0, "square": 2.0, "quartic": 4.0, "octic": 8.0, "binary": 0.0}
"""The exponent of each victory-probability model (binary: its own formula)."""


def option_elections(
    weight: FloatArray,
    sq_val: FloatArray,
    val: FloatArray,
    involved: IntArray,
    first: IntArray,
    count: IntArray,
    rule: str,
    vp: str,
    pick_tol: float,
) -> tuple[IntArray, FloatArray]:
    """Return each (draw, actor)'s chosen option and its probability, (B N,) each."""
    rows = count.size
    pick = np.empty(rows, dtype=np.intp)
    prob = np.empty(rows)
    option_elections_par(
        _c(weight),
        _c(sq_val),
        _c(val),
        np.ascontiguousarray(involved, dtype=np.intp),
        np.ascontiguousarray(first, dtype=np.intp),
        np.ascontiguousarray(count, dtype=np.intp),
        rule_code(rule),
        VP_POWER[vp],
        vp == "binary",
        pick_tol,
        pick,
        prob,
    )
    return pick, prob


MAX_SUM_TERMS = 128
"""The compiled distances add a position's K terms in NumPy's order, written out up to 128
terms (NumPy splits longer sums recursively); with more issues the NumPy path runs."""


def use_compiled_distances(n_actors: int, n_issues: int) -> bool:
    """Return whether distances and bargain values run compiled.

    As :func:`use_compiled`, with at most :data:`MAX_SUM_TERMS` issues.
    """
    return n_issues <= MAX_SUM_TERMS and use_compiled(n_actors)


def distances(x: FloatArray, s2: FloatArray) -> FloatArray:
    """Return D (B, N, N) from :func:`distance_matrix_par`, bit-identical to the NumPy path."""
    b, n, _ = x.shape
    out = np.empty((b, n, n))
    distance_matrix_par(_c(x), _c(s2), out)  # always parallel: see the module doc
    return out


def bargain_values(
    x: FloatArray,
    s2: FloatArray,
    r: FloatArray,
    u_true: FloatArray,
    row: FloatArray,
    target: IntArray,
    b_init: FloatArray,
    b_rcvr: FloatArray,
) -> FloatArray:
    """Return the bargains' values (B, N, N * V) from :func:`bargain_values_par`."""
    b, n, views, k = b_init.shape
    val = np.empty((b, n, n * views))
    bargain_values_par(  # always parallel: see the module doc
        _c(x),
        _c(s2),
        _c(r),
        _c(u_true),
        _c(row),
        np.ascontiguousarray(target, dtype=np.intp),
        _c(b_init).reshape(b, n * views, k),
        _c(b_rcvr).reshape(b, n * views, k),
        views,
        val,
    )
    return val


def all_challenges(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: str,
    semi: bool,
) -> tuple[FloatArray, FloatArray]:
    """Return phi and Delta (B, N, N) from :func:`challenge_matrix`."""
    b, n, _ = dist.shape
    phi = np.empty((b, n, n))
    gain = np.empty((b, n, n))
    work = float(b) * n**3 * (TRIPLE_WORK if semi else 1.0)
    run = challenge_matrix_par if _parallel(work) else challenge_matrix_par.serial
    run(_c(dist), _c(r_h), _c(omega), _c(sigma), rule_code(rule), semi, phi, gain)
    return phi, gain


def targets(
    dist: FloatArray,
    r_h: FloatArray,
    omega: FloatArray,
    sigma: FloatArray,
    rule: str,
    semi: bool,
    bound: bool | None = None,
) -> tuple[IntArray, NDArray[np.bool_], FloatArray, FloatArray, IntArray]:
    """Return target, has, phi_t, gain_t (B, N) and the targets evaluated per initiator.

    ``bound`` (default: from ``BOUND_MIN_ACTORS`` actors) skips targets that cannot be chosen.
    """
    b, n, _ = dist.shape
    if bound is None:
        bound = n >= BOUND_MIN_ACTORS
    target = np.empty((b, n), dtype=np.intp)
    has = np.empty((b, n), dtype=np.bool_)
    phi_t = np.empty((b, n))
    gain_t = np.empty((b, n))
    evaluated = np.empty((b, n), dtype=np.intp)
    work = float(b) * n**3 * (TRIPLE_WORK if semi else 1.0)
    run = challenge_targets_par if _parallel(work) else challenge_targets_par.serial
    run(
        _c(dist),
        _c(r_h),
        _c(omega),
        _c(sigma),
        rule_code(rule),
        semi,
        bound,
        target,
        has,
        phi_t,
        gain_t,
        evaluated,
    )
    return target, has, phi_t, gain_t, evaluated


def coalitions(weight: FloatArray, util: FloatArray, rule: str) -> FloatArray:
    """Return the coalition strengths (R, M, M) from :func:`coalition_matrix`."""
    r, _, m = util.shape
    out = np.empty((r, m, m))
    run = (
        coalition_matrix_par
        if _parallel(float(r) * util.shape[1] * m * m)
        else coalition_matrix_par.serial
    )
    run(_c(weight), _c(util), rule_code(rule), out)
    return out


KERNELS = (
    *(
        variant
        for k in (challenge_matrix_par, challenge_targets_par, coalition_matrix_par)
        for variant in (k, k.serial)
    ),
    distance_matrix_par,  # no serial build: see the module doc
    bargain_values_par,
    option_elections_par,
    conditional_par,
    elections_par,
)


def warm_inputs() -> tuple[FloatArray, FloatArray, str]:
    """Return a tiny election (weights, utilities, rule) that makes every kernel load."""
    return np.ones((1, 2)), np.eye(2)[None], "prop"


def _parallel(work: float) -> bool:
    """Return whether a call of this much work is split across cores (``PARALLEL_WORK``)."""
    return work >= PARALLEL_WORK


def _c(a: FloatArray) -> FloatArray:
    """Return a C-contiguous, writeable float64 array (a view when it already is one).

    Writeable always: Numba compiles a separate version of a kernel for read-only arrays (a
    scenario's own arrays are read-only, Monte Carlo's drawn ones are not), and a version first
    needed in the middle of a run would be compiled there, which takes seconds.
    """
    out = np.ascontiguousarray(a, dtype=np.float64)
    return out if out.flags.writeable else out.copy()
