"""Random but valid scenarios for tests."""

from __future__ import annotations

import numpy as np

from accord.scenario import Scenario


def random_scenario(
    seed: int,
    n_actors: int = 6,
    n_issues: int = 2,
    scale: tuple[float, float] = (0.0, 100.0),
    status_quo: bool = True,
    blocs: bool = False,
) -> Scenario:
    """Return a scenario with continuous random values (no exact ties)."""
    rng = np.random.default_rng(seed)
    lo, hi = scale
    actors = [
        {
            "id": f"a{i}",
            "name": f"Actor {i}",
            "capability": float(rng.uniform(1, 100)),
            **({"bloc": f"b{i % 2}"} if blocs else {}),
        }
        for i in range(n_actors)
    ]
    issues = [
        {
            "id": f"i{k}",
            "name": f"Issue {k}",
            "scale": {"min": lo, "max": hi},
            "anchors": {lo: "low end", hi: "high end"},
            **({"status_quo": float(rng.uniform(lo, hi))} if status_quo else {}),
        }
        for k in range(n_issues)
    ]
    stances = [
        {
            "actor": a["id"],
            "issue": i["id"],
            "position": float(rng.uniform(lo, hi)),
            "salience": float(rng.uniform(0.05, 1.0)),
        }
        for i in issues
        for a in actors
    ]
    return Scenario.model_validate(
        {"title": f"random {seed}", "actors": actors, "issues": issues, "stances": stances}
    )
