"""Build a :class:`Scenario` from raw data and turn any failure into one located error.

Every loader (YAML, CSV, KTAB ...) produces a :class:`RawScenario`: the canonical raw mapping
that ``Scenario.model_validate`` accepts, plus a ``locate`` function that maps a path inside that
mapping (``("stances", 3, "salience")``) to where it came from in the file (``"line 42"``,
``"row 4, column Salience"``). :func:`build` validates and, on failure, raises one
:class:`~accord.errors.AccordError` naming the file, the place and the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from accord.errors import AccordError
from accord.scenario.model import Loc, Scenario, ScenarioProblem

Locator = Callable[[Loc], str | None]


def _no_location(loc: Loc) -> str | None:
    return None


@dataclass
class RawScenario:
    """Canonical raw scenario data and a way to point back into the file it came from."""

    data: dict[str, Any]
    locate: Locator = field(default=_no_location)


def dotted(loc: Loc) -> str:
    """Return a readable path: ``stances[3].salience``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(loc: Loc, data: dict[str, Any]) -> str:
    """Return the path with the ids of list items, e.g. ``stances[3] (usa on assad).salience``."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            item = node[part] if isinstance(node, list | tuple) and part < len(node) else None
            if isinstance(item, dict):
                if "actor" in item and "issue" in item:
                    out += f" ({item.get('actor')} on {item.get('issue')})"
                elif "id" in item:
                    out += f" ({item.get('id')})"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _message(err: Any) -> tuple[Loc, str]:
    """Return the (path, message) of one pydantic error, unwrapping :class:`ScenarioProblem`."""
    loc: Loc = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
    )
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, ScenarioProblem):
        return loc + ctx_error.loc, ctx_error.message
    msg = str(err["msg"]).removeprefix("Value error, ")
    kind = err.get("type", "")
    value = err.get("input")
    if kind == "missing":
        msg = "required field is missing"
    elif kind == "extra_forbidden":
        msg = f"unknown field '{loc[-1]}'" if loc else "unknown field"
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        msg = f"expected a number, got {value!r}"
    elif kind == "string_pattern_mismatch":
        msg = (
            f"{value!r} is not a valid id (use lowercase letters, digits, '_', '-' or '.', "
            "starting with a letter or digit)"
        )
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        msg = f"{value!r}: {msg}"
    return loc, msg


def build(raw: RawScenario, source: str | Path | None = None) -> Scenario:
    """Validate raw data into a scenario, or raise one clear :class:`AccordError`."""
    try:
        return Scenario.model_validate(raw.data)
    except ScenarioProblem as problem:  # raised by a before-validator, outside pydantic's wrapping
        loc, msg = problem.loc, problem.message
    except ValidationError as exc:
        loc, msg = _message(exc.errors()[0])
    where = raw.locate(loc)
    path = _describe(loc, raw.data)
    where = f"{where} ({path})" if where and path else (where or path or None)
    raise AccordError(msg, source=source, where=where) from None


M = TypeVar("M", bound=BaseModel)


def validate_located(
    model: type[M],
    data: Any,
    locate: Locator,
    source: str | Path | None,
    check: Callable[[M], None] | None = None,
) -> M:
    """Validate ``data`` as ``model`` (then run ``check``), or raise one located AccordError.

    For YAML files other than scenarios (designs, outcomes): pydantic errors and
    :class:`ScenarioProblem` raised by ``check`` both point at the line of the offending field.
    """
    try:
        value = model.model_validate(data)
        if check is not None:
            check(value)
        return value
    except ScenarioProblem as problem:
        loc, msg = problem.loc, problem.message
    except ValidationError as exc:
        loc, msg = _message(exc.errors()[0])
    where = f"{locate(loc)} ({dotted(loc)})" if loc else None
    raise AccordError(msg, source=source, where=where) from None
