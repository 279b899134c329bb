"""Compare designs side by side: one tidy table of outcome measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from accord.models.base import Model
from accord.process.design import BASELINE, Design
from accord.process.measures import Measures, measure
from accord.process.runner import DesignRun, reentry_forecast, run_design
from accord.scenario.model import Scenario

OVERALL = "all"


@dataclass(frozen=True, eq=False)
class Comparison:
    """Runs and measures of several designs on one scenario with one model.

    With several draws (Monte Carlo inputs) the table reports means over draws.
    """

    scenario: Scenario
    model: Model
    tolerance: float
    runs: tuple[DesignRun, ...]
    measures: tuple[Measures, ...]

    def table(self) -> pd.DataFrame:
        """Return one row per design and issue, plus an overall row per design (issue 'all')."""
        rows: list[dict[str, Any]] = []
        cap = self.runs[0].initial.capability
        for run, m in zip(self.runs, self.measures, strict=True):
            weights = cap / cap.sum(axis=1, keepdims=True)
            for k, issue in enumerate(self.scenario.issue_ids):
                rows.append(
                    {
                        "design": run.design.id,
                        "design_name": run.design.name,
                        "issue": issue,
                        "forecast": float(m.forecast[:, k].mean()),
                        "rounds": float(m.rounds[:, k].mean()),
                        "breadth": float(m.breadth[:, k].mean()),
                        "spoiler_risk": float(m.spoiler_risk[:, k].mean()),
                        "stability_shift": float(m.stability_shift[:, k].mean()),
                        "stable": bool(m.stable.all()),
                        "mean_utility": float((weights * m.utility[:, :, k]).sum(axis=1).mean()),
                    }
                )
            rows.append(
                {
                    "design": run.design.id,
                    "design_name": run.design.name,
                    "issue": OVERALL,
                    "forecast": np.nan,
                    "rounds": float(m.rounds.max(axis=1).mean()),
                    "breadth": float(m.breadth_overall.mean()),
                    "spoiler_risk": float(m.spoiler_risk_overall.mean()),
                    "stability_shift": float(m.stability_shift.max(axis=1).mean()),
                    "stable": bool(m.stable.all()),
                    "mean_utility": float((weights * m.utility_overall).sum(axis=1).mean()),
                }
            )
        return pd.DataFrame(rows)

    def utilities(self) -> pd.DataFrame:
        """Return each actor's utility from each design's outcome, per issue and overall."""
        rows = []
        for run, m in zip(self.runs, self.measures, strict=True):
            for a, actor in enumerate(self.scenario.actor_ids):
                for k, issue in enumerate(self.scenario.issue_ids):
                    rows.append(
                        {
                            "design": run.design.id,
                            "actor": actor,
                            "issue": issue,
                            "utility": float(m.utility[:, a, k].mean()),
                        }
                    )
                rows.append(
                    {
                        "design": run.design.id,
                        "actor": actor,
                        "issue": OVERALL,
                        "utility": float(m.utility_overall[:, a].mean()),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record (tables as lists of rows)."""
        table = self.table().replace({np.nan: None})
        return {
            "scenario": {"title": self.scenario.title, "hash": self.scenario.content_hash()},
            "model": self.model.name,
            "params": self.model.params.model_dump(mode="json"),
            "tolerance": self.tolerance,
            "designs": [
                {
                    "id": r.design.id,
                    "name": r.design.name,
                    "source": r.design.source,
                    "excluded": list(r.excluded),
                }
                for r in self.runs
            ],
            "table": table.to_dict(orient="records"),
            "utilities": self.utilities().to_dict(orient="records"),
        }


def compare(
    scenario: Scenario,
    designs: Sequence[Design],
    model: Model,
    tolerance: float = 0.1,
    seed: int = 0,
    baseline: bool = True,
) -> Comparison:
    """Run every design (the baseline first, unless ``baseline=False``) and measure them."""
    chosen = ([BASELINE] if baseline else []) + list(designs)
    runs = tuple(run_design(scenario, d, model, seed) for d in chosen)
    measures = tuple(
        measure(r, reentry_forecast(r, model, seed), tolerance=tolerance) for r in runs
    )
    return Comparison(scenario, model, tolerance, runs, measures)
