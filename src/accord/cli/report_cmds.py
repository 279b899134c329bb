"""``accord report``: one self-contained HTML (or Markdown) report of a scenario, case or run."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.errors import AccordError
from accord.forecast import DEFAULT_MODELS
from accord.reports.build import DEFAULT_DRAWS, Options, build, build_case
from accord.reports.content import Report
from accord.reports.files import check_target, format_of, write

SCENARIO_SUFFIXES = (".yaml", ".yml", ".csv")
RUN_PREFIX = "r-"


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the app."""
    app.command("report")(report)


def _make(target: str, options: Options, store: str | None) -> Report:
    """Return the report of a scenario file, a case name or a saved run id."""
    from accord import cases

    path = Path(target)
    if path.suffix.lower() in SCENARIO_SUFFIXES or path.exists():
        from accord.scenario import load

        return build(load(path), options, origin=f"file {path.name}")
    if target.startswith(RUN_PREFIX):
        from accord.reports.runs import build_run, load_run

        return build_run(load_run(target, store, options))
    if target in cases.names():
        return build_case(target, options)
    raise AccordError(
        f"'{target}' is not a scenario file, a case or a saved run id (r-...); "
        f"cases: {', '.join(cases.names())}"
    )


def report(
    target: str = typer.Argument(
        ...,
        help="A scenario file, a case name (see `accord cases list`) or a saved run id (r-...).",
        show_default=False,
    ),
    output: Path = typer.Option(
        ..., "--output", "-o", help="The file to write (.html, or .md for Markdown)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="html or md (default: from the extension, else html)."
    ),
    model: list[str] = typer.Option(
        list(DEFAULT_MODELS),
        "--model",
        "-m",
        help="Model name (repeatable), or 'all' (default): the report leads with their "
        "consensus, which also compares a case's designs (ignored for a saved run).",
    ),
    draws: int = typer.Option(
        DEFAULT_DRAWS,
        "--draws",
        help="Random draws of the uncertain inputs behind the bottom line, the chance of a "
        "deal and a case's design comparison (0: the coded values only; a saved run keeps "
        "its own).",
    ),
    actor: str | None = typer.Option(
        None, "--actor", "-a", help="Show this actor's levers (an actor id)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (a saved run keeps its own)."),
    store: str | None = typer.Option(
        None, "--store", help="Run store for run ids (default: $ACCORD_STORE or the user's)."
    ),
    charts: bool = typer.Option(True, "--charts/--no-charts", help="Draw the charts."),
) -> None:
    """Write one report: the bottom line first, then the analyses, the scenario in an appendix.

    The report opens with the answer across models: per issue the chance of a deal and who
    blocks it, where it ends up (the consensus: the median of the models), how sure that is
    (95% over the inputs, the range across models), what moves it most and why; then what it
    would take, each model's forecast, the uncertainty, levers and (for a case) the designs
    and what happened next. HTML is a single self-contained file (inline
    CSS and SVG charts, no scripts, nothing fetched from the network); the same inputs give the
    same bytes. For a case the report adds its process designs and, when recorded, what
    happened next. Markdown (`--format md`) puts its charts as SVG files in a `NAME_files`
    folder beside it.

    Examples:
    ```
    accord report syria-2015-vienna -o vienna.html --actor usa
    accord report my-scenario.yaml -o report.md -m bdm -m nash --draws 500
    ```

    """
    if seed < 0:
        raise AccordError(f"--seed must be 0 or more, got {seed}")
    kind = format_of(output, fmt)
    check_target(output)  # before the work, not after it
    options = Options(models=tuple(model), seed=seed, draws=draws, actor=actor, charts=charts)
    written = write(_make(target, options, store), output, kind)
    typer.echo(f"wrote {written[-1]}" + (f" and {len(written) - 1} charts" if kind == "md" else ""))
