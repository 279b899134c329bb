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
        [], "--param", "-p", help="Model parameter key=value (repeatable), e.g. variant=paper."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (recorded in the result)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    positions: bool = typer.Option(
        False, "--positions", help="Also show every actor's start and end positions."
    ),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
) -> None:
    """Forecast a scenario with one or more models.

    Examples:
      accord run cases/syria-2015-vienna.yaml

      accord run cases/syria-2015-vienna.yaml -m bdm -r 8 -p variant=paper --json

    """
    scn = scenario_io.load(scenario)
    fc = forecast(scn, build_models(model, parse_params(param), rounds), seed=seed)
    record = fc.to_dict()
    render.saved(save_run("run", record, scenario=scn, seed=seed, store=store))
    if as_json:
        typer.echo(render.dumps(record))
        return
    out = render.console()
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
