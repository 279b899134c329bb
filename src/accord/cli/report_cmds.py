"""``accord report``: one self-contained HTML (or Markdown) report of a scenario, case or run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from accord.cli import render
from accord.cli.options import ALLOW_DRAFT, DEFAULT_MODELS, REPORT_DRAWS
from accord.errors import AccordError

if TYPE_CHECKING:  # imported when the command runs, not at start-up (tests/cli/test_startup.py)
    from accord.reports.build import Options
    from accord.reports.content import Report

SCENARIO_SUFFIXES = (".yaml", ".yml", ".csv")
RUN_PREFIX = "r-"


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the app."""
    app.command("report")(report)


def _make(target: str, options: Options, store: str | None, allow_draft: bool = False) -> Report:
    """Return the report of a scenario file, a case name or a saved run id."""
    from accord import cases
    from accord.reports.build import build, build_case

    path = Path(target)
    if path.suffix.lower() in SCENARIO_SUFFIXES or path.exists():
        scn = render.load_scenario(path, allow_draft=allow_draft)
        return build(scn, options, origin=f"file {path.name}")
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
        ...,
        "--output",
        "-o",
        help="The file to write (.html, or .md for Markdown); '-': standard output (HTML unless "
        "--format md; Markdown there leaves its charts out).",
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
        REPORT_DRAWS,
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
    allow_draft: bool = ALLOW_DRAFT,
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
    folder beside it. `-o -` writes to standard output; a symbolic link is written through to
    its file, a FIFO or a device (`/dev/stdout`) directly; a file is replaced whole or not at
    all.

    Examples:
    ```
    accord report syria-2015-vienna -o vienna.html --actor usa
    accord report my-scenario.yaml -o report.md -m bdm -m nash --draws 500
    ```

    """
    if seed < 0:
        raise AccordError(f"--seed must be 0 or more, got {seed}")
    from accord.reports.build import Options
    from accord.reports.files import charts_left_out, check_target, format_of, write

    kind = format_of(output, fmt)
    where = check_target(output)  # before the work, not after it
    options = Options(models=tuple(model), seed=seed, draws=draws, actor=actor, charts=charts)
    made = _make(target, options, store, allow_draft)
    written = write(made, output, kind)
    if charts_left_out(made, output, kind):
        typer.echo(
            "note: the charts are left out: Markdown written to standard output, a FIFO or a "
            "device has no folder beside it for them (write a file, or HTML)",
            err=True,
        )
    if where.kind == "stdout":
        return  # standard output holds the report alone
    charts_written = f" and {len(written) - 1} charts" if kind == "md" and where.is_file else ""
    # A report that went to a FIFO or a device (/dev/stdout say) is told on stderr, not after it.
    typer.echo(f"wrote {written[-1]}{charts_written}", err=not where.is_file)
