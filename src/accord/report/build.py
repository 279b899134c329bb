"""Collect everything a report shows: will they settle, the scenario, forecasts, the rest.

:func:`build` runs the chosen models on a scenario, answers first whether the negotiation
settles at all (:mod:`accord.report.settle`, every model on the report's Monte Carlo draws),
then adds, when asked and available, Monte Carlo, a sensitivity tornado and one actor's levers
with the *lead* model, the first one chosen, and returns a
:class:`~accord.report.content.Report`; :func:`build_case` does the same for a seed case and
adds its process designs (compared with :data:`accord.process.compare.DEFAULT_MODEL` unless a
single model was chosen) and what happened next. Nothing here depends on the time, the machine
or the input's path, so the same inputs give the same report.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from accord import __version__
from accord.errors import AccordError
from accord.forecast import build_models, forecast
from accord.models import registry
from accord.models.base import Model
from accord.report import sections
from accord.report.content import Block, Paragraph, Report, Section
from accord.report.risk import levers_section, uncertainty_section
from accord.report.settle import settle_or_note
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.cases.report import CaseReport
    from accord.process.compare import Comparison

DEFAULT_DRAWS = 200
"""Monte Carlo draws unless asked otherwise (0 turns Monte Carlo off)."""


@dataclass(frozen=True)
class Options:
    """What to put in a report.

    Attributes
    ----------
    models : model names, or ``("all",)``; the first one is the lead model.
    params : parameters per model name (models not named run with their defaults).
    seed : the seed of every model run and every analysis.
    draws : Monte Carlo draws (0 for none): of the lead model's Monte Carlo, of every model's
        deal-aware forecast and of a case's design comparison.
    actor : the actor whose levers are shown (None for no levers section).
    charts : whether to draw charts (they need matplotlib).

    """

    models: tuple[str, ...] = ("all",)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    seed: int = 0
    draws: int = DEFAULT_DRAWS
    actor: str | None = None
    charts: bool = True


def charts_available() -> bool:
    """Return whether matplotlib is installed (without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def make_models(options: Options) -> list[Model]:
    """Return the chosen models with their parameters (``all`` = every registered model)."""
    if not options.params:
        return build_models(list(options.models))
    names = registry.names() if "all" in options.models else list(dict.fromkeys(options.models))
    return [registry.model_class(n)(**dict(options.params.get(n, {}))) for n in names]


def design_model(options: Options) -> Model:
    """Return the model that compares designs: the one model chosen, else the default one.

    :data:`accord.process.compare.DEFAULT_MODEL` responds to every part of a design; a report
    asked for with a single model (``-m bdm``) compares with that model instead.
    """
    from accord.process.compare import DEFAULT_MODEL

    chosen = list(dict.fromkeys(options.models))
    name = chosen[0] if len(chosen) == 1 and chosen[0] != "all" else DEFAULT_MODEL
    return make_models(replace(options, models=(name,)))[0]


def compare_designs(
    scenario: Scenario, designs: Sequence[Any], model: Model, options: Options
) -> tuple[Comparison, list[str]]:
    """Compare designs on the report's draws (the coded values with none); return any note."""
    from accord.process import compare

    if options.draws > 0:
        try:
            return compare(scenario, designs, model, seed=options.seed, draws=options.draws), []
        except AccordError as exc:
            if not exc.one_line().startswith("nothing is uncertain"):
                raise
            note = "Designs are compared at the coded values: no input of the scenario has a range."
            return compare(scenario, designs, model, seed=options.seed), [note]
    return compare(scenario, designs, model, seed=options.seed), []


def _check(scenario: Scenario, options: Options) -> None:
    if options.draws < 0:
        raise AccordError(f"--draws must be 0 or more, got {options.draws}")
    if options.actor is not None and options.actor not in scenario.actor_ids:
        raise AccordError(
            f"unknown actor '{options.actor}'; actors: {', '.join(scenario.actor_ids)}"
        )


def build(
    scenario: Scenario,
    options: Options | None = None,
    *,
    origin: str = "",
    comparison: Comparison | None = None,
    outcome: CaseReport | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """Return the report of a scenario.

    Parameters
    ----------
    scenario:
        The scenario.
    options:
        Models, seed, Monte Carlo draws, levers actor, charts.
    origin:
        Where the scenario came from, in words ('case syria-2015-vienna', 'file x.yaml').
    comparison:
        Process designs compared on the scenario, for a designs section.
    outcome:
        A case's forecast-vs-outcome report, for a 'what happened next' section.
    notes:
        Remarks to print under the title.

    Returns
    -------
    Report
        The report's content, ready for :mod:`accord.report.html` or :mod:`.markdown`.

    """
    options = options or Options()
    _check(scenario, options)
    draw = options.charts and charts_available()
    models = make_models(options)
    fc = forecast(scenario, models, seed=options.seed)
    lead_model, lead = models[0], fc.results[0]
    lead_fc = {i: float(lead.forecast[0, k]) for k, i in enumerate(scenario.issue_ids)}
    parts: list[Section | None] = [
        settle_or_note(scenario, models, options.seed, options.draws, draw),
        sections.scenario_section(scenario, lead_fc, draw),
        sections.sources_section(scenario),
        sections.forecast_section(fc),
        sections.trajectories_section(fc) if draw else None,
        uncertainty_section(scenario, lead_model, options.seed, options.draws, draw),
    ]
    if options.actor is not None:
        parts.append(levers_section(scenario, options.actor, lead_model, options.seed))
    if comparison is not None:
        parts.append(sections.designs_section(scenario, comparison, draw))
    if outcome is not None:
        parts.append(sections.outcome_section(outcome, options.seed, deal_rows=options.draws > 0))
    remarks = list(notes)
    if not draw:
        remarks.append(
            "Charts are left out: "
            + (
                "matplotlib is not installed (pip install 'accord[plot]')."
                if options.charts
                else "they were turned off."
            )
        )
    return Report(
        title=scenario.title,
        subtitle=_subtitle(scenario, origin),
        facts=_facts(scenario, models, options),
        sections=(_reading(lead_model), *(p for p in parts if p is not None)),
        footer=f"Made with accord {__version__}. The same inputs, models and seed give the same "
        "report, byte for byte.",
        notes=tuple(remarks),
    )


def build_case(name: str, options: Options | None = None) -> Report:
    """Return the report of a seed case: with its designs compared and its outcome, if any."""
    from accord import cases

    options = options or Options()
    case = cases.load(name)
    _check(case.scenario, options)
    comparison: Comparison | None = None
    notes: list[str] = []
    if case.designs is not None and case.designs.designs:
        model = design_model(options)
        comparison, notes = compare_designs(case.scenario, case.designs.designs, model, options)
    outcome = None
    if case.has_outcome:  # read only after the forecasts' inputs are fixed; models never see it
        # without draws the deal-aware rows are left out (one draw would be a random one)
        draws = options.draws if options.draws > 0 else 1
        outcome = cases.report_case(name, list(options.models), seed=options.seed, draws=draws)
    return build(
        case.scenario,
        options,
        origin=f"case {name}",
        comparison=comparison,
        outcome=outcome,
        notes=notes,
    )


def _subtitle(scenario: Scenario, origin: str) -> str:
    bits = [f"as of {scenario.date.isoformat()}"] if scenario.date else []
    bits += [f"{len(scenario.actors)} actors", f"{len(scenario.issues)} issues"]
    if origin:
        bits.append(origin)
    return " · ".join(bits)


def _facts(
    scenario: Scenario, models: Sequence[Model], options: Options
) -> tuple[tuple[str, str], ...]:
    return (
        ("Models", ", ".join(m.name for m in models)),
        ("Lead model", models[0].name),
        ("Seed", str(options.seed)),
        ("Monte Carlo draws", str(options.draws) if options.draws else "none"),
        ("Levers for", options.actor or "none"),
        ("Scenario hash", scenario.content_hash()[:16]),
    )


def _reading(lead: Model) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "Every issue is a scale with labelled anchors; every actor has a capability (its "
            "clout), and on every issue a position and a salience (how much the issue matters "
            "to it). Each model turns these into a forecast: the point on the scale where the "
            "negotiation is expected to settle."
        ),
        Paragraph(
            "The report opens with the answer: will the negotiation produce an agreement at "
            "all? An agreement needs the consent of certain actors, and each of them accepts "
            "only a deal that beats its outside option; where no point does, there is no zone "
            "of agreement and the issue stays at its no-deal outcome. Each model's expected "
            "outcome weighs its settlement by the chance of a deal, P(deal)."
        ),
        Paragraph(
            f"Monte Carlo, the tornado and levers use the lead model, '{lead.name}'; process "
            "designs are compared with one model (see that section). Run 'accord models' for "
            "what each model does and where it comes from.",
            note=True,
        ),
    ]
    return Section("reading", "How to read this report", tuple(blocks))
