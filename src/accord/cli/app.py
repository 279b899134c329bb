"""The ``accord`` command: the typer app, its commands, and the error boundary.

User errors (:class:`~accord.errors.AccordError`) print one line on stderr and exit with
code 2; Ctrl-C exits with 130. Anything else is a bug and shows a traceback. Warnings about
inputs (:class:`~accord.errors.ScenarioWarning`) print one ``warning:`` line each on stderr.
Messages may quote the user's data: their control characters are shown as escapes.
"""

from __future__ import annotations

import sys
import warnings
from typing import TextIO

import typer

from accord.cli import (
    analysis_cmds,
    backtest_cmds,
    cases_cmds,
    draft_cmds,
    process_cmds,
    render,
    report_cmds,
    runs_cmds,
    scenario_cmds,
    uncertainty_cmds,
    web_cmds,
)
from accord.cli.help import ConventionalGroup
from accord.errors import AccordError, ScenarioWarning

app = typer.Typer(
    name="accord",
    cls=ConventionalGroup,
    help=(
        "Model multilateral negotiations, forecast where they end up, and compare process "
        "designs.\n\nExamples:\n\n```\n"
        "accord run cases/syria-2015-vienna.yaml\n"
        "accord run cases/syria-2015-vienna.yaml -m bdm --rounds 8 --json\n"
        "accord models\n"
        "accord validate my-scenario.yaml\n```"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown: prose paragraphs are reflowed to the terminal's width, and the examples (a fenced
    # code block in every command's docstring) are kept line for line.
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        from accord import __version__

        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Model multilateral negotiations and forecast where they end up."""


scenario_cmds.register(app)
draft_cmds.register(app)
process_cmds.register(app)
backtest_cmds.register(app)
cases_cmds.register(app)
analysis_cmds.register(app)
runs_cmds.register(app)
report_cmds.register(app)
uncertainty_cmds.register(app)
web_cmds.register(app)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print a :class:`ScenarioWarning` as one ``warning:`` line on stderr (others as usual)."""
    if isinstance(message, ScenarioWarning):
        render.echo_error(message.one_line(), prefix="warning")
    else:
        _default_show_warning(message, category, filename, lineno, file, line)


_default_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``accord`` script."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", ScenarioWarning)
        warnings.showwarning = _show_warning
        _main(argv)


def _main(argv: list[str] | None) -> None:
    try:
        # Without standalone mode, typer *returns* the exit code of a Ctrl-C (130) or of a
        # ``typer.Exit`` raised inside a command instead of raising it.
        code = app(args=argv, standalone_mode=False)
    except AccordError as exc:
        render.echo_error(exc.one_line())
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # usage errors from (typer's copy of) click
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        sys.exit(int(getattr(exc, "exit_code", 2)))
    if isinstance(code, int) and code:
        if code == 130:
            typer.echo("interrupted", err=True)
        sys.exit(code)
