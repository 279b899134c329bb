"""accord works when installed from a wheel, without the source tree (issue 12).

The seed cases and the DEU III data are package data: this builds a wheel of the project, installs
it into a temporary folder and runs ``python -m accord`` from a folder outside the repository, with
the editable install unable to shadow the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    "syria-2014-geneva2",
    "syria-2015-vienna",
    "syria-2016-coalition",
    "syria-2017-astana",
    "ukraine-2022",
]

BACKTEST = ["backtest", "deu", "--split", "dev", "--models", "compromise", "--bootstrap", "100"]
# Runs both commands in one process and writes the modules they imported (not those of startup).
IMPORTS = f"""
import json, sys
before = set(sys.modules)
from accord.cli.app import main
for args in (["cases", "list"], {BACKTEST!r}):
    try:
        main(args)
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(set(sys.modules) - before), out)
"""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(dist: metadata.Distribution) -> set[str]:
    """Return the names a distribution requires outside its extras."""
    names = set()
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        match = re.match(r"[A-Za-z0-9._-]+", spec.strip())
        if match:
            names.add(_canonical(match.group()))
    return names


def _setuptools_can_build() -> str | None:
    """Return why this environment cannot build the wheel, or None when it can."""
    try:
        import setuptools
    except ImportError:
        return "setuptools is not installed (install the dev extras: pip install -e '.[dev]')"
    major = int(setuptools.__version__.split(".")[0])
    if major < 77:
        return (
            f"setuptools {setuptools.__version__} < 77 cannot build accord (install the dev extras)"
        )
    return None


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """Build and install a wheel; return (the install folder, its environment, a work folder)."""
    reason = _setuptools_can_build()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("install")
    # Build from a copy of what the wheel is made of, so that no build/ or egg-info is written
    # into the working tree and the repository-level links (cases/, data/) cannot leak in.
    source = base / "source"
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "PYTHON", "PIP_"))}
    env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    pip = [sys.executable, "-m", "pip"]
    wheels = base / "wheels"
    built = _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels), "."],
        source,
        env,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("accord-*.whl")
    target = base / "site"
    install = [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)]
    done = _run(install, base, env)
    assert done.returncode == 0, done.stdout + done.stderr
    work = base / "work"
    work.mkdir()
    home = base / "home"
    home.mkdir()
    env |= {
        "PYTHONPATH": str(target),  # ahead of site-packages, where the editable install is
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "ACCORD_STORE": str(base / "runs.db"),
        "COLUMNS": "200",
    }
    return target, env, work


def test_the_wheel_holds_the_data_and_is_what_runs(
    installed: tuple[Path, dict[str, str], Path],
) -> None:
    target, env, work = installed
    package = target / "accord"
    for name in CASES:
        for suffix in (".yaml", ".designs.yaml", ".outcome.yaml"):
            assert (package / "cases" / "bundled" / f"{name}{suffix}").is_file()
    assert (package / "cases" / "bundled" / "README.md").is_file()
    for name in ("deu3_public.tsv", "deu3_split.json", "README.md"):
        assert (package / "backtest" / "data" / name).is_file()
    probe = (
        "import accord; from accord.cases import cases_dir; "
        "from accord.backtest.deu import DEFAULT_PATH; from accord.backtest.split import "
        "DEFAULT_SPLIT; print(accord.__file__); print(cases_dir()); print(DEFAULT_PATH); "
        "print(DEFAULT_SPLIT)"
    )
    out = _run([sys.executable, "-c", probe], work, env)
    assert out.returncode == 0, out.stderr
    paths = [Path(line) for line in out.stdout.splitlines()]
    assert len(paths) == 4
    for path in paths:  # the installed copy, not the editable install in the repository
        assert path.resolve().is_relative_to(target.resolve()), path
    assert not str(paths[0].resolve()).startswith(str(ROOT / "src"))


def test_cases_list_and_backtest_run_from_the_wheel(
    installed: tuple[Path, dict[str, str], Path],
) -> None:
    _, env, work = installed
    listed = _run([sys.executable, "-m", "accord", "cases", "list"], work, env)
    assert listed.returncode == 0, listed.stderr
    for name in CASES:
        assert name in listed.stdout
    bt = _run([sys.executable, "-m", "accord", *BACKTEST], work, env)
    assert bt.returncode == 0, bt.stderr
    assert "`status_quo`" in bt.stdout and "`compromise`" in bt.stdout
    assert "deu3_public.tsv" in bt.stdout and "split **dev**" in bt.stdout
    assert Path(env["ACCORD_STORE"]).is_file()  # the run was saved where the test said
    assert list(work.iterdir()) == []


def test_a_missing_case_folder_is_one_clear_line(
    installed: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    target, env, work = installed
    broken = tmp_path / "site"
    shutil.copytree(target / "accord", broken / "accord")
    shutil.rmtree(broken / "accord" / "cases" / "bundled")
    out = _run(
        [sys.executable, "-m", "accord", "cases", "list"], work, env | {"PYTHONPATH": str(broken)}
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: the cases folder") and "ACCORD_CASES" in lines[0]


def test_what_the_commands_import_is_a_declared_dependency(
    installed: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    """`pip install .` brings everything `accord cases list` and `accord backtest deu` import."""
    target, env, work = installed
    listing = tmp_path / "modules.json"
    out = _run([sys.executable, "-c", IMPORTS, str(listing)], work, env)
    assert out.returncode == 0, out.stderr
    imported = {m.split(".")[0] for m in json.loads(listing.read_text(encoding="utf-8"))}
    (accord,) = metadata.distributions(name="accord", path=[str(target)])
    needed, todo = set(), list(_requirements(accord))
    while todo:  # the core requirements and theirs, extras left out
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        try:
            todo += _requirements(metadata.distribution(name))
        except metadata.PackageNotFoundError:
            continue
    owners = metadata.packages_distributions()
    missing = {
        module: owners[module]
        for module in sorted(imported - set(sys.stdlib_module_names) - {"accord"})
        if module in owners and not {_canonical(d) for d in owners[module]} & needed
    }
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"
