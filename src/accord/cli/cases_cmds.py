"""``accord cases list|show|run|report``: the seed case library."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from accord.cli import render
from accord.cli.options import CASES_REPORT_DRAWS, MODELS
from accord.cli.render import clean, safe

app = typer.Typer(help="The seed cases: list, show, run, and compare with what happened.")


def register(root: typer.Typer) -> None:
    """Add the ``cases`` command group to the root app."""
    root.add_typer(app, name="cases")


@app.command("list")
def list_cases(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the cases with their date, size, designs and whether an outcome is recorded.

    Example:
    ```
    accord cases list
    ```

    """
    from accord.cases import records

    rows = records.case_rows()
    if as_json:
        typer.echo(render.dumps(records.list_record(rows)))
        return
    table = Table(title="Seed cases", title_justify="left")
    for col in ("case", "date", "actors", "issues", "designs", "outcome", "title"):
        table.add_column(col, no_wrap=col == "case")
    for r in rows:
        table.add_row(
            safe(r["case"]), r["date"] or "", str(r["actors"]), str(r["issues"]),
            str(r["designs"]), "yes" if r["outcome"] else "no", safe(r["title"]),
        )  # fmt: skip
    render.console().print(table)


@app.command("show")
def show(name: str = typer.Argument(..., help="Case id (see `accord cases list`).")) -> None:
    """Show a case: its actors, issues (with their anchors) and designs.

    Example:
    ```
    accord cases show syria-2017-astana
    ```

    """
    from accord import cases as library

    case = library.load(name)
    s = case.scenario
    out = render.console()
    out.print(f"[bold]{safe(s.title)}[/]" + (f"  (as of {s.date.isoformat()})" if s.date else ""))
    if s.description:
        out.print(Text(clean(" ".join(s.description.split()))))
    actors = Table(title="Actors", title_justify="left")
    for col in ("id", "name", "capability", "bloc"):
        actors.add_column(col, justify="right" if col == "capability" else "left")
    for a in s.actors:
        actors.add_row(safe(a.id), safe(a.name), f"{a.capability:g}", safe(a.bloc or ""))
    out.print(actors)
    issues = Table(title="Issues", title_justify="left")
    for col in ("id", "name", "status quo", "anchors"):
        issues.add_column(col)
    for i in s.issues:
        anchors = "\n".join(f"{a.value:g} = {safe(a.label)}" for a in i.anchors)
        sq = "" if i.status_quo is None else f"{i.status_quo:g}"
        issues.add_row(safe(i.id), safe(i.name), sq, anchors)
    out.print(issues)
    if case.designs:
        for d in case.designs.designs:
            out.print(f"[bold]{safe(d.id)}[/]: {safe(d.name)}")


@app.command("run")
def run(
    name: str = typer.Argument(..., help="Case id."),
    model: list[str] = MODELS,
    param: list[str] = typer.Option([], "--param", "-p", help="Model parameter key=value."),
    designs: bool = typer.Option(
        False,
        "--designs",
        help="Also compare the case's designs, with the models' consensus (or the one model "
        "named).",
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Forecast a case (never reads what happened next).

    Example:
    ```
    accord cases run syria-2015-vienna -m bdm -m nash --designs
    ```

    """
    from accord import cases as library
    from accord.cases import records
    from accord.forecast import build_models, forecast, parse_params
    from accord.models.consensus import consensus_of
    from accord.process import compare as compare_designs

    case = library.load(name)
    models = build_models(model, parse_params(param))
    fc = forecast(case.scenario, models, seed=seed)
    comparison = None
    if designs and case.designs:
        comparison = compare_designs(
            case.scenario, case.designs.designs, consensus_of(models), seed=seed
        )
    if as_json:
        typer.echo(render.dumps(records.run_record(name, fc, comparison)))
        return
    out = render.console()
    out.print(render.forecast_table(fc))
    if comparison is not None:
        table = comparison.table()
        wide = {
            (str(r["design"]), str(r["issue"])): float(r["forecast"])
            for r in table[table["issue"] != "all"].to_dict(orient="records")
        }
        grid = Table(title=f"Designs compared with '{comparison.model.name}'", title_justify="left")
        grid.add_column("design", style="bold", no_wrap=True)
        for issue in case.scenario.issue_ids:
            grid.add_column(issue, justify="right")
        for run_ in comparison.runs:
            grid.add_row(
                safe(run_.design.id),
                *(render.fmt(wide[run_.design.id, i]) for i in case.scenario.issue_ids),
            )
        out.print(grid)


@app.command("report")
def report(
    case: list[str] | None = typer.Argument(None, help="Case ids (default: every case)."),
    model: list[str] = MODELS,
    draws: int = typer.Option(
        CASES_REPORT_DRAWS, "--draws", "-n", help="Draws of the deal-aware forecasts."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare each case's forecasts with what happened next, and say where models were wrong.

    Every model is scored on its own forecast and on its deal-aware forecast (model+deal: the
    expected outcome P(deal) x settlement + (1 - P(deal)) x no-deal outcome over random draws),
    beside the naive baseline status_quo (nothing changes). A forecast is right when it lies
    within 10% of the scale of the coded outcome (or inside the outcome's uncertainty range),
    close within 25%, wrong beyond.

    Example:
    ```
    accord cases report -m compromise -m bdm
    ```

    """
    from accord import cases as library
    from accord.cases import records

    reports = (
        [library.report_case(c, model, seed, draws) for c in case]
        if case
        else library.report_all(model, seed, draws)
    )
    board = library.scoreboard(reports, seed)
    if as_json:
        typer.echo(render.dumps(records.report_record(reports, board, draws, seed)))
        return
    out = render.console()
    mark = {"right": "[green]✓[/]", "close": "[yellow]~[/]", "wrong": "[red]✗[/]"}
    for r in reports:
        names = list(dict.fromkeys(v.model for v in r.verdicts))
        models = [m for m in names if m != library.STATUS_QUO and not m.endswith("+deal")]
        t = Table(
            title=f"{safe(r.case)}: {safe(r.title)}",
            caption="each model: its own forecast → its deal-aware forecast (expected outcome)",
            title_justify="left",
        )
        t.add_column("issue", style="bold")
        t.add_column("happened", justify="right")
        t.add_column("status quo", justify="right")
        t.add_column("P(deal)", justify="right")
        for m in models:
            t.add_column(m, justify="right")
        for issue in dict.fromkeys(v.issue for v in r.verdicts):
            vs = {v.model: v for v in r.verdicts if v.issue == issue}
            first = next(iter(vs.values()))
            sq = vs.get(library.STATUS_QUO)
            p_deal = next((v.p_deal for v in vs.values() if v.p_deal is not None), None)
            cells = []
            for m in models:
                raw, deal = vs.get(m), vs.get(m + "+deal")
                cell = f"{render.fmt(raw.forecast)} {mark[raw.verdict]}" if raw else "–"
                if deal is not None:
                    cell += f" → {render.fmt(deal.forecast)} {mark[deal.verdict]}"
                cells.append(cell)
            t.add_row(
                f"{safe(issue)}\n[dim]by {safe(first.by)}[/]",
                render.fmt(first.outcome),
                f"{render.fmt(sq.forecast)} {mark[sq.verdict]}" if sq else "–",
                "–" if p_deal is None else f"{p_deal:.0%}",
                *cells,
            )
        out.print(t)
        out.print(f"[dim]What happened:[/] {safe(' '.join(r.outcome.summary.split()))}")
        for v in r.verdicts:
            if v.verdict == "wrong" and not v.model.endswith("+deal"):
                out.print(f"  [red]✗[/] {safe(v.sentence())}")
    s = Table(
        title="Scoreboard over all cases",
        caption=(
            "Δ vs status quo: paired difference of the mean error (share of scale; negative = "
            "better than nothing changes) with a 95% bootstrap interval over issues"
        ),
        title_justify="left",
    )
    for col in ("model", "issues", "right", "close", "wrong", "mean error", "Δ vs status quo"):
        s.add_column(col, justify="left" if col == "model" else "right")
    for row in board:
        d = row["vs_status_quo"]
        delta = (
            "(baseline)" if d is None else (f"{d['value']:+.0%} [{d['lo']:+.0%}, {d['hi']:+.0%}]")
        )
        s.add_row(
            row["model"], str(row["issues"]), str(row["right"]), str(row["close"]),
            str(row["wrong"]), f"{row['mean_error_share']:.0%} of scale", delta,
        )  # fmt: skip
    out.print(s)
