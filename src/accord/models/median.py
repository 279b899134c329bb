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


def condorcet_check(position: FloatArray, weight: FloatArray, candidate: FloatArray) -> FloatArray:
    """Return ``candidate`` where it beats every other actor position pairwise, else NaN.

    Each actor votes with its weight for whichever of two positions is nearer to its own.
    Cost is O(batch x actors^2): the candidate is checked against every distinct position.
    """
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
