"""``accord backtest deu``: score every model against real EU outcomes (DEU III)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from accord.atomic import is_stdout, write_atomic
from accord.cli import render
from accord.cli.options import CAPABILITY_SCHEMES, DEU_SPLIT
from accord.errors import AccordError

backtest_app = typer.Typer(
    help="Backtest the models on real negotiation outcomes.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command group to the app."""
    app.add_typer(backtest_app, name="backtest")


def _models(values: list[str]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return None if not names or "all" in names else names


def _split(data_props: set[str], name: str, path: Path) -> tuple[set[str] | None, dict[str, Any]]:
    if name == "all":
        return None, {"name": "all"}
    if name not in ("train", "dev"):
        raise AccordError(f"--split must be all, train or dev, not '{name}'")
    from accord.backtest.record import sha256_file
    from accord.backtest.split import load_split

    assignment = load_split(path)
    keep = {p for p, part in assignment.items() if part == name}
    info = {
        "name": name,
        "file": path.name,
        "sha256": sha256_file(path),
        "not_in_split": sorted(data_props - set(assignment)),
    }
    return keep, info


@backtest_app.command("deu")
def deu(
    path: Path | None = typer.Argument(
        None, help="DEU table (TSV); default: the bundled data/deu3_public.tsv.", show_default=False
    ),
    capability: str = typer.Option(
        "votes",
        "--capability",
        "-c",
        help=f"Capability of states: {', '.join(CAPABILITY_SCHEMES)}.",
    ),
    models: list[str] = typer.Option(
        ["all"],
        "--model",
        "--models",
        "-m",
        help="Model names (repeatable or comma-separated), or 'all'; compromise and the "
        "status_quo baseline are always scored.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON record."),
    out: Path | None = typer.Option(
        None, "--out", help="Write deu-<split>.json and deu-<split>.md into this folder."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the models and the bootstrap."),
    split: str = typer.Option("all", "--split", help="all, train or dev (data/deu3_split.json)."),
    split_file: Path = typer.Option(DEU_SPLIT, "--split-file", help="The split to use."),
    bootstrap: int = typer.Option(2000, "--bootstrap", help="Bootstrap resamples."),
    doc: Path | None = typer.Option(
        None, "--doc", help="Also replace this split's generated section of a Markdown file."
    ),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
) -> None:
    """Forecast every DEU issue with every model and rank the models by error.

    Joint models that actors without a say cannot move (exchange, nash, kalai) solve the issues
    of a proposal together; every model also gets a deal-aware row (model+deal): its forecast
    moved into what the decision rule (QMV or unanimity; the Parliament under codecision)
    can adopt, the reference point where nothing can be.

    Every row is compared with compromise and with the baseline status_quo (nothing changes).

    Examples:
    ```
    accord backtest deu
    accord backtest deu --split dev --models compromise,bicameral --json
    accord backtest deu --out results/ --doc docs/backtest.md
    ```

    """
    if out is not None and is_stdout(out):
        raise AccordError("--out takes a folder; for the JSON on standard output use --json")
    if capability not in CAPABILITY_SCHEMES:
        schemes = ", ".join(CAPABILITY_SCHEMES)
        raise AccordError(f"--capability must be one of {schemes}, not '{capability}'")
    if seed < 0:
        raise AccordError(f"--seed must be >= 0, got {seed}")
    from accord.backtest.deu import read_deu
    from accord.backtest.leaderboard import dumps, render_markdown, update_doc
    from accord.backtest.record import run_backtest

    data = read_deu(path)
    keep, info = _split({i.proposal for i in data.issues}, split, split_file)
    data = data.select(keep)
    if not data.issues:
        raise AccordError(f"no issue of the data is in the '{split}' split")
    bt = run_backtest(
        data,
        capability=capability,
        models=_models(models),
        seed=seed,
        n_boot=bootstrap,
        split=info,
    )
    text, md = dumps(bt.record), render_markdown(bt.record)
    if as_json:
        typer.echo(text, nl=False)
    else:
        typer.echo(md)
        total = sum(bt.seconds.values())
        times = ", ".join(f"{n} {s:.2f}" for n, s in bt.seconds.items())
        typer.echo(f"seconds per model: {times} (total {total:.1f})", err=True)
    render.save("backtest", bt.record, seed=seed, store=store)  # a failed save only warns
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AccordError(f"cannot write results: {exc.strerror or exc}", source=out) from None
        write_atomic(out / f"deu-{split}.json", text, what="write results")
        write_atomic(out / f"deu-{split}.md", md, what="write results")
    if doc is not None:
        update_doc(doc, md, key=split)
