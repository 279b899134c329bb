"""Random draws of a scenario's uncertain inputs.

Each input is drawn inside its range ``[low, high]`` from its distribution:

- ``uniform``: every value equally likely;
- ``triangular``: density rising linearly from ``low`` to the point value (the mode) and
  falling to ``high``;
- ``pert``: beta-PERT with the point value as mode, i.e. ``low + (high - low) x Beta(a, b)``
  with ``a = 1 + 4 (mode - low) / (high - low)``, ``b = 1 + 4 (high - mode) / (high - low)``;
  its mean is ``(low + 4 mode + high) / 6``.

With a bloc correlation ``rho`` the same number (same kind, same issue) of the actors of one
bloc is drawn through a Gaussian copula: standard normal scores ``z_i = sqrt(rho) w + sqrt(1 -
rho) e_i`` share one factor ``w`` per bloc, so any two of them correlate with ``rho``; each
score is mapped to its input's distribution by the exact quantile function, so every input
keeps its own distribution. Everything else is drawn independently (PERT inputs outside a
correlated group with ``Generator.beta``, the same distribution as the quantile route and some
fifty times faster than the inverse incomplete beta function).

Reproducibility: :func:`draw_block_range` splits the draws into fixed blocks of
:data:`SAMPLE_BLOCK`; block b is drawn from ``SeedSequence(seed, spawn_key=(0, b))`` (the same as
``SeedSequence(seed).spawn(...)`` would give at that position, under a branch of its own), so
draw d has the same values however the draws are later cut into chunks or spread on workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from accord.analysis.inputs import Input
from accord.errors import AccordError

FloatArray = NDArray[np.float64]

SAMPLE_BLOCK = 250
"""Draws per sampling block; each block has its own seed (see the module docstring)."""
SAMPLING_BRANCH = 0
"""First spawn-key entry of the sampling blocks' seeds (other branches are free for models)."""


def check_correlation(rho: float) -> float:
    """Return ``rho`` as a float if 0 <= rho < 1, else raise :class:`AccordError`."""
    if not (math.isfinite(rho) and 0.0 <= rho < 1.0):
        raise AccordError(f"--bloc-correlation must lie in [0, 1), got {rho:g}")
    return float(rho)


def _columns(inputs: Sequence[Input]) -> tuple[FloatArray, FloatArray, FloatArray]:
    low = np.array([i.low for i in inputs], dtype=np.float64)
    high = np.array([i.high for i in inputs], dtype=np.float64)
    mode = np.array([i.point for i in inputs], dtype=np.float64)
    return low, high, mode


def pert_shape(inputs: Sequence[Input]) -> tuple[FloatArray, FloatArray]:
    """Return the beta shape parameters (a, b) of each input as a PERT (1, 1 for width 0)."""
    low, high, mode = _columns(inputs)
    width = np.where(high > low, high - low, 1.0)
    return 1.0 + 4.0 * (mode - low) / width, 1.0 + 4.0 * (high - mode) / width


def quantiles(inputs: Sequence[Input], u: FloatArray) -> FloatArray:
    """Map probabilities ``u`` (draws, inputs) in [0, 1] to values by each inverse CDF.

    Column k is transformed by input k's quantile function (uniform, triangular or PERT), so
    ``quantiles(inputs, rng.random((n, len(inputs))))`` is a sample, and unit-hypercube designs
    (Latin hypercube, Sobol) map onto the inputs' distributions. Values stay in [low, high].
    """
    p = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
    if p.ndim != 2 or p.shape[1] != len(inputs):
        raise ValueError(f"u must have shape (draws, {len(inputs)}), got {p.shape}")
    low, high, mode = _columns(inputs)
    width = high - low
    out = low + p * width
    tri = np.array([i.distribution == "triangular" for i in inputs], dtype=bool)
    if tri.any():
        lo, hi, mo, w, q = low[tri], high[tri], mode[tri], width[tri], p[:, tri]
        cut = np.divide(mo - lo, w, out=np.zeros_like(w), where=w > 0)
        rising = lo + np.sqrt(q * w * (mo - lo))
        falling = hi - np.sqrt((1.0 - q) * w * (hi - mo))
        out[:, tri] = np.where(q <= cut, rising, falling)
    pert = np.array([i.distribution == "pert" for i in inputs], dtype=bool)
    if pert.any():
        from scipy import special  # here, not at the top: the CLI starts faster without SciPy

        a, b = pert_shape([i for i, flag in zip(inputs, pert, strict=True) if flag])
        out[:, pert] = low[pert] + width[pert] * special.betaincinv(a, b, p[:, pert])
    return np.clip(out, low, high)


def correlation_groups(inputs: Sequence[Input]) -> NDArray[np.intp]:
    """Return each input's group (same kind, issue and bloc; two members or more), -1 if none."""
    keys = [(i.kind, i.issue, i.bloc) if i.bloc is not None else None for i in inputs]
    sizes: dict[tuple[str, str | None, str], int] = {}
    for key in keys:
        if key is not None:
            sizes[key] = sizes.get(key, 0) + 1
    number: dict[tuple[str, str | None, str], int] = {}
    out = np.full(len(inputs), -1, dtype=np.intp)
    for k, key in enumerate(keys):
        if key is not None and sizes[key] > 1:
            out[k] = number.setdefault(key, len(number))
    return out


def sample(
    inputs: Sequence[Input],
    draws: int,
    rng: np.random.Generator,
    bloc_correlation: float = 0.0,
) -> FloatArray:
    """Return ``draws`` random rows of values, shape (draws, len(inputs)).

    ``bloc_correlation`` (0 <= rho < 1) correlates the same number of the actors of one bloc
    (see the module docstring); 0 draws every input independently.
    """
    rho = check_correlation(bloc_correlation)
    if draws < 0:
        raise AccordError(f"the number of draws must be >= 0, got {draws}")
    u = rng.random((draws, len(inputs)))
    group = correlation_groups(inputs) if rho > 0 else np.full(len(inputs), -1, dtype=np.intp)
    tied = group >= 0
    if tied.any():
        from scipy import special

        shared = rng.standard_normal((draws, int(group.max()) + 1))
        own = rng.standard_normal((draws, int(tied.sum())))
        z = math.sqrt(rho) * shared[:, group[tied]] + math.sqrt(1.0 - rho) * own
        u[:, tied] = special.ndtr(z)
    free_pert = np.array([i.distribution == "pert" for i in inputs], dtype=bool) & ~tied
    out = np.empty((draws, len(inputs)))
    if not free_pert.all():
        exact = [i for i, flag in zip(inputs, free_pert, strict=True) if not flag]
        out[:, ~free_pert] = quantiles(exact, u[:, ~free_pert])
    if free_pert.any():
        chosen = [i for i, flag in zip(inputs, free_pert, strict=True) if flag]
        a, b = pert_shape(chosen)
        low, high, _ = _columns(chosen)
        beta = rng.beta(a, b, size=(draws, len(chosen)))
        out[:, free_pert] = np.clip(low + (high - low) * beta, low, high)
    return out


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """Return the seed sequence of sampling block ``block`` for a run seeded with ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(SAMPLING_BRANCH, block))


def draw_block_range(
    inputs: Sequence[Input],
    start: int,
    stop: int,
    seed: int,
    bloc_correlation: float = 0.0,
) -> FloatArray:
    """Return the values of draws ``start`` to ``stop - 1`` of a run seeded with ``seed``.

    The result depends only on the draw indices, never on how a run is cut into chunks:
    ``draw_block_range(..., 0, 10)`` equals the rows of ``draw_block_range(..., 0, 4)`` and
    ``draw_block_range(..., 4, 10)`` stacked.
    """
    if not 0 <= start <= stop:
        raise ValueError(f"bad draw range [{start}, {stop})")
    if seed < 0:
        raise AccordError(f"seed must be >= 0, got {seed}")
    first, last = start // SAMPLE_BLOCK, -(-stop // SAMPLE_BLOCK)
    parts = [
        sample(inputs, SAMPLE_BLOCK, np.random.default_rng(block_seed(seed, b)), bloc_correlation)
        for b in range(first, last)
    ]
    if not parts:
        return np.empty((0, len(inputs)))
    offset = first * SAMPLE_BLOCK
    return np.concatenate(parts)[start - offset : stop - offset]
