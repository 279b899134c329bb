"""Read design files (YAML) with the same located, one-line errors as scenarios."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from accord.errors import AccordError
from accord.process.design import DesignSet, check_against
from accord.scenario.files import read_text
from accord.scenario.io_yaml import parse_located
from accord.scenario.model import Scenario, ScenarioProblem
from accord.scenario.validate import _message, dotted


def loads_designs(
    text: str, source: str | Path | None = None, scenario: Scenario | None = None
) -> DesignSet:
    """Parse designs from YAML text; check them against ``scenario`` when given."""
    data, locate = parse_located(text, source)
    if isinstance(data, list):  # a bare list of designs
        data = {"designs": data}
    if not isinstance(data, dict):
        raise AccordError("expected a mapping with a 'designs' list", source=source, where="line 1")
    try:
        designs = DesignSet.model_validate(data)
        if scenario is not None:
            for k, design in enumerate(designs.designs):
                check_against(design, scenario, ("designs", k))
        return designs
    except ScenarioProblem as problem:
        loc, msg = problem.loc, problem.message
    except ValidationError as exc:
        loc, msg = _message(exc.errors()[0])
    where = f"{locate(loc)} ({dotted(loc)})" if loc else None
    raise AccordError(msg, source=source, where=where) from None


def load_designs(path: str | Path, scenario: Scenario | None = None) -> DesignSet:
    """Read a designs file; check it against ``scenario`` when given."""
    return loads_designs(read_text(path), source=path, scenario=scenario)
