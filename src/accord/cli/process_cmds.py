"""``accord compare`` (process designs side by side) and ``accord blocs``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from accord import scenario as scenario_io
from accord.cli import render
from accord.forecast import build_models, parse_params
from accord.process import compare as compare_designs
from accord.process import declared_blocs, find_blocs, load_designs
from accord.store import save_run


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("compare")(compare)
    app.command("blocs")(blocs)


def compare(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    designs: Path = typer.Option(..., "--designs", "-d", help="Designs file (YAML)."),
    model: str = typer.Option(
        "compromise", "--model", "-m", help="Model to run every design with."
    ),
    param: list[str] = typer.Option([], "--param", "-p", help="Model parameter key=value."),
    tolerance: float = typer.Option(
        0.1, "--tolerance", help="Agreement tolerance as a fraction of each issue's scale."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
) -> None:
    """Compare process designs side by side (a baseline design is always included).

    One row per design: the forecast on each issue, rounds, breadth of agreement, spoiler risk
    and whether the outcome survives the excluded actors' return.

    Example:
      accord compare cases/syria-2015-vienna.yaml -d cases/syria-2015-vienna.designs.yaml -m bdm

    """
    if not 0 < tolerance <= 1:
        raise typer.BadParameter("must be in (0, 1]", param_hint="--tolerance")
    scn = scenario_io.load(scenario)
    design_set = load_designs(designs, scenario=scn)
    (mdl,) = build_models([model], parse_params(param))
    result = compare_designs(scn, design_set.designs, mdl, tolerance=tolerance, seed=seed)
    record = result.to_dict()
    render.saved(
        save_run("compare", record, scenario=scn, designs=design_set, seed=seed, store=store)
    )
    if as_json:
        typer.echo(render.dumps(record))
        return
    table = result.table()
    out = render.console()
    grid = Table(
        title=f"{scn.title}: designs compared with '{mdl.name}'",
        caption=(
            f"breadth = capability x salience weighted share of stakes within {tolerance:.0%} of "
            "the outcome; "
            "spoiler risk = capability x salience x distance of those outside or far (0-1); "
            "stable = outcome moves less than the tolerance when the excluded return"
        ),
        title_justify="left",
    )
    grid.add_column("Design", style="bold", no_wrap=True)
    for issue in scn.issues:
        grid.add_column(issue.id, justify="right")
    for col in ("Rounds", "Breadth", "Spoiler risk", "Stable (shift)"):
        grid.add_column(col, justify="right")
    for run in result.runs:
        rows = table[table["design"] == run.design.id].set_index("issue")
        overall = rows.loc["all"].to_dict()
        forecasts = rows["forecast"].astype(float).to_dict()
        cells = [render.fmt(forecasts[i.id]) for i in scn.issues]
        shift = float(overall["stability_shift"])
        cells += [
            f"{overall['rounds']:.0f}",
            f"{overall['breadth']:.2f}",
            f"{overall['spoiler_risk']:.2f}",
            f"{'yes' if overall['stable'] else 'no'} ({shift:.1f})",
        ]
        grid.add_row(run.design.id, *cells)
    out.print(grid)
    for run in result.runs:
        source = f" [dim]({run.design.source})[/]" if run.design.source else ""
        out.print(f"[bold]{run.design.id}[/]: {run.design.name}{source}")


def blocs(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    threshold: float = typer.Option(
        0.15, "--threshold", help="Largest distance within a found bloc (fraction of scale)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show the declared blocs with their joint weight, and the blocs found from positions.

    Example:
      accord blocs cases/syria-2015-vienna.yaml --threshold 0.1

    """
    scn = scenario_io.load(scenario)
    declared, found = declared_blocs(scn), find_blocs(scn, threshold)
    if as_json:
        typer.echo(
            render.dumps(
                {"declared": [b.__dict__ for b in declared], "found": [b.__dict__ for b in found]}
            )
        )
        return
    out = render.console()
    for title, items in (
        ("Declared blocs", declared),
        (f"Blocs found (within {threshold:g})", found),
    ):
        t = Table(title=title, title_justify="left")
        t.add_column("Bloc", style="bold")
        t.add_column("Members")
        t.add_column("Share", justify="right")
        for issue in scn.issues:
            t.add_column(issue.id, justify="right")
        t.add_column("Spread", justify="right")
        for b in items:
            t.add_row(
                b.id,
                ", ".join(b.members),
                f"{b.share:.0%}",
                *(render.fmt(b.position[i]) for i in scn.issue_ids),
                f"{b.spread:.2f}",
            )
        out.print(t)
