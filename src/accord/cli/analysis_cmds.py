"""``accord sensitivity`` (tornado or Sobol indices) and ``accord levers`` (who to work on)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from accord.cli import render
from accord.cli.options import ALLOW_DRAFT, MODELS
from accord.errors import AccordError

if TYPE_CHECKING:  # imported when a command runs, not at start-up (tests/cli/test_startup.py)
    from accord.analysis import levers as levers_mod
    from accord.analysis import sensitivity as sens
    from accord.scenario.model import Scenario

BAR = 36
"""Width of a tornado bar in characters."""
ARROW = {"up": "↑", "down": "↓", "none": "·"}


class Method(StrEnum):
    """Sensitivity methods."""

    tornado = "tornado"
    sobol = "sobol"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("sensitivity")(sensitivity)
    app.command("levers")(levers)


def _top(top: int) -> int:
    if top < 1:
        raise AccordError(f"--top must be at least 1, got {top}")
    return top


def sensitivity(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    model: list[str] = MODELS,
    method: Method = typer.Option(Method.tornado, "--method", help="tornado or sobol."),
    samples: int = typer.Option(
        256, "--samples", "-n", help="Sobol base sample N (a power of two); runs = N (inputs + 2)."
    ),
    spread: float | None = typer.Option(
        None, "--spread", help="Also vary inputs without a range by +/- this share of their width."
    ),
    top: int = typer.Option(10, "--top", "-k", help="Inputs shown per issue."),
    seed: int = typer.Option(0, "--seed", help="Random seed (Sobol sample, bootstrap, model)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    r"""Which uncertain inputs move the forecast: a one-at-a-time tornado or Sobol indices.

    Examples:
    ```
    accord sensitivity cases/syria-2015-vienna.yaml --top 8
    accord sensitivity cases/syria-2015-vienna.yaml --method sobol \
      --samples 512 --json
    ```

    """
    from accord.analysis import sensitivity as sens
    from accord.forecast import build_lead

    _top(top)
    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    mdl = build_lead(model)
    if method is Method.tornado:
        result: sens.Tornado | sens.SobolIndices = sens.tornado(scn, mdl, spread=spread, seed=seed)
    else:
        result = sens.sobol(scn, mdl, samples=samples, spread=spread, seed=seed)
    if as_json:
        typer.echo(render.dumps(result.to_dict(top=top)))
        return
    out = render.console()
    for k in range(len(scn.issues)):
        if isinstance(result, sens.Tornado):
            out.print(_tornado_table(scn, result, k, top))
        else:
            out.print(_sobol_table(scn, result, k, top))


def _num(x: float) -> str:
    return f"{x:.4g}"


def _bar(lo: float, hi: float, base: float, f_low: float, f_high: float) -> Text:
    """Return a tornado bar on the axis [lo, hi] of an issue's table.

    Cyan runs from the base to the forecast with the input at its low end, magenta to the one
    with the input at its high end; a bold bar marks the base.
    """
    cells = [(" ", "")] * BAR
    span = hi - lo

    def col(v: float) -> int:
        return round((v - lo) / span * (BAR - 1)) if span > 0 else BAR // 2

    b = col(base)
    for value, style in ((f_low, "cyan"), (f_high, "magenta")):
        c = col(value)
        for i in range(min(b, c), max(b, c) + 1):
            cells[i] = ("█", style)
    cells[b] = ("│", "bold")
    text = Text()
    for ch, style in cells:
        text.append(ch, style=style)
    return text


def _tornado_table(scn: Scenario, t: sens.Tornado, k: int, top: int) -> Table:
    issue = scn.issues[k]
    order = t.ranked(issue.id)[:top]
    base = float(t.base[k])
    shown = [base, *t.at_low[order, k], *t.at_high[order, k]]
    lo, hi = float(min(shown)), float(max(shown))
    table = Table(
        title=(
            f"{render.safe(issue.name)} [dim]({issue.id})[/]: forecast {render.fmt(base)} "
            f"with '{t.model}'"
        ),
        caption=(
            f"each input alone at its low / high end, the other {len(t.inputs) - 1} at their "
            f"point values; axis {render.fmt(lo)}-{render.fmt(hi)}; │ = base forecast, "
            "[cyan]█[/] = input at its low end, [magenta]█[/] = at its high end"
        ),
        title_justify="left",
    )
    table.add_column("Input", no_wrap=True)
    table.add_column("Range (point)", justify="right", no_wrap=True)
    table.add_column("At low", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("At high", justify="right")
    table.add_column("Swing", justify="right")
    for i in order:
        inp = t.inputs[i]
        fl, fh = float(t.at_low[i, k]), float(t.at_high[i, k])
        table.add_row(
            Text(render.clean(inp.name)),
            f"{_num(inp.low)}–{_num(inp.high)} ({_num(inp.point)})",
            render.fmt(fl),
            _bar(lo, hi, base, fl, fh),
            render.fmt(fh),
            render.fmt(float(t.swing[i, k])),
        )
    return table


def _sobol_table(scn: Scenario, s: sens.SobolIndices, k: int, top: int) -> Table:
    issue = scn.issues[k]
    import numpy as np

    sd = float(np.sqrt(s.variance[k]))
    table = Table(
        title=(
            f"{render.safe(issue.name)} [dim]({issue.id})[/]: Sobol indices with '{s.model}', "
            f"forecast s.d. {render.fmt(sd)}"
        ),
        caption=(
            f"SALib, N = {s.samples} ({s.runs:,} runs), inputs uniform over their ranges; "
            "S1 = share of the variance due to the input alone, ST = including its "
            f"interactions; ± = {s.conf_level:.0%} bootstrap interval; "
            f"sum of S1 = {s.first[:, k].sum():.2f}"
        ),
        title_justify="left",
    )
    table.add_column("Input", no_wrap=True)
    table.add_column("S1", justify="right")
    table.add_column("ST", justify="right")
    table.add_column("", no_wrap=True)
    for i in s.ranked(issue.id)[:top]:
        total = float(s.total[i, k])
        table.add_row(
            Text(render.clean(s.inputs[i].name)),
            f"{s.first[i, k]:.2f} ± {s.first_conf[i, k]:.2f}",
            f"{total:.2f} ± {s.total_conf[i, k]:.2f}",
            Text("█" * round(max(0.0, min(total, 1.0)) * 20), style="magenta"),
        )
    return table


def levers(
    scenario: Path = typer.Argument(..., help="Scenario file.", show_default=False),
    actor: str = typer.Option(..., "--actor", "-a", help="Whose ideal the forecast should near."),
    model: list[str] = MODELS,
    issue: str | None = typer.Option(None, "--issue", "-i", help="One issue only."),
    top: int = typer.Option(8, "--top", "-k", help="Other actors shown per issue."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the model."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    allow_draft: bool = ALLOW_DRAFT,
) -> None:
    """Who to work on: whose shifts bring the forecast nearest to an actor's ideal.

    Every actor's position, salience and capability is shifted up and down by a small step in
    one batched run; the gain is how much closer the forecast comes to the actor's ideal.

    Examples:
    ```
    accord levers cases/syria-2015-vienna.yaml --actor usa --issue assad
    accord levers cases/syria-2015-vienna.yaml --actor russia -m bdm --json
    ```

    """
    from accord.analysis import levers as levers_mod
    from accord.forecast import build_lead

    _top(top)
    scn = render.load_scenario(scenario, allow_draft=allow_draft)
    mdl = build_lead(model)
    result = levers_mod.levers(scn, actor, mdl, issue=issue, seed=seed)
    if as_json:
        typer.echo(render.dumps(result.to_dict()))
        return
    out = render.console()
    cap = levers_mod.CAPABILITY_STEP * max(a.capability for a in scn.actors)
    for iss in result.issues:
        out.print(_levers_table(scn, result, iss, top, cap))


def _cell(lever: levers_mod.Lever) -> str:
    if lever.direction == "none":
        return "[dim]·[/]"
    return f"{ARROW[lever.direction]} {lever.best:.2f}"


def _levers_table(
    scn: Scenario, res: levers_mod.Levers, iss: levers_mod.IssueLevers, top: int, cap: float
) -> Table:
    issue = scn.issue(iss.issue)
    steps = res.steps
    how = "exact slopes (closed form)" if res.exact else "finite shifts simulated in one batch"
    ranked = [(a, lv) for a, lv in iss.ranking() if max(x.best for x in lv.values()) > 0]
    idle = len(iss.ranking()) - len(ranked)
    table = Table(
        title=(
            f"Who {res.actor} should work on, {render.safe(issue.name)} [dim]({issue.id})[/]: "
            f"ideal {render.fmt(iss.ideal)}, forecast {render.fmt(iss.forecast)} "
            f"with '{res.model}' ({render.fmt(abs(iss.ideal - iss.forecast))} away)"
        ),
        caption=(
            "each cell: the shift that helps (↑ raise, ↓ lower) and how many points nearer it "
            f"brings the forecast; shifts: position {steps['position'] * issue.scale.width:g} "
            f"points, salience {steps['salience']:g} ({steps['salience'] * 100:g} on 0-100), "
            f"capability {cap:.3g} ({steps['capability']:.0%} of the largest); {how}"
            + (f"; {idle} other actors: no shift of this size helps" if idle else "")
            + f"; own position = stating one other than {res.actor}'s ideal (held fixed)"
        ),
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("Actor", no_wrap=True)
    table.add_column("At", justify="right")
    for col in ("Position", "Salience", "Capability"):
        table.add_column(col, justify="right")
    for rank, (actor_id, by_kind) in enumerate(ranked[:top], start=1):
        table.add_row(str(rank), *_lever_cells(actor_id, by_kind))
    table.add_section()
    own = {lv.kind: lv for lv in iss.own}
    table.add_row("", *_lever_cells(f"{res.actor} (own moves)", own), style="bold")
    return table


def _lever_cells(label: str, by_kind: dict[levers_mod.Kind, levers_mod.Lever]) -> list[Any]:
    from accord.analysis.levers import KINDS

    return [
        Text(render.clean(label)),
        render.fmt(by_kind["position"].value),
        *(_cell(by_kind[k]) for k in KINDS),
    ]
