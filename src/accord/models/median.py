"""The weighted median voter: the position the capability x salience weighted vote prefers.

Black (1948) for the median voter theorem; as a forecasting model of EU decisions in
Thomson et al. (2006), *The European Union Decides*. In one dimension the weighted median
of the actors' positions is the Condorcet winner among them whenever one exists; the model
checks this and reports the Condorcet winner (NaN when there is none) in its diagnostics.

An even split (exactly half the weight at or below a position) has no Condorcet winner: the
lower and upper medians tie with each other. The forecast is then their midpoint (so that it
does not depend on which end of the scale is 0), ``condorcet`` is NaN, and the diagnostics
``lower`` and ``upper`` give the two medians (equal without an even split).
"""

from __future__ import annotations

import numpy as np

from accord.models.base import FloatArray, IssueBatch, IssueOutput, PerIssueModel, static_output
from accord.models.registry import register
from accord.models.weights import effective_weight, weighted_mean, weighted_median_bounds

CONDORCET_BLOCK = 1 << 20
"""Row x actor x actor entries of one block of the Condorcet check (8 MB per temporary)."""


def condorcet_check(position: FloatArray, weight: FloatArray, candidate: FloatArray) -> FloatArray:
    """Return ``candidate`` where it beats every other actor position pairwise, else NaN.

    Each actor votes with its weight for whichever of two positions is nearer to its own.
    Cost is O(batch x actors^2) time: the candidate is checked against every distinct position,
    in blocks of rows of at most ``CONDORCET_BLOCK`` (row x actor x actor) entries, so that
    memory stays bounded (1,000 draws x 3 issues x 200 actors once took 2.8 GB at once).
    """
    rows = position.shape[0]
    n = position.shape[1] if position.ndim == 2 else 1
    step = max(1, CONDORCET_BLOCK // max(1, n * n))
    if rows > step:
        return np.concatenate(
            [
                _condorcet_block(
                    position[a : a + step], weight[a : a + step], candidate[a : a + step]
                )
                for a in range(0, rows, step)
            ]
        )
    return _condorcet_block(position, weight, candidate)


def _condorcet_block(position: FloatArray, weight: FloatArray, candidate: FloatArray) -> FloatArray:
    d_cand = np.abs(position - candidate[:, None])  # (B, voters)
    # margin[b, j] = sum_k w_k sign(|x_k - x_j| - |x_k - m|), positive when m beats x_j
    d_other = np.abs(position[:, None, :] - position[:, :, None])  # (B, candidates j, voters k)
    margin = (weight[:, None, :] * np.sign(d_other - d_cand[:, None, :])).sum(axis=-1)
    same = np.isclose(position, candidate[:, None], rtol=0, atol=1e-12)
    wins = np.where(same, True, margin > 1e-12 * weight.sum(axis=-1, keepdims=True))
    return np.where(wins.all(axis=-1), candidate, np.nan)


@register
class Median(PerIssueModel):
    """Forecast = the capability x salience weighted median of positions (even split: midpoint)."""

    name = "median"
    summary = "Weighted median voter: the position a capability x salience weighted vote prefers."
    reference = "Black (1948), J. Political Economy 56; Thomson et al. (2006), CUP."
    positional_diagnostics = frozenset({"lower", "upper", "condorcet"})
    ops_per_second = 6e8

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the cost: a sort per problem and, up to 400 actors, the Condorcet check.

        Operations D K (20 N + 5 N^2) (the N^2 term only for N <= 400), at 6e8 per second
        (1,000 draws x 3 issues x 200 actors: 1.1 s measured). Memory: 48 D N K bytes of
        inputs and result, plus the check's blocks of at most 2^20 entries (4 arrays of 8 MB).
        """
        check = 5.0 * n * n if n <= 400 else 0.0
        block = 32.0 * min(d * k * n * n, CONDORCET_BLOCK) if n <= 400 else 0.0
        ops = d * k * (20.0 * n + check)
        return ops, 48.0 * d * n * k + block, "D K (20 N + 5 N^2) operations (N^2: N <= 400)"

    def _solve(self, batch: IssueBatch, rng: np.random.Generator) -> IssueOutput:
        w = effective_weight(batch.capability, batch.salience)
        lower, upper = weighted_median_bounds(batch.position, w)
        med = 0.5 * (lower + upper)  # exactly L when L = U
        out = static_output(batch, med, median=med, mean=weighted_mean(batch.position, w))
        diagnostics = {"lower": lower, "upper": upper}
        if batch.position.shape[1] <= 400:
            # NaN with an even split: the midpoint then only ties with the two medians
            diagnostics["condorcet"] = condorcet_check(batch.position, w, med)
        return IssueOutput(**{**out.__dict__, "diagnostics": diagnostics})
