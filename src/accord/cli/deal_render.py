"""Rich renderables for deal-aware results: will they settle, where, who blocks, what it takes.

Pure formatting: takes :class:`~accord.analysis.deal.DealForecast` (and comparison tables) and
returns renderables; nothing here computes a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accord.agreement.concession import Concession
from accord.analysis.deal import DealForecast, IssueDeal
from accord.cli.render import clean, fmt, safe
from accord.process.compare import OVERALL, Comparison


def pct(p: float) -> str:
    """Format a probability as a percentage (no false 0% or 100%)."""
    if 0 < p < 0.001:
        return "<0.1%"
    if 0.999 < p < 1:
        return ">99.9%"
    return f"{p:.1%}" if 0 < p < 0.1 or 0.9 < p < 1 else f"{p:.0%}"


def _none(x: float | None) -> str:
    return "–" if x is None else fmt(x)


def _names(actors: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(actors[:limit])
    return shown + (f" +{len(actors) - limit}" if len(actors) > limit else "")


def deal_view(df: DealForecast) -> Group:
    """Return the whole deal-aware answer: zones and blockers, then forecasts, then concessions."""
    s = df.scenario
    how = (
        f"{df.draws:,} draws of {df.n_inputs} uncertain inputs (seed {df.seed})"
        if df.n_inputs
        else "the coded values only (no input has a range: P(deal) is 0 or 1)"
    )
    linked = (
        "issues judged one by one"
        if df.tracks is None
        else "packages: " + "; ".join("+".join(t) for t in df.tracks)
    )
    zones = Table(
        title=f"Will they settle? {safe(s.title)}",
        caption=f"{how}; {linked}",
        title_justify="left",
    )
    for col in ("Issues", "P(deal)", "Zone at the coded values", "Blocked most often by"):
        zones.add_column(col, justify="right" if col == "P(deal)" else "left")
    for z in df.zones():
        at = z["at_coded_values"]
        if at["exists"]:
            spans = ", ".join(
                f"{i} {_none(lo)}–{_none(hi)}"
                for i, (lo, hi) in zip(z["issues"], at["span"], strict=True)
            )
            where = f"[green]yes[/]: {spans}"
        else:
            where = "[red]none[/]" + (
                f": held out by {_names(at['holdouts'])}" if at["holdouts"] else ""
            )
        who = df.agreement.blockers(z["issues"][0])
        blocked = ", ".join(f"{b.actor} ({pct(b.holdout)})" for b in who[:3]) or (
            "[dim]nobody[/]" if z["p_deal"] >= 1 else "–"
        )
        zones.add_row(" + ".join(z["issues"]), pct(z["p_deal"]), where, blocked)
    parts: list[Table | Text] = [zones, forecast_table(df)]
    if df.concessions:
        parts.append(Text("What would it take (at the coded values):", style="bold"))
        parts += [Text.from_markup("  " + concession_line(c, s.issue_ids)) for c in df.concessions]
    return Group(*parts)


def forecast_table(df: DealForecast) -> Table:
    """Return one row per model: per issue the expected outcome and the settlement if any."""
    s = df.scenario
    table = Table(
        title="Expected outcome per model = P(deal) x settlement + (1 - P(deal)) x no-deal outcome",
        caption=(
            "each cell: expected outcome, then (in grey) the model's own forecast → the "
            "settlement if they settle; '–' where they never settle"
        ),
        title_justify="left",
    )
    table.add_column("Model", style="bold", no_wrap=True)
    for issue in s.issues:
        table.add_column(issue.id, justify="right", no_wrap=True)
    by_model: dict[str, dict[str, IssueDeal]] = {}
    for d in df.issue_deals():
        by_model.setdefault(d.model, {})[d.issue] = d
    for model, deals in by_model.items():
        cells = []
        for issue_id in s.issue_ids:
            d = deals[issue_id]
            cells.append(f"{_none(d.expected)} [dim]({fmt(d.point)} → {_none(d.settlement)})[/]")
        table.add_row(model, *cells)
    first = next(iter(by_model.values()))
    table.add_section()
    table.add_row("[dim]no deal[/]", *(f"[dim]{_none(first[i].no_deal)}[/]" for i in s.issue_ids))
    table.add_row("[dim]P(deal)[/]", *(f"[dim]{pct(first[i].p_deal)}[/]" for i in s.issue_ids))
    return table


def concession_line(c: Concession, order: Sequence[str]) -> str:
    """Return one concession in words (rich markup)."""
    who = " and ".join(c.actors) if len(c.actors) <= 2 else _names(list(c.actors), 6)
    issues = "+".join(c.issues)
    if not c.alone:
        return f"[bold]{issues}[/]: {who} cannot open the zone alone (the others disagree too)"
    comp = ", ".join(f"{i} {fmt(v)}" for i, v in zip(c.issues, c.compromise or (), strict=True))
    pay = c.side_payment or 0.0
    afford = "which the others can afford" if c.affordable else "more than the others gain"
    share = c.share if c.share is not None else 1.0
    return (
        f"[bold]{issues}[/]: for a deal at the others' compromise ({comp}) {who} would need "
        f"{pay:.3g} in utility ({afford}: they gain {c.others_gain or 0:.3g}), or would have to "
        f"move {pct(share)} of the way toward it"
    )


def _delta(value: float, low: float, high: float, noise: bool, digits: int = 1) -> str:
    if value != value:  # NaN
        return "–"
    text = f"{value:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"
    return f"[dim]{text} noise[/]" if noise else text


def comparison_view(result: Comparison, tolerance: float) -> Group:
    """Return one table per issue (designs as rows) and one overall table, then the warnings."""
    s = result.scenario
    table = result.table()
    base = result.runs[0].design.id
    how = (
        f"{result.draws:,} draws, the same for every design (seed {result.seed})"
        if result.draws > 1
        else "the coded values (one draw; run with --draws for intervals)"
    )
    parts: list[Table | Text] = []
    blockers = result.blockers()
    for issue in s.issues:
        rows = table[table["issue"] == issue.id]
        t = Table(
            title=f"{safe(issue.name)} [dim]({issue.id})[/]: designs compared with "
            f"'{result.model.name}'",
            caption=f"{how}; Δ = paired difference of the expected outcome to '{base}' with "
            "its 2.5-97.5% interval over the draws (noise: the interval contains 0)",
            title_justify="left",
        )
        for col in (
            "Design",
            "Forecast",
            "P(deal)",
            "ΔP",
            "Expected [95%]",
            "Δ vs base [95%]",
            "Stable",
            "Spoilers",
        ):
            t.add_column(col, justify="left" if col == "Design" else "right", no_wrap=True)
        for r in rows.to_dict("records"):
            base_row = r["design"] == base
            dp = r["p_deal_delta"]
            t.add_row(
                safe(r["design"]),
                fmt(r["forecast"]),
                pct(r["p_deal"]),
                "" if base_row else (f"[dim]{dp:+.2f}[/]" if r["p_deal_noise"] else f"{dp:+.2f}"),
                f"{fmt(r['expected'])} [{fmt(r['expected_low'])}–{fmt(r['expected_high'])}]",
                "[dim](base)[/]"
                if base_row
                else _delta(r["delta"], r["delta_low"], r["delta_high"], r["delta_noise"]),
                pct(r["stable"]),
                "–" if r["spoiler_risk"] != r["spoiler_risk"] else f"{r['spoiler_risk']:.2f}",
            )
        parts.append(t)
        who: dict[str, list[str]] = {}
        for design, by_issue in blockers.items():
            names = by_issue.get(issue.id, [])
            if names:
                who.setdefault(", ".join(names), []).append(design)
        if who:
            lines = "; ".join(f"{k} in {', '.join(v)}" for k, v in who.items())
            parts.append(Text(f"blocked most often by: {clean(lines)}", style="dim"))
    overall = Table(
        title=f"{safe(s.title)}: designs overall",
        caption=(
            "all settle = share of draws in which every issue has a deal; stable = share of draws "
            "with a deal in which every deal stands as the forum made it (accepted by everyone "
            "whose consent it needs); spoiler risk = capability x salience share of actors who "
            "would rather have no deal, over the issues with a deal; breadth = share of stakes "
            f"within {tolerance:.0%} of the outcome"
        ),
        title_justify="left",
    )
    for col in ("Design", "All settle", "Stable", "Spoiler risk", "Breadth"):
        overall.add_column(col, justify="left" if col == "Design" else "right", no_wrap=True)
    for r in table[table["issue"] == OVERALL].to_dict("records"):
        overall.add_row(
            safe(r["design"]),
            pct(r["p_deal"]),
            pct(r["stable"]),
            "–" if r["spoiler_risk"] != r["spoiler_risk"] else f"{r['spoiler_risk']:.2f}",
            f"{r['breadth']:.2f}",
        )
    parts.append(overall)
    for design, message in result.warnings:
        parts.append(Text.from_markup(f"[yellow]warning[/] {safe(design)}: {safe(message)}"))
    return Group(*parts)
