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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from accord.atomic import write_atomic
from accord.errors import AccordError
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


class UnknownRunError(AccordError):
    """No run has this id in the store."""


class DamagedRunError(AccordError):
    """A saved run whose row cannot be read: a value of the wrong type, or not valid JSON."""

    def __init__(self, run_id: str, problem: str, *, source: str | None = None) -> None:
        self.run_id = run_id
        self.problem = problem
        super().__init__(f"run {run_id} is damaged: {problem}", source=source)


@dataclass(frozen=True)
class DamagedRun:
    """A row a listing skipped, and what is wrong with it."""

    id: str
    problem: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"id": self.id, "problem": self.problem}


@dataclass(frozen=True)
class RunListing:
    """The runs a listing found, and the damaged rows it skipped (never a reason to fail)."""

    runs: list[RunSummary]
    damaged: list[DamagedRun]

    def note(self, most: int = 5) -> str | None:
        """Return one line naming the skipped rows, e.g. ``1 damaged run skipped: r-... (...)``."""
        if not self.damaged:
            return None
        n = len(self.damaged)
        named = "; ".join(f"{d.id} ({d.problem})" for d in self.damaged[:most])
        more = f"; and {n - most} more" if n > most else ""
        return f"{n} damaged run{'s' if n != 1 else ''} skipped: {named}{more}"


def _shown(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(value: Any) -> datetime:
    when = value
    if isinstance(value, str | bytes):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        try:
            when = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"created_at: {_shown(text)} is not a date and time") from None
    if not isinstance(when, datetime):
        raise ValueError(f"created_at: {_shown(value)} is not a date and time")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{name}: {_shown(value)} is not text")


def _seed(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"seed: {_shown(value)} is not a whole number")


def _document(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            raise ValueError(f"{name}: not valid JSON") from None
    if not isinstance(value, dict):
        what = "missing" if value is None else f"a JSON {_json_type(value)}, not an object"
        raise ValueError(f"{name}: {what}")
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def summary_of(row: Mapping[str, Any]) -> RunSummary:
    """Return the summary of a row of the ``runs`` table, read as the database gave it.

    Raises
    ------
    ValueError
        Naming the first column that cannot be read (``created_at: 'yesterday' is not a date
        and time``).

    """
    kind = _text("kind", row.get("kind"))
    if kind not in KINDS:
        raise ValueError(f"kind: {_shown(row.get('kind'))} is not a kind of run")
    return RunSummary(
        id=_text("id", row.get("id")),
        kind=kind,
        created_at=_when(row.get("created_at")),
        accord_version=_text("accord_version", row.get("accord_version")),
        model=_text("model", row.get("model")),
        seed=_seed(row.get("seed")),
        input_hash=_text("input_hash", row.get("input_hash")),
        title=_text("title", row.get("title")),
    )


def record_of(row: Mapping[str, Any]) -> RunRecord:
    """Return a whole row of the ``runs`` table as a :class:`RunRecord` (ValueError: damaged)."""
    head = summary_of(row)
    return RunRecord(
        **head.__dict__,
        params=_document("params", row.get("params")),
        inputs=_document("inputs", row.get("inputs")),
        results=_document("results", row.get("results")),
    )


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
