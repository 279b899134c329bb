"""Helpers shared by the scenario readers and writers: ids, numbers, lines and locations."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

from pydantic import ValidationError

from accord.errors import AccordError
from accord.scenario.model import MAX_MAGNITUDE, Loc, Scale

ScaleArg = Scale | tuple[float, float] | None
"""A scale forced on every issue of a table: a :class:`Scale` or ``(min, max)``."""

SourceName = str | Path | None


_SLUG = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def slugify(text: str) -> str:
    """Return a lowercase id for a display name: ``"United States"`` -> ``"united_states"``.

    Accents are dropped, runs of other characters become ``_``; ``-`` and ``.`` are kept.
    A name that already is a valid id is only lowercased. The result is at most 64 characters
    and may be empty (no letters or digits at all).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    lowered = ascii_text.strip().lower()
    if _SLUG.fullmatch(lowered):
        return lowered
    slug = re.sub(r"[^a-z0-9.-]+", "_", lowered)
    slug = slug.strip("_.-")
    return slug[:64].rstrip("_.-")


def split_lines(text: str) -> list[str]:
    """Split text into physical lines the way editors number them (CR LF, CR or LF ends a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def number_text(value: float) -> str:
    """Return the shortest text that reads back as exactly ``value`` (integers without ``.0``)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_number(cell: str, source: SourceName, where: str) -> float:
    """Return the number written in ``cell`` or raise a located :class:`AccordError`.

    The number must be finite and at most :data:`~accord.scenario.model.MAX_MAGNITUDE` in
    absolute value (no number of a scenario may be larger).
    """
    text = cell.strip()
    if not text:
        raise AccordError("missing value (expected a number)", source=source, where=where)
    try:
        value = float(text)
    except ValueError:
        raise AccordError(f"expected a number, got {text!r}", source=source, where=where) from None
    if not math.isfinite(value):
        raise AccordError(f"expected a finite number, got {text!r}", source=source, where=where)
    if abs(value) > MAX_MAGNITUDE:
        raise AccordError(
            f"the number {text} is too large: a scenario's numbers must lie within "
            f"±{MAX_MAGNITUDE:g} (write it in larger units)",
            source=source,
            where=where,
        )
    return value


def validation_message(exc: ValueError) -> str:
    """Return what a failed validation says, without pydantic's decoration."""
    if isinstance(exc, ValidationError) and exc.errors():
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


class Places:
    """Map canonical scenario paths to places in a file; the longest known prefix wins.

    An instance is the ``locate`` function of a :class:`RawScenario`.
    """

    def __init__(self) -> None:
        self._places: dict[Loc, str] = {}

    def add(self, loc: Loc, where: str) -> None:
        """Record that ``loc`` (and everything below it, unless recorded too) is at ``where``."""
        self._places[loc] = where

    def __call__(self, loc: Loc) -> str | None:
        """Return the place of ``loc``, or ``None`` when nothing above it is known."""
        for n in range(len(loc), -1, -1):
            where = self._places.get(loc[:n])
            if where is not None:
                return where
        return None


def title_from(source: SourceName) -> str:
    """Return a scenario title made from a file name (its stem), or ``"untitled"``."""
    stem = Path(str(source)).stem.strip() if source is not None else ""
    return stem or "untitled"


def scale_of(arg: ScaleArg) -> Scale | None:
    """Return the scale a ``scale=`` argument forces on every issue (None: none forced)."""
    if arg is None or isinstance(arg, Scale):
        return arg
    low, high = arg
    try:
        return Scale(min=low, max=high)
    except ValueError as exc:
        raise AccordError(f"bad scale {low:g}..{high:g}: {validation_message(exc)}") from None
