"""The main entry points, importable from the top: ``accord.run``, ``accord.mc`` and the rest.

Each one does what the command of the same name does and returns its result object (every one
has ``to_dict()`` for JSON and ``to_frame()`` for a pandas table)::

    import accord

    fc = accord.run("syria-2015-vienna")              # every model on a seed case
    bl = accord.bottom_line("cases/syria-2015-vienna.yaml", draws=500)
    mc = accord.mc("syria-2015-vienna", "bdm", draws=2000, seed=7)
    cmp = accord.compare("syria-2015-vienna", draws=200)   # the case's own designs
    accord.report("syria-2015-vienna", "vienna.html")

A **scenario** is a :class:`~accord.scenario.model.Scenario`, the path of a scenario file (YAML
or CSV) or the name of a seed case (``accord.cases.names()``). **Models** are ``None`` (every
registered model: the default of every command), a model name, a list of names, a model object
(``accord.models.get("bdm", q=0.9)``) or a list of them. Analyses that follow one forecast (Monte
Carlo, sensitivity, levers, design comparisons) run the one model named or, for several, their
consensus (the median of their forecasts), as the commands do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from accord.errors import AccordError
from accord.models.base import Model
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.analysis.bottom_line import BottomLine
    from accord.analysis.levers import Levers
    from accord.analysis.montecarlo import MonteCarloResult
    from accord.analysis.sensitivity import SobolIndices, Tornado
    from accord.forecast import Forecast
    from accord.process.compare import Comparison
    from accord.process.design import Design
    from accord.reports.content import Report

ScenarioLike = Scenario | str | os.PathLike[str]
"""A scenario, a scenario file's path, or a seed case's name."""
ModelsLike = str | Model | Sequence[str | Model] | None
"""None (every registered model), a name, a model object, or a list of names and objects."""
SCENARIO_SUFFIXES = (".yaml", ".yml", ".csv")


def scenario_path(scenario: ScenarioLike) -> Scenario | Path | str:
    """Return what a scenario argument names: the scenario, a file's path, or a case name.

    A string that names an existing file, or ends in ``.yaml``/``.yml``/``.csv``, is a path;
    any other string is a case name.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, str | os.PathLike):
        raise TypeError(
            f"expected a Scenario, a path or a case name, not {type(scenario).__name__}"
        )
    path = Path(scenario)
    if path.suffix.lower() in SCENARIO_SUFFIXES or path.exists():
        return path
    return str(scenario)


def scenario_of(scenario: ScenarioLike) -> Scenario:
    """Return the scenario itself, the one in a file, or a seed case's (:func:`scenario_path`)."""
    found = scenario_path(scenario)
    if isinstance(found, Scenario):
        from accord.models.base import refuse_draft_values

        refuse_draft_values(found)
        return found
    if isinstance(found, Path):
        from accord.scenario import load

        return load(found)
    from accord import cases

    if found in cases.names():
        return cases.load(found).scenario
    raise AccordError(
        f"'{found}' is neither a scenario file (.yaml, .yml, .csv) nor a case; "
        f"cases: {', '.join(cases.names())}"
    )


def models_of(
    models: ModelsLike = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
) -> list[Model]:
    """Return model objects for a models argument (see :data:`ModelsLike`), in order.

    ``params`` and ``rounds`` apply to the models given by name (see
    :func:`accord.forecast.build_models`); model objects keep their own parameters.
    """
    from accord.forecast import ALL, DEFAULT_MODELS, build_models
    from accord.models.registry import model_class

    if models is None:
        models = list(DEFAULT_MODELS)
    if isinstance(models, str | Model):
        models = [models]
    for m in models:
        if not isinstance(m, str | Model):
            raise TypeError(f"expected model names or Model objects, not {type(m).__name__}")
        if isinstance(m, str) and m != ALL:
            model_class(m)  # an unknown name is an error, even beside 'all'
    names = [m for m in models if isinstance(m, str)]
    built = {m.name: m for m in build_models(names, params, rounds)} if names else {}
    named = set(names) - {ALL}
    out: list[Model] = []
    for m in models:
        if isinstance(m, Model):
            out.append(m)
        elif m == ALL:  # every registered model not named on its own
            out.extend(b for name, b in built.items() if name not in named)
        elif built[m] not in out:  # a name given twice counts once
            out.append(built[m])
    if not out:
        raise AccordError("no model given")
    return out


def lead_of(
    models: ModelsLike = None,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
) -> Model:
    """Return the one model an analysis follows: the model given, or the consensus of several."""
    from accord.models.consensus import consensus_of

    return consensus_of(models_of(models, params, rounds))


def run(
    scenario: ScenarioLike,
    models: ModelsLike = None,
    *,
    seed: int = 0,
    rounds: int | None = None,
    params: Mapping[str, Any] | None = None,
) -> Forecast:
    """Run models on a scenario at its coded values, as ``accord run`` does (its tables).

    Parameters
    ----------
    scenario:
        A :class:`Scenario`, a scenario file or a case name.
    models:
        None for every registered model, or names / model objects.
    seed:
        The seed of every model (the same seed, the same numbers).
    rounds:
        The most rounds of the iterative models (bdm, smp, exchange ...).
    params:
        Parameters by name, given to every named model that has them (``{"q": 0.9}``).

    Returns
    -------
    Forecast
        One result per model: ``fc.results``, ``fc.result("bdm").forecast_of("assad")``,
        ``fc.to_frame()``, ``fc.to_dict()``.

    Examples
    --------
    >>> import accord
    >>> fc = accord.run("syria-2015-vienna", ["bdm", "nash"])
    >>> round(fc.result("nash").forecast_of("assad"), 1)
    36.0

    """
    from accord.forecast import forecast

    return forecast(scenario_of(scenario), models_of(models, params, rounds), seed=seed)


def bottom_line(
    scenario: ScenarioLike,
    models: ModelsLike = None,
    *,
    draws: int | None = None,
    seed: int = 0,
    spread: float | None = None,
    linked: bool = False,
    params: Mapping[str, Any] | None = None,
) -> BottomLine:
    """Return the bottom line ``accord run`` prints first: settle? where, how sure, and why.

    Per issue: P(deal) and who blocks, the consensus outcome with its interval and the range
    across models, the inputs that move it most and the reasons. ``draws`` random draws of the
    uncertain inputs (default: the command's; 0 for the coded values only); ``spread`` gives
    unranged inputs a range of ± this share of their scale; ``linked`` bargains all issues as
    one package. ``bl.to_frame()`` is one row per issue.

    Examples
    --------
    >>> import accord
    >>> bl = accord.bottom_line("syria-2015-vienna", draws=100)
    >>> bl.line("counter_isis").p_deal > 0.5
    True

    """
    from accord.analysis import bottom_line as bottom

    scn = scenario_of(scenario)
    return bottom.bottom_line(
        scn,
        models_of(models, params),
        draws=bottom.DEFAULT_DRAWS if draws is None else draws,
        seed=seed,
        spread=spread,
        tracks=[scn.issue_ids] if linked else None,
    )


def mc(
    scenario: ScenarioLike,
    model: ModelsLike = None,
    *,
    draws: int = 1000,
    seed: int = 0,
    deal: bool = False,
    spread: float | None = None,
    bloc_correlation: float = 0.0,
    linked: bool = False,
    params: Mapping[str, Any] | None = None,
) -> MonteCarloResult:
    """Run Monte Carlo over the scenario's uncertain inputs, as ``accord mc`` does.

    ``model`` None runs the consensus of every registered model (several: their consensus);
    ``deal`` adds P(deal), the settlement and the deal-aware outcome per issue. The result has
    ``to_frame()`` (one row per issue) and ``draws_frame()`` (every draw).

    Examples
    --------
    >>> import accord
    >>> res = accord.mc("syria-2015-vienna", "compromise", draws=200, seed=7)
    >>> res.provenance.draws
    200

    """
    from accord.analysis import montecarlo

    scn = scenario_of(scenario)
    return montecarlo.run(
        scn,
        lead_of(model, params),
        draws=draws,
        seed=seed,
        deal=deal,
        spread=spread,
        bloc_correlation=bloc_correlation,
        tracks=[scn.issue_ids] if linked else None,
    )


def _designs(scenario: ScenarioLike, designs: Any, scn: Scenario) -> list[Design]:
    from accord.process.design import DesignSet
    from accord.process.files import load_designs

    if designs is None:
        from accord import cases

        name = str(scenario) if isinstance(scenario, str) else None
        case = cases.load(name) if name in cases.names() else None
        if case is None or case.designs is None:
            raise AccordError("no designs given (only a seed case brings its own)")
        return list(case.designs.designs)
    if isinstance(designs, DesignSet):
        return list(designs.designs)
    if isinstance(designs, str | os.PathLike):
        return list(load_designs(Path(designs), scenario=scn).designs)
    return list(designs)


def compare(
    scenario: ScenarioLike,
    designs: Any = None,
    model: ModelsLike = None,
    *,
    draws: int | None = None,
    seed: int = 0,
    tolerance: float = 0.1,
    spread: float | None = None,
    bloc_correlation: float = 0.0,
    params: Mapping[str, Any] | None = None,
) -> Comparison:
    """Compare process designs side by side (the baseline first), as ``accord compare`` does.

    ``designs`` is a designs file, a ``DesignSet``, a list of ``Design`` objects, or None for a
    seed case's own designs. ``draws`` runs every design on the same random draws. The result's
    ``to_frame()`` is one row per design and issue (issue ``all``: the design overall).

    Examples
    --------
    >>> import accord
    >>> cmp = accord.compare("syria-2015-vienna", model="compromise")
    >>> cmp.to_frame()["design"].iloc[0]
    'baseline'

    """
    from accord.process.compare import compare as compare_designs

    scn = scenario_of(scenario)
    return compare_designs(
        scn,
        _designs(scenario, designs, scn),
        lead_of(model, params),
        tolerance=tolerance,
        seed=seed,
        draws=draws,
        spread=spread,
        bloc_correlation=bloc_correlation,
    )


def sensitivity(
    scenario: ScenarioLike,
    model: ModelsLike = None,
    *,
    method: Literal["tornado", "sobol"] = "tornado",
    samples: int = 256,
    spread: float | None = None,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
) -> Tornado | SobolIndices:
    """Return which uncertain inputs move the forecast: a tornado or Sobol indices.

    As ``accord sensitivity``; ``samples`` is Sobol's base sample. ``to_frame()`` is one row per
    issue and input, the inputs that matter most first.
    """
    from accord.analysis import sensitivity as sens

    scn, lead = scenario_of(scenario), lead_of(model, params)
    if method == "tornado":
        return sens.tornado(scn, lead, spread=spread, seed=seed)
    if method == "sobol":
        return sens.sobol(scn, lead, samples=samples, spread=spread, seed=seed)
    raise AccordError(f"unknown method '{method}' (use tornado or sobol)")


def levers(
    scenario: ScenarioLike,
    actor: str,
    model: ModelsLike = None,
    *,
    issue: str | None = None,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
) -> Levers:
    """Return whose shifts bring the forecast nearest to ``actor``'s ideal, as ``accord levers``."""
    from accord.analysis import levers as levers_mod

    return levers_mod.levers(
        scenario_of(scenario), actor, lead_of(model, params), issue=issue, seed=seed
    )


def _report_options(models: ModelsLike, **kwargs: Any) -> Any:
    from accord.reports.build import Options

    chosen = ["all"] if models is None else [models] if isinstance(models, str | Model) else models
    names: list[str] = []
    params: dict[str, dict[str, Any]] = {}
    for m in chosen:
        if isinstance(m, Model):
            names.append(m.name)
            params[m.name] = m.params.model_dump(mode="json")
        else:
            names.append(m)
    return Options(models=tuple(names), params=params, **kwargs)


def report(
    scenario: ScenarioLike,
    path: str | os.PathLike[str] | None = None,
    *,
    models: ModelsLike = None,
    draws: int | None = None,
    seed: int = 0,
    actor: str | None = None,
    charts: bool = True,
    format: Literal["html", "md"] | None = None,
) -> Report:
    """Build the report of a scenario or seed case, and write it when ``path`` is given.

    As ``accord report``: HTML (one self-contained file) or Markdown (``.md``, charts in a
    ``NAME_files`` folder beside it); ``format`` overrides the extension. A case's report adds
    its designs and, where recorded, what happened next. Returns the report either way.
    """
    from accord.reports import build as builder
    from accord.reports import files

    target = Path(path) if path is not None else None
    if target is not None:
        files.check_target(target)  # before the work, not after it
    options = _report_options(
        models,
        seed=seed,
        draws=builder.DEFAULT_DRAWS if draws is None else draws,
        actor=actor,
        charts=charts,
    )
    found = scenario_path(scenario)
    if isinstance(found, str):  # a case: its designs and outcome too
        built = builder.build_case(found, options)
    else:
        origin = f"file {found.name}" if isinstance(found, Path) else ""
        built = builder.build(scenario_of(found), options, origin=origin)
    if target is not None:
        files.write(built, target, files.format_of(target, format))
    return built


__all__ = [
    "ModelsLike",
    "ScenarioLike",
    "bottom_line",
    "compare",
    "lead_of",
    "levers",
    "mc",
    "models_of",
    "report",
    "run",
    "scenario_of",
    "scenario_path",
    "sensitivity",
]
