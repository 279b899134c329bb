"""Small scenarios for the report tests: blocs, ranges and sources, quick to run."""

from __future__ import annotations

from typing import Any

import pytest

from accord.scenario import Scenario
from tests.factories import random_scenario


def scenario_with_ranges(seed: int = 3, n_actors: int = 5, n_issues: int = 2) -> Scenario:
    """Return a random scenario with blocs, ranges on every number and two sources."""
    base = random_scenario(seed, n_actors=n_actors, n_issues=n_issues, blocs=True)
    data: dict[str, Any] = base.model_dump(mode="json")
    for a in data["actors"]:
        a["name"] = f"Party {a['id'].upper()}"
        a["capability_range"] = [a["capability"] * 0.8, a["capability"] * 1.2]
        a["why"] = {"capability": f"clout of {a['id']}"}
    for s in data["stances"]:
        p = s["position"]
        s["position_range"] = [max(0.0, p - 8), min(100.0, p + 8)]
        s["source"] = "src-one"
    data["sources"] = [
        {"id": "src-one", "citation": "A Citation Of The First Source, 2015"},
        {"id": "src-two", "citation": "Another Citation, 2016", "url": "https://example.org/x"},
    ]
    data["title"] = "A small test negotiation"
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return scenario_with_ranges()
