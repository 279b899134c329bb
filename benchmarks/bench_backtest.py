"""Benchmark the DEU III backtest: every registered model on every public issue.

Prints the wall time of the whole backtest (reading, capabilities, all models, the cluster
bootstrap with 2,000 resamples and the paired comparisons), the seconds each model took, the
speed-up of the batched runner over a plain loop that builds one scenario per issue and runs the
compromise model on it, the same for smp (a joint model the backtest runs issue by issue, each
batch of issues as draws of one issue), and for exchange (one problem per proposal) the batched
runner against one scenario per proposal.

    .venv/bin/python benchmarks/bench_backtest.py            # full run, well under a minute
    .venv/bin/python benchmarks/bench_backtest.py --quick    # compromise and median only
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from accord import models
from accord.backtest import read_deu, run_backtest
from accord.backtest.convert import issue_scenario, proposal_problems
from accord.backtest.run import run_model
from accord.backtest.weights import all_capabilities, proposal_capabilities


def plain_loop_seconds(name: str) -> tuple[float, float]:
    """Return (batched, plain per-issue loop) seconds of one model on all issues."""
    data = read_deu()
    _, caps = all_capabilities(data, "votes")
    batched = run_model(name, data.issues, caps).seconds
    model = models.get(name)
    start = time.perf_counter()
    for issue, cap in zip(data.issues, caps, strict=True):
        model.run(issue_scenario(issue, cap), rng=0)
    return batched, time.perf_counter() - start


def joint_loop_seconds(name: str) -> tuple[float, float]:
    """Return (batched, one scenario per proposal) seconds of a joint model on all issues."""
    data = read_deu()
    _, caps = proposal_capabilities(data, "votes")
    batched = run_model(name, data.issues, caps).seconds
    model = models.get(name)
    start = time.perf_counter()
    for problem in proposal_problems(data.issues, caps):
        model.run(problem.scenario(), rng=0)
    return batched, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    names = ["compromise", "median"] if args.quick else models.names()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")  # fmt: skip
    start = time.perf_counter()
    data = read_deu()
    bt = run_backtest(data, models=names)
    total = time.perf_counter() - start
    print(f"full backtest, {len(bt.seconds)} models, {len(data.issues)} issues: {total:.1f} s")
    for name, sec in sorted(bt.seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {name:12s} {sec:7.2f} s")
    print(f"  {'(scoring)':12s} {total - sum(bt.seconds.values()):7.2f} s  (reading, bootstrap)")
    batched, loop = plain_loop_seconds("compromise")
    print(f"compromise batched {batched:.3f} s vs one scenario per issue {loop:.3f} s "
          f"(x{loop / batched:.0f})")  # fmt: skip
    if not args.quick:
        batched, loop = plain_loop_seconds("smp")
        print(f"smp issue by issue, batched as draws {batched:.2f} s vs one scenario per issue "
              f"{loop:.2f} s")  # fmt: skip
        batched, loop = joint_loop_seconds("exchange")
        print(f"exchange batched {batched:.2f} s vs one scenario per proposal {loop:.2f} s")


if __name__ == "__main__":
    main()
