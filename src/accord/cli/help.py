"""Click-style help: values typed as INTEGER, TEXT, PATH, choices as [a|b], flags bare.

Recent typer releases print Python types in the rich help (``<int>``, ``<list[str]>``, and
``<bool>`` beside every flag, which takes no value) and wrap required arguments in braces in the
usage line (``{scenario}``). Click and earlier typer releases print ``INTEGER``, ``TEXT`` and
nothing for a flag, and ``SCENARIO`` in the usage line: what users of click tools (and these
docs) expect. :class:`ConventionalGroup` is the root app's group class: when typer builds the
command tree it gives every command's parameters (and help options) that display.

Typer builds its parameter and command objects itself and has no setting for this, so the
objects' classes are switched to the subclasses below, which add no state and change only how a
parameter describes its type and usage. With a typer that already prints click-style types (no
``type_descriptor`` on its parameters) nothing is changed.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_NAMES: dict[Any, str] = {
    int: "INTEGER",
    float: "FLOAT",
    str: "TEXT",
    bool: "BOOLEAN",
    Path: "PATH",
    _dt.datetime: "DATETIME",
}
_PATHS = {"file": "FILE", "dir": "DIRECTORY"}


def type_name(param: Any) -> str | None:
    """Return the click-style name of a parameter's value type (None for a flag)."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if desc.is_choice and desc.choices:
        values = (c.value if isinstance(c, Enum) else c for c in desc.choices)
        return "[" + "|".join(str(v) for v in values) + "]"
    if desc.is_path:
        return _PATHS.get(desc.path_type, "PATH")
    annotation = desc.annotation
    if desc.is_list:
        (annotation,) = get_args(annotation) or (str,)
    return _NAMES.get(annotation, getattr(annotation, "__name__", "VALUE").upper())


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar or None
        return type_name(self)


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return type_name(self)

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = (self.metavar or self.name or "ARG").upper()
        if not self.required:
            name = f"[{name}]"
        return [name + ("..." if self.nargs != 1 else "")]


def _conventional_param(param: Any) -> None:
    if getattr(param, "type_descriptor", None) is None:
        return
    if type(param) is TyperOption:
        param.__class__ = _Option
    elif type(param) is TyperArgument:
        param.__class__ = _Argument


def _with_help(option: Any) -> Any:
    if option is not None:
        _conventional_param(option)
    return option


# The help option is made lazily by click, so the command classes convert it when asked for it.
class _Command(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _with_help(super().get_help_option(ctx))


class _Group(TyperGroup):
    def get_help_option(self, ctx: Any) -> Any:
        return _with_help(super().get_help_option(ctx))


def conventional(command: Any) -> None:
    """Give a command, its parameters and every sub-command the click-style help display."""
    if type(command) is TyperCommand:
        command.__class__ = _Command
    elif type(command) is TyperGroup:
        command.__class__ = _Group
    for param in command.params:
        _conventional_param(param)
    for sub in getattr(command, "commands", {}).values():
        conventional(sub)


class ConventionalGroup(_Group):
    """The root group: converts the whole command tree when typer builds it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        conventional(self)
