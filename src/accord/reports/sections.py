"""The report's sections on the scenario, its sources, forecasts, designs and outcome.

Each function returns a :class:`~accord.reports.content.Section`; charts are drawn only when the
caller says matplotlib may be used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.reports import figures
from accord.reports.content import (
    Block,
    Items,
    Paragraph,
    Section,
    Table,
    num,
    one_line,
    pct,
    signed,
    span,
)
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
    several = len(fc.results) > 1
    rows = []
    for k, issue in enumerate(s.issues):
        values = [float(r.forecast[0, k]) for r in fc.results]
        middle = float(np.median(values))
        cells = [num(v) for v in values] + ([num(middle)] if several else [])
        rows.append((issue.name, *cells, issue.label_of(middle)))
    extra = ("median",) if several else ()
    table = Table(
        ("Issue", *(r.model for r in fc.results), *extra, "Nearest anchor"),
        tuple(rows),
        numeric=(False, *(True for _ in fc.results), *(True for _ in extra), False),
        caption="Each model's own forecast at the coded values, as if a deal were certain (each "
        "issue on its own scale)"
        + (
            "; 'median' is their consensus, and the anchor is the one nearest it" if several else ""
        ),
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


def _delta(value: float, low: float, high: float, noise: bool, draws: int, digits: int = 1) -> str:
    """Return a paired difference with its interval (over draws) and the noise mark."""
    if value != value:  # NaN
        return "–"
    text = signed(value, digits)
    if noise and all(signed(x, digits).lstrip("+-").strip("0.") == "" for x in (value, low, high)):
        return "0 (noise)"  # the same in every draw
    if draws > 1:
        text += f" [{signed(low, digits)}, {signed(high, digits)}]"
    return text + (" (noise)" if noise else "")


def _expected(row: Mapping[Any, Any], draws: int) -> str:
    if row["expected"] != row["expected"]:
        return "–"
    if draws <= 1:
        return num(float(row["expected"]))
    return f"{num(float(row['expected']))} [{span(row['expected_low'], row['expected_high'], 1)}]"


def designs_section(scenario: Scenario, comparison: Comparison, charts: bool) -> Section:
    """Return the design comparison, deal-aware, with the comparison's warnings.

    Overall per design: whether every issue settles, stability, spoiler risk, breadth and the
    expected outcome per issue; then per issue the forecast, P(deal), the settlement, the
    expected outcome and its paired difference to the baseline (with the noise mark).
    """
    records = comparison.table().to_dict("records")
    cell = {(str(r["design"]), str(r["issue"])): r for r in records}
    base = comparison.runs[0].design.id
    draws = comparison.draws
    how = (
        f"on the same {draws:,} draws of the uncertain inputs for every design (seed "
        f"{comparison.seed})"
        if draws > 1
        else "at the coded values (one draw, so no intervals: run with Monte Carlo draws for them)"
    )
    blocks: list[Block] = [
        Paragraph(
            f"Every design is run with '{comparison.model.name}' {how}. The expected outcome is "
            "the settlement where the actors whose consent the design's agreement needs settle, "
            f"and the no-deal outcome where they do not. Δ is the paired difference to '{base}': "
            "per draw, this design's expected outcome minus the baseline's, with the 2.5–97.5% "
            "interval of those differences; '(noise)' marks a difference whose interval contains "
            "0, i.e. a design that does not move the outcome one way across the plausible inputs."
        )
    ]
    overall = []
    for run in comparison.runs:
        r = cell[run.design.id, "all"]
        risk = float(r["spoiler_risk"])
        overall.append(
            (
                run.design.id,
                pct(float(r["p_deal"])),
                pct(float(r["stable"])),
                "–" if risk != risk else f"{risk:.2f}",
                f"{float(r['breadth']):.2f}",
                *(_expected(cell[run.design.id, i], draws) for i in scenario.issue_ids),
            )
        )
    blocks.append(
        Table(
            ("Design", "All settle", "Stable", "Spoiler risk", "Breadth", *scenario.issue_ids),
            tuple(overall),
            numeric=(False, True, True, True, True, *(True for _ in scenario.issue_ids)),
            caption=f"Designs compared with '{comparison.model.name}': all settle = share of "
            "draws in which every issue has a deal; stable = share of draws in which the "
            "forum's result is accepted as it stands by everyone whose consent it needs; "
            "spoiler risk = capability × salience share of the actors who would rather have "
            "no deal (draws with a deal; '–' without one); breadth = share of stakes within "
            f"{comparison.tolerance:.0%} of the outcome; then the expected outcome per issue"
            + (" [95% interval]" if draws > 1 else ""),
        )
    )
    for issue in scenario.issues:
        rows = []
        for run in comparison.runs:
            r = cell[run.design.id, issue.id]
            first = run.design.id == base
            settlement = float(r["settlement"])
            rows.append(
                (
                    run.design.id,
                    num(float(r["forecast"])),
                    pct(float(r["p_deal"])),
                    ""
                    if first
                    else _delta(
                        float(r["p_deal_delta"]),
                        float(r["p_deal_delta_low"]),
                        float(r["p_deal_delta_high"]),
                        bool(r["p_deal_noise"]),
                        draws,
                        2,
                    ),
                    "–" if settlement != settlement else num(settlement),
                    _expected(r, draws),
                    "(baseline)"
                    if first
                    else _delta(
                        float(r["delta"]),
                        float(r["delta_low"]),
                        float(r["delta_high"]),
                        bool(r["delta_noise"]),
                        draws,
                    ),
                )
            )
        blocks.append(
            Table(
                (
                    "Design",
                    "Forecast",
                    "P(deal)",
                    "Δ P(deal)",
                    "Settlement",
                    "Expected" + (" [95%]" if draws > 1 else ""),
                    f"Δ vs {base}",
                ),
                tuple(rows),
                numeric=(False, True, True, True, True, True, True),
                caption=f"{issue.name} ({issue.id}): the model's forecast, P(deal), the "
                "settlement if they settle and the expected outcome per design",
            )
        )
    if comparison.warnings:
        blocks.append(
            Paragraph(
                "Warnings: designs that cannot change this model's result (not tested and "
                "found equal)."
            )
        )
        blocks.append(Items(tuple(f"{d}: {one_line(m)}" for d, m in comparison.warnings)))
    blocks.append(
        Items(tuple(f"{r.design.id}: {one_line(r.design.name)}" for r in comparison.runs))
    )
    if charts:
        blocks.insert(2, figures.designs(scenario, comparison))
    return Section("designs", "Process designs", tuple(blocks))


MARK = {"right": "✓", "close": "~", "wrong": "✗"}


def outcome_section(report: CaseReport, seed: int = 0, deal_rows: bool = True) -> Section:
    """Return what happened next: the summary, the events, and every forecaster against it.

    Forecasters are the naive baseline ``status_quo`` (nothing changes), every model and, with
    ``deal_rows``, every model's deal-aware expected outcome (``<model>+deal``); each gets its
    mean error and the paired difference of that error to ``status_quo`` (see
    :func:`accord.cases.scoreboard`).
    """
    from accord.cases import STATUS_QUO, scoreboard
    from accord.cases.report import DEAL_SUFFIX

    verdicts = tuple(v for v in report.verdicts if deal_rows or not v.model.endswith(DEAL_SUFFIX))
    out = report.outcome
    blocks: list[Block] = [Paragraph(one_line(out.summary))]
    within = [e for e in out.events if e.date <= out.as_of]
    later = [e for e in out.events if e.date > out.as_of]
    if within:
        blocks.append(
            Table(
                ("Date", "What happened", "Source"),
                tuple((e.date.isoformat(), one_line(e.what), one_line(e.source)) for e in within),
                caption="Events after the case's date, up to the date the outcome is coded at "
                f"({out.as_of.isoformat()})",
            )
        )
    if later:
        blocks.append(
            Paragraph(
                f"Later, after {out.as_of.isoformat()} and so outside what the outcome codes: "
                + "; ".join(f"{e.date.isoformat()}: {one_line(e.what)}" for e in later)
                + ".",
                note=True,
            )
        )
    issues = list(dict.fromkeys(v.issue for v in verdicts))
    first = {i: next(v for v in verdicts if v.issue == i) for i in issues}
    blocks.append(
        Table(
            ("Issue", "id", "By", "Outcome", "Range", "Nearest anchor"),
            tuple(
                (
                    first[i].issue_name,
                    i,
                    first[i].by,
                    num(first[i].outcome),
                    span(first[i].low, first[i].high),
                    first[i].outcome_label,
                )
                for i in issues
            ),
            numeric=(False, False, False, True, True, False),
            caption="What happened: the coded outcome of each issue",
        )
    )
    board = {
        str(r["model"]): r for r in scoreboard([replace(report, verdicts=verdicts)], seed=seed)
    }
    rows = []
    for model in dict.fromkeys(v.model for v in verdicts):
        vs = {v.issue: v for v in verdicts if v.model == model}
        row = board[model]
        vs_sq = row.get("vs_status_quo")
        if model == STATUS_QUO:
            diff = "(baseline)"
        elif vs_sq is None:
            diff = "–"
        else:
            lo, hi = 100 * vs_sq["lo"], 100 * vs_sq["hi"]
            diff = f"{signed(100 * vs_sq['value'])} [{signed(lo)}, {signed(hi)}]"
            diff += " (noise)" if lo <= 0 <= hi else ""
        rows.append(
            (
                model,
                *(
                    f"{num(vs[i].forecast)} {MARK[vs[i].verdict]}" if i in vs else ""
                    for i in issues
                ),
                f"{100 * row['mean_error_share']:.1f}%",
                diff,
                f"{row['right']}/{row['close']}/{row['wrong']}",
            )
        )
    blocks.append(
        Table(
            ("Forecaster", *issues, "Mean error", "vs status_quo", "✓/~/✗"),
            tuple(rows),
            numeric=(False, *(True for _ in issues), True, True, True),
            caption="Forecast against outcome: ✓ within 10% of the scale (or inside the "
            "outcome's range), ~ within 25%, ✗ beyond. status_quo is the naive baseline "
            "(nothing changes)"
            + ("; '+deal' rows are the deal-aware expected outcomes" if deal_rows else "")
            + ". Mean error "
            "in % of the scale; 'vs status_quo' = the paired difference of the mean error to "
            "status_quo (positive: worse than nothing changes) with a 95% bootstrap interval "
            "over issues, '(noise)' when it contains 0",
        )
    )
    if not deal_rows:
        blocks.append(
            Paragraph(
                "The deal-aware rows need Monte Carlo draws; this report was made without.",
                note=True,
            )
        )
    wrong = [v.sentence() for v in verdicts if v.verdict == "wrong"]
    if wrong:
        blocks.append(Items(tuple(wrong)))
    return Section("outcome", "What happened next", tuple(blocks))
