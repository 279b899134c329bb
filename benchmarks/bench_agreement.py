"""Benchmark: the vectorised agreement analysis against the plain loop reference.

Run ``.venv/bin/python benchmarks/bench_agreement.py`` (about a minute) or with ``--quick``.

For the Vienna case (17 actors, 4 issues) with 10,000 draws of its uncertain inputs (the draws
are made once, outside the timing) it times :func:`accord.agreement.analyse` on one core:

- issues judged one by one (the default): exact one-issue zones, holdouts and pivotal actors;
- the four issues linked as one package: the minimax solver in four dimensions;

and the plain reference of ``tests/reference/agreement_loop.py`` on a sample of draws (one
issue: intervals in Python loops; a package: SciPy's SLSQP from several starts), scaled to
10,000 draws, and prints the ratio. The goal set for the analysis is under 2 s for 10,000
draws on one core.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: no BLAS threads

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.reference import agreement_loop as ref  # noqa: E402

import accord  # noqa: E402
from accord.agreement import analyse  # noqa: E402
from accord.analysis.inputs import apply_values, uncertain_inputs  # noqa: E402
from accord.analysis.sampling import draw_block_range  # noqa: E402
from accord.scenario.arrays import ScenarioArrays  # noqa: E402


def best_of(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def members(arrays: ScenarioArrays, d: int, issues: list[int]) -> list:  # type: ignore[type-arg]
    outside = arrays.outside_option
    out = []
    for a in range(arrays.n_actors):
        p = [arrays.position[d, a, j] / 100 for j in issues]
        s = [arrays.salience[d, a, j] for j in issues]
        o = [outside[d, a, j] / 100 for j in issues]
        out.append((p, s, ref.stake(p, s, o)))
    return out


def loop_one_by_one(arrays: ScenarioArrays, draws: int) -> None:
    for d in range(draws):
        for j in range(arrays.n_issues):
            line = [(p[0], s[0], b) for p, s, b in members(arrays, d, [j])]
            zone = ref.line_zone(line)
            if zone is None:  # pivotal actors, the obvious way
                for a in range(len(line)):
                    ref.line_zone(line[:a] + line[a + 1 :])


def loop_linked(arrays: ScenarioArrays, draws: int) -> None:
    for d in range(draws):
        ref.minimax_value(members(arrays, d, list(range(arrays.n_issues))), arrays.n_issues)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer draws and repeats")
    args = parser.parse_args()
    draws = 2000 if args.quick else 10_000
    repeats = 1 if args.quick else 3
    scn = accord.load_scenario(ROOT / "cases" / "syria-2015-vienna.yaml")
    inputs = uncertain_inputs(scn)
    arrays = apply_values(scn.to_arrays(), inputs, draw_block_range(inputs, 0, draws, 0))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"Vienna: {arrays.n_actors} actors, {arrays.n_issues} issues, {draws:,} draws, "
        f"{len(inputs)} uncertain inputs; best of {repeats}"
    )
    one = best_of(lambda: analyse(arrays), repeats)
    package = [arrays.issue_ids]
    linked = best_of(lambda: analyse(arrays, tracks=package), repeats)
    sample = 200 if args.quick else 500
    loop_one = best_of(lambda: loop_one_by_one(arrays, sample), 1) * draws / sample
    sample_linked = 10 if args.quick else 25
    loop_pkg = best_of(lambda: loop_linked(arrays, sample_linked), 1) * draws / sample_linked
    result = analyse(arrays)
    p_deal = ", ".join(f"{i} {p:.1%}" for i, p in zip(scn.issue_ids, result.p_deal, strict=True))
    print(f"P(deal) one by one: {p_deal}")
    print(f"{'analysis':<34}{'vectorised s':>14}{'loop s':>12}{'ratio':>9}")
    print(
        f"{'issues one by one (exact)':<34}{one:>14.3f}{loop_one:>12.1f}{loop_one / one:>8.0f}x"
        "   (loop: scaled from " + f"{sample} draws)"
    )
    print(
        f"{'four issues as one package':<34}{linked:>14.3f}{loop_pkg:>12.1f}"
        f"{loop_pkg / linked:>8.0f}x   (loop: SLSQP, scaled from {sample_linked} draws)"
    )
    goal = "met" if max(one, linked) < 2.0 * draws / 10_000 else "NOT met"
    print(f"goal: under 2 s per 10,000 draws on one core: {goal}")


if __name__ == "__main__":
    main()
