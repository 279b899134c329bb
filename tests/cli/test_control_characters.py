"""Issue 13.6: text from the user's data reaches the terminal without raw control characters.

``runs list`` printed a stored title's escape sequences (``\\x1b[2J`` clears the screen) to the
terminal. New scenarios refuse control characters, but runs stored earlier may hold them: every
text printed from user data shows them as escapes (``\\x1b``), and rich markup in it is shown
as written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from accord.cli import render
from accord.forecast import build_models, forecast
from accord.scenario import Scenario
from accord.store import RunStore, record_inputs
from tests.factories import random_scenario

TITLE = "Evil \x1b[2J\x1b[31mred\x00 [bold]markup[/bold] \u202eobtained\r"


def raw_control(text: str) -> list[str]:
    """Return the control characters in ``text`` other than line feed (and tab)."""
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


@pytest.fixture
def store_with_evil_run(tmp_path: Path) -> tuple[str, str]:
    """A store holding one run whose title (set with SQL, as an old run's) has escapes."""
    db = tmp_path / "runs.db"
    scenario = random_scenario(2, n_actors=3, n_issues=1)
    fc = forecast(scenario, build_models(["compromise"]), seed=0)
    with RunStore(db) as runs:
        run_id = runs.save("run", results=fc.to_dict(), inputs=record_inputs(scenario))
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE runs SET title = ?, model = ? WHERE id = ?", (TITLE, "m\x1b]0;x", run_id)
        )
    return str(db), run_id


def test_runs_list_and_show_escape_control_characters(
    run_cli, store_with_evil_run: tuple[str, str]
) -> None:
    db, run_id = store_with_evil_run
    for args in (["runs", "list"], ["runs", "show", run_id]):
        code, out, err = run_cli(*args, "--store", db)
        assert code == 0, err
        assert not raw_control(out), (args, out)
        assert "\\x1b[2J" in out and "\\x00" in out and "\\u202e" in out
        assert "[bold]markup[/bold]" in out  # markup shown as written, not applied


def test_clean_and_safe() -> None:
    assert render.clean("a\x1b[2Jb\x00c\td\ne\x7f\x9b") == "a\\x1b[2Jb\\x00c\td\ne\\x7f\\x9b"
    assert render.clean("\r\u202e\ud800") == "\\r\\u202e\\ud800"
    assert render.safe("[red]x\x1b[/red]") == "\\[red]x\\x1b\\[/red]"
    assert render.one_line("a\n\x1b b") == "a \\x1b b"


def test_the_console_cleans_whatever_it_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    out = render.console()
    table = Table(title="t")
    table.add_column("x")
    table.add_row(Text("raw \x1b[2J cell"))
    out.print(table)
    out.print(Text("line \x00 end"))
    printed = capsys.readouterr().out
    assert not raw_control(printed)
    assert "\\x1b[2J" in printed and "\\x00" in printed


def evil_scenario() -> Scenario:
    """A scenario holding control characters (copied past validation, as old data could)."""
    base = random_scenario(5, n_actors=4, n_issues=2)
    first = base.issues[0]
    anchors = tuple(a.model_copy(update={"label": f"{a.label} \x1b[5m"}) for a in first.anchors)
    issue = first.model_copy(update={"name": "Issue \x1b]0;pwned\x07", "anchors": anchors})
    actor = base.actors[0].model_copy(update={"name": "Actor \x1b[2J"})
    return base.model_copy(
        update={
            "title": TITLE,
            "issues": (issue, *base.issues[1:]),
            "actors": (actor, *base.actors[1:]),
        }
    )


def test_forecast_bottom_line_and_validate_output_are_clean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from accord.analysis.bottom_line import bottom_line
    from accord.cli.bottom_render import bottom_line_view

    scenario = evil_scenario()
    models = build_models(["compromise"])
    fc = forecast(scenario, models, seed=0)
    out = render.console()
    out.print(render.forecast_table(fc))
    out.print(render.positions_table(fc, 0))
    out.print(bottom_line_view(bottom_line(scenario, models, draws=0, seed=0)))
    print(render.scenario_summary(scenario))
    printed = capsys.readouterr().out
    assert not raw_control(printed), printed
    assert "\\x1b[2J" in printed and "\\x1b]0;pwned\\x07" in printed and "\\x1b[5m" in printed
    assert "[bold]markup[/bold]" in printed


def test_error_messages_are_clean(run_cli, tmp_path: Path) -> None:
    code, _out, err = run_cli("run", str(tmp_path / "no\x1b[2Jsuch.yaml"))
    assert code == 2
    assert not raw_control(err) and "\\x1b[2J" in err
