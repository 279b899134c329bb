"""``accord run``, ``accord models`` and ``accord validate``."""

from __future__ import annotations

from pathlib import Path

import typer

from accord import scenario as scenario_io
from accord.cli import render
from accord.forecast import build_models, forecast, parse_params
from accord.models import registry
from accord.store import save_run


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("run")(run)
    app.command("models")(models)
    app.command("validate")(validate)


def run(
    scenario: Path = typer.Argument(
        ..., help="Scenario file: YAML, or a CSV layout.", show_default=False
    ),
    model: list[str] = typer.Option(
        ["all"], "--model", "-m", help="Model name (repeatable), or 'all'. See `accord models`."
    ),
    rounds: int | None = typer.Option(
        None, "--rounds", "-r", help="Most rounds for iterative models (bdm, smp)."
    ),
    param: list[str] = typer.Option(
        [], "--param", "-p", help="Model parameter key=value (repeatable), e.g. variant=scholz."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (recorded in the result)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    positions: bool = typer.Option(
        False, "--positions", help="Also show every actor's start and end positions."
    ),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
    deal: bool = typer.Option(
        False,
        "--deal",
        help="Will they settle? P(deal), blockers, concessions and the expected outcome.",
    ),
    draws: int = typer.Option(
        1000, "--draws", "-n", help="With --deal: random draws of the uncertain inputs."
    ),
    linked: bool = typer.Option(
        False, "--linked", help="With --deal: all issues as one package (default: one by one)."
    ),
    spread: float | None = typer.Option(
        None, "--spread", help="With --deal: give unranged inputs a range of ± this x scale."
    ),
) -> None:
    """Forecast a scenario with one or more models.

    With --deal, also whether the negotiation settles at all: every model runs on the same
    random draws of the uncertain inputs (outside options included), and the agreement analysis
    says in how many of them a zone of agreement exists, who blocks it and what it would take;
    each model's forecast becomes P(deal) x settlement + (1 - P(deal)) x no-deal outcome.

    Examples:
      accord run cases/syria-2015-vienna.yaml

      accord run cases/syria-2015-vienna.yaml --deal --draws 2000

      accord run cases/syria-2015-vienna.yaml -m bdm -r 8 -p variant=scholz --json

    """
    scn = scenario_io.load(scenario)
    chosen = build_models(model, parse_params(param), rounds)
    fc = forecast(scn, chosen, seed=seed)
    record = fc.to_dict()
    deal_result = None
    if deal:
        from accord.analysis.deal import deal_forecast

        deal_result = deal_forecast(
            scn,
            chosen,
            draws=draws,
            seed=seed,
            tracks=[scn.issue_ids] if linked else None,
            spread=spread,
        )
        record["deal"] = deal_result.to_dict()
    render.saved(save_run("run", record, scenario=scn, seed=seed, store=store))
    if as_json:
        typer.echo(render.dumps(record))
        return
    out = render.console()
    if deal_result is not None:
        from accord.cli.deal_render import deal_view

        out.print(deal_view(deal_result))
        return
    out.print(render.forecast_table(fc))
    if positions:
        for k in range(len(scn.issues)):
            out.print(render.positions_table(fc, k))


def models(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the registered models with one-line descriptions.

    Example:
      accord models --json

    """
    infos = registry.list_models()
    if as_json:
        typer.echo(render.dumps([info.__dict__ for info in infos]))
        return
    render.console().print(render.models_table(infos))


def validate(
    scenario: Path = typer.Argument(..., help="Scenario file to check.", show_default=False),
) -> None:
    """Check a scenario file and report the first problem, with its line or row.

    Exit code 0 when valid, 2 when not.

    Example:
      accord validate cases/syria-2015-vienna.yaml

    """
    typer.echo(render.scenario_summary(scenario_io.load(scenario)))
