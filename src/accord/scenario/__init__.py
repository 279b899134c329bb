"""Scenarios: the data model, its arrays, and loaders/savers for YAML and CSV layouts."""

from accord.scenario.arrays import ScenarioArrays
from accord.scenario.files import dumps, load, loads, save
from accord.scenario.model import (
    Actor,
    Anchor,
    Issue,
    Range,
    Scale,
    Scenario,
    ScenarioProblem,
    Source,
    Stance,
)

__all__ = [
    "Actor",
    "Anchor",
    "Issue",
    "Range",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "ScenarioProblem",
    "Source",
    "Stance",
    "dumps",
    "load",
    "loads",
    "save",
]
