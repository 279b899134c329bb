"""The EC car-emissions case (Bueno de Mesquita 1994) built straight from its CSV file.

``data/ec_emissions_1994.csv`` has one row per EC member state: capability and salience in
[0, 1], position = years of lag before strict emission standards (4 to 10). The csv module
reads it here on purpose, so that the BDM replication test does not depend on the scenario
loaders.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

EC_CSV = Path(__file__).resolve().parents[2] / "data" / "ec_emissions_1994.csv"
ISSUE = "emissions"
SCALE = (4.0, 10.0)
"""Declared scale: the span of the coded positions (the source states no wider scale)."""


def ec_rows(path: Path = EC_CSV) -> list[dict[str, str]]:
    """Return the CSV rows as dicts (Actor, Capability, Position, Salience)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def ec_lists() -> tuple[list[str], list[float], list[float], list[float]]:
    """Return (names, capability, position, salience) as plain lists in file order."""
    rows = ec_rows()
    names = [r["Actor"] for r in rows]
    cap = [float(r["Capability"]) for r in rows]
    pos = [float(r["Position"]) for r in rows]
    sal = [float(r["Salience"]) for r in rows]
    return names, cap, pos, sal


def ec_scenario(scale: tuple[float, float] = SCALE) -> Scenario:
    """Return the case as a validated one-issue Scenario."""
    names, cap, pos, sal = ec_lists()
    ids = [n.lower() for n in names]
    return Scenario.model_validate(
        {
            "title": "EC car emission standards (Bueno de Mesquita 1994)",
            "actors": [
                {"id": i, "name": n, "capability": c}
                for i, n, c in zip(ids, names, cap, strict=True)
            ],
            "issues": [
                {
                    "id": ISSUE,
                    "name": "Years of lag before strict standards",
                    "scale": {"min": scale[0], "max": scale[1], "unit": "years"},
                }
            ],
            "stances": [
                {"actor": i, "issue": ISSUE, "position": p, "salience": s}
                for i, p, s in zip(ids, pos, sal, strict=True)
            ],
        }
    )


def ec_arrays(draws: int = 1, scale: tuple[float, float] = SCALE) -> ScenarioArrays:
    """Return the case as ScenarioArrays, tiled to ``draws`` identical draws."""
    names, cap, pos, sal = ec_lists()
    n = len(names)
    return ScenarioArrays(
        actor_ids=tuple(n.lower() for n in names),
        issue_ids=(ISSUE,),
        capability=np.tile(np.array(cap), (draws, 1)),
        position=np.tile(np.array(pos).reshape(1, n, 1), (draws, 1, 1)),
        salience=np.tile(np.array(sal).reshape(1, n, 1), (draws, 1, 1)),
        scale_min=np.array([scale[0]]),
        scale_max=np.array([scale[1]]),
        status_quo=np.array([np.nan]),
    )
