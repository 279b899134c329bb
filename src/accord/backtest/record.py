"""The DEU backtest: run models on the issues, score them, and build a deterministic record.

The record holds no timings and no absolute paths, so the same inputs and seed give the same
JSON bytes; :class:`Backtest` carries the per-model seconds beside it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from accord import __version__
from accord.backtest.deu import DeuData
from accord.backtest.metrics import Resamples, summary
from accord.backtest.run import ModelRun, run_model
from accord.backtest.weights import Institutions, all_capabilities
from accord.errors import AccordError
from accord.models import registry

BASELINE = "compromise"
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("procedure", "COD", "procedure=COD"),
    ("procedure", "CNS", "procedure=CNS"),
    ("rule", "QMV", "rule=QMV"),
    ("rule", "unanimity", "rule=unanimity"),
)


@dataclass
class Backtest:
    """A finished backtest: the JSON-ready record and the seconds each model took."""

    record: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)


def sha256_file(path: str | Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if not np.isfinite(obj) else round(obj, 6)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def _scores(
    runs: dict[str, ModelRun],
    y: np.ndarray,
    proposals: np.ndarray,
    mask: np.ndarray,
    seed: list[int],
    n_boot: int,
) -> dict[str, Any]:
    """Return metrics (and paired differences to the baseline) of every model on ``mask``."""
    sel = mask & np.isfinite(y)
    rs = Resamples.draw(proposals[sel], n_boot, seed)
    base = np.abs(runs[BASELINE].forecast[sel] - y[sel])
    out: dict[str, Any] = {"issues": int(sel.sum()), "proposals": len(set(proposals[sel]))}
    for name, run in runs.items():
        ae = np.abs(run.forecast[sel] - y[sel])
        entry: dict[str, Any] = {"metrics": summary(ae, rs)}
        if name != BASELINE:
            entry["vs_" + BASELINE] = summary(ae, rs, base_ae=base)
        out[name] = entry
    return out


def run_backtest(
    data: DeuData,
    *,
    capability: str = "votes",
    institutions: Institutions | None = None,
    models: Sequence[str] | None = None,
    seed: int = 0,
    n_boot: int = 2000,
    split: dict[str, Any] | None = None,
) -> Backtest:
    """Run ``models`` (all registered by default; the baseline always) and score them."""
    if n_boot < 100:
        raise AccordError(f"use at least 100 bootstrap resamples, got {n_boot}")
    inst = institutions or Institutions()
    names = list(dict.fromkeys(models or registry.names()))
    for name in names:
        registry.model_class(name)
    if BASELINE not in names:
        names.insert(0, BASELINE)
    issues = data.issues
    kept = {i.issue for i in issues}
    regimes, caps = all_capabilities(data, capability, inst)
    runs = {name: run_model(name, issues, caps, seed=seed) for name in names}
    y = np.array([np.nan if i.outcome is None else i.outcome for i in issues])
    proposals = np.array([i.proposal for i in issues])
    everything = np.ones(len(issues), dtype=bool)
    overall = _scores(runs, y, proposals, everything, [seed, 0], n_boot)
    groups = {}
    for g, (attr, value, label) in enumerate(GROUPS, start=1):
        mask = np.array([getattr(i, attr) == value for i in issues])
        if (mask & np.isfinite(y)).any():
            groups[label] = _scores(runs, y, proposals, mask, [seed, g], n_boot)
    ranking = sorted(names, key=lambda n: (overall[n]["metrics"]["mae"]["value"], n))
    record = {
        "accord_version": __version__,
        "dataset": {
            "file": Path(data.source).name,
            "sha256": sha256_file(data.source) if Path(data.source).is_file() else None,
            "issues": len(issues),
            "scored": overall["issues"],
            "proposals_scored": overall["proposals"],
            "no_outcome": [i.issue for i in issues if i.outcome is None],
            "skipped": [n.to_dict() for n in data.skipped],
            "imputed_salience": [n.to_dict() for n in data.imputed if n.issue in kept],
            "undated": [n.to_dict() for n in data.undated if n.issue in kept],
        },
        "split": split or {"name": "all"},
        "settings": {
            "capability": capability,
            "institutions": asdict(inst),
            "seed": seed,
            "bootstrap": {
                "resamples": n_boot,
                "unit": "proposal (cluster bootstrap)",
                "interval": "95% percentile",
            },
            "baseline": BASELINE,
        },
        "regimes": dict(sorted(Counter(regimes).items())),
        "models": {
            n: {
                "params": runs[n].params,
                "context": list(runs[n].context),
                "failures": runs[n].failures,
                "missing": int(np.isnan(runs[n].forecast[np.isfinite(y)]).sum()),
            }
            for n in names
        },
        "ranking": ranking,
        "overall": overall,
        "groups": groups,
        "forecasts": [
            {
                "issue": i.issue,
                "proposal": i.proposal,
                "procedure": i.procedure,
                "rule": i.rule,
                "outcome": i.outcome,
                "forecast": {n: float(runs[n].forecast[k]) for n in names},
            }
            for k, i in enumerate(issues)
        ],
    }
    return Backtest(_round(record), {n: runs[n].seconds for n in names})
