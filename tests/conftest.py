"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accord.cli.app import main

CliRunner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Return a function that runs ``accord ARGS...`` in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(autouse=True)
def _no_real_run_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's run store unless a test points somewhere itself."""
    monkeypatch.setenv("ACCORD_STORE", "off")
