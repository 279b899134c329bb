"""Benchmark ``accord draft``: wall time of drafting a 1 MB article (the target is under 5 s).

Run ``.venv/bin/python benchmarks/bench_draft.py`` (``--quick``: one run). The article is the
paragraph of ``tests/draft/test_large.py`` (about 20 actors' names, cues and issue terms in
every sentence, so denser than any real article) repeated to 1 MB. It prints the time to read
the article into sentences, to draft it (actors, issues, stances) and to write the YAML, each
the median of several runs in this process, after the gazetteer is built once (about 0.05 s;
importing accord's scenario package costs about 0.7 s more at a cold start), with the CPU time
beside the wall time (they differ when the machine is shared).

Taken 2026-12-06 on the 2-vCPU development machine, shared with other work (load about 5):
read 0.3 s, draft 2.1 s CPU (6.5 s wall under that load), write 0.1 s.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "draft"))

from test_large import megabyte_article  # noqa: E402

from accord.draft import draft_articles  # noqa: E402
from accord.draft.gazetteer import default_gazetteer  # noqa: E402
from accord.draft.text import article_from_text  # noqa: E402

CPU: list[float] = []


def timed(fn: object, runs: int) -> tuple[float, object]:
    """Return the median wall time of ``fn`` (its CPU time goes to ``CPU``) and its result."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run of each step")
    args = parser.parse_args()
    runs = 1 if args.quick else 5
    start = time.perf_counter()
    default_gazetteer()
    print(f"gazetteer built in {time.perf_counter() - start:.3f} s")
    text = megabyte_article()
    size = len(text.encode("utf-8"))
    read, article = timed(lambda: article_from_text(text), runs)
    drafted, draft = timed(lambda: draft_articles([article]), runs)
    written, _ = timed(lambda: draft.to_yaml(), runs)  # type: ignore[attr-defined]
    total = read + drafted + written
    print(f"python {platform.python_version()}, {platform.machine()}, {runs} run(s), median")
    print(f"article: {size / 1_048_576:.2f} MB, {len(article.sentences):,} sentences")  # type: ignore[attr-defined]
    print("step                  wall s   CPU s")
    print(f"read into sentences  {read:6.2f}  {CPU[0]:6.2f}")
    print(f"draft                {drafted:6.2f}  {CPU[1]:6.2f}")
    print(f"write YAML           {written:6.2f}  {CPU[2]:6.2f}")
    print(f"total                {total:6.2f}  {sum(CPU):6.2f}  (target: under 5 s)")
    print("(wall above CPU: the machine was busy with other work while measuring)")


if __name__ == "__main__":
    main()
