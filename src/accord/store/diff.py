"""What differs between two saved runs: their description, inputs, parameters and forecasts.

Inputs and parameters are compared as JSON trees. Lists of records are matched by what
identifies a record rather than by position: ``id`` (actors, issues, designs, sources), or
``actor`` and ``issue`` together (stances); so an actor added in the middle shows as one
addition, not as every later actor changed. Forecasts are compared number by number, per
model (or design, or backtest model) and issue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accord.store.records import RunRecord

HEADER_FIELDS = ("kind", "model", "seed", "accord_version", "input_hash", "title")
TOLERANCE = 1e-9
"""Forecasts closer than this are equal (records already round to 10 decimals)."""


FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`RunDiff.to_dict` (``accord runs diff --json``; schema in
``docs/json/``)."""


@dataclass(frozen=True)
class Change:
    """One difference at ``path``: ``status`` is ``changed``, ``added`` or ``removed``."""

    path: str
    a: Any
    b: Any
    status: str = "changed"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"path": self.path, "status": self.status, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class ForecastChange:
    """A forecast that differs: ``label`` is the model, design or backtest model."""

    label: str
    issue: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """Return ``b - a`` when both exist."""
        return None if self.a is None or self.b is None else self.b - self.a

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "label": self.label,
            "issue": self.issue,
            "a": self.a,
            "b": self.b,
            "delta": self.delta,
        }


@dataclass(frozen=True)
class RunDiff:
    """The differences between runs ``a`` and ``b``, section by section."""

    a: str
    b: str
    header: tuple[Change, ...]
    inputs: tuple[Change, ...]
    params: tuple[Change, ...]
    forecasts: tuple[ForecastChange, ...]
    same_results: bool

    @property
    def same(self) -> bool:
        """Return True when inputs, parameters, seed, models and forecasts all agree."""
        header = [c for c in self.header if c.path not in ("accord_version", "title")]
        return not (header or self.inputs or self.params or self.forecasts)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "format_version": FORMAT_VERSION,
            "a": self.a,
            "b": self.b,
            "same": self.same,
            "same_results": self.same_results,
            "header": [c.to_dict() for c in self.header],
            "inputs": [c.to_dict() for c in self.inputs],
            "params": [c.to_dict() for c in self.params],
            "forecasts": [c.to_dict() for c in self.forecasts],
        }


def _key(item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return None
    if "id" in item:
        return str(item["id"])
    if "actor" in item and "issue" in item:
        return f"{item['actor']}/{item['issue']}"
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Return the items by key, or None when some item has no key or keys repeat."""
    keys = [_key(v) for v in items]
    if any(k is None for k in keys) or len(set(keys)) != len(keys):
        return None
    return {str(k): v for k, v in zip(keys, items, strict=True)}


def tree_diff(a: Any, b: Any, path: str = "") -> list[Change]:
    """Return the differences between two JSON trees, one :class:`Change` per differing leaf.

    Paths read ``scenario.stances[usa/assad].position``: keys joined by dots, keyed list items
    in brackets, other list items by index. Lists of different lengths that cannot be keyed
    are reported whole; keyed lists that differ only in order count as equal.
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _members_diff(a, b, lambda k: f"{path}.{k}" if path else k)
    if isinstance(a, list) and isinstance(b, list):
        ka, kb = _keyed(a), _keyed(b)
        if ka is not None and kb is not None:
            return _members_diff(ka, kb, lambda k: f"{path}[{k}]")
        if len(a) == len(b):
            return [
                c
                for k, (x, y) in enumerate(zip(a, b, strict=True))
                for c in tree_diff(x, y, f"{path}[{k}]")
            ]
    return [] if _equal(a, b) else [Change(path, a, b)]


def _members_diff(
    a: Mapping[str, Any], b: Mapping[str, Any], name: Callable[[str], str]
) -> list[Change]:
    out: list[Change] = []
    for k in [*a, *(k for k in b if k not in a)]:
        if k not in b:
            out.append(Change(name(k), a[k], None, "removed"))
        elif k not in a:
            out.append(Change(name(k), None, b[k], "added"))
        else:
            out += tree_diff(a[k], b[k], name(k))
    return out


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return bool(a == b) and type(a) is type(b)


def _mean(value: Any) -> float | None:
    """Return a forecast as one number: a list of draws gives the mean of its numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, list):
        nums = [v for v in (_mean(x) for x in value) if v is not None]
        return sum(nums) / len(nums) if nums else None
    return None


def forecasts_of(kind: str, results: Mapping[str, Any]) -> dict[tuple[str, str], float | None]:
    """Return ``{(label, issue): forecast}`` from a results record of ``kind``.

    Runs give one label per model (the mean over draws for several draws), Monte Carlo records
    their model's mean over draws; comparisons one label per design; backtests one per model
    and DEU issue. An unknown layout gives an empty dict.
    """
    out: dict[tuple[str, str], float | None] = {}
    if kind == "compare":
        for row in results.get("table", []):
            if isinstance(row, Mapping) and row.get("issue") != "all":
                out[(str(row.get("design")), str(row.get("issue")))] = _mean(row.get("forecast"))
    elif kind == "backtest":
        for row in results.get("forecasts", []):
            for model, value in (row.get("forecast") or {}).items():
                out[(str(model), str(row.get("issue")))] = _mean(value)
    elif kind == "mc" and isinstance(results.get("provenance"), Mapping):
        model = str(results["provenance"].get("model"))
        for row in results.get("issues", []):
            if isinstance(row, Mapping):
                out[(model, str(row.get("issue")))] = _mean(row.get("mean"))
    else:
        for res in results.get("results", []):
            if isinstance(res, Mapping) and isinstance(res.get("forecast"), Mapping):
                for issue, value in res["forecast"].items():
                    out[(str(res.get("model")), str(issue))] = _mean(value)
    return out


def _forecast_changes(a: RunRecord, b: RunRecord) -> list[ForecastChange]:
    fa, fb = forecasts_of(a.kind, a.results), forecasts_of(b.kind, b.results)
    out = []
    for key in [*fa, *(k for k in fb if k not in fa)]:
        x, y = fa.get(key), fb.get(key)
        if x is None and y is None:
            continue
        if x is None or y is None or abs(x - y) > TOLERANCE:
            out.append(ForecastChange(key[0], key[1], x, y))
    return out


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    """Return what differs between two saved runs."""
    header = [
        Change(name, getattr(a, name), getattr(b, name))
        for name in HEADER_FIELDS
        if getattr(a, name) != getattr(b, name)
    ]
    return RunDiff(
        a=a.id,
        b=b.id,
        header=tuple(header),
        inputs=tuple(tree_diff(a.inputs, b.inputs)),
        params=tuple(tree_diff(a.params, b.params)),
        forecasts=tuple(_forecast_changes(a, b)),
        same_results=a.results == b.results,
    )
