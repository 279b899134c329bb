"""``accord mc``: Monte Carlo over a scenario's uncertain inputs."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from accord import atomic
from accord.atomic import is_stdout
from accord.cli import render
from accord.cli.options import ALLOW_DRAFT, MC_BINS, MC_CHUNK, MODELS, SECONDS_WARNING

if TYPE_CHECKING:  # imported when the command runs, not at start-up (tests/cli/test_startup.py)
    from accord.analysis.montecarlo import IssueDealSummary, IssueSummary, MonteCarloResult
    from accord.models.base import Cost

BAR_WIDTH = 40


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("mc")(mc)


def mc(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML or CSV).", show_default=False),
    model: list[str] = MODELS,
    draws: int = typer.Option(1000, "--draws", "-n", help="Number of random draws."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed, the same numbers."),
    workers: int | None = typer.Option(
        None, "--workers", help="Run on N local worker processes (Dask)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run on an existing Dask cluster, e.g. tcp://host:8786."
    ),
    chunk: int = typer.Option(
        MC_CHUNK,
        "--chunk",
        help="Draws per task (a stochastic model's numbers depend on it; no others do).",
    ),
    bloc_correlation: float = typer.Option(
        0.0, "--bloc-correlation", help="Correlation in [0, 1) of the draws within one bloc."
    ),
    spread: float | None = typer.Option(
        None, "--spread", help="Give unranged inputs a range: ± this x scale (e.g. 0.1)."
    ),
    rounds: int | None = typer.Option(None, "--rounds", "-r", help="Most rounds (bdm, smp)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Model parameter key=value."),
    bins: int = typer.Option(MC_BINS, "--bins", help="Histogram bins."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    deal: bool = typer.Option(
        False, "--deal", help="Also P(deal), the settlement and the deal-aware outcome per issue."
    ),
    linked: bool = typer.Option(
        False, "--linked", help="With --deal: all issues as one package (default: one by one)."
    ),
    drop_invalid: bool = typer.Option(
        False,
        "--drop-invalid",
        help="Leave out draws in which the model gives no finite forecast (default: refuse).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Also write the JSON result to this file (at the end); '-': only the JSON, to "
        "standard output.",
    ),
    store: str | None = typer.Option(
        None, "--store", help="Run store: SQLite file or SQLAlchemy URL; 'off' saves nothing."
    ),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    r"""Forecast the distribution of outcomes over random draws of the uncertain inputs.

    Every capability, position and salience with a range in the scenario is drawn from its
    distribution (uniform, triangular or pert); --spread gives the others a range too. By
    default every model runs on every draw and the forecast is their consensus (the median);
    --model names one model (or several, whose consensus is taken).

    With --deal every draw also gets the agreement analysis: P(deal), where they settle if they
    settle, the deal-aware outcome (settlement or no-deal outcome) and who blocks.

    A draw in which the model gives no finite forecast stops the run with a count of such
    draws; --drop-invalid leaves them out (the summary says how many). One run keeps every
    draw's forecast in memory: --draws is bounded by that (2 GB), and the message says how many
    fit; several runs with different seeds pool. A run estimated to take over a minute says so
    on stderr first.

    Examples:
    ```
    accord mc cases/syria-2015-vienna.yaml --draws 2000 --seed 7
    accord mc cases/syria-2015-vienna.yaml --model bdm --draws 10000
    accord mc cases/syria-2015-vienna.yaml --model nash --deal
    accord mc cases/syria-2015-vienna.yaml -n 100000 --workers 4 \
      --bloc-correlation 0.5
    accord mc my.yaml --spread 0.1 --scheduler tcp://10.0.0.5:8786 --json \
      -o mc.json
    ```

    """
    from accord.analysis import montecarlo
    from accord.analysis.inputs import uncertain_inputs
    from accord.analysis.parallel import DaskRunner, check_workers, dask_client
    from accord.analysis.sampling import check_correlation
    from accord.forecast import build_lead, parse_params

    # Check everything cheap before loading, starting workers or computing.
    montecarlo.check_options(draws, chunk, bins, seed, deal=deal)
    check_correlation(bloc_correlation)
    check_workers(workers, scheduler)
    if output is not None:
        check_writable(output)
    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    chosen = build_lead(model, parse_params(param), rounds)
    n_inputs = len(uncertain_inputs(scn, spread))
    montecarlo.check_options(
        draws, chunk, bins, seed, n_actors=len(scn.actors), n_issues=len(scn.issues), deal=deal
    )
    warn_if_slow(montecarlo.estimate_cost(scn, chosen, draws, chunk, deal), workers)
    with progress_bar(draws, f"mc {chosen.name}", quiet) as advance:
        run = functools.partial(
            montecarlo.run,
            scn,
            chosen,
            draws=draws,
            seed=seed,
            chunk=chunk,
            bloc_correlation=bloc_correlation,
            spread=spread,
            bins=bins,
            progress=advance,
            deal=deal,
            tracks=[scn.issue_ids] if linked else None,
            drop_invalid=drop_invalid,
        )
        if workers is None and scheduler is None:
            result = run()
        else:
            with dask_client(workers=workers, scheduler=scheduler) as client:
                result = run(runner=DaskRunner(client))
    text = result.to_json()
    if output is not None and is_stdout(output):  # -o -: the JSON alone on standard output
        write_atomically(output, text + "\n")
    elif as_json:
        typer.echo(text)
    else:
        where = "this process" if workers is None and scheduler is None else "Dask"
        render.console().print(summary_view(result, n_inputs, where))
    render.save("mc", result.to_dict(), scenario=scn, seed=seed, store=store)
    if output is not None and not is_stdout(output):
        write_atomically(output, text + "\n")


def warn_if_slow(cost: Cost, workers: int | None = None) -> None:
    """Print one ``warning:`` line on stderr when a run is estimated to take over a minute.

    Nothing is refused: a user may wait. ``workers`` divides the estimated time.
    """
    seconds = cost.seconds / max(1, workers or 1)
    if seconds <= SECONDS_WARNING:
        return
    what = f"{cost.model} on {cost.draws:,} draws of {cost.n_actors:,} actors x "
    what += f"{cost.n_issues:,} issues"
    estimate = replace(cost, seconds=seconds).describe()
    render.echo_error(
        f"this may take {estimate} (estimated for {what}); it runs anyway, Ctrl-C stops it",
        prefix="warning",
    )


@contextlib.contextmanager
def progress_bar(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking the draws done; a rich bar on a terminal's stderr, unless quiet."""
    err = Console(stderr=True)
    if quiet or not err.is_terminal:
        yield lambda done: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def summary_view(result: MonteCarloResult, n_inputs: int, where: str) -> Group:
    """Return the readable report: a header, then per issue its numbers, histogram, regions."""
    p = result.provenance
    dropped = f"{result.dropped:,} of them dropped (no finite forecast), " if result.dropped else ""
    parts: list[Text | Table] = [
        Text.from_markup(
            f"[bold]{render.safe(result.title)}[/]\n"
            f"[dim]{model_words(p.model, p.params)}, {p.draws:,} draws, {dropped}seed {p.seed}, "
            f"{n_inputs} uncertain inputs, bloc correlation {p.bloc_correlation:g}, "
            f"chunks of {p.chunk:,} ({where})[/]"
        )
    ]
    deals = {d.issue: d for d in result.deals}
    for summary in result.summaries:
        parts.extend(issue_view(summary))
        if summary.issue in deals:
            parts.append(deal_line(deals[summary.issue]))
    return Group(*parts)


def model_words(model: str, params: dict[str, Any]) -> str:
    """Return 'bdm', or 'the consensus of 8 models (median)' for the consensus."""
    members = params.get("models") if model == "consensus" else None
    return f"the consensus of {len(members)} models (median)" if members else model


def deal_line(d: IssueDealSummary) -> Text:
    """Return the deal-aware summary of one issue in two lines."""
    f = render.fmt
    e = d.expected
    settle = (
        f"settlement if they settle: mean {f(d.settlement.mean)}, 95% "
        f"[{f(d.settlement.interval95[0])}, {f(d.settlement.interval95[1])}]"
        if d.settlement is not None
        else "they never settle"
    )
    who = ", ".join(f"{a} ({h:.0%})" for a, h, _ in d.blockers[:3]) or "nobody"
    return Text.from_markup(
        f"[bold]P(deal) {d.p_deal:.1%}[/]; {settle}\n"
        f"deal-aware outcome: mean {f(e.mean)}, median {f(e.median)}, 95% "
        f"[{f(e.interval95[0])}, {f(e.interval95[1])}]; blocked most often by {render.safe(who)}"
    )


def issue_view(s: IssueSummary) -> list[Text | Table]:
    """Return the renderables of one issue."""
    f = render.fmt
    head = Text.from_markup(
        f"\n[bold]{render.safe(s.name)}[/] [dim]({render.safe(s.issue)})[/]\n"
        f"mean {f(s.mean)}  median {f(s.median)}  "
        f"80% [{f(s.interval80[0])}, {f(s.interval80[1])}]  "
        f"95% [{f(s.interval95[0])}, {f(s.interval95[1])}]  "
        f"[dim]converged in {percent(s.converged)} of draws[/]"
    )
    total = max(sum(s.counts), 1)
    used = [k for k, c in enumerate(s.counts) if c]
    histogram = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    for k in range(used[0], used[-1] + 1) if used else ():
        share = s.counts[k] / total
        histogram.add_row(
            f"{s.bin_edges[k]:g}-{s.bin_edges[k + 1]:g}",
            "█" * round(share / max(s.counts[j] / total for j in used) * BAR_WIDTH),
            f"{share:6.1%}",
        )
    regions = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    for r in s.regions:
        regions.add_row(f"{r.probability:6.1%}", f"{r.anchor:g}", render.safe(r.label))
    out: list[Text | Table] = [head, histogram]
    if s.regions:
        out += [Text("probability of each labelled region of the scale:", style="dim"), regions]
    return out


def percent(x: float) -> str:
    """Return a share as a percentage that is 100% (or 0%) only when it is exactly that."""
    text = f"{x:.0%}"
    if text in ("0%", "100%") and 0.0 < x < 1.0:
        text = f"{x:.1%}" if 0.0005 < x < 0.9995 else ("<0.1%" if x < 0.5 else ">99.9%")
    return text


def check_writable(path: Path) -> None:
    """Raise :class:`AccordError` if ``path`` cannot be written (checked before any work).

    ``-`` is standard output; links, FIFOs and devices are written through (:mod:`accord.atomic`).
    """
    atomic.check_writable(path, what="write")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: a file whole or not at all, ``-`` to standard output."""
    check_writable(path)
    atomic.write_atomic(path, text, what="write")
