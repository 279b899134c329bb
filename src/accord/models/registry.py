"""Map model names to model classes so that the CLI, web app and backtest find them."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from accord.errors import AccordError
from accord.models.base import Model

FORMAT_VERSION = 1
"""Version of the JSON layout of :func:`catalogue` (``accord models --json``; schema in
``docs/json/``)."""

_REGISTRY: dict[str, type[Model]] = {}
M = TypeVar("M", bound=type[Model])


@dataclass(frozen=True)
class ModelInfo:
    """What ``list_models`` tells about a model."""

    name: str
    summary: str
    reference: str
    joint: bool
    parameters: dict[str, Any]


def register(cls: M) -> M:
    """Class decorator: add a model class to the registry under ``cls.name``."""
    name = cls.name
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"a model named '{name}' is already registered")
    _REGISTRY[name] = cls
    return cls


def names() -> list[str]:
    """Return the registered model names, sorted."""
    return sorted(_REGISTRY)


def model_class(name: str) -> type[Model]:
    """Return the class registered under ``name`` (clear error with suggestions if unknown)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, names(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise AccordError(
            f"unknown model '{name}'{hint}; known models: {', '.join(names())}"
        ) from None


def get(name: str, **params: Any) -> Model:
    """Return a model instance by name with the given parameters."""
    return model_class(name)(**params)


def list_models() -> list[ModelInfo]:
    """Return one :class:`ModelInfo` per registered model, sorted by name."""
    out = []
    for name in names():
        cls = _REGISTRY[name]
        defaults = cls.Parameters().model_dump(mode="json")
        out.append(ModelInfo(name, cls.summary, cls.reference, cls.joint, defaults))
    return out


def catalogue() -> dict[str, Any]:
    """Return the registered models with their descriptions and default parameters (JSON-ready)."""
    return {"format_version": FORMAT_VERSION, "models": [asdict(i) for i in list_models()]}
