"""What a saved run holds, and how it is derived from the records accord already produces.

``Forecast.to_dict()`` (``run``, ``mc``), ``Comparison.to_dict()`` (``compare``) and the backtest
record (``backtest``) are stored as they are; :func:`describe` reads the model names,
parameters, seed and title out of them so that callers need not repeat them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from accord.atomic import write_atomic
from accord.scenario.model import Scenario
from accord.store.schema import KINDS


def jsonready(obj: Any) -> Any:
    """Return a copy made of dicts, lists, str, int, float, bool and None only.

    Tuples become lists, NumPy scalars and arrays plain values, and non-finite floats ``None``
    (JSON has no NaN). Anything else is a bug in the caller and raises :class:`TypeError`.
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): jsonready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonready(v) for v in obj]
    tolist = getattr(obj, "tolist", None)  # NumPy scalars and arrays
    if callable(tolist):
        return jsonready(tolist())
    raise TypeError(f"cannot store a {type(obj).__name__} as JSON")


def canonical_json(obj: Any) -> str:
    """Return compact JSON with sorted keys: equal documents give equal text."""
    return json.dumps(
        jsonready(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def hash_of(obj: Any) -> str:
    """Return the SHA-256 (hex) of a document's canonical JSON."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def _dump(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        return [_dump(v) for v in obj]
    return jsonready(obj)


def record_inputs(scenario: Scenario, designs: Any = None) -> dict[str, Any]:
    """Return the inputs of a run as a JSON-ready dict: the whole scenario, and designs if any.

    ``scenario`` is stored in full (its canonical JSON form, from which it can be rebuilt with
    ``Scenario.model_validate``) beside ``scenario_hash``, the hash that every result's
    provenance records. ``designs`` may be a ``DesignSet``, a sequence of ``Design`` or plain
    JSON data.
    """
    out: dict[str, Any] = {
        "scenario": scenario.model_dump(mode="json"),
        "scenario_hash": scenario.content_hash(),
    }
    if designs is not None:
        out["designs"] = _dump(designs)
    return out


@dataclass(frozen=True)
class Described:
    """The columns :func:`describe` reads out of a results record."""

    model: str
    params: dict[str, Any]
    seed: int | None
    title: str


def _forecast_like(results: Mapping[str, Any]) -> Described:
    runs = [r for r in results.get("results", []) if isinstance(r, Mapping)]
    prov = [r.get("provenance", {}) for r in runs]
    seeds = [p.get("seed") for p in prov if p.get("seed") is not None]
    return Described(
        model=",".join(str(r.get("model", "?")) for r in runs) or str(results.get("model", "")),
        params={
            "models": {
                str(r.get("model")): p.get("params", {}) for r, p in zip(runs, prov, strict=True)
            }
        },
        seed=seeds[0] if seeds else results.get("seed"),
        title=str(results.get("scenario", {}).get("title", "")),
    )


MC_SETTINGS = ("draws", "chunk", "sample_block", "bloc_correlation", "spread")


def _monte_carlo(results: Mapping[str, Any]) -> Described:
    prov = results["provenance"]
    name = str(prov.get("model", ""))
    settings = {k: prov[k] for k in MC_SETTINGS if k in prov}
    return Described(
        model=name,
        params={"models": {name: prov.get("params", {})}, **settings},
        seed=prov.get("seed"),
        title=str(results.get("title", "")),
    )


def describe(kind: str, results: Mapping[str, Any]) -> Described:
    """Read model name(s), parameters, seed and title from a results record of ``kind``.

    ``run``: a ``Forecast.to_dict()``; ``mc``: a ``MonteCarloResult.to_dict()`` (or a
    ``Forecast.to_dict()`` over draws); ``compare``: a ``Comparison.to_dict()`` (which holds no
    seed: pass it); ``backtest``: the backtest record. Missing pieces come back empty.
    """
    check_kind(kind)
    if kind == "mc" and isinstance(results.get("provenance"), Mapping):
        return _monte_carlo(results)
    if kind in ("run", "mc"):
        return _forecast_like(results)
    if kind == "compare":
        name = str(results.get("model", ""))
        return Described(
            model=name,
            params={
                "models": {name: results.get("params", {})},
                "tolerance": results.get("tolerance"),
            },
            seed=results.get("seed"),
            title=str(results.get("scenario", {}).get("title", "")),
        )
    models = results.get("models", {})
    settings = dict(results.get("settings", {}))
    split = results.get("split", {}).get("name", "all")
    dataset = results.get("dataset", {}).get("file", "")
    return Described(
        model=",".join(models),
        params={"models": {n: m.get("params", {}) for n, m in models.items()}, **settings},
        seed=settings.get("seed"),
        title=f"backtest on {dataset or 'DEU'}, split {split}",
    )


def backtest_inputs(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the inputs of a backtest: the data file's name, hash and size, and the split."""
    data = record.get("dataset", {})
    return {
        "dataset": {k: data.get(k) for k in ("file", "sha256", "issues")},
        "split": record.get("split", {"name": "all"}),
    }


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a known kind of run, else raise :class:`ValueError`."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of run '{kind}' (one of {', '.join(KINDS)})")
    return kind


@dataclass(frozen=True)
class RunSummary:
    """The short description of a saved run that ``runs list`` shows."""

    id: str
    kind: str
    created_at: datetime
    accord_version: str
    model: str
    seed: int | None
    input_hash: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``created_at`` as ISO 8601 in UTC)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "created_at": self.created_at.isoformat(),
            "accord_version": self.accord_version,
            "model": self.model,
            "seed": self.seed,
            "input_hash": self.input_hash,
            "title": self.title,
        }


@dataclass(frozen=True)
class RunRecord(RunSummary):
    """A saved run in full: its summary plus parameters, inputs and results."""

    params: dict[str, Any]
    inputs: dict[str, Any]
    results: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of every field."""
        return {
            **super().to_dict(),
            "params": self.params,
            "inputs": self.inputs,
            "results": self.results,
        }


EXPORT_FORMAT = "accord-run"
EXPORT_VERSION = 1
"""Version of :func:`export_document` (``accord runs export`` and ``accord runs show --json``)."""
LIST_FORMAT_VERSION = 1
"""Version of :func:`list_document` (``accord runs list --json``)."""


def list_document(runs: Sequence[RunSummary]) -> dict[str, Any]:
    """Return saved runs' summaries, newest first, as a JSON-ready document."""
    return {"format_version": LIST_FORMAT_VERSION, "runs": [r.to_dict() for r in runs]}


def export_document(record: RunRecord) -> dict[str, Any]:
    """Return a saved run as a self-describing document (``format`` names the layout)."""
    return {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION, **record.to_dict()}


def write_atomically(path: Path, document: Any) -> Path:
    """Write ``document`` as indented JSON to ``path``: the whole file, or nothing at all.

    The text goes to a temporary file beside ``path``, is flushed to disk, then renamed over it;
    a crash at any point leaves either the old file or the new one.
    """
    text = json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    return write_atomic(path, text, what="write the export")
