r"""Rich tables for the terminal. Pure formatting: takes results, returns renderables.

Text from the user's data (titles, names, labels, a stored run's fields) never reaches the
terminal raw: :func:`clean` shows control characters as escapes (``\x1b``), so that a title
cannot clear the screen or recolour the terminal, and :func:`safe` also escapes rich markup.
The console of :func:`console` applies :func:`clean` to everything it prints, as a last guard.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer
from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    Group,
    RenderHook,
    RenderResult,
)
from rich.markup import escape
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from accord import jsonsafe
from accord.cli.options import STORE_ENV, STORE_OFF
from accord.errors import AccordError

if TYPE_CHECKING:  # the CLI starts without the models and scenarios (tests/cli/test_startup.py)
    from accord.forecast import Forecast
    from accord.models.registry import ModelInfo
    from accord.scenario.model import Anchor, Issue, Scenario

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _BIDI + "]")
"""Control characters (but tab and line feed), lone surrogates and bidirectional overrides."""
_NAMED = {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f"}


def _shown(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: Any) -> str:
    r"""Return text with its control characters shown as escapes: ``\x1b``, ``\x00``, ``\r``.

    Tabs and line feeds are kept; so is everything printable. Bidirectional overrides, which
    can make a line read differently from what it holds, are shown as ``\u202e`` too, and lone
    surrogates (which no terminal encoding can write) as ``\ud800``.
    """
    return _UNSAFE.sub(_shown, str(text))


def safe(text: Any) -> str:
    """Return :func:`clean` text with rich markup escaped: for a markup string or a table cell."""
    return escape(clean(text))


def one_line(text: Any) -> str:
    """Return :func:`clean` text on one line (whitespace runs as one space): for messages."""
    return " ".join(clean(text).split())


class _Cleaned:
    """A renderable that prints another with every control character of its text escaped."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            if segment.control or not _UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(clean(segment.text), segment.style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.inner)


class _CleanHook(RenderHook):
    """Wrap everything a console prints in :class:`_Cleaned`."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Cleaned(r) for r in renderables]


def console(stderr: bool = False) -> Console:
    """Return a console for tables: the terminal's width, or ``$COLUMNS``, else 120 columns.

    Whatever it prints has its control characters shown as escapes (see :func:`clean`).
    """
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal or os.environ.get("COLUMNS", "").isdigit() else 120
    out = Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)
    out.push_render_hook(_CleanHook())
    return out


def fmt(x: float) -> str:
    """Format a position for display."""
    return f"{x:.1f}"


def _nearest_anchor(issue: Issue, value: float) -> Anchor | None:
    return min(issue.anchors, key=lambda a: abs(a.value - value)) if issue.anchors else None


def forecast_table(fc: Forecast) -> Group:
    """One row per model, one column per issue; then the issues and the anchors forecasts are near.

    A cell is the forecast and, in grey, the nearest labelled point of the issue's scale.
    """
    s = fc.scenario
    facts = [f"as of {s.date.isoformat()}"] if s.date else []
    facts += [f"{len(s.actors)} actors", f"{len(s.issues)} issues"]
    table = Table(title=safe(s.title), caption=" · ".join(facts), title_justify="left")
    table.add_column("Model", style="bold", no_wrap=True)
    for issue in s.issues:
        table.add_column(issue.id, justify="right", no_wrap=True)
    table.add_column("Rounds", justify="right", no_wrap=True)
    legend: dict[str, list[Anchor]] = {}
    for r in fc.results:
        cells = []
        for k, issue in enumerate(s.issues):
            value = float(r.forecast[0, k])
            cell = fmt(value)
            anchor = _nearest_anchor(issue, value)
            if anchor is not None:
                cell += f" [dim]≈{anchor.value:g}[/]"
                if anchor not in legend.setdefault(issue.id, []):
                    legend[issue.id].append(anchor)
            cells.append(cell)
        rounds = int(r.rounds[0].max())
        note = "" if bool(r.converged[0].all()) else " [dim](limit)[/]"
        cells.append(f"{rounds}{note}" if rounds else "-")
        table.add_row(safe(r.model), *cells)
    lines = []
    for issue in s.issues:
        scale = f"{issue.scale.min:g}-{issue.scale.max:g} {issue.scale.unit}"
        lines.append(f"[bold]{safe(issue.id)}[/]: {safe(issue.name)} ({safe(scale)})")
        for anchor in sorted(legend.get(issue.id, []), key=lambda a: a.value):
            lines.append(f"  [dim]≈{anchor.value:g}[/] {safe(anchor.label)}")
    return Group(table, *(Text.from_markup(line) for line in lines))


def positions_table(fc: Forecast, issue_index: int) -> Table:
    """Return a table of every actor's start and end position on one issue, per model."""
    s = fc.scenario
    issue = s.issues[issue_index]
    table = Table(title=f"Positions on '{safe(issue.name)}'", title_justify="left")
    table.add_column("Actor")
    table.add_column("Start", justify="right")
    for r in fc.results:
        if r.rounds[0, issue_index] > 0:
            table.add_column(f"{r.model} end", justify="right")
    for a, actor in enumerate(s.actors):
        row = [safe(actor.name), fmt(s.stance(actor.id, issue.id).position)]
        row += [
            fmt(float(r.final_positions[0, a, issue_index]))
            for r in fc.results
            if r.rounds[0, issue_index] > 0
        ]
        table.add_row(*row)
    return table


def models_table(infos: list[ModelInfo]) -> Table:
    """Return a table of the registered models with their one-line descriptions."""
    table = Table(title="Models", title_justify="left")
    table.add_column("Name", style="bold")
    table.add_column("What it does")
    table.add_column("Issues")
    for info in infos:
        table.add_row(info.name, info.summary, "jointly" if info.joint else "one at a time")
    return table


def scenario_summary(s: Scenario) -> str:
    """One line describing a valid scenario."""
    when = f", as of {s.date.isoformat()}" if s.date else ""
    issues = ", ".join(i.id for i in s.issues)
    text = f"ok: '{s.title}'{when}: {len(s.actors)} actors, {len(s.issues)} issues ({issues})"
    return clean(text)


def dumps(data: Any) -> str:
    """Return deterministic, indented JSON; NaN and infinities are written as null."""
    return jsonsafe.dumps(data)


def echo_error(message: Any, *, prefix: str = "error") -> None:
    """Print ``prefix: message`` as one clean line on stderr."""
    typer.echo(f"{prefix}: {one_line(message)}", err=True)


def saved(run_id: str | None) -> None:
    """Tell on stderr under which id a run was saved (nothing when saving is off)."""
    if run_id:
        Console(stderr=True, highlight=False).print(f"saved as {safe(run_id)}")


def save(kind: str, results: Mapping[str, Any], **how: Any) -> str | None:
    """Save a command's results in the run store, say so on stderr, and return the run's id.

    Call it once the results are printed or written: a save that fails (a read-only or full
    store, a folder in the way, a database that refuses the row) loses nothing. It is told in
    one ``warning: not saved: ...`` line on stderr and the command still succeeds (exit code 0):
    the results are what the user asked for, the store only keeps a copy (and is skipped
    altogether with ``--store off``). Returns None when nothing was saved. ``how`` goes to
    :func:`accord.store.save_run` (``scenario``, ``designs``, ``seed``, ``store`` ...).
    """
    if _store_off(how.get("store")):  # without loading the store (SQLAlchemy) at all
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from accord.store import save_run

    try:
        run_id = save_run(kind, results, **how)
    except AccordError as exc:
        reason = exc.one_line()
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        reason = f"{where}{exc.strerror or exc}"
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    else:
        saved(run_id)
        return run_id
    echo_error(f"not saved in the run store: {reason}", prefix="warning")
    return None


def _store_off(store: Any) -> bool:
    """Return whether ``--store``, else ``$ACCORD_STORE``, turns saving off.

    The same test as :func:`accord.store.resolve_store` returning None.
    """
    value = str(store).strip() if store is not None else ""
    value = value or os.environ.get(STORE_ENV, "").strip()
    return value.lower() == STORE_OFF


def load_scenario(path: Any, *, allow_draft: bool = False) -> Scenario:
    """Load a scenario file for a command that runs models.

    Values still marked draft are refused (naming the first) unless ``allow_draft``; then
    they are taken as they are (:meth:`Scenario.accept_drafts`) with one warning on stderr.
    """
    from accord import scenario as scenario_io
    from accord.scenario.drafts import draft_cells

    scn = scenario_io.load(path, allow_draft=allow_draft)
    if allow_draft:
        count = sum(1 for _ in draft_cells(scn))
        if count:
            echo_error(
                f"{path}: {count} unreviewed draft value{'s' if count != 1 else ''} "
                "taken as they are (--allow-draft)",
                prefix="warning",
            )
            scn = scn.accept_drafts()
    return scn
