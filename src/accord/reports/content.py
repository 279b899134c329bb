"""What a report contains, independent of how it is written (HTML or Markdown).

A :class:`Report` is a title, some facts and a list of :class:`Section` objects; a section is a
sequence of blocks: :class:`Paragraph`, :class:`Table`, :class:`Chart` and :class:`Items`. All
text is plain (renderers escape it); a chart carries its SVG markup, already rendered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from accord.formatting import pct  # noqa: F401  (re-exported: the report formats with it)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (``note`` ones are set smaller and greyed)."""

    text: str
    note: bool = False
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Items:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]
    kind: Literal["items"] = "items"


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells; ``numeric`` columns are right-aligned."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    kind: Literal["table"] = "table"

    def __post_init__(self) -> None:
        if not self.numeric:
            object.__setattr__(self, "numeric", tuple(False for _ in self.columns))
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row of {len(row)} cells in a table of {len(self.columns)}")

    def align(self, j: int) -> str:
        """Return 'right' for numeric columns, 'left' otherwise."""
        return "right" if self.numeric[j] else "left"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``slug`` names its file in Markdown reports; ``svg`` is inline SVG."""

    slug: str
    title: str
    caption: str
    svg: str
    kind: Literal["chart"] = "chart"


Block = Paragraph | Items | Table | Chart


@dataclass(frozen=True)
class Section:
    """A titled part of the report; ``id`` is its anchor."""

    id: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def charts(self) -> tuple[Chart, ...]:
        """Return the section's charts."""
        return tuple(b for b in self.blocks if isinstance(b, Chart))


@dataclass(frozen=True)
class Report:
    """A whole report: title, subtitle, key facts, sections, an appendix and a footer line."""

    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    footer: str
    notes: tuple[str, ...] = field(default=())
    appendix: tuple[Section, ...] = field(default=())
    """Reference material after the analyses (the scenario's tables, sources, how to read)."""

    @property
    def all_sections(self) -> tuple[Section, ...]:
        """Return the sections, then the appendix."""
        return self.sections + self.appendix

    @property
    def charts(self) -> tuple[Chart, ...]:
        """Return every chart in order."""
        return tuple(c for s in self.all_sections for c in s.charts)


def num(x: float | None, digits: int = 1) -> str:
    """Format a number for a table ('' for None, '–' for NaN)."""
    if x is None:
        return ""
    if not math.isfinite(x):
        return "–"
    return f"{x:.{digits}f}"


def span(low: float | None, high: float | None, digits: int = 0) -> str:
    """Format a range as 'low–high' ('' when there is none)."""
    if low is None or high is None:
        return ""
    return f"{low:.{digits}f}–{high:.{digits}f}"


def one_line(text: str | None) -> str:
    """Return text with its whitespace collapsed ('' for None)."""
    return " ".join((text or "").split())


def signed(x: float, digits: int = 1) -> str:
    """Format a difference with its sign ('+2.0', '-0.5'; '–' for NaN)."""
    if not math.isfinite(x):
        return "–"
    text = f"{x:+.{digits}f}"
    return "+0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
