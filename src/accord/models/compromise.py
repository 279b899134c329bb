"""Achen's compromise model: the capability x salience weighted mean of positions.

Achen, C. H. (2006), "Institutional realism and bargaining models", in Thomson et al. (eds.),
*The European Union Decides*, Cambridge UP. The benchmark that structural bargaining models on
EU data find hard to beat.
"""

from __future__ import annotations

import numpy as np

from accord.models.base import IssueBatch, IssueOutput, PerIssueModel, static_output
from accord.models.registry import register
from accord.models.weights import effective_weight, weighted_mean


@register
class Compromise(PerIssueModel):
    """Forecast = sum(c s x) / sum(c s) per issue (capability alone if nobody cares)."""

    name = "compromise"
    summary = "Achen's compromise model: the capability x salience weighted mean of positions."
    reference = "Achen (2006), in Thomson et al., The European Union Decides, Cambridge UP."
    aggregation_consistent = True

    def _solve(self, batch: IssueBatch, rng: np.random.Generator) -> IssueOutput:
        w = effective_weight(batch.capability, batch.salience)
        mean = weighted_mean(batch.position, w)
        return static_output(batch, mean, mean=mean)
