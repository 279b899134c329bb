"""Collect everything a report shows: the bottom line first, the analyses, then an appendix.

:func:`build` runs the chosen models on a scenario, opens with the bottom line across them
(:mod:`accord.analysis.bottom_line`: will they settle, where it ends up, how sure, what moves
it and why), then the agreement analysis in detail (:mod:`accord.reports.settle`), every
model's forecast, the uncertainty (the bottom line's own draws and tornado) and one actor's levers
with the *lead* model (the consensus of the chosen models, or the one model chosen), and
returns a :class:`~accord.reports.content.Report`; :func:`build_case` does the same for a seed
case and adds its process designs (compared with the lead model) and what happened next.
Nothing here depends on the time, the machine or the input's path, so the same inputs give the
same report.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from accord import __version__
from accord.errors import AccordError
from accord.forecast import build_models, forecast
from accord.models import registry
from accord.models.base import Model
from accord.models.consensus import consensus_of
from accord.reports import sections
from accord.reports.bottom import bottom_line_section
from accord.reports.content import Block, Items, Paragraph, Report, Section
from accord.reports.risk import StoredMonteCarlo, levers_section, uncertainty_section
from accord.reports.settle import settle_section
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
    """Return the model that compares designs: the report's lead model.

    That is the consensus of the report's models (the median of their forecasts), or the one
    model chosen: the same policy as every command (:data:`accord.forecast.DEFAULT_MODELS`).
    """
    return consensus_of(make_models(options))


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


def _bottom_line(scenario: Scenario, models: Sequence[Model], options: Options) -> Any:
    """Return the bottom line, or the one-line reason it cannot be made here."""
    from accord.analysis.bottom_line import bottom_line

    try:
        return bottom_line(scenario, models, draws=options.draws, seed=options.seed)
    except AccordError as exc:
        return exc.one_line()


def build(
    scenario: Scenario,
    options: Options | None = None,
    *,
    origin: str = "",
    comparison: Comparison | None = None,
    outcome: CaseReport | None = None,
    notes: Sequence[str] = (),
    stored: StoredMonteCarlo | None = None,
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
    stored:
        A saved Monte Carlo run's summaries, shown instead of the bottom line's own draws.

    Returns
    -------
    Report
        The report's content, ready for :mod:`accord.reports.html` or :mod:`.markdown`: the
        bottom line first, the analyses behind it next, the scenario and its sources in an
        appendix.

    """
    options = options or Options()
    _check(scenario, options)
    draw = options.charts and charts_available()
    models = make_models(options)
    lead = consensus_of(models)
    fc = forecast(scenario, models, seed=options.seed)
    point = {
        i: float(np.median([r.forecast[0, k] for r in fc.results]))
        for k, i in enumerate(scenario.issue_ids)
    }
    found = _bottom_line(scenario, models, options)
    parts: list[Section | None]
    if isinstance(found, str):
        note = Paragraph(f"No agreement analysis: {found}", note=True)
        parts = [Section("bottom-line", "The bottom line", (note,))]
    else:
        parts = [
            bottom_line_section(found, draw),
            settle_section(found.deal, options.draws == 0, draw),
        ]
    parts += [
        sections.forecast_section(fc),
        sections.trajectories_section(fc) if draw else None,
    ]
    if not isinstance(found, str):
        parts.append(uncertainty_section(scenario, found, draw, stored))
    if options.actor is not None:
        parts.append(levers_section(scenario, options.actor, lead, options.seed))
    if comparison is not None:
        parts.append(sections.designs_section(scenario, comparison, draw))
    if outcome is not None:
        parts.append(sections.outcome_section(outcome, options.seed, deal_rows=options.draws > 0))
    appendix = (
        _reading(models),
        sections.scenario_section(scenario, point, draw),
        sections.sources_section(scenario),
    )
    remarks = list(notes)
    if not draw:
        remarks.append(
            "Charts are left out: "
            + ("they could not be drawn here." if options.charts else "they were turned off.")
        )
    return Report(
        title=scenario.title,
        subtitle=_subtitle(scenario, origin),
        facts=_facts(scenario, models, options),
        sections=tuple(p for p in parts if p is not None),
        appendix=appendix,
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
    combined = "one model" if len(models) == 1 else "median (the consensus)"
    return (
        ("Models", ", ".join(m.name for m in models)),
        ("Combined as", combined),
        ("Seed", str(options.seed)),
        ("Random draws", f"{options.draws:,}" if options.draws else "none"),
        ("Levers for", options.actor or "none"),
        ("Scenario hash", scenario.content_hash()[:16]),
    )


def reader_reference(text: str) -> str:
    """Return a model's reference without pointers into accord's own files (``docs/...``)."""
    return re.sub(r"\s*(--|—|;)?\s*\(?see\s+docs/\S+\)?|\s*(--|—|;)\s*docs/\S+", "", text).strip()


def _reading(models: Sequence[Model]) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "Every issue is a scale with labelled anchors; every actor has a capability (its "
            "clout), and on every issue a position and a salience (how much the issue matters "
            "to it). Each model turns these into a forecast: the point on the scale where the "
            "negotiation is expected to settle if it settles."
        ),
        Paragraph(
            "An agreement needs the consent of certain actors, and each of them accepts only a "
            "deal that beats its outside option (what it expects without a deal). Where no "
            "point does, there is no zone of agreement and the issue stays at its no-deal "
            "outcome. The chance of a deal, P(deal), is the share of random draws of the "
            "uncertain inputs in which a zone exists; the expected outcome weighs the "
            "settlement by P(deal) and the no-deal outcome by the rest."
        ),
        Paragraph(
            "The bottom line combines the models by their median in every draw (the "
            "consensus): forecasts combined from different methods are rarely much worse than "
            "the best of them and usually better than the average one, and no one knows in "
            "advance which will be best. The spread between the models is shown next to the "
            "uncertainty of the inputs so that neither hides the other."
        ),
        Items(tuple(f"{m.name}: {m.summary} ({reader_reference(m.reference)})" for m in models)),
    ]
    return Section("reading", "How to read this report", tuple(blocks))
