"""Report on a saved run: rebuild its scenario, models, parameters and seed from the run store.

A saved ``run``, ``mc`` or ``compare`` holds the whole scenario (``inputs.scenario``) and every
model's parameters and seed (in the results' provenance), so the report runs the same models
again, on the run's own number of draws (never fewer): accord's models are deterministic for a
given seed, and the report says when the numbers it gets differ from the stored ones (another
accord version, for instance). A saved Monte Carlo run's summaries are shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from accord.errors import AccordError
from accord.reports.build import Options, build, make_models
from accord.reports.content import Report
from accord.reports.risk import StoredMonteCarlo
from accord.scenario.model import Scenario


@dataclass(frozen=True)
class SavedRun:
    """What a report needs from a saved run."""

    id: str
    kind: str
    scenario: Scenario
    options: Options
    designs: tuple[Any, ...]
    stored: dict[str, dict[str, float]]
    """Stored forecasts, model -> issue -> value (empty when the record has none)."""
    compare_draws: int | None = None
    """The draws a saved comparison ran on (None: the coded values)."""
    monte_carlo: StoredMonteCarlo | None = None
    """A saved Monte Carlo run's own summaries (shown as stored, never recomputed)."""


def _models(results: Mapping[str, Any], record: Any) -> tuple[list[str], dict[str, Any], int]:
    runs = [r for r in results.get("results", []) if isinstance(r, Mapping)]
    if runs:
        names = [str(r.get("model")) for r in runs]
        provs = [r.get("provenance") or {} for r in runs]
        params = {n: dict(p.get("params") or {}) for n, p in zip(names, provs, strict=True)}
        seeds = [int(p["seed"]) for p in provs if p.get("seed") is not None]
        return names, params, seeds[0] if seeds else int(record.seed or 0)
    prov: Mapping[str, Any] = results.get("provenance") or {}
    name = results.get("model") or prov.get("model")
    if not name:
        raise AccordError(f"run '{record.id}' does not name the model it ran")
    params = dict(results.get("params") or prov.get("params") or {})
    seed = int(prov.get("seed", record.seed) or 0)
    if name == "consensus":  # the members, with the parameters of those that had their own
        members = [str(m) for m in params.get("models") or []]
        own = params.get("params") or {}
        return members, {m: dict(own.get(m) or {}) for m in members}, seed
    return [str(name)], {str(name): params}, seed


def _designs(data: Any) -> tuple[Any, ...]:
    from accord.process.design import BASELINE, Design, DesignSet

    if isinstance(data, Mapping):
        return DesignSet.model_validate(data).designs
    if isinstance(data, list):
        found = (Design.model_validate(d) for d in data)
        return tuple(d for d in found if d.id != BASELINE.id)
    return ()


def _stored(results: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for r in results.get("results", []):
        if isinstance(r, Mapping) and isinstance(r.get("forecast"), Mapping):
            values = {k: v for k, v in r["forecast"].items() if isinstance(v, int | float)}
            out[str(r.get("model"))] = {k: float(v) for k, v in values.items()}
    return out


def load_run(run_id: str, store: str | None = None, options: Options | None = None) -> SavedRun:
    """Read a saved run and return its scenario and the options that reproduce it.

    ``options`` supplies what a run does not record (draws, levers actor); its models and seed
    are replaced by the run's own.
    """
    try:
        from accord.store import RunStore, resolve_store
    except ImportError:  # pragma: no cover - SQLAlchemy ships with accord[store]
        raise AccordError(
            "reports on saved runs need the run store: pip install 'accord[store]'"
        ) from None
    location = resolve_store(store)
    if location is None:
        raise AccordError("the run store is turned off (ACCORD_STORE=off): name one with --store")
    with RunStore(location) as runs:
        record = runs.get(run_id)
    if record.kind == "backtest" or "scenario" not in (record.inputs or {}):
        raise AccordError(f"run '{run_id}' is a {record.kind} and holds no scenario to report on")
    try:
        scenario = Scenario.model_validate(record.inputs["scenario"])
        designs = _designs(record.inputs.get("designs")) if record.kind == "compare" else ()
    except ValueError as exc:
        raise AccordError(f"run '{run_id}' holds inputs this accord cannot read: {exc}") from None
    names, params, seed = _models(record.results, record)
    base = options or Options()
    stored_draws = _draws(record.kind, record.results)
    chosen = replace(
        base,
        models=tuple(names),
        params=params,
        seed=seed,
        draws=base.draws if stored_draws is None else stored_draws,
    )
    compare_draws = stored_draws if record.kind == "compare" and stored_draws else None
    mc = _monte_carlo(record.results) if record.kind == "mc" else None
    return SavedRun(
        run_id, record.kind, scenario, chosen, designs, _stored(record.results), compare_draws, mc
    )


def _draws(kind: str, results: Mapping[str, Any]) -> int | None:
    """Return the draws the saved run was made with (None when it records none)."""
    found: Any = None
    if kind == "compare":
        found = results.get("draws")
    elif kind == "mc":
        found = (results.get("provenance") or {}).get("draws")
    elif kind == "run":
        found = ((results.get("bottom_line") or {}).get("provenance") or {}).get("draws")
    if isinstance(found, int) and not isinstance(found, bool) and found >= 1:
        return found if found > 1 else 0
    return None


def _monte_carlo(results: Mapping[str, Any]) -> StoredMonteCarlo | None:
    """Return a saved Monte Carlo run's summaries as stored (None when it holds none)."""
    from accord.analysis.montecarlo import IssueSummary, Region

    prov: Mapping[str, Any] = results.get("provenance") or {}
    rows = results.get("issues")
    if not isinstance(rows, list) or not rows:
        return None
    try:
        summaries = tuple(
            IssueSummary(
                issue=str(r["issue"]),
                name=str(r["name"]),
                mean=_num(r["mean"]),
                median=_num(r["median"]),
                interval80=(_num(r["interval80"][0]), _num(r["interval80"][1])),
                interval95=(_num(r["interval95"][0]), _num(r["interval95"][1])),
                bin_edges=tuple(float(e) for e in r["bin_edges"]),
                counts=tuple(int(c) for c in r["counts"]),
                regions=tuple(Region(**g) for g in r.get("regions") or ()),
                converged=_num(r.get("converged", 1.0)),
            )
            for r in rows
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    model = str(prov.get("model") or "")
    members = (prov.get("params") or {}).get("models") if model == "consensus" else None
    words = f"the consensus of {len(members)} models" if members else f"'{model}'"
    return StoredMonteCarlo(
        summaries=summaries,
        model_words=words,
        draws=int(prov.get("draws") or 0),
        seed=int(prov.get("seed") or 0),
        n_inputs=int(prov.get("n_inputs") or 0),
    )


def _num(x: Any) -> float:
    return float("nan") if x is None else float(x)


def differences(saved: SavedRun, forecasts: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Return a sentence per model and issue where the new forecast differs from the stored one."""
    out = []
    for model, issues in saved.stored.items():
        for issue, old in issues.items():
            new = forecasts.get(model, {}).get(issue)
            if new is not None and abs(new - old) > 1e-6:
                out.append(f"{model} on '{issue}': stored {old:.2f}, now {new:.2f}")
    return out


def build_run(saved: SavedRun) -> Report:
    """Return the report of a saved run (its designs compared again for a ``compare`` run)."""
    from accord.forecast import forecast
    from accord.models.consensus import consensus_of
    from accord.process import compare

    models = make_models(saved.options)
    fc = forecast(saved.scenario, models, seed=saved.options.seed)
    now = {
        r.model: {i: float(r.forecast[0, k]) for k, i in enumerate(r.issue_ids)} for r in fc.results
    }
    changed = differences(saved, now)
    notes = [
        f"Re-run of saved run {saved.id} ({saved.kind}) with its own models, parameters and seed."
    ]
    if changed:
        notes.append("These forecasts differ from the stored ones: " + "; ".join(changed) + ".")
    comparison = None
    if saved.designs:  # with the run's own model(s), and on its own draws
        comparison = compare(
            saved.scenario,
            saved.designs,
            consensus_of(models),
            seed=saved.options.seed,
            draws=saved.compare_draws,
        )
    return build(
        saved.scenario,
        saved.options,
        origin=f"run {saved.id}",
        comparison=comparison,
        notes=notes,
        stored=saved.monte_carlo,
    )
