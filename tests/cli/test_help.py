"""Every command's --help: click-style types, and its examples kept line for line."""

from __future__ import annotations

import re

import pytest
import typer

from accord.cli.app import app

FENCE = "```"
PYTHON_TYPES = re.compile(r"<(int|str|bool|float|path|file|dir|list\[[^>]*\])>")


def _commands() -> list[tuple[tuple[str, ...], str]]:
    """Return (path, help text) of the root and every command and group below it."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append((path, getattr(command, "help", None) or ""))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()


def examples(text: str) -> list[str]:
    """Return the lines of the fenced code block(s) after an 'Example(s):' heading."""
    lines = text.splitlines()
    out: list[str] = []
    inside = False
    seen_heading = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Example"):
            seen_heading = True
        elif stripped == FENCE and seen_heading:
            inside = not inside
        elif inside and stripped:
            out.append(stripped)
    return out


def _ids(items: list[tuple[tuple[str, ...], str]]) -> list[str]:
    return [" ".join(path) or "accord" for path, _ in items]


WITH_EXAMPLES = [(p, t) for p, t in COMMANDS if "Example" in t]


@pytest.mark.parametrize(
    ("path", "text"),
    [(p, t) for p, t in WITH_EXAMPLES],
    ids=_ids(WITH_EXAMPLES),
)
@pytest.mark.parametrize("columns", [80, 120])
def test_examples_appear_intact(run_cli, monkeypatch, path, text, columns) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    wanted = examples(text)
    assert wanted, f"'{' '.join(path)}' has an Example heading but no fenced code block"
    code, out, _ = run_cli(*path, "--help")
    assert code == 0
    shown = {line.strip() for line in out.splitlines()}
    for line in wanted:
        assert line in shown, f"example broken or joined in the help of {path}: {line!r}"


def test_every_command_has_examples() -> None:
    leaves = [path for path, text in COMMANDS if path and not _is_group(path)]
    missing = [p for p in leaves if not examples(dict(COMMANDS)[p]) and p != ("report",)]
    assert not missing


def _is_group(path: tuple[str, ...]) -> bool:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return hasattr(command, "commands")


@pytest.mark.parametrize(("path", "text"), COMMANDS, ids=_ids(COMMANDS))
def test_types_are_click_style_and_flags_bare(run_cli, monkeypatch, path, text) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    code, out, _ = run_cli(*path, "--help")
    assert code == 0
    assert not PYTHON_TYPES.search(out), out
    usage = next(line for line in out.splitlines() if "Usage:" in line)
    assert "{" not in usage  # SCENARIO, not {scenario}
    for line in out.splitlines():
        if line.startswith("│") and ("--help" in line or "--json " in line):
            # a flag takes no value: nothing between its name and its help
            assert re.search(r"--(help|json)\s{2,}(Show|Print)", line), line


def test_valued_options_show_their_type(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = run_cli("mc", "--help")[1]
    assert re.search(r"--draws\s+-n\s+INTEGER", out)
    assert re.search(r"--model\s+-m\s+TEXT", out)
    assert re.search(r"--spread\s+FLOAT", out)
    assert re.search(r"--output\s+-o\s+PATH", out)
    assert re.search(r"scenario\s+PATH", out)
    assert "mc [OPTIONS] SCENARIO" in out
    out = run_cli("sensitivity", "--help")[1]
    assert re.search(r"--method\s+\[tornado\|sobol\]", out)
