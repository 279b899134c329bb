"""Load over loopback: 50 concurrent forecast runs against a live server, twice.

Run ``pytest tests/web/test_load.py -m slow -s`` to see the numbers.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.server import process_server

CONCURRENT = 50
MAX_GROWTH_MB = 200

pytestmark = pytest.mark.slow


async def wave(url: str, scenario: dict[str, Any], first_seed: int) -> list[tuple[int, float]]:
    """Send CONCURRENT forecast requests at once; return (status, seconds) of each."""
    limits = httpx.Limits(max_connections=CONCURRENT, max_keepalive_connections=CONCURRENT)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120.0) as client:

        async def one(seed: int) -> tuple[int, float]:
            # The forecast alone: the bottom line (200 draws and a tornado of every model, about
            # 5 s of one core for Vienna) would make this a test of two cores' arithmetic.
            body = {"scenario": scenario, "models": ["all"], "seed": seed, "bottom_line": False}
            start = time.perf_counter()
            response = await client.post("/api/forecast", json=body)
            elapsed = time.perf_counter() - start
            if response.status_code == 200:  # a cheap check that this is this request's run
                assert f'"seed":{seed},' in response.text
            return response.status_code, elapsed

        return await asyncio.gather(*(one(first_seed + k) for k in range(CONCURRENT)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_fifty_concurrent_runs(tmp_path: Path, vienna: dict[str, Any]) -> None:
    psutil = pytest.importorskip("psutil")
    store = tmp_path / "runs.db"
    with process_server(store, tmp_path / "server.log") as (url, pid):
        server = psutil.Process(pid)
        for seed in range(3):  # warm up: imports, caches, the store's tables
            warm = httpx.post(
                f"{url}/api/forecast",
                json={"scenario": vienna, "seed": seed, "bottom_line": False},
                timeout=60,
            )
            assert warm.status_code == 200
        rss_before = server.memory_info().rss
        rss_after: list[int] = []
        results: list[tuple[int, float]] = []
        walls: list[float] = []
        for k in range(2):
            start = time.perf_counter()
            results += asyncio.run(wave(url, vienna, 100 + k * CONCURRENT))
            walls.append(time.perf_counter() - start)
            rss_after.append(server.memory_info().rss)
        runs = httpx.get(f"{url}/api/runs", params={"limit": 500}, timeout=30).json()

    errors = [status for status, _ in results if status != 200]
    latencies = [seconds for _, seconds in results]
    growth = [(rss - rss_before) / 2**20 for rss in rss_after]
    print(
        f"\nload: {len(results)} forecast runs (all 8 models, Vienna case, no bottom line) in 2 "
        "waves of "
        f"{CONCURRENT} concurrent requests over 127.0.0.1: {len(errors)} errors; "
        f"wall {walls[0]:.1f} s and {walls[1]:.1f} s "
        f"({len(results) / sum(walls):.1f} runs/s); latency p50 "
        f"{statistics.median(latencies):.2f} s, p90 {percentile(latencies, 0.9):.2f} s, "
        f"p99 {percentile(latencies, 0.99):.2f} s, max {max(latencies):.2f} s; server RSS "
        f"{rss_before / 2**20:.0f} MB before, +{growth[0]:.1f} MB after wave 1, "
        f"+{growth[1]:.1f} MB after wave 2"
    )
    assert errors == []
    assert len(runs) == 2 * CONCURRENT + 3  # every run saved, none lost
    assert max(growth) < MAX_GROWTH_MB
    assert growth[1] - growth[0] < MAX_GROWTH_MB / 4  # no steady climb from one wave to the next
