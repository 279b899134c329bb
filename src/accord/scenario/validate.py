"""Build a :class:`Scenario` from raw data and turn any failure into one located error.

Every loader (YAML, CSV, KTAB ...) produces a :class:`RawScenario`: the canonical raw mapping
that ``Scenario.model_validate`` accepts, plus a ``locate`` function that maps a path inside that
mapping (``("stances", 3, "salience")``) to where it came from in the file (``"line 42"``,
``"row 4, column Salience"``). :func:`build` validates and, on failure, raises one
:class:`~accord.errors.AccordError` naming the file, the place and the problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

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


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """Return the pydantic model an annotation holds (through Optional, tuple[X, ...], list)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def keys_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Return the keys the mapping at ``loc`` inside a ``model`` may have ([] when unknown)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: the list's element model
        field_info = current.model_fields.get(part) if current is not None else None
        current = _model_of(field_info.annotation) if field_info is not None else None
        if current is None:
            return []
    return list(current.model_fields) if current is not None else []


def _unknown_key(loc: Loc, model: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else "?"
    close = difflib.get_close_matches(key, keys_at(model, loc[:-1]), n=1, cutoff=0.6)
    return f"unknown key '{key}'" + (f"; did you mean '{close[0]}'?" if close else "")


def first_error(errors: list[Any]) -> Any:
    """Return the pydantic error to report first: an unknown key, else the first error.

    A mistyped key (``positon``) makes two errors, the unknown key and the field it was meant
    for, missing; the unknown key, with the closest valid key, is what explains both.
    """
    return next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])


def _message(err: Any, model: type[BaseModel] = Scenario) -> tuple[Loc, str]:
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
        msg = _unknown_key(loc, model)
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        msg = f"expected a number, got {value!r}"
    elif kind == "finite_number":
        msg = f"expected a finite number, got {value!r}"
    elif kind == "string_pattern_mismatch":
        msg = (
            f"{value!r} is not a valid id (use lowercase letters, digits, '_', '-' or '.', "
            "starting with a letter or digit)"
        )
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        msg = f"{value!r}: {msg}"
    elif kind == "string_unicode":  # a lone surrogate (JSON can carry one)
        msg = "not valid Unicode text (it holds a lone surrogate)"
    return loc, msg


def build(raw: RawScenario, source: str | Path | None = None) -> Scenario:
    """Validate raw data into a scenario, or raise one clear :class:`AccordError`."""
    try:
        return Scenario.model_validate(raw.data)
    except ScenarioProblem as problem:  # raised by a before-validator, outside pydantic's wrapping
        loc, msg = problem.loc, problem.message
    except ValidationError as exc:
        loc, msg = _message(first_error(exc.errors()))
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
        loc, msg = _message(first_error(exc.errors()), model)
    where = f"{locate(loc)} ({dotted(loc)})" if loc else None
    raise AccordError(msg, source=source, where=where) from None
