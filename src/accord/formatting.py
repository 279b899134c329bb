"""How numbers read in sentences and tables, shared by the analyses' texts and the reports."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any


def pct(p: float | None) -> str:
    """Format a probability or share as a percentage, with no false 0% or 100%."""
    if p is None or not math.isfinite(p):
        return "–"
    if 0 < p < 0.001:
        return "<0.1%"
    if 0.999 < p < 1:
        return ">99.9%"
    return f"{p:.1%}" if 0 < p < 0.1 or 0.9 < p < 1 else f"{p:.0%}"


REPR_ISSUES = 6
"""The most issues a short ``repr`` lists values for."""


def per_issue(issues: Sequence[str], values: Iterable[Any], digits: int = 1) -> str:
    """Return ``{'assad': 62.5, 'ceasefire': 40.0, ...}``: a few issues, rounded (short reprs)."""
    parts = []
    for issue, value in zip(issues[:REPR_ISSUES], values, strict=False):
        shown = round(float(value), digits) if isinstance(value, int | float) else value
        parts.append(f"{issue!r}: {shown!r}")
    more = ", ..." if len(issues) > REPR_ISSUES else ""
    return "{" + ", ".join(parts) + more + "}"


def short_title(title: str, width: int = 48) -> str:
    """Return a title cut to ``width`` characters (with an ellipsis) for a short repr."""
    return title if len(title) <= width else title[: width - 1] + "…"


__all__ = ["pct", "per_issue", "short_title"]
