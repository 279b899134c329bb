"""Benchmark start-up: wall and CPU time of short ``accord`` commands, before and after.

Run ``.venv/bin/python benchmarks/bench_startup.py`` (a minute or two) or with ``--quick`` (a
smoke run, well under a minute). In one run it prints:

1. The wall and CPU time (median of several runs, each a fresh process) of ``accord --help``,
   ``accord models``, ``accord validate cases/syria-2015-vienna.yaml`` and ``accord run`` of
   the SMP on KTAB's SOE-Pol-Comp example (``-m smp --store off``), through the installed
   console script, beside the same command run "before": in a process that first imports every
   module the old eager ``accord.cli.app`` imported at start-up (``BEFORE`` below: the command
   modules' heavy imports, SQLAlchemy, pandas and SciPy among them), and their ratio. The bare
   interpreter (``python -c pass``) is the floor.
2. ``python -X importtime`` of the same two start-ups: the total import time and the entries
   with the largest cumulative time, before and after.

Since issue 14 the command modules keep their signatures light and import what a command
needs inside its body (README.md, "Start-up"); ``tests/cli/test_startup.py`` checks that
``--help``, ``models`` and ``validate`` import none of the heavy libraries. The "before" here is
a simulation (the modules are imported, the old code is not run), so it is close to, not
exactly, the old start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIENNA = "cases/syria-2015-vienna.yaml"
KTAB = "data/ktab/ktab_SOE-Pol-Comp.csv"
COMMANDS: list[tuple[str, list[str]]] = [
    ("accord --help", ["--help"]),
    ("accord models", ["models"]),
    ("accord validate (Vienna)", ["validate", VIENNA]),
    ("accord run -m smp (SOE-Pol-Comp)", ["run", KTAB, "-m", "smp", "--store", "off"]),
]
HEAVY = ("sqlalchemy", "pandas", "scipy", "matplotlib", "dask", "distributed", "fastapi", "numba")
BEFORE = (
    # What ``accord.cli.app`` imported at start-up before issue 14: every command module
    # imported these at its top (accord/__init__ read the version with importlib.metadata, and
    # accord.analysis.sampling imported scipy.special).
    "importlib.metadata",
    "accord.scenario",
    "accord.scenario.check",
    "accord.forecast",
    "accord.models",
    "accord.analysis.bottom_line",
    "accord.analysis.levers",
    "accord.analysis.sensitivity",
    "accord.analysis.montecarlo",
    "accord.analysis.parallel",
    "accord.analysis.sampling",
    "scipy.special",
    "accord.backtest.deu",
    "accord.backtest.leaderboard",
    "accord.backtest.record",
    "accord.backtest.split",
    "accord.backtest.weights",
    "accord.cases",
    "accord.cases.records",
    "accord.process",
    "accord.reports.build",
    "accord.reports.content",
    "accord.reports.files",
    "accord.store",
    "accord.store.diff",
    "accord.store.records",
)
BEFORE_CODE = (
    f"import sys, {', '.join(BEFORE)}\nfrom accord.cli.app import main\nmain(sys.argv[1:])\n"
)


def after_argv(args: list[str]) -> list[str]:
    """The command line of ``accord ARGS``: the console script beside this interpreter."""
    script = Path(sys.executable).with_name("accord")
    found = str(script) if script.exists() else shutil.which("accord")
    return [found, *args] if found else [sys.executable, "-m", "accord", *args]


def before_argv(args: list[str]) -> list[str]:
    """The command line of the simulated old start-up running ``accord ARGS``."""
    return [sys.executable, "-c", BEFORE_CODE, *args]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], repeats: int) -> tuple[float, float]:
    """Return the median (wall, CPU) seconds of running ``argv`` ``repeats`` times.

    CPU is the child's user + system time: less disturbed than wall time on a busy machine.
    """
    env = {**os.environ, "ACCORD_STORE": "off", "COLUMNS": "100"}
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, start = _cpu(), time.perf_counter()
        done = subprocess.run(
            argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return statistics.median(walls), statistics.median(cpus)


IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime(argv: list[str]) -> tuple[float, list[tuple[float, str]], set[str]]:
    """Return (total seconds, [(cumulative seconds, module)] largest first, top-level packages).

    ``argv`` follows ``python -X importtime``; the total is the sum of every module's own time.
    """
    env = {**os.environ, "ACCORD_STORE": "off", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    total = 0.0
    entries: list[tuple[float, str]] = []
    packages: set[str] = set()
    for line in done.stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if m is None:
            continue
        own, cumulative, indent, name = int(m[1]), int(m[2]), len(m[3]), m[4]
        total += own / 1e6
        packages.add(name.split(".")[0])
        if indent <= 4:  # top-level imports and two levels below them
            entries.append((cumulative / 1e6, "  " * (indent // 2) + name))
    entries.sort(key=lambda e: -e[0])
    return total, entries, packages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--top", type=int, default=12, help="importtime entries shown")
    args = parser.parse_args()
    repeats = 3 if args.quick else 11

    print(
        f"Start-up benchmark: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}; median of {repeats} "
        "runs (the SMP run: fewer), each a fresh process"
    )
    floor, floor_cpu = timed([sys.executable, "-c", "pass"], repeats)
    print(f"\n1. Seconds per command (python -c pass: {floor:.3f} s wall, {floor_cpu:.3f} s CPU)\n")
    head = (
        f"{'command':<34}{'wall before':>12}{'after':>8}{'ratio':>8}"
        f"{'CPU before':>12}{'after':>8}{'ratio':>8}"
    )
    print(head)
    print("-" * len(head))
    for label, cmd in COMMANDS:
        n = max(1, repeats // 3) if cmd[0] == "run" else repeats
        (before, before_cpu), (after, after_cpu) = (
            timed(before_argv(cmd), n),
            timed(after_argv(cmd), n),
        )
        print(
            f"{label:<34}{before:>12.3f}{after:>8.3f}{before / after:>7.1f}x"
            f"{before_cpu:>12.3f}{after_cpu:>8.3f}{before_cpu / after_cpu:>7.1f}x",
            flush=True,
        )

    print("\n2. python -X importtime, accord --help\n")
    before = importtime(["-c", BEFORE_CODE, "--help"])
    after = importtime(["-m", "accord", "--help"])
    for title, (total, entries, packages) in (("before", before), ("after", after)):
        heavy = sorted(packages & set(HEAVY)) or ["none"]
        print(f"{title}: {total:.3f} s of imports; heavy packages: {', '.join(heavy)}")
        print(f"  {'cumulative s':>12}  module")
        for seconds, name in entries[: args.top]:
            print(f"  {seconds:>12.3f}  {name}")
        print()
    print(f"import time ratio before / after: {before[0] / after[0]:.1f}x")
    loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {loadavg} on {os.cpu_count()} CPU(s)")


if __name__ == "__main__":
    main()
