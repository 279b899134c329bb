"""The report's sections on the scenario, its sources, forecasts, designs and outcome.

Each function returns a :class:`~accord.report.content.Section`; charts are drawn only when the
caller says matplotlib may be used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from accord.report import figures
from accord.report.content import Block, Items, Paragraph, Section, Table, num, one_line, span
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.cases.report import CaseReport
    from accord.forecast import Forecast
    from accord.process.compare import Comparison


def _anchors(scenario: Scenario, issue: str) -> str:
    return "; ".join(f"{a.value:g} = {a.label}" for a in scenario.issue(issue).anchors)


def scenario_section(scenario: Scenario, lead: dict[str, float] | None, charts: bool) -> Section:
    """Return the actors, issues and stances, with the actor map."""
    s = scenario
    blocks: list[Block] = []
    if s.description:
        blocks.append(Paragraph(one_line(s.description)))
    blocks.append(
        Table(
            ("Actor", "id", "Bloc", "Capability", "Range", "Why this capability"),
            tuple(
                (
                    a.name,
                    a.id,
                    a.bloc or "",
                    f"{a.capability:g}",
                    span(*(a.capability_range.as_list() if a.capability_range else (None, None))),
                    one_line(a.why.get("capability")),
                )
                for a in s.actors
            ),
            numeric=(False, False, False, True, True, False),
            caption="Actors",
        )
    )
    blocks.append(
        Table(
            ("Issue", "id", "Scale", "Status quo", "Anchors"),
            tuple(
                (
                    i.name,
                    i.id,
                    f"{i.scale.min:g}–{i.scale.max:g} {i.scale.unit}",
                    "" if i.status_quo is None else f"{i.status_quo:g}",
                    _anchors(s, i.id),
                )
                for i in s.issues
            ),
            numeric=(False, False, False, True, False),
            caption="Issues",
        )
    )
    if charts:
        blocks.append(figures.actor_map(s, lead))
    for issue in s.issues:
        rows = []
        for a in s.actors:
            st = s.stance(a.id, issue.id)
            pr, sr = st.position_range, st.salience_range
            rows.append(
                (
                    a.name,
                    f"{st.position:g}",
                    span(pr.low, pr.high) if pr else "",
                    f"{100 * st.salience:.0f}",
                    span(100 * sr.low, 100 * sr.high) if sr else "",
                    one_line(st.why.get("position")),
                    one_line(st.source),
                )
            )
        blocks.append(
            Table(
                ("Actor", "Position", "Range", "Salience", "Range", "Why this position", "Source"),
                tuple(rows),
                numeric=(False, True, True, True, True, False, False),
                caption=f"Stances on '{issue.name}' ({issue.id}); salience on 0–100",
            )
        )
    return Section("scenario", "The scenario", tuple(blocks))


def sources_section(scenario: Scenario) -> Section:
    """Return the scenario's list of sources."""
    if not scenario.sources:
        return Section("sources", "Sources", (Paragraph("The scenario lists no sources."),))
    table = Table(
        ("id", "Citation", "Link"),
        tuple((src.id, one_line(src.citation), src.url or "") for src in scenario.sources),
        caption="Sources the coding relies on (cited by id in the stances)",
    )
    return Section("sources", "Sources", (table,))


def forecast_section(fc: Forecast) -> Section:
    """Return the forecast of every issue by every model, with each model's provenance."""
    s = fc.scenario
    lead = fc.results[0]
    rows = []
    for k, issue in enumerate(s.issues):
        cells = [num(float(r.forecast[0, k])) for r in fc.results]
        label = issue.label_of(float(lead.forecast[0, k]))
        rows.append((issue.name, *cells, label))
    table = Table(
        ("Issue", *(r.model for r in fc.results), f"Nearest anchor to '{lead.model}'"),
        tuple(rows),
        numeric=(False, *(True for _ in fc.results), False),
        caption="Forecast per model (each issue on its own scale)",
    )
    prov = Table(
        ("Model", "Parameters", "Seed", "Rounds", "Converged", "Input hash"),
        tuple(
            (
                r.model,
                json.dumps(dict(r.provenance.params), sort_keys=True),
                "" if r.provenance.seed is None else str(r.provenance.seed),
                ", ".join(str(int(x)) for x in r.rounds[0]),
                "yes" if bool(r.converged.all()) else "no",
                r.provenance.input_hash[:12],
            )
            for r in fc.results
        ),
        numeric=(False, False, True, True, False, False),
        caption="Provenance: enough to reproduce each number (rounds per issue)",
    )
    return Section("forecast", "Forecast per model", (table, prov))


def trajectories_section(fc: Forecast) -> Section | None:
    """Return the round-by-round charts of the iterative models (None if there are none)."""
    iterative = [r for r in fc.results if int(r.rounds.max()) > 0]
    if not iterative:
        return None
    blocks: list[Block] = [figures.trajectories(fc.scenario, r) for r in iterative]
    return Section("trajectories", "Trajectories", tuple(blocks))


def designs_section(scenario: Scenario, comparison: Comparison, charts: bool) -> Section:
    """Return the design comparison: forecasts per design and issue, and the overall measures."""
    cell = {(str(r["design"]), str(r["issue"])): r for r in comparison.table().to_dict("records")}
    rows = []
    for run in comparison.runs:
        overall = cell[run.design.id, "all"]
        rows.append(
            (
                run.design.id,
                *(num(float(cell[run.design.id, i]["forecast"])) for i in scenario.issue_ids),
                f"{float(overall['breadth']):.2f}",
                f"{float(overall['spoiler_risk']):.2f}",
                "yes" if bool(overall["stable"]) else "no",
            )
        )
    blocks: list[Block] = [
        Table(
            ("Design", *scenario.issue_ids, "Breadth", "Spoiler risk", "Stable"),
            tuple(rows),
            numeric=(False, *(True for _ in scenario.issue_ids), True, True, False),
            caption=f"Designs compared with '{comparison.model.name}' (see docs/process.md)",
        ),
        Items(tuple(f"{r.design.id}: {one_line(r.design.name)}" for r in comparison.runs)),
    ]
    if charts:
        blocks.insert(1, figures.designs(scenario, comparison))
    return Section("designs", "Process designs", tuple(blocks))


def outcome_section(report: CaseReport, models: Sequence[str]) -> Section:
    """Return what happened next: the summary, the events and each forecast against it."""
    out = report.outcome
    blocks: list[Block] = [Paragraph(one_line(out.summary))]
    if out.events:
        blocks.append(
            Table(
                ("Date", "What happened", "Source"),
                tuple(
                    (e.date.isoformat(), one_line(e.what), one_line(e.source)) for e in out.events
                ),
                caption=f"Events after the case's date (as of {out.as_of.isoformat()})",
            )
        )
    mark = {"right": "✓", "close": "~", "wrong": "✗"}
    rows = []
    for issue in dict.fromkeys(v.issue for v in report.verdicts):
        vs = {v.model: v for v in report.verdicts if v.issue == issue}
        first = next(iter(vs.values()))
        rows.append(
            (
                first.issue_name,
                first.by,
                num(first.outcome),
                span(first.low, first.high),
                *(
                    f"{num(vs[m].forecast)} {mark[vs[m].verdict]}" if m in vs else ""
                    for m in models
                ),
            )
        )
    blocks.append(
        Table(
            ("Issue", "By", "Outcome", "Range", *models),
            tuple(rows),
            numeric=(False, False, True, True, *(True for _ in models)),
            caption="Forecast against outcome: ✓ within 10% of the scale (or inside the "
            "outcome's range), ~ within 25%, ✗ beyond",
        )
    )
    wrong = [v.sentence() for v in report.verdicts if v.verdict == "wrong"]
    if wrong:
        blocks.append(Items(tuple(wrong)))
    return Section("outcome", "What happened next", tuple(blocks))
