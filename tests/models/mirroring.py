"""Mirror images of scenarios, and tie-heavy scenarios, for the mirror-symmetry checks.

Mirroring an issue's scale maps every value x on it to ``min + max - x``: positions, position
ranges, the status quo (and any other point of the scale a scenario names, such as a no-deal
point or a reservation point) and the anchors' values (each anchor keeps its label, so the
labelled meaning of the scale flips with it). A model whose results do not depend on which end of a
scale is 0 forecasts ``min + max - f`` on the mirrored scenario where it forecast ``f``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.scenario import Scenario

SCALE_VALUES_OF_ISSUES = ("status_quo", "no_deal")
"""Issue fields that hold a point of the issue's scale (fields a scenario lacks are skipped)."""
SCALE_RANGES_OF_ISSUES = ("no_deal_range",)
"""Issue fields that hold a range on the issue's scale."""
SCALE_VALUES_OF_STANCES = ("position", "reservation")
"""Stance fields that hold a point of the issue's scale."""
SCALE_RANGES_OF_STANCES = ("position_range", "reservation_range")
"""Stance fields that hold a range on the issue's scale."""


def mirror_value(value: float, lo: float, hi: float) -> float:
    """Return ``lo + hi - value``, kept on the scale [lo, hi] against rounding."""
    return min(max(lo + hi - value, lo), hi)


def mirror_scenario(scenario: Scenario, issues: set[str] | None = None) -> Scenario:
    """Return the scenario with the scales of ``issues`` (default: every issue) mirrored."""
    data = scenario.model_dump()
    flip = set(scenario.issue_ids) if issues is None else issues
    scales = {i["id"]: (i["scale"]["min"], i["scale"]["max"]) for i in data["issues"]}

    def m(issue: str, value: float) -> float:
        return mirror_value(value, *scales[issue])

    def flip_fields(
        item: dict[str, Any], issue: str, values: tuple[str, ...], ranges: tuple[str, ...]
    ) -> None:
        for key in values:
            if item.get(key) is not None:
                item[key] = m(issue, item[key])
        for key in ranges:
            r = item.get(key)
            if r is not None:
                item[key] = {"low": m(issue, r["high"]), "high": m(issue, r["low"])}

    for issue in data["issues"]:
        k = issue["id"]
        if k not in flip:
            continue
        flip_fields(issue, k, SCALE_VALUES_OF_ISSUES, SCALE_RANGES_OF_ISSUES)
        issue["anchors"] = [{**a, "value": m(k, a["value"])} for a in issue["anchors"]]
    for stance in data["stances"]:
        k = stance["issue"]
        if k not in flip:
            continue
        flip_fields(stance, k, SCALE_VALUES_OF_STANCES, SCALE_RANGES_OF_STANCES)
    return Scenario.model_validate(data)


def scale_bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Return the scales' minima and maxima, (issues,) each."""
    lo = np.array([i.scale.min for i in scenario.issues])
    hi = np.array([i.scale.max for i in scenario.issues])
    return lo, hi


def _scenario(
    title: str,
    capability: list[float],
    position: list[list[float]],
    salience: list[list[float]],
    scale: tuple[float, float] = (0.0, 100.0),
    status_quo: list[float | None] | None = None,
) -> Scenario:
    """Return a scenario from per-actor lists; ``position[a][k]`` is actor a on issue k."""
    n, k = len(capability), len(position[0])
    sq = status_quo if status_quo is not None else [None] * k
    issues: list[dict[str, Any]] = [
        {
            "id": f"i{j}",
            "scale": {"min": scale[0], "max": scale[1]},
            "anchors": {scale[0]: "low end", scale[1]: "high end"},
            "status_quo": sq[j],
        }
        for j in range(k)
    ]
    return Scenario.model_validate(
        {
            "title": title,
            "actors": [{"id": f"a{a}", "capability": capability[a]} for a in range(n)],
            "issues": issues,
            "stances": [
                {
                    "actor": f"a{a}",
                    "issue": f"i{j}",
                    "position": position[a][j],
                    "salience": salience[a][j],
                    "position_range": [
                        max(scale[0], position[a][j] - 10),
                        min(scale[1], position[a][j] + 5),
                    ],
                }
                for a in range(n)
                for j in range(k)
            ],
        }
    )


def _grid_scenario(seed: int, n: int, k: int, scale: tuple[float, float], steps: int) -> Scenario:
    """Integer-coded positions on ``steps`` grid points, few capability and salience values."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(scale[0], scale[1], steps)
    equal = seed % 2 == 0
    cap = [10.0] * n if equal else [float(c) for c in rng.choice([1.0, 2.0, 4.0], n)]
    pos = [[float(v) for v in rng.choice(grid, k)] for _ in range(n)]
    levels = [0.25, 0.5, 1.0]
    sal = [[0.5] * k if equal else [float(v) for v in rng.choice(levels, k)] for _ in range(n)]
    sq: list[float | None] | None = None
    if seed % 3:
        sq = [float(rng.choice(grid)) for _ in range(k)]
    return _scenario(f"grid {seed}", cap, pos, sal, scale, sq)


def tie_heavy_scenarios() -> list[Scenario]:
    """Return scenarios full of exact ties: equal weights, shared and integer-coded positions.

    Several are their own mirror image up to a renaming of actors (then every tie in them is
    between mirror images, and a rule like "the lowest position" breaks the property at once).
    """
    half = [[0.5], [0.5], [0.5], [0.5]]
    out = [
        # an even split: equal weights at 20, 20, 80, 80 (its own mirror image)
        _scenario("even split", [1, 1, 1, 1], [[20], [20], [80], [80]], half, status_quo=[50]),
        # three equal actors, the middle one equidistant from the others (own mirror image)
        _scenario("three points", [10, 10, 10], [[100], [60], [80]], half[:3]),
        # one actor with no salience between two equal halves; two issues
        _scenario(
            "dead middle",
            [2, 1, 1, 2, 5],
            [[0, 25], [0, 25], [100, 75], [100, 75], [50, 50]],
            [[0.5, 1.0], [0.5, 1.0], [0.5, 1.0], [0.5, 1.0], [0.0, 0.0]],
            status_quo=[0, 100],
        ),
        # five equal actors on an integer 1..7 scale, two of them sharing a position
        _scenario(
            "integer scale",
            [3, 3, 3, 3, 3],
            [[1, 7], [2, 4], [4, 4], [6, 1], [6, 7]],
            [[1.0, 1.0]] * 5,
            scale=(1.0, 7.0),
            status_quo=[4, 4],
        ),
        # a weighted mean exactly at bicameral's snap limit: 0.15 x 3 = 0.45 = 3 x 3 / 20
        _scenario("snap limit", [17, 3], [[0], [3]], [[1.0], [1.0]], scale=(0.0, 3.0)),
    ]
    out += [_grid_scenario(seed, 4 + seed % 4, 1 + seed % 3, (0.0, 100.0), 5) for seed in range(4)]
    out += [_grid_scenario(seed, 6, 2, (-10.0, 30.0), 9) for seed in (10, 11)]
    return out
