"""The DEU backtest: run models on the issues, score them, and build a deterministic record.

Every row of the leaderboard is a registered model or a named baseline (``run.BASELINES``:
``status_quo``, "nothing changes"). Each row gets its paired difference to the
compromise model (:data:`BASELINE`) and to the naive baseline (:data:`NAIVE`), except to itself.
A row whose forecasts equal an earlier row's on every scored issue (to :data:`IDENTICAL`) is not
ranked: it is listed under ``duplicates`` with the row it repeats.

The record holds no timings and no absolute paths, so the same inputs and seed give the same
JSON bytes; :class:`Backtest` carries the per-model seconds beside it.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from accord import __version__
from accord.backtest.deal import NOTE as DEAL_NOTE
from accord.backtest.deal import SUFFIX as DEAL
from accord.backtest.deal import deal_forecasts
from accord.backtest.deu import DeuData
from accord.backtest.metrics import Resamples, summary
from accord.backtest.run import BASELINES, ModelRun, run_baseline, run_model
from accord.backtest.weights import Institutions, all_capabilities, proposal_capabilities
from accord.errors import AccordError
from accord.models import registry

FORMAT_VERSION = 1
"""Version of the JSON layout of the backtest record (``accord backtest deu --json`` and the
``deu-<split>.json`` files; schema in ``docs/json/``)."""
BASELINE = "compromise"
"""The model every row is compared with (paired bootstrap)."""
NAIVE = "status_quo"
"""The naive baseline every row is compared with as well."""
REFERENCES = (BASELINE, NAIVE)
IDENTICAL = 1e-9
"""Forecasts closer than this on every scored issue make two rows duplicates."""
JOINT_NOTE = {
    "unit": "proposal: its issues are the dimensions of one problem (0-100, status quo = rp)",
    "actors": "every actor involved in at least one issue of the proposal",
    "uninvolved": "salience 0 and, as position, the issue's compromise mean (capability x "
    "salience weighted mean of the involved actors' positions); it cannot move the exchange, "
    "nash or kalai forecast, but can move smp's",
    "capability": "one per actor and proposal: under votes, the regime that covers every state "
    "involved in any of the proposal's issues",
    "disagreement": "nash/kalai 'auto' use the status quo only when every issue of the "
    "proposal has rp; otherwise each actor's worst point, for all its issues",
}
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
    """Return metrics and paired differences to the reference rows of every row on ``mask``."""
    sel = mask & np.isfinite(y)
    rs = Resamples.draw(proposals[sel], n_boot, seed)
    ref = {r: np.abs(runs[r].forecast[sel] - y[sel]) for r in REFERENCES}
    out: dict[str, Any] = {"issues": int(sel.sum()), "proposals": len(set(proposals[sel]))}
    for name, run in runs.items():
        ae = np.abs(run.forecast[sel] - y[sel])
        entry: dict[str, Any] = {"metrics": summary(ae, rs)}
        for r in REFERENCES:
            if name != r:
                entry["vs_" + r] = summary(ae, rs, base_ae=ref[r])
        out[name] = entry
    return out


def identical(a: np.ndarray, b: np.ndarray, tol: float = IDENTICAL) -> bool:
    """Return whether two forecast vectors agree: the same issues without a forecast, within tol."""
    na, nb = np.isnan(a), np.isnan(b)
    if not np.array_equal(na, nb):
        return False
    return bool(np.all(np.abs(a[~na] - b[~nb]) <= tol))


def _duplicates(
    runs: dict[str, ModelRun], scored: np.ndarray, mae: dict[str, float]
) -> dict[str, str]:
    """Return ``{row: the row it repeats}`` on the scored issues.

    The reference rows come first, then the others by MAE and name; a row repeats the first
    earlier row it equals.
    """

    def order(n: str) -> tuple[Any, ...]:
        return (n not in REFERENCES, REFERENCES.index(n) if n in REFERENCES else 0, _key(mae, n))

    kept: list[str] = []
    out: dict[str, str] = {}
    for name in sorted(runs, key=order):
        twin = next(
            (k for k in kept if identical(runs[name].forecast[scored], runs[k].forecast[scored])),
            None,
        )
        if twin is None:
            kept.append(name)
        else:
            out[name] = twin
    return dict(sorted(out.items()))


def _key(mae: dict[str, float], name: str) -> tuple[bool, float, str]:
    v = mae[name]
    return (not np.isfinite(v), v if np.isfinite(v) else 0.0, name)


CONSENSUS = "consensus"
"""The median of the models' forecasts on each issue, scored as a row of its own."""


def consensus_run(names: Sequence[str], runs: dict[str, ModelRun]) -> ModelRun:
    """Return the consensus of ``names``: per issue the median of their forecasts.

    A model that gave no forecast on an issue (NaN) is left out of that issue's median.
    """
    start = time.perf_counter()
    stack = np.stack([runs[n].forecast for n in names])
    has = np.isfinite(stack).any(axis=0)
    forecast = np.full(stack.shape[1], np.nan)
    forecast[has] = np.nanmedian(stack[:, has], axis=0)
    return ModelRun(
        CONSENSUS,
        {"models": list(names), "combination": "median"},
        forecast,
        time.perf_counter() - start,  # the members' own time is counted under their names
    )


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
    """Run ``models`` (all registered by default; ``compromise`` always) and score them.

    The named baselines (``status_quo``) are always scored as well; with two or more models
    chosen, so is their ``consensus`` (per issue the median of every model run, ``compromise``
    included), the combination accord's bottom line reports.
    """
    if n_boot < 100:
        raise AccordError(f"use at least 100 bootstrap resamples, got {n_boot}")
    inst = institutions or Institutions()
    names = [n for n in dict.fromkeys(models or registry.names()) if n not in BASELINES]
    chosen = list(names)
    for name in names:
        registry.model_class(name)
    if BASELINE not in names:
        names.insert(0, BASELINE)
    issues = data.issues
    kept = {i.issue for i in issues}
    regimes, caps = all_capabilities(data, capability, inst)
    joint_regimes, joint_caps = proposal_capabilities(data, capability, inst)
    runs = {
        name: run_model(name, issues, caps, seed=seed, joint_capabilities=joint_caps)
        for name in names
    }
    if len(chosen) > 1:  # their consensus, as the bottom line forms it: the median per issue
        runs[CONSENSUS] = consensus_run(sorted(names), runs)
        names.append(CONSENSUS)
    start = time.perf_counter()
    deals = deal_forecasts(issues, {n: runs[n].forecast for n in names}, joint_caps)
    per_model = (time.perf_counter() - start) / max(len(names), 1)
    for name in names:
        runs[name + DEAL] = ModelRun(
            name + DEAL, runs[name].params, deals[name + DEAL], per_model, joint=True
        )
    for name in BASELINES:
        runs[name] = run_baseline(name, issues)
    rows = list(runs)
    y = np.array([np.nan if i.outcome is None else i.outcome for i in issues])
    proposals = np.array([i.proposal for i in issues])
    everything = np.ones(len(issues), dtype=bool)
    overall = _scores(runs, y, proposals, everything, [seed, 0], n_boot)
    groups = {}
    for g, (attr, value, label) in enumerate(GROUPS, start=1):
        mask = np.array([getattr(i, attr) == value for i in issues])
        if (mask & np.isfinite(y)).any():
            groups[label] = _scores(runs, y, proposals, mask, [seed, g], n_boot)
    mae = {n: overall[n]["metrics"]["mae"]["value"] for n in rows}
    scored = np.isfinite(y)
    duplicates = _duplicates(runs, scored, mae)
    ranking = sorted((n for n in rows if n not in duplicates), key=lambda n: _key(mae, n))
    joint_used = any(runs[n].joint for n in names)
    record = {
        "format_version": FORMAT_VERSION,
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
            "naive_baseline": NAIVE,
            "identical_within": IDENTICAL,
            "joint_models": JOINT_NOTE,
        },
        "regimes": dict(sorted(Counter(regimes).items())),
        "joint_regimes": [
            {"issue": i.issue, "regime": r, "joint_regime": j}
            for i, r, j in zip(issues, regimes, joint_regimes, strict=True)
            if r != j and joint_used
        ],
        "models": {
            n: {
                "params": runs[n].params,
                "context": list(runs[n].context),
                "failures": runs[n].failures,
                "missing": int(np.isnan(runs[n].forecast[scored]).sum()),
                "joint": runs[n].joint,
                **({"identical_to": duplicates[n]} if n in duplicates else {}),
            }
            for n in names
        },
        "deal_aware": {
            n + DEAL: {
                "of": n,
                "description": DEAL_NOTE,
                "missing": int(np.isnan(runs[n + DEAL].forecast[scored]).sum()),
                **({"identical_to": duplicates[n + DEAL]} if n + DEAL in duplicates else {}),
            }
            for n in names
        },
        "baselines": {
            n: {
                "kind": "naive baseline (not a model)",
                "description": BASELINES[n][0],
                "missing": int(np.isnan(runs[n].forecast[scored]).sum()),
                **({"identical_to": duplicates[n]} if n in duplicates else {}),
            }
            for n in BASELINES
        },
        "ranking": ranking,
        "duplicates": duplicates,
        "overall": overall,
        "groups": groups,
        "forecasts": [
            {
                "issue": i.issue,
                "proposal": i.proposal,
                "procedure": i.procedure,
                "rule": i.rule,
                "outcome": i.outcome,
                "forecast": {n: float(runs[n].forecast[k]) for n in rows},
            }
            for k, i in enumerate(issues)
        ],
    }
    return Backtest(_round(record), {n: runs[n].seconds for n in names})
