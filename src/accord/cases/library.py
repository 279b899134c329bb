"""The case library: seed cases coded as scenarios, with designs and (separately) outcomes.

A case ``NAME`` is three files in the cases folder: ``NAME.yaml`` (the scenario),
``NAME.designs.yaml`` (process designs, optional) and ``NAME.outcome.yaml`` (what happened
next, optional). :func:`load` reads the first two only; the outcome is read solely by
:func:`load_outcome`, which the models never call.

The seed cases ship inside the package (``accord/cases/bundled/``, found with
:mod:`importlib.resources`, so they work from an installed wheel; in the repository ``cases/``
is a link to that folder). ``$ACCORD_CASES`` names another folder instead (a user's own
library).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from accord.cases.outcome import Outcome
from accord.cases.outcome import load_outcome as _read_outcome
from accord.errors import AccordError
from accord.process.design import DesignSet
from accord.process.files import load_designs
from accord.scenario.files import load as load_scenario
from accord.scenario.model import Scenario

ENV = "ACCORD_CASES"
SUFFIXES = (".designs.yaml", ".outcome.yaml")
BUNDLED = "bundled"
"""The folder of the seed cases inside the ``accord.cases`` package."""


def bundled_dir() -> Path:
    """Return the seed cases' folder inside the installed package (it may be missing)."""
    return Path(str(files("accord.cases") / BUNDLED))


def cases_dir() -> Path:
    """Return the cases folder: ``$ACCORD_CASES``, else the seed cases shipped with accord."""
    env = os.environ.get(ENV)
    if env:
        folder = Path(env)
        if not folder.is_dir():
            raise AccordError(
                f"the cases folder {folder} does not exist (set {ENV} to the folder that holds "
                "them)"
            )
        return folder
    folder = bundled_dir()
    if not folder.is_dir():
        raise AccordError(
            f"the cases folder {folder} shipped with accord is missing (reinstall accord, or set "
            f"{ENV} to a folder of cases)"
        )
    return folder


def names() -> list[str]:
    """Return the ids of every case in the folder, sorted."""
    return sorted(
        p.name.removesuffix(".yaml")
        for p in cases_dir().glob("*.yaml")
        if not p.name.endswith(SUFFIXES)
    )


def _path(name: str, suffix: str = ".yaml") -> Path:
    if name not in names():
        raise AccordError(f"unknown case '{name}'; cases: {', '.join(names())}")
    return cases_dir() / f"{name}{suffix}"


@dataclass(frozen=True)
class Case:
    """A seed case: its scenario and its designs (the outcome is not part of it)."""

    id: str
    scenario: Scenario
    designs: DesignSet | None

    @property
    def has_outcome(self) -> bool:
        """Return whether an outcome file exists (without reading it)."""
        return (cases_dir() / f"{self.id}.outcome.yaml").is_file()


def load(name: str) -> Case:
    """Load a case's scenario and designs (never its outcome)."""
    scenario = load_scenario(_path(name))
    designs_path = cases_dir() / f"{name}.designs.yaml"
    designs = load_designs(designs_path, scenario=scenario) if designs_path.is_file() else None
    return Case(name, scenario, designs)


def load_outcome(name: str, scenario: Scenario | None = None) -> Outcome:
    """Read what happened next in a case (checked against its scenario when given)."""
    path = _path(name, ".outcome.yaml")
    if not path.is_file():
        raise AccordError(f"case '{name}' has no outcome file ({path.name})")
    return _read_outcome(path, scenario)
