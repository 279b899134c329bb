"""Benchmark: ``accord compare --draws N``, the design sweep against the one-by-one path.

Run ``.venv/bin/python benchmarks/bench_compare.py`` (several minutes: the reference path is
slow) or with ``--quick`` (100 draws, one repeat). In one run it prints, for the Vienna 2015
case with its 11 designs (``cases/syria-2015-vienna.designs.yaml``, plus the baseline) and the
``smp`` model, in this process (no CLI start-up):

- the batched sweep (:mod:`accord.process.sweep`: model runs of all designs stacked along the
  draw axis, lock step) and the one-by-one reference path (``compare(..., batch=False)``: one
  model run per design, stage and track, then one per re-entry), best of the repeats,
  alternating the two so that both see the same machine load;
- their ratio, the number of model calls asked for and the batches the sweep made of them;
- the largest difference between the two comparison tables (0 to 1e-9 expected; the tests in
  ``tests/process/test_sweep.py`` assert it);
- where the time of one sweep goes: the model, the agreement analysis, the rest.

The target (issue 14) is < 15 s for 1,000 draws on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from accord.forecast import build_lead  # noqa: E402
from accord.process import compare, load_designs  # noqa: E402
from accord.process import sweep as sweep_module  # noqa: E402
from accord.scenario import load  # noqa: E402

VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"
DESIGNS = ROOT / "cases" / "syria-2015-vienna.designs.yaml"
TARGET_S = 15.0


def table_difference(a: object, b: object) -> float:
    x, y = a.table(), b.table()  # type: ignore[attr-defined]
    num = x.select_dtypes("number").columns
    diff = np.abs(x[num].to_numpy(float) - y[num].to_numpy(float))
    return float(np.nanmax(np.where(np.isnan(diff), 0.0, diff)))


def profile_sweep(scn: object, designs: object, model: object, draws: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    compare(scn, designs, model, draws=draws, seed=0)  # type: ignore[arg-type]
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]

    def cumulative(fragment: str, name: str) -> float:
        return sum(
            v[3]
            for (file, _, func), v in stats.stats.items()  # type: ignore[attr-defined]
            if fragment in file and func == name
        )

    model_s = cumulative("models/base.py", "run")
    agreement_s = cumulative("agreement/analysis.py", "analyse")
    measures_s = cumulative("process/measures.py", "measure")
    print(f"profile of one sweep ({draws} draws, {total:.2f} s under the profiler):")
    for label, s in (
        ("model runs", model_s),
        ("agreement analysis", agreement_s),
        ("measures", measures_s),
        ("the rest (sampling, stacking, tables)", total - model_s - agreement_s - measures_s),
    ):
        print(f"  {label:40s} {s:7.2f} s  {s / total:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 draws, one repeat")
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--model", default="smp")
    args = parser.parse_args()
    draws = args.draws or (100 if args.quick else 1000)
    repeats = args.repeats or (1 if args.quick else 2)
    print(
        f"{platform.python_version()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    scn = load(VIENNA)
    designs = load_designs(DESIGNS, scenario=scn).designs
    model = build_lead([args.model], {})
    counted: list[sweep_module.SweepStats] = []
    real = sweep_module.Batcher.__call__

    def counting(self: sweep_module.Batcher, calls: object) -> object:
        if not counted or counted[-1] is not self.stats:
            counted.append(self.stats)
        return real(self, calls)  # type: ignore[arg-type]

    sweep_module.Batcher.__call__ = counting  # type: ignore[method-assign]
    best = {"batched": np.inf, "one-by-one": np.inf}
    cpu = {"batched": np.inf, "one-by-one": np.inf}
    results = {}
    for _ in range(repeats):
        for label, batch in (("batched", True), ("one-by-one", False)):
            start, start_cpu = time.perf_counter(), time.process_time()
            results[label] = compare(scn, designs, model, draws=draws, seed=0, batch=batch)
            best[label] = min(best[label], time.perf_counter() - start)
            cpu[label] = min(cpu[label], time.process_time() - start_cpu)
    sweep_module.Batcher.__call__ = real  # type: ignore[method-assign]
    stats = counted[-1]
    ratio = best["one-by-one"] / best["batched"]
    print(
        f"\ncompare --draws {draws}, Vienna 2015, {len(designs)} designs + baseline, "
        f"{args.model}, in-process (best of {repeats}):"
    )
    cpu_ratio = cpu["one-by-one"] / cpu["batched"]
    print("| path | wall s | CPU s | model calls | batches | ratio (wall) | ratio (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| one-by-one (reference) | {best['one-by-one']:.2f} | {cpu['one-by-one']:.2f} "
        f"| {stats.calls} | - | 1.0x | 1.0x |"
    )
    print(
        f"| batched sweep | {best['batched']:.2f} | {cpu['batched']:.2f} | {stats.calls} "
        f"| {stats.batches} ({stats.chunks} chunks) | {ratio:.2f}x | {cpu_ratio:.2f}x |"
    )
    per_1000 = best["batched"] * 1000 / draws
    print(
        f"target < {TARGET_S:g} s at 1,000 draws: "
        + (f"{best['batched']:.1f} s" if draws == 1000 else f"~{per_1000:.1f} s extrapolated")
        + (" (met)" if per_1000 < TARGET_S else " (not met)")
    )
    diff = table_difference(results["batched"], results["one-by-one"])
    print(f"largest difference between the two tables: {diff:.3g}")
    profile_sweep(scn, designs, model, min(draws, 200))


if __name__ == "__main__":
    main()
