"""``accord runs list|show|diff|export``: the saved runs of the run store."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from accord.cli import render
from accord.cli.options import STORE_KINDS
from accord.errors import AccordError

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a command runs, not at start-up
    from accord.store import RunDiff, RunRecord, RunStore, RunSummary
    from accord.store.diff import Change

runs_app = typer.Typer(
    help=(
        "Saved runs: every run, mc, compare and backtest is kept with its inputs, parameters, "
        "seed, version and results.\n\nThe store is --store, else $ACCORD_STORE, else "
        "~/.local/share/accord/runs.db; a plain path is an SQLite file, anything else an "
        "SQLAlchemy URL."
    ),
    no_args_is_help=True,
)
STORE_HELP = (
    "Run store: an SQLite file or an SQLAlchemy URL "
    "(default: $ACCORD_STORE, else ~/.local/share/accord/runs.db)."
)
MAX_ROWS = 40
"""Most rows of a diff section shown in the terminal (``--json`` gives them all)."""


def register(app: typer.Typer) -> None:
    """Add the ``runs`` command group to the app."""
    app.add_typer(runs_app, name="runs")


def open_store(store: str | None) -> RunStore:
    """Return the store that ``--store``/``ACCORD_STORE`` name; ``off`` is an error here."""
    from accord.store import RunStore, resolve_store

    location = resolve_store(store)
    if location is None:
        raise AccordError("the run store is turned off (ACCORD_STORE=off): name one with --store")
    return RunStore(location)


def _short(value: Any, width: int = 48) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@runs_app.command("list")
def list_runs(
    kind: str | None = typer.Option(
        None, "--kind", "-k", help=f"Only one kind: {', '.join(STORE_KINDS)}."
    ),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Most runs to list, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """List saved runs, newest first.

    A row of the store that cannot be read (damaged) is skipped and named on stderr, e.g.
    `1 damaged run skipped: r-... (results: not valid JSON)`.

    Examples:
    ```
    accord runs list
    accord runs list --kind compare -n 5 --json
    ```

    """
    from accord.store.records import list_document

    with open_store(store) as runs:
        listing = runs.scan(kind=kind, limit=limit)
        location = runs.location
    found = listing.runs
    note = listing.note()
    if note is not None:  # on stderr: --json stays the documented layout
        typer.echo(note, err=True)
    if as_json:
        typer.echo(render.dumps(list_document(found)))
        return
    if not found:
        typer.echo(f"no saved runs in {render.clean(location)}")
        return
    out = render.console()
    out.print(runs_table(found, location, out.width))


def runs_table(found: Sequence[RunSummary], location: str, width: int = 120) -> Table:
    """Return the table of ``runs list`` for a terminal ``width`` columns wide.

    An id is what ``runs show`` and ``runs diff`` take, so it is never cut or folded: its column
    is as wide as the longest id, and the model and title columns wrap to fit. Under 100 columns
    the creation time is left out (the id starts with it: ``r-YYYYMMDD-HHMMSS-...``).
    """
    table = Table(title=f"Saved runs ({render.safe(location)})", title_justify="left")
    widest = max((len(r.id) for r in found), default=2)
    table.add_column("ID", no_wrap=True, min_width=widest)
    wide = width >= 100
    if wide:
        table.add_column("Created (UTC)", no_wrap=True, min_width=19)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Model", overflow="fold")
    table.add_column("Seed", no_wrap=True, justify="right")
    table.add_column("Title", overflow="fold")
    for r in found:
        seed = "-" if r.seed is None else str(r.seed)
        when = [r.created_at.strftime("%Y-%m-%d %H:%M:%S")] if wide else []
        table.add_row(
            render.safe(r.id), *when, render.safe(r.kind), render.safe(r.model), seed,
            render.safe(r.title),
        )  # fmt: skip
    return table


def _inputs_summary(inputs: Mapping[str, Any]) -> str:
    parts = []
    scn = inputs.get("scenario")
    if isinstance(scn, Mapping):
        counts = f"{len(scn.get('actors', []))} actors, {len(scn.get('issues', []))} issues"
        parts.append(f"scenario '{scn.get('title', '?')}' ({counts})")
    designs = inputs.get("designs")
    if isinstance(designs, Mapping):
        designs = designs.get("designs")
    if isinstance(designs, list):
        parts.append(f"{len(designs)} designs")
    data = inputs.get("dataset")
    if isinstance(data, Mapping):
        parts.append(f"data {data.get('file')} (sha256 {str(data.get('sha256'))[:12]})")
    split = inputs.get("split")
    if isinstance(split, Mapping):
        parts.append(f"split {split.get('name')}")
    return "; ".join(parts) or ", ".join(inputs) or "-"


def _forecast_table(rec: RunRecord) -> Table | None:
    from accord.store import forecasts_of

    values = forecasts_of(rec.kind, rec.results)
    labels = list(dict.fromkeys(k[0] for k in values))
    issues = list(dict.fromkeys(k[1] for k in values))
    if not values or len(issues) > 20:
        return None
    table = Table(title="Forecasts", title_justify="left")
    table.add_column("Design" if rec.kind == "compare" else "Model", style="bold")
    for issue in issues:
        table.add_column(render.safe(issue), justify="right")
    for label in labels:
        table.add_row(render.safe(label), *(_num(values.get((label, i))) for i in issues))
    return table


@runs_app.command("show")
def show(
    run_id: str = typer.Argument(..., metavar="ID", help="The run's id (see `accord runs list`)."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the whole record as JSON (what `runs export` writes)."
    ),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Show one saved run: what went in, with which parameters and seed, and its forecasts.

    Example:
    ```
    accord runs show r-20250301-101500-3fa2c1
    ```

    """
    from accord.store import forecasts_of
    from accord.store.records import export_document

    with open_store(store) as runs:
        rec = runs.get(run_id)
    if as_json:
        typer.echo(render.dumps(export_document(rec)))
        return
    facts = {
        "kind": rec.kind,
        "created": rec.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "accord": rec.accord_version,
        "model": rec.model,
        "seed": "-" if rec.seed is None else str(rec.seed),
        "inputs": _inputs_summary(rec.inputs),
        "input hash": rec.input_hash,
        "params": json.dumps(rec.params, sort_keys=True),
    }
    out = render.console()
    out.print(f"[bold]{render.safe(rec.id)}[/]  {render.safe(rec.title)}")
    for key, value in facts.items():
        out.print(f"  [dim]{key:<10}[/] {render.safe(value)}")
    ranking = rec.results.get("ranking")
    if isinstance(ranking, list):
        out.print(f"  [dim]{'ranking':<10}[/] {render.safe(', '.join(map(str, ranking)))}")
    table = _forecast_table(rec)
    if table is not None:
        out.print(table)
    else:
        out.print(f"[dim]{len(forecasts_of(rec.kind, rec.results))} forecasts: see --json[/]")


def _changes_table(title: str, changes: Sequence[Change]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("Path", "A", "B"):
        table.add_column(col)
    for c in changes[:MAX_ROWS]:
        table.add_row(render.safe(c.path), render.safe(_short(c.a)), render.safe(_short(c.b)))
    if len(changes) > MAX_ROWS:
        table.caption = f"and {len(changes) - MAX_ROWS} more (see --json)"
    return table


def _print_diff(d: RunDiff) -> None:
    out = render.console()
    out.print(f"A = {render.safe(d.a)}   B = {render.safe(d.b)}")
    if d.same:
        note = "" if d.same_results else " (other results differ)"
        out.print(f"same inputs, parameters, seed, models and forecasts{note}")
    for title, changes in (("Run", d.header), ("Inputs", d.inputs), ("Parameters", d.params)):
        if changes:
            out.print(_changes_table(title, changes))
    if d.forecasts:
        table = Table(title="Forecasts", title_justify="left")
        for col in ("Model / design", "Issue", "A", "B", "B - A"):
            table.add_column(col, justify="left" if col in ("Model / design", "Issue") else "right")
        for f in d.forecasts[:MAX_ROWS]:
            label, issue = render.safe(f.label), render.safe(f.issue)
            table.add_row(label, issue, _num(f.a), _num(f.b), _num(f.delta))
        if len(d.forecasts) > MAX_ROWS:
            table.caption = f"and {len(d.forecasts) - MAX_ROWS} more (see --json)"
        out.print(table)


@runs_app.command("diff")
def diff(
    a: str = typer.Argument(..., metavar="ID1", help="The first run."),
    b: str = typer.Argument(..., metavar="ID2", help="The second run."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Show what differs between two saved runs: inputs, parameters and forecasts.

    Example:
    ```
    accord runs diff r-20250301-101500-3fa2c1 r-20250301-101733-09be4d
    ```

    """
    with open_store(store) as runs:
        d = runs.diff(a, b)
    if as_json:
        typer.echo(render.dumps(d.to_dict()))
        return
    _print_diff(d)


@runs_app.command("export")
def export(
    run_id: str = typer.Argument(..., metavar="ID", help="The run to export."),
    output: str = typer.Option(..., "--output", "-o", help="JSON file to write ('-': stdout)."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Export one saved run, in full, as a JSON file (written atomically).

    Example:
    ```
    accord runs export r-20250301-101500-3fa2c1 -o vienna-bdm.json
    ```

    """
    with open_store(store) as runs:
        if output == "-":
            typer.echo(render.dumps(runs.export(run_id)))
            return
        path = runs.export_file(run_id, Path(output))
    typer.echo(f"exported {run_id} to {path}", err=True)
