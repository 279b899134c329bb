"""Benchmark the SMP (KTAB's Spatial Model of Politics) and compare with KTAB's own timings.

Runs accord's SMP with KTAB's defaults on KTAB's example inputs (data/ktab/) and on random
scenarios of 50 and 200 actors x 3 dimensions, one draw and a batch of draws each, and prints
turns per second. Where KTAB's reference logs state the elapsed time of ``smpc`` on the same
input (tests/data/ktab/*.json, extracted from the logs), it is shown beside ours.

    .venv/bin/python benchmarks/bench_smp.py            # full run, a few minutes
    .venv/bin/python benchmarks/bench_smp.py --quick    # smoke run, under a minute

A second table compares the compiled kernels (accord.models.smp.kernel: challenges, coalitions,
distances, bargain values and elections in Numba) with the NumPy reference path in the same
run, and with KTAB's
``smpc`` as recorded in issue 14 (rebuilt from source with -O2 on this machine, same final
positions): KTAB's a040/a080/a160 in-process, one turn at 640 actors, Monte Carlo of the Vienna
case (draws/s), SOE-Pol-Comp, the CLI end to end, and the growth exponent in actors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import accord.models.smp  # noqa: F401  (registers "smp")
from accord import models
from accord.analysis import montecarlo
from accord.models import compiled
from accord.models.smp import kernel
from accord.scenario import ScenarioArrays, load

ROOT = Path(__file__).resolve().parents[1]
KTAB_LOGS = {  # input file -> fixture extracted from KTAB's reference log of that input
    "ktab_SOE-Pol-Comp.csv": "soe_pol_comp.json",
    "ktab_dummyData_3Dim.csv": "dummy_data_3dim.json",
}


@dataclass
class Row:
    case: str
    shape: str
    draws: int
    turns: int
    seconds: float
    ktab_seconds: float | None = None
    ktab_turns: int | None = None

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds > 0 else float("inf")


def random_arrays(n: int, k: int, seed: int) -> ScenarioArrays:
    """Random actors on 0-100 scales; saliences with totals <= 1 (valid KTAB input)."""
    rng = np.random.default_rng(seed)
    sal = rng.uniform(0.05, 1.0, (1, n, k))
    sal /= np.maximum(1.0, sal.sum(axis=-1, keepdims=True))
    return ScenarioArrays(
        actor_ids=tuple(f"a{i}" for i in range(n)),
        issue_ids=tuple(f"d{j}" for j in range(k)),
        capability=rng.uniform(10, 200, (1, n)),
        position=rng.uniform(0, 100, (1, n, k)),
        salience=sal,
        scale_min=np.zeros(k),
        scale_max=np.full(k, 100.0),
        status_quo=np.full(k, np.nan),
    )


def perturbed(arrays: ScenarioArrays, draws: int, seed: int) -> ScenarioArrays:
    """A Monte Carlo-like batch: capabilities scaled by U(0.8, 1.2), positions +-2 points."""
    rng = np.random.default_rng(seed)
    batch = arrays.repeat(draws)
    pos = batch.position + rng.uniform(-2, 2, batch.position.shape)
    return batch.with_values(
        capability=batch.capability * rng.uniform(0.8, 1.2, batch.capability.shape),
        position=np.clip(pos, batch.scale_min, batch.scale_max),
    )


def timed(arrays: ScenarioArrays, repeats: int, **params: int) -> tuple[int, float]:
    """Return (draw-turns, best wall time in seconds) of running the SMP on the arrays."""
    model = models.get("smp", **params)
    best = float("inf")
    turns = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = model.run(arrays)
        best = min(best, time.perf_counter() - t0)
        turns = int(res.rounds[:, 0].sum())
    return turns, best


def ktab_reference(csv_name: str) -> tuple[float | None, int | None]:
    fixture = KTAB_LOGS.get(csv_name)
    if fixture is None:
        return None, None
    data = json.loads((ROOT / "tests" / "data" / "ktab" / fixture).read_text())
    return float(data["elapsed_s"]), int(data["states"]) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args()
    quick = args.quick
    batch = 10 if quick else 100
    rows: list[Row] = []
    files = ["ktab_SOE-Pol-Comp.csv", "ktab_SOE-Policy.csv", "ktab_SOE-Competitive.csv"]
    files += ["ktab_dummyData_3Dim.csv"]
    for name in files:
        arrays = load(ROOT / "data" / "ktab" / name).to_arrays()
        label = name.removeprefix("ktab_").removesuffix(".csv")
        shape = f"{arrays.n_actors}x{arrays.n_issues}"
        ktab_s, ktab_t = ktab_reference(name)
        turns, secs = timed(arrays, 1 if quick else 5)
        rows.append(Row(label, shape, 1, turns, secs, ktab_s, ktab_t))
        turns, secs = timed(perturbed(arrays, batch, 1), 1)
        rows.append(Row(label, shape, batch, turns, secs))
    for n, draws, cap in ((50, batch, None), (200, 1, 4 if quick else None), (200, 10, None)):
        if quick and n == 200 and draws > 1:
            continue
        arrays = random_arrays(n, 3, seed=n)
        if draws > 1:
            arrays = perturbed(arrays, draws, 2)
        extra = {"max_turns": cap} if cap else {}
        turns, secs = timed(arrays, 1, **extra)
        label = f"random {n}" + (f" (<= {cap} turns)" if cap else "")
        rows.append(Row(label, f"{n}x3", draws, turns, secs))

    print(
        f"SMP benchmark: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"
    )
    head = (
        f"{'case':<26}{'NxK':>7}{'draws':>7}{'turns':>8}{'seconds':>10}{'turns/s':>10}"
        f"{'KTAB s':>9}{'KTAB turns/s':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ktab = ""
        if r.ktab_seconds is not None and r.ktab_turns:
            ktab = f"{r.ktab_seconds:>9.2f}{r.ktab_turns / r.ktab_seconds:>14.1f}"
        print(
            f"{r.case:<26}{r.shape:>7}{r.draws:>7}{r.turns:>8}{r.seconds:>10.3f}"
            f"{r.rate:>10.1f}{ktab}"
        )
    print(
        "turns = draw-turns (steps summed over draws). KTAB: elapsed time of its own smpc run on"
        " the same input, from its reference log (2017, other hardware)."
    )
    kernel_rows(quick)


SMPC = {  # recorded in issue 14: smpc -O2 on this machine, against the NumPy path of then
    "a040": ("ratio", 58.0),  # accord in-process was 58x faster than smpc (NumPy path)
    "a080": ("ratio", 130.0),
    "a160": ("seconds", 592.0),  # smpc took 592 s (accord then: 1.6-2.1 s, 285x)
    "SOE-Pol-Comp": ("seconds", 1.07 * 0.28),  # the CLI's 1.07 s was 0.28x smpc: ~0.30 s
}
NUMPY_640_TURN_S = 15.8
"""One turn at 640 actors on the NumPy path, CPU seconds, as recorded in issue 14."""
VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"


def best(repeats: int, fn: Callable[[], object]) -> float:
    """Return the best wall time of ``repeats`` calls."""
    out = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def on_path(compiled_on: bool | None, fn: Callable[[], object]) -> Callable[[], object]:
    """Return ``fn`` run with the kernels forced on (True), off (False) or by size (None)."""

    def call() -> object:
        old = kernel.force(compiled_on)
        try:
            return fn()
        finally:
            kernel.force(old)

    return call


def vs_smpc(case: str, kernel_s: float, numpy_s: float | None) -> str:
    """Return the ratio to smpc: recorded seconds / ours, or recorded ratio x our speed-up."""
    kind, value = SMPC.get(case, ("", 0.0))
    if kind == "seconds":
        return f"{value / kernel_s:,.0f}x"
    if kind == "ratio" and numpy_s:
        return f"~{value * numpy_s / kernel_s:,.0f}x"
    return ""


def kernel_rows(quick: bool) -> None:
    """Print the kernel-versus-NumPy table (and smpc), then the growth exponent."""
    code = (
        "import time; t = time.perf_counter(); from accord.models.smp import kernel; "
        "kernel.load(); kernel.coalitions(*kernel.warm_inputs()); "
        "print(time.perf_counter() - t)"
    )
    warm = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(2 if quick else 3)
    )
    print(f"\nCompiled kernels: a fresh process imports Numba and loads them in {warm:.2f} s")
    print(
        f"rule: kernels for scenarios of {kernel.KERNEL_MIN_ACTORS} actors or more; "
        f"parallel from {kernel.PARALLEL_WORK:,} triples per call"
    )
    head = f"{'workload':<34}{'kernel':>10}{'NumPy':>10}{'ratio':>9}{'vs smpc':>10}  note"
    print(head)
    print("-" * len(head))
    reps = 2 if quick else 3
    for name in ("a040", "a080", "a160"):
        arrays = load(ROOT / "data" / "ktab" / f"ktab_dummyData-{name}.csv").to_arrays()
        model = models.get("smp")
        k_s = best(reps, on_path(True, lambda a=arrays, m=model: m.run(a)))
        n_s = best(
            1 if quick or name == "a160" else reps,
            on_path(False, lambda a=arrays, m=model: m.run(a)),
        )
        print(
            f"{'SMP ' + name + ' in-process':<34}{k_s:>9.3f}s{n_s:>9.3f}s{n_s / k_s:>8.1f}x"
            f"{vs_smpc(name, k_s, n_s):>10}  same final positions: see tests"
        )
    arrays = random_arrays(640, 3, seed=640)
    model = models.get("smp", max_turns=1, min_turns=1)
    k_s = best(reps, on_path(True, lambda: model.run(arrays)))
    if quick:
        n_s, note = NUMPY_640_TURN_S, "NumPy: recorded 15.8 s CPU (issue 14)"
    else:
        n_s, note = best(1, on_path(False, lambda: model.run(arrays))), "NumPy measured"
    label = "SMP 640x3 one turn (target <1.5 s)"
    print(f"{label:<34}{k_s:>9.3f}s{n_s:>9.3f}s{n_s / k_s:>8.1f}x{'':>10}  {note}")
    draws = 200 if quick else 1_000
    scn = load(VIENNA)
    smp = models.get("smp")
    k_s = best(reps, on_path(None, lambda: montecarlo.run(scn, smp, draws=draws, seed=7)))
    n_s = best(1, on_path(False, lambda: montecarlo.run(scn, smp, draws=draws, seed=7)))
    print(
        f"{'SMP MC Vienna draws/s (>= 1,500)':<34}{draws / k_s:>10,.0f}{draws / n_s:>10,.0f}"
        f"{n_s / k_s:>8.1f}x{'':>10}  {draws:,} draws, seed 7, kernels by size"
    )
    arrays = load(ROOT / "data" / "ktab" / "ktab_SOE-Pol-Comp.csv").to_arrays()
    model = models.get("smp")
    k_s = best(5, on_path(True, lambda: model.run(arrays)))
    n_s = best(5, on_path(False, lambda: model.run(arrays)))
    print(
        f"{'SMP SOE-Pol-Comp in-process':<34}{k_s:>9.3f}s{n_s:>9.3f}s{n_s / k_s:>8.1f}x"
        f"{vs_smpc('SOE-Pol-Comp', min(k_s, n_s), None):>10}  by size: NumPy (under 16 actors)"
    )
    accord = Path(sys.executable).with_name("accord")
    for label, name in (
        ("a160", "ktab_dummyData-a160.csv"),
        ("SOE-Pol-Comp", "ktab_SOE-Pol-Comp.csv"),
    ):
        path = str(ROOT / "data" / "ktab" / name)
        cmd = [str(accord), "run", path, "-m", "smp", "--no-bottom-line", "--store", "off"]
        on = os.environ | {compiled.ENV: "1"}
        off = os.environ | {compiled.ENV: "0"}
        k_wall = best(
            2 if quick else 3,
            lambda c=cmd, e=on: subprocess.run(c, capture_output=True, check=True, env=e),
        )
        n_wall = best(
            1 if quick else 2,
            lambda c=cmd, e=off: subprocess.run(c, capture_output=True, check=True, env=e),
        )
        _, value = SMPC[label]
        print(
            f"{'SMP ' + label + ' CLI end to end':<34}{k_wall:>9.3f}s{n_wall:>9.3f}s"
            f"{n_wall / k_wall:>8.1f}x{value / k_wall:>9.1f}x  "
            "accord run -m smp --no-bottom-line (start-up and imports included)"
        )
    growth(quick)


def growth(quick: bool) -> None:
    """Print seconds per turn against actors and the log-log slope (kernels on)."""
    sizes = [10, 30, 100, 300] if quick else [10, 30, 100, 300, 1_000]
    times = []
    for n in sizes:
        arrays = random_arrays(n, 3, seed=n)
        model = models.get("smp", max_turns=1, min_turns=1)
        times.append(best(1 if n >= 300 else 3, on_path(True, lambda a=arrays, m=model: m.run(a))))
    big = np.polyfit(np.log(sizes[-3:]), np.log(times[-3:]), 1)[0]
    est = times[-1] * (3_000 / sizes[-1]) ** big
    if not quick and est <= 60:
        sizes.append(3_000)
        arrays = random_arrays(3_000, 3, seed=3_000)
        model = models.get("smp", max_turns=1, min_turns=1)
        times.append(best(1, on_path(True, lambda: model.run(arrays))))
    slope = np.polyfit(np.log(sizes), np.log(times), 1)[0]
    big = np.polyfit(np.log(sizes[-3:]), np.log(times[-3:]), 1)[0]
    cells = ", ".join(f"{n:,}: {t:.3f} s" for n, t in zip(sizes, times, strict=True))
    print(f"\nOne turn (run with max_turns=1), kernels on: {cells}")
    print(
        f"growth exponent (log-log fit): {slope:.2f} over all sizes, {big:.2f} over the last three"
    )
    if sizes[-1] != 3_000:
        print(f"3,000 actors not run: estimated {est:,.0f} s from the last three sizes")


if __name__ == "__main__":
    main()
