"""``accord run``, ``accord models`` and ``accord validate``.

Like every command module, this one is imported at start-up: the models, scenarios and analyses
are imported inside the commands (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from accord.cli import render
from accord.cli.options import ALLOW_DRAFT, MODELS, RUN_DRAWS
from accord.errors import AccordError, ScenarioWarning

if TYPE_CHECKING:
    from accord.analysis.bottom_line import BottomLine
    from accord.forecast import Forecast


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("run")(run)
    app.command("models")(models)
    app.command("validate")(validate)


def run(
    scenario: Path = typer.Argument(
        ..., help="Scenario file: YAML, or a CSV layout.", show_default=False
    ),
    model: list[str] = MODELS,
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
        help="Also the details of the deal analysis: zones, each model's expected outcome, "
        "what it would take.",
    ),
    draws: int = typer.Option(
        RUN_DRAWS,
        "--draws",
        "-n",
        help="Random draws of the uncertain inputs behind the bottom line (0: coded values only).",
    ),
    with_bottom_line: bool = typer.Option(
        True,
        "--bottom-line/--no-bottom-line",
        help="Lead with the bottom line (deal analysis, draws, drivers); --no-bottom-line "
        "prints only each model's forecast (fastest).",
    ),
    linked: bool = typer.Option(
        False, "--linked", help="Bargain all issues as one package (default: one by one)."
    ),
    spread: float | None = typer.Option(
        None, "--spread", help="Give unranged inputs a range of ± this x scale (e.g. 0.1)."
    ),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    """Forecast a scenario: the bottom line across models first, then each model's forecast.

    The bottom line answers, per issue: will they settle (P(deal) over random draws of the
    uncertain inputs, outside options included, and who blocks), where it ends up (the
    consensus: the median of the models' forecasts, made deal-aware), how sure that is (95%
    interval over the inputs, and the range across models), what moves it most (each input at
    either end of its range) and why (the agreement analysis and the models' own logs).
    Every registered model runs unless --model names some. The run is then saved in the run
    store; a save that fails is told in one warning on stderr, and the forecast stands.

    Examples:
    ```
    accord run cases/syria-2015-vienna.yaml
    accord run cases/syria-2015-vienna.yaml --deal --draws 2000
    accord run cases/syria-2015-vienna.yaml -m bdm -m nash --json
    ```

    """
    from accord.analysis.bottom_line import bottom_line, estimate_cost
    from accord.cli.uncertainty_cmds import warn_if_slow
    from accord.forecast import build_models, forecast, parse_params

    if deal and not with_bottom_line:
        raise AccordError("--deal needs the bottom line: leave out --no-bottom-line")
    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    chosen = build_models(model, parse_params(param), rounds)
    if not with_bottom_line:
        fc = forecast(scn, chosen, seed=seed)
        record = fc.to_dict()
        if as_json:
            typer.echo(render.dumps(record))
        else:
            out = render.console()
            out.print(render.forecast_table(fc))
            if positions:
                for k in range(len(fc.scenario.issues)):
                    out.print(render.positions_table(fc, k))
        render.save("run", record, scenario=scn, seed=seed, store=store)
        return
    warn_if_slow(estimate_cost(scn, chosen, draws=draws, spread=spread))  # one line if > 60 s
    fc = forecast(scn, chosen, seed=seed)
    record = fc.to_dict()
    bl = bottom_line(
        scn,
        chosen,
        draws=draws,
        seed=seed,
        spread=spread,
        tracks=[scn.issue_ids] if linked else None,
    )
    record["bottom_line"] = bl.to_dict()
    if deal:
        record["deal"] = bl.deal.to_dict()
    if as_json:
        typer.echo(render.dumps(record))
    else:
        _print_run(fc, bl, deal=deal, positions=positions)
    render.save("run", record, scenario=scn, seed=seed, store=store)  # a failed save warns


def _print_run(fc: Forecast, bl: BottomLine, *, deal: bool, positions: bool) -> None:
    from accord.cli.bottom_render import bottom_line_view

    out = render.console()
    out.print(bottom_line_view(bl))
    out.print(render.forecast_table(fc))
    if deal:
        from accord.cli.deal_render import deal_view

        out.print(deal_view(bl.deal))
    if positions:
        for k in range(len(fc.scenario.issues)):
            out.print(render.positions_table(fc, k))


def models(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the registered models with one-line descriptions.

    Example:
    ```
    accord models --json
    ```

    """
    from accord.models import registry

    if as_json:
        typer.echo(render.dumps(registry.catalogue()))
        return
    render.console().print(render.models_table(registry.list_models()))


def validate(
    scenario: Path = typer.Argument(..., help="Scenario file to check.", show_default=False),
    as_json: bool = typer.Option(
        False, "--json", help="Print the verdict as JSON (problems, warnings, summary)."
    ),
    allow_draft: bool = typer.Option(
        False, "--allow-draft", help="Accept values still marked draft (by `accord draft`)."
    ),
) -> None:
    """Check a scenario file and report the first problem, with its line or row.

    Exit code 0 when valid, 2 when not. Values that are valid but look mistaken (a salience
    written on 0-1 in a file on 0-100) get a warning, which does not change the exit code.

    Examples:
    ```
    accord validate cases/syria-2015-vienna.yaml
    accord validate my-scenario.yaml --json
    ```

    """
    from accord import scenario as scenario_io
    from accord.scenario.check import check

    if not as_json:
        loaded = scenario_io.load(scenario, allow_draft=allow_draft)
        typer.echo(render.scenario_summary(loaded))
        return
    verdict = check(scenario, allow_draft=allow_draft)
    for w in verdict.warnings:
        line = ScenarioWarning(w.message, source=verdict.file, where=w.where).one_line()
        typer.echo(f"warning: {line}", err=True)
    typer.echo(render.dumps(verdict.to_dict()))
    if not verdict.valid:
        raise typer.Exit(2)
