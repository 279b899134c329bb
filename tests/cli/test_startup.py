"""Start-up: the light commands import none of the heavy libraries (no timing asserted here).

``accord --help``, ``accord models``, ``accord validate`` and every ``accord COMMAND --help``
must start without SQLAlchemy, pandas, SciPy, Matplotlib, Dask, FastAPI, uvicorn or Numba: the
command modules keep their signatures light and import what a command needs inside its body
(README.md, "Start-up"). Each check runs in a fresh interpreter and reads ``sys.modules`` as it
exits, so an import made while a command runs counts as much as one made at start-up.
``benchmarks/bench_startup.py`` measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlalchemy",
    "pandas",
    "scipy",
    "matplotlib",
    "dask",
    "distributed",
    "fastapi",
    "starlette",
    "uvicorn",
    "numba",
    "SALib",
)

# Runs `accord ARGS...` one after the other in this interpreter (argument lists as JSON in argv[1]),
# then prints, per command, the heavy top-level packages that were imported by the time it ended.
PROBE = """
import contextlib, io, json, sys
from accord.cli.app import main
heavy = set(sys.argv[2].split(","))
seen = {}
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code
    loaded = sorted({m.split(".")[0] for m in sys.modules} & heavy)
    seen[" ".join(args)] = {"code": code, "heavy": loaded, "out": out.getvalue()}
print(json.dumps(seen))
"""


def probe(*commands: list[str]) -> dict[str, dict[str, object]]:
    """Run the commands in one fresh interpreter; return what each left in ``sys.modules``."""
    env = {**os.environ, "ACCORD_STORE": "off", "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(commands)), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, dict[str, object]] = json.loads(proc.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["models"],
        ["models", "--json"],
        ["validate", "cases/syria-2015-vienna.yaml"],
        ["validate", "cases/syria-2015-vienna.yaml", "--json"],
        ["validate", "data/ktab/ktab_SOE-Pol-Comp.csv"],
        ["run", "--help"],
    ],
    ids=" ".join,
)
def test_light_commands_import_nothing_heavy(args: list[str]) -> None:
    (seen,) = probe(args).values()
    assert seen["code"] in (0, None), seen
    assert seen["out"], "the command printed nothing"
    assert seen["heavy"] == [], f"`accord {' '.join(args)}` imported {seen['heavy']}"


def _command_paths() -> list[list[str]]:
    from accord.cli.app import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_every_command_help_imports_nothing_heavy() -> None:
    paths = _command_paths()
    assert len(paths) > 15  # every command and group, not just a few
    seen = probe(*([*path, "--help"] for path in paths))
    for command, found in seen.items():
        assert found["code"] in (0, None), (command, found)
        assert "Usage" in str(found["out"]), command
        # the modules accumulate in one interpreter: the first command to import one is named
        assert found["heavy"] == [], f"`accord {command}` imported {found['heavy']}"


def test_library_entry_points_import_nothing_heavy() -> None:
    """``import accord`` and the modules every command starts from stay light too."""
    code = (
        "import sys, accord, accord.errors, accord.cli.app, accord.scenario, accord.models, "
        "accord.analysis, accord.forecast\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *HEAVY], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert proc.stdout.strip() == ""


def test_import_accord_reads_no_package_metadata() -> None:
    """The version is read (importlib.metadata) when asked for, not on ``import accord``."""
    code = "import sys, accord; print('importlib.metadata' in sys.modules, accord.__version__)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, version = proc.stdout.split()
    assert loaded == "False"
    from accord._version import __version__

    assert version == __version__


def test_mirrored_defaults_match_their_sources() -> None:
    """The defaults that the light command signatures show equal the heavy modules' constants."""
    from accord import cases
    from accord.analysis import bottom_line, montecarlo
    from accord.backtest import split, weights
    from accord.cli import options
    from accord.forecast import DEFAULT_MODELS
    from accord.models.base import SECONDS_WARNING
    from accord.reports import build
    from accord.store import KINDS, database

    assert options.DEFAULT_MODELS == DEFAULT_MODELS
    assert options.RUN_DRAWS == bottom_line.DEFAULT_DRAWS
    assert options.REPORT_DRAWS == build.DEFAULT_DRAWS
    assert options.CASES_REPORT_DRAWS == cases.DEFAULT_DRAWS
    assert options.MC_CHUNK == montecarlo.DEFAULT_CHUNK
    assert options.MC_BINS == montecarlo.DEFAULT_BINS
    assert options.SECONDS_WARNING == SECONDS_WARNING
    assert options.STORE_KINDS == KINDS
    assert options.STORE_ENV == database.ENV_VAR
    assert options.STORE_OFF == database.OFF
    assert options.CAPABILITY_SCHEMES == weights.SCHEMES
    assert options.DEU_SPLIT == split.DEFAULT_SPLIT


@pytest.mark.parametrize("store", ["off", " OFF ", None])
def test_store_off_is_read_like_the_store(monkeypatch, store) -> None:
    """``render.save`` skips the store (and SQLAlchemy) exactly when the store would say off."""
    from accord.cli import render
    from accord.store import resolve_store

    for env in ("off", "", "somewhere.db"):
        monkeypatch.setenv("ACCORD_STORE", env)
        assert render._store_off(store) == (resolve_store(store) is None)
    monkeypatch.delenv("ACCORD_STORE")
    assert render._store_off(store) == (resolve_store(store) is None)
