"""``accord compare`` (process designs side by side) and ``accord blocs``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from accord.cli import render
from accord.cli.options import ALLOW_DRAFT, MODELS


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("compare")(compare)
    app.command("blocs")(blocs)


def compare(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    designs: Path = typer.Option(..., "--designs", "-d", help="Designs file (YAML)."),
    model: list[str] = MODELS,
    param: list[str] = typer.Option([], "--param", "-p", help="Model parameter key=value."),
    draws: int | None = typer.Option(
        None,
        "--draws",
        "-n",
        help="Run every design on the same N random draws of the uncertain inputs.",
    ),
    spread: float | None = typer.Option(
        None, "--spread", help="With --draws: give unranged inputs a range of ± this x scale."
    ),
    bloc_correlation: float = typer.Option(
        0.0, "--bloc-correlation", help="With --draws: correlation of draws within a bloc."
    ),
    tolerance: float = typer.Option(
        0.1, "--tolerance", help="Agreement tolerance as a fraction of each issue's scale."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    workers: int | None = typer.Option(
        None, "--workers", help="With --draws: run the sweep on N local worker processes (Dask)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="With --draws: run on an existing Dask cluster (tcp://host:port)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    r"""Compare process designs side by side (a baseline design is always included).

    Every design runs with the consensus of every registered model (the median of their
    forecasts) unless --model names one model (or several, whose consensus is taken).

    Per design and issue: the forecast, P(deal), the expected outcome (the settlement
    where there is a deal, the no-deal outcome where there is none) with its 95% interval, and
    the paired difference to the baseline (marked as noise when its interval contains 0); then
    per design whether every issue settles, stability, spoiler risk and breadth. With --draws
    every design runs on the same draws (common random numbers).

    Examples:
    ```
    accord compare cases/syria-2015-vienna.yaml \
      -d cases/syria-2015-vienna.designs.yaml
    accord compare cases/syria-2015-vienna.yaml \
      -d cases/syria-2015-vienna.designs.yaml -n 200 -m bdm -m nash
    ```

    """
    if not 0 < tolerance <= 1:
        raise typer.BadParameter("must be in (0, 1]", param_hint="--tolerance")
    from accord.forecast import build_lead, parse_params
    from accord.process import load_designs

    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    design_set = load_designs(designs, scenario=scn)
    mdl = build_lead(model, parse_params(param))
    from accord.process.compare import run_compare

    result = run_compare(
        scn,
        design_set.designs,
        mdl,
        workers=workers,
        scheduler=scheduler,
        tolerance=tolerance,
        seed=seed,
        draws=draws,
        spread=spread,
        bloc_correlation=bloc_correlation,
    )
    record = result.to_dict()
    if as_json:
        typer.echo(render.dumps(record))
    else:
        from accord.cli.deal_render import comparison_view

        out = render.console()
        out.print(comparison_view(result, tolerance))
        for run in result.runs:
            source = f" [dim]({render.safe(run.design.source)})[/]" if run.design.source else ""
            out.print(
                f"[bold]{render.safe(run.design.id)}[/]: {render.safe(run.design.name)}{source}"
            )
    render.save("compare", record, scenario=scn, designs=design_set, seed=seed, store=store)


def blocs(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    threshold: float = typer.Option(
        0.15, "--threshold", help="Largest distance within a found bloc (fraction of scale)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    """Show the declared blocs with their joint weight, and the blocs found from positions.

    Example:
    ```
    accord blocs cases/syria-2015-vienna.yaml --threshold 0.1
    ```

    """
    from accord.process import blocs_record, declared_blocs, find_blocs

    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    declared, found = declared_blocs(scn), find_blocs(scn, threshold)
    if as_json:
        typer.echo(render.dumps(blocs_record(scn, declared, found, threshold)))
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
                render.safe(b.id),
                render.safe(", ".join(b.members)),
                f"{b.share:.0%}",
                *(render.fmt(b.position[i]) for i in scn.issue_ids),
                f"{b.spread:.2f}",
            )
        out.print(t)
