"""Benchmark: the vectorised BDM engine against the plain loop reference.

Run ``.venv/bin/python benchmarks/bench_bdm.py`` (a few minutes at most) or with ``--quick``
(a smoke run, well under a minute). Prints runs per second of the vectorised engine
(``accord.models.bdm.solve_batch``, events off) and of the loop reference
(``tests.reference.bdm_loop``), and their ratio, for the EC 1994 case and random scenarios of
10, 100 and 1,000 actors, batches of 1 and 10,000 draws, default parameters (scholz, Q = 1,
8 rounds at most, tol 1e-6). Both engines take the same rounds on the same inputs (the tests
check this), so a loop rate measured per draw-round converts to runs/s with the engine's mean
number of rounds. Configurations too slow to time in full are timed on fewer draws or rounds
and marked; the loop at 1,000 actors cannot run even one round in reasonable time, so its
rate is extrapolated from one round at 100 actors by the n^3 cost of its vote sums (the
exponent fitted between 50 and 100 actors is printed as a check), and marked as such.

The second table compares the two engines of ``solve_batch`` in the same run: the compiled
kernel (``engine="compiled"``, Numba, both cores) against the NumPy reference path
(``engine="numpy"``), one round of one problem at 10 to 3,000 actors (best of several
repeats, the kernel's one-off import and compile excluded), with the growth exponent in actors
from a log-log fit. ``--quick`` stops at 1,000 actors.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.reference.bdm_loop import bdm_loop  # noqa: E402
from tests.reference.ec_case import ec_lists  # noqa: E402

from accord.models.base import IssueBatch  # noqa: E402
from accord.models.bdm import BdmParams, solve_batch  # noqa: E402

PARAMS = BdmParams()


@dataclass
class Problem:
    """A batch of one-issue problems with its declared range R."""

    label: str
    batch: IssueBatch
    big_r: float


@dataclass
class Rate:
    """A measured rate and how it was obtained."""

    runs_per_s: float
    note: str


def ec_problem(draws: int) -> Problem:
    _, cap, pos, sal = ec_lists()
    n = len(cap)
    batch = IssueBatch(
        capability=np.tile(cap, (draws, 1)),
        position=np.tile(pos, (draws, 1)),
        salience=np.tile(sal, (draws, 1)),
        lo=np.full(draws, 4.0),
        hi=np.full(draws, 10.0),
        status_quo=np.full(draws, np.nan),
        record_events=False,
    )
    return Problem(f"EC 1994 ({n} actors)", batch, 6.0)


def random_problem(n: int, draws: int, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    batch = IssueBatch(
        capability=rng.uniform(0.0, 1.0, (draws, n)),
        position=rng.uniform(0.0, 100.0, (draws, n)),
        salience=rng.uniform(0.05, 1.0, (draws, n)),
        lo=np.zeros(draws),
        hi=np.full(draws, 100.0),
        status_quo=np.full(draws, np.nan),
        record_events=False,
    )
    return Problem(f"random, {n} actors", batch, 100.0)


def head(problem: Problem, rows: int) -> IssueBatch:
    b = problem.batch
    return IssueBatch(
        capability=b.capability[:rows],
        position=b.position[:rows],
        salience=b.salience[:rows],
        lo=b.lo[:rows],
        hi=b.hi[:rows],
        status_quo=b.status_quo[:rows],
        record_events=False,
    )


def time_engine(problem: Problem, max_rows: int) -> tuple[Rate, float]:
    """Return the engine's rate and its mean rounds per run (on at most ``max_rows`` rows)."""
    draws = problem.batch.position.shape[0]
    rows = min(draws, max_rows)
    batch = head(problem, rows)
    solve_batch(head(problem, 1), PARAMS)  # untimed: the kernel's one-off import and load
    start = time.perf_counter()
    out = solve_batch(batch, PARAMS)
    elapsed = time.perf_counter() - start
    repeats = 1
    while elapsed * repeats < 0.5 and repeats < 50:  # short runs: repeat for a stable figure
        start = time.perf_counter()
        solve_batch(batch, PARAMS)
        elapsed = min(elapsed, time.perf_counter() - start)
        repeats += 1
    note = "" if rows == draws else f"timed on {rows:,} of {draws:,} draws"
    return Rate(rows / elapsed, note), float(out.rounds.mean())


def loop_seconds_per_draw_round(problem: Problem, rows: int, rounds: int) -> float:
    """Return the loop reference's seconds per draw-round on the first ``rows`` rows."""
    b = problem.batch
    best = np.inf
    spent = 0.0
    while spent < 0.5:  # short workloads: repeat and keep the best pass
        start = time.perf_counter()
        taken = 0
        for row in range(rows):
            run = bdm_loop(
                b.position[row].tolist(),
                b.capability[row].tolist(),
                b.salience[row].tolist(),
                variant=PARAMS.variant,
                q=PARAMS.q,
                rounds=rounds,
                tol=PARAMS.tol,
                big_r=problem.big_r,
            )
            taken += run.rounds
        elapsed = time.perf_counter() - start
        spent += elapsed
        best = min(best, elapsed / taken)
    return float(best)


def time_loop(problem: Problem, mean_rounds: float, rows: int, rounds: int) -> Rate:
    draws = problem.batch.position.shape[0]
    rows = min(rows, draws)
    per = loop_seconds_per_draw_round(problem, rows, rounds)
    parts = []
    if rows < draws:
        parts.append(f"{rows:,} of {draws:,} draws")
    if rounds < PARAMS.rounds:
        parts.append(f"{rounds} round(s) per draw")
    note = f"loop timed on {', '.join(parts)}; per draw-round rate" if parts else ""
    return Rate(1.0 / (per * mean_rounds), note)


def one_round_seconds(n: int) -> float:
    batch = head(random_problem(n, 1, seed=1), 1)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        solve_batch(batch, BdmParams(rounds=1))
        best = min(best, time.perf_counter() - start)
    return float(best)


def engine_round_seconds(n: int, engine: str, repeats: int = 3) -> float:
    """Return the best time of one round of one problem of ``n`` actors on ``engine``."""
    batch = head(random_problem(n, 1, seed=1), 1)
    params = BdmParams(rounds=1)
    solve_batch(batch, params, engine=engine)  # warm up (the kernel: import, compile, load)
    best = np.inf
    spent = 0.0
    count = 0
    while count < repeats or (spent < 0.3 and count < 200):
        start = time.perf_counter()
        solve_batch(batch, params, engine=engine)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        count += 1
    return float(best)


def growth(sizes: list[int], secs: list[float]) -> str:
    """Return the log-log slopes of seconds against actors: all sizes, and from 300 up."""
    fit = float(np.polyfit(np.log(sizes), np.log(secs), 1)[0])
    upper = [(n, s) for n, s in zip(sizes, secs, strict=True) if n >= 300]
    if len(upper) < 2:
        return f"n^{fit:.2f}"
    top = float(np.polyfit(np.log([n for n, _ in upper]), np.log([s for _, s in upper]), 1)[0])
    return f"n^{fit:.2f} (10-{sizes[-1]:,}), n^{top:.2f} (300-{sizes[-1]:,})"


def engines_table(quick: bool) -> None:
    """Print one round per size on both engines, their ratio, and the growth exponents."""
    from accord.models import compiled

    if not compiled.enabled():
        print("compiled kernel off (ACCORD_NUMBA=0 or no numba): engine table skipped")
        return
    sizes = [10, 30, 100, 300, 1_000] + ([] if quick else [3_000])
    print("\nOne round, one problem: compiled kernel vs NumPy reference (same run, best of 3+)")
    header = f"{'actors':>8}{'kernel s':>12}{'numpy s':>12}{'ratio':>9}"
    print(header)
    print("-" * len(header))
    kernel_s, numpy_s = [], []
    for n in sizes:
        k = engine_round_seconds(n, "compiled")
        p = engine_round_seconds(n, "numpy", repeats=1 if n >= 3_000 else 3)
        kernel_s.append(k)
        numpy_s.append(p)
        print(f"{n:>8,}{k:>12.5f}{p:>12.5f}{p / k:>8.1f}x")
    print(f"growth in actors, kernel: {growth(sizes, kernel_s)}")
    print(f"growth in actors, numpy:  {growth(sizes, numpy_s)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    args = parser.parse_args()
    quick = args.quick
    big = 200 if quick else 10_000
    print(
        f"BDM benchmark ({'quick' if quick else 'full'}): python {platform.python_version()}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPU(s), {platform.machine()}"
    )
    print(f"params: {PARAMS.model_dump()}\n")

    # Loop reference cost at 1,000 actors: its vote sums cost n^3 per round, so scale the
    # single-round time at 100 actors by (1000 / 100)^3; the exponent fitted between two sizes
    # is printed as a check of that scaling.
    sizes = (20, 40) if quick else (50, 100)
    per = [loop_seconds_per_draw_round(random_problem(n, 1, seed=2), 1, 1) for n in sizes]
    exponent = float(np.log(per[1] / per[0]) / np.log(sizes[1] / sizes[0]))
    per_1000 = per[1] * (1000 / sizes[1]) ** 3

    configs: list[tuple[Problem, int, int, int]] = []  # problem, engine rows, loop rows, rounds
    for draws in (1, big):
        configs.append((ec_problem(draws), draws, 20 if quick else 200, PARAMS.rounds))
        configs.append((random_problem(10, draws), draws, 20 if quick else 200, PARAMS.rounds))
        configs.append((random_problem(100, draws), 50 if quick else 500, 1, 1))
        configs.append((random_problem(1000, draws), 1 if quick else 2, 0, 0))

    header = f"{'case':<22}{'draws':>8}{'engine runs/s':>15}{'loop runs/s':>13}{'ratio':>9}"
    print(header)
    print("-" * len(header))
    notes: list[str] = []
    for problem, engine_rows, loop_rows, loop_rounds in configs:
        draws = problem.batch.position.shape[0]
        engine, mean_rounds = time_engine(problem, engine_rows)
        if loop_rows > 0:
            loop = time_loop(problem, mean_rounds, loop_rows, loop_rounds)
        else:
            loop = Rate(
                1.0 / (per_1000 * mean_rounds),
                f"loop EXTRAPOLATED: one round at {sizes[1]} actors scaled by "
                f"(1000/{sizes[1]})^3 (fitted exponent {sizes[0]}->{sizes[1]}: {exponent:.2f})",
            )
        marks = ""
        for rate, who in ((engine, "engine"), (loop, "loop")):
            if rate.note:
                notes.append(
                    f"[{len(notes) + 1}] {problem.label}, {draws:,} draws, {who}: {rate.note}"
                )
                marks += f"[{len(notes)}]"
        ratio = engine.runs_per_s / loop.runs_per_s
        print(
            f"{problem.label:<22}{draws:>8,}{engine.runs_per_s:>15,.1f}"
            f"{loop.runs_per_s:>13,.3g}{ratio:>9,.0f}x {marks}"
        )
    print()
    for line in notes:
        print(line)
    print(
        f"\nmean rounds per run are the engine's (the loop takes the same rounds); "
        f"loop seconds per draw-round at n={sizes[0]}: {per[0]:.3g}, n={sizes[1]}: "
        f"{per[1]:.3g}"
    )
    secs = one_round_seconds(1000)
    print(f"one round, 1,000 actors, batch of 1: {secs:.3f} s (best of 3)")
    engines_table(quick)


if __name__ == "__main__":
    main()
