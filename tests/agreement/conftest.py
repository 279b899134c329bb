"""Small scenarios for the agreement tests, written out so that each number can be checked."""

from __future__ import annotations

from typing import Any

from accord.scenario import Scenario


def scenario(
    actors: dict[str, float],
    issues: dict[str, dict[str, Any]],
    stances: dict[str, dict[str, dict[str, Any]]],
) -> Scenario:
    """Return a scenario: actors {id: capability}, issues {id: fields}, stances[issue][actor]."""
    return Scenario.model_validate(
        {
            "title": "test",
            "actors": [{"id": a, "capability": c} for a, c in actors.items()],
            "issues": [{"id": i, **fields} for i, fields in issues.items()],
            "stances": [
                {"actor": a, "issue": i, **st} for i, by in stances.items() for a, st in by.items()
            ],
        }
    )
