"""Benchmark the SMP (KTAB's Spatial Model of Politics) and compare with KTAB's own timings.

Runs accord's SMP with KTAB's defaults on KTAB's example inputs (data/ktab/) and on random
scenarios of 50 and 200 actors x 3 dimensions, one draw and a batch of draws each, and prints
turns per second. Where KTAB's reference logs state the elapsed time of ``smpc`` on the same
input (tests/data/ktab/*.json, extracted from the logs), it is shown beside ours.

    .venv/bin/python benchmarks/bench_smp.py            # full run, a few minutes
    .venv/bin/python benchmarks/bench_smp.py --quick    # smoke run, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import accord.models.smp  # noqa: F401  (registers "smp")
from accord import models
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


if __name__ == "__main__":
    main()
