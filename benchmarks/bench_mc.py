"""Benchmark: Monte Carlo with the batched BDM engine against the plain per-actor loop.

Run ``.venv/bin/python benchmarks/bench_mc.py`` (a few minutes) or with ``--quick`` (a smoke
run, well under a minute). In one run it prints:

1. BDM Monte Carlo on the EC 1994 case, 10,000 draws (every capability, position and salience
   drawn within ± 10 %, seed 7): draws per second of ``accord.analysis.montecarlo.run`` in one
   process, sampling included, with where the time goes, against the loop reference
   (``tests.reference.bdm_loop``) on the same sampled inputs. The loop runs the first 200 draws
   (50 with ``--quick``) and its rate is taken per draw; both take the same rounds on the same
   inputs (``tests/analysis/test_montecarlo.py`` checks they give the same forecasts).
   The same for the Vienna 2015 case (17 actors x 4 issues, ranges as coded). Each row times
   both engines of the BDM model in the same run: the compiled kernel and the NumPy reference
   path (``ACCORD_NUMBA=0``), and prints their ratio.
2. One BDM round at 100 and 1,000 actors (batch of one problem, best of 3) with the peak memory
   NumPy allocated (tracemalloc), against the loop: measured at 100 actors, extrapolated by n^3
   at 1,000 (as ``bench_bdm.py`` does; marked).
3. Monte Carlo of the Vienna case on 1 and on 2 local Dask worker processes (same seed, same
   chunks, identical results checked): seconds without the cluster's start-up, and the
   speed-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.reference.bdm_loop import bdm_loop  # noqa: E402
from tests.reference.ec_case import ec_scenario  # noqa: E402

from accord.analysis import apply_values, montecarlo, uncertain_inputs  # noqa: E402
from accord.analysis.parallel import DaskRunner, dask_client  # noqa: E402
from accord.analysis.sampling import draw_block_range  # noqa: E402
from accord.models import compiled, get  # noqa: E402
from accord.models.bdm import BdmParams  # noqa: E402
from accord.scenario import Scenario, load  # noqa: E402
from bench_bdm import loop_seconds_per_draw_round, one_round_seconds, random_problem  # noqa: E402

VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"
SEED = 7
PARAMS = BdmParams()


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return float(best)


def loop_draws_per_s(scn: Scenario, spread: float | None, rows: int) -> float:
    """Return the loop reference's draws per second on the first ``rows`` draws of the run."""
    inputs = uncertain_inputs(scn, spread)
    values = draw_block_range(inputs, 0, rows, SEED)
    arrays = apply_values(scn.to_arrays(), inputs, values)
    widths = arrays.scale_max - arrays.scale_min
    start = time.perf_counter()
    for d in range(rows):
        for k in range(arrays.n_issues):
            bdm_loop(
                arrays.position[d, :, k].tolist(),
                arrays.capability[d].tolist(),
                arrays.salience[d, :, k].tolist(),
                variant=PARAMS.variant,
                q=PARAMS.q,
                rounds=PARAMS.rounds,
                tol=PARAMS.tol,
                big_r=float(widths[k]),
            )
    return rows / (time.perf_counter() - start)


def profile(scn: Scenario, spread: float | None, draws: int) -> str:
    """Return where the time of one chunk of ``draws`` goes: sampling, arrays, model."""
    inputs = uncertain_inputs(scn, spread)
    t0 = time.perf_counter()
    values = draw_block_range(inputs, 0, draws, SEED)
    t1 = time.perf_counter()
    arrays = apply_values(scn.to_arrays(), inputs, values)
    t2 = time.perf_counter()
    get("bdm").run(arrays)
    t3 = time.perf_counter()
    total = t3 - t0
    parts = (("sampling", t1 - t0), ("arrays", t2 - t1), ("model", t3 - t2))
    return ", ".join(f"{name} {secs / total:.0%}" for name, secs in parts)


def mc_seconds(scn: Scenario, spread: float | None, draws: int, repeats: int, numba: str) -> float:
    """Return the best time of an in-process Monte Carlo run with ``ACCORD_NUMBA=numba``."""
    before = os.environ.get(compiled.ENV)
    os.environ[compiled.ENV] = numba
    try:
        model = get("bdm")
        run = lambda: montecarlo.run(scn, model, draws=draws, seed=SEED, spread=spread)  # noqa: E731
        if numba == "1":
            montecarlo.run(scn, model, draws=min(draws, 1_000), seed=SEED, spread=spread)  # warm up
        return best_of(repeats, run)
    finally:
        if before is None:
            os.environ.pop(compiled.ENV, None)
        else:
            os.environ[compiled.ENV] = before


def item_throughput(quick: bool) -> None:
    kernel = compiled.enabled()
    print("1. BDM Monte Carlo, one process, draws per second (sampling included)")
    print(
        "   engines: kernel = compiled (Numba, both cores), numpy = reference path "
        "(ACCORD_NUMBA=0), same run; best of repeats, the kernel's one-off import excluded"
    )
    header = (
        f"   {'case':<34}{'draws':>8}{'kernel s':>10}{'numpy s':>10}{'ratio':>8}"
        f"{'mc draws/s':>12}{'loop draws/s':>14}{'ratio':>8}"
    )
    print(header)
    cases = [
        ("EC 1994 (10 actors, ± 10 %)", ec_scenario(), 0.1, 10_000, 50 if quick else 200),
        ("Vienna 2015 (17 x 4, coded ranges)", load(VIENNA), None, 10_000, 3 if quick else 20),
    ]
    for label, scn, spread, draws, loop_rows in cases:
        draws = 2_000 if quick else draws
        repeats = 1 if quick else 3
        numpy_s = mc_seconds(scn, spread, draws, 1 if quick else 2, "0")
        secs = mc_seconds(scn, spread, draws, repeats, "1") if kernel else numpy_s
        rate = draws / secs
        loop = loop_draws_per_s(scn, spread, loop_rows)
        print(
            f"   {label:<34}{draws:>8,}{secs:>10.3f}{numpy_s:>10.3f}{numpy_s / secs:>7.1f}x"
            f"{rate:>12,.0f}{loop:>14,.2f}{rate / loop:>7,.0f}x"
        )
        print(f"   {'':<34}time per chunk of 1,000: {profile(scn, spread, 1_000)}")
    if not kernel:
        print("   (compiled kernel off: ACCORD_NUMBA=0 or no numba; both columns are NumPy)")
    print("   (loop rate measured on the first draws of the same run: see the module docstring)\n")


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def item_one_round(quick: bool) -> None:
    from accord.models.bdm import solve_batch

    print("2. One BDM round, batch of one problem (best of 3)")
    per_100 = loop_seconds_per_draw_round(random_problem(100, 1, seed=2), 1, 1)
    print(f"   {'actors':>8}{'engine s':>10}{'peak MiB':>10}{'loop s':>12}{'ratio':>9}")
    for n in (100, 1_000):
        secs = one_round_seconds(n)
        batch = random_problem(n, 1, seed=1).batch
        mem = peak_mb(lambda b=batch: solve_batch(b, BdmParams(rounds=1)))
        loop = per_100 * (n / 100) ** 3
        mark = "" if n == 100 else " (extrapolated: x (n/100)^3)"
        print(f"   {n:>8,}{secs:>10.3f}{mem:>10.1f}{loop:>12.3g}{loop / secs:>8,.0f}x{mark}")
    if not quick:
        batch = random_problem(1_000, 8, seed=1).batch
        mem = peak_mb(lambda: solve_batch(batch, BdmParams(rounds=1)))
        print(f"   1,000 actors x 8 problems, one round: peak {mem:.1f} MiB (blocks bound memory)")
    print()


def item_workers(quick: bool) -> None:
    draws, chunk = (1_000, 125) if quick else (8_000, 250)
    scn = load(VIENNA)
    model = get("bdm")
    print(f"3. Monte Carlo on local Dask workers: Vienna 2015, {draws:,} draws, chunks of {chunk}")
    serial = montecarlo.run(scn, model, draws=draws, seed=SEED, chunk=chunk)
    times = {}
    for workers in (1, 2):
        start = time.perf_counter()
        with dask_client(workers=workers) as client:
            up = time.perf_counter() - start
            runner = DaskRunner(client)
            montecarlo.run(scn, model, draws=2 * chunk, seed=SEED, chunk=chunk, runner=runner)
            best = np.inf
            for _ in range(1 if quick else 3):
                t0 = time.perf_counter()
                result = montecarlo.run(
                    scn, model, draws=draws, seed=SEED, chunk=chunk, runner=runner
                )
                best = min(best, time.perf_counter() - t0)
        assert np.array_equal(result.forecasts, serial.forecasts), "workers changed the numbers"
        times[workers] = best
        print(
            f"   {workers} worker(s): {best:6.2f} s ({draws / best:,.0f} draws/s; "
            f"cluster start-up {up:.1f} s, not counted)"
        )
    print(f"   speed-up 1 -> 2 workers: {times[1] / times[2]:.2f}x (identical forecasts)")
    loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"   load average after (1, 5, 15 min): {loadavg} on {os.cpu_count()} CPU(s)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    quick = parser.parse_args().quick
    print(
        f"Monte Carlo benchmark ({'quick' if quick else 'full'}): python "
        f"{platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), "
        f"{platform.machine()}; BDM {PARAMS.model_dump()}\n"
    )
    item_throughput(quick)
    item_one_round(quick)
    item_workers(quick)


if __name__ == "__main__":
    main()
