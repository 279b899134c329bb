"""Read design files (YAML) with the same located, one-line errors as scenarios."""

from __future__ import annotations

from pathlib import Path

from accord.errors import AccordError
from accord.process.design import DesignSet, check_against
from accord.scenario.files import read_text
from accord.scenario.io_yaml import parse_located
from accord.scenario.model import Scenario
from accord.scenario.validate import validate_located


def loads_designs(
    text: str, source: str | Path | None = None, scenario: Scenario | None = None
) -> DesignSet:
    """Parse designs from YAML text; check them against ``scenario`` when given."""
    data, locate = parse_located(text, source)
    if isinstance(data, list):  # a bare list of designs
        data = {"designs": data}
    if not isinstance(data, dict):
        raise AccordError("expected a mapping with a 'designs' list", source=source, where="line 1")
    if scenario is None:
        return validate_located(DesignSet, data, locate, source)
    fitted = scenario

    def fits(designs: DesignSet) -> None:
        for k, design in enumerate(designs.designs):
            check_against(design, fitted, ("designs", k))

    return validate_located(DesignSet, data, locate, source, fits)


def load_designs(path: str | Path, scenario: Scenario | None = None) -> DesignSet:
    """Read a designs file; check it against ``scenario`` when given."""
    return loads_designs(read_text(path), source=path, scenario=scenario)
