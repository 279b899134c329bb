"""Coalitions: the blocs a scenario declares, and blocs found from positions.

A bloc's joint weight is its members' total capability (and its share of everyone's); its
position on an issue is the capability x salience weighted mean of its members' positions, which
is where it stands when it acts as one (see :mod:`accord.process.runner`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from accord.scenario.model import Scenario


@dataclass(frozen=True)
class Bloc:
    """A group of actors with its joint weight and position."""

    id: str
    members: tuple[str, ...]
    capability: float
    share: float
    position: dict[str, float]
    spread: float
    """Largest distance of a member from the bloc's position, as a fraction of scale width."""


def _bloc(scenario: Scenario, bloc_id: str, members: list[int]) -> Bloc:
    a = scenario.to_arrays()
    c = a.capability[0, members]
    s = a.salience[0, members, :]
    x = a.position[0, members, :]
    cs = c[:, None] * s
    tot = cs.sum(axis=0)
    pos = np.where(tot > 0, (cs * x).sum(axis=0) / np.where(tot > 0, tot, 1), x.mean(axis=0))
    width = a.scale_max - a.scale_min
    spread = float((np.abs(x - pos) / width).max()) if members else 0.0
    return Bloc(
        id=bloc_id,
        members=tuple(scenario.actor_ids[i] for i in members),
        capability=float(c.sum()),
        share=float(c.sum() / a.capability[0].sum()),
        position={iss: float(pos[k]) for k, iss in enumerate(scenario.issue_ids)},
        spread=spread,
    )


def declared_blocs(scenario: Scenario) -> list[Bloc]:
    """Return the blocs declared in the scenario (actors' ``bloc``), largest first."""
    ids = sorted({a.bloc for a in scenario.actors if a.bloc})
    blocs = [
        _bloc(scenario, b, [i for i, a in enumerate(scenario.actors) if a.bloc == b]) for b in ids
    ]
    return sorted(blocs, key=lambda b: (-b.capability, b.id))


def distances(scenario: Scenario) -> np.ndarray:
    """Return the actors' pairwise distances: salience-weighted mean gap over issues, in [0, 1].

    The gap on an issue is in units of its scale width, weighted by the pair's mean salience.
    """
    a = scenario.to_arrays()
    x = (a.position[0] - a.scale_min) / (a.scale_max - a.scale_min)  # (N, K)
    s = a.salience[0]
    w = (s[:, None, :] + s[None, :, :]) / 2  # (N, N, K)
    gap = np.abs(x[:, None, :] - x[None, :, :])
    wsum = w.sum(axis=2)
    return np.where(wsum > 0, (w * gap).sum(axis=2) / np.where(wsum > 0, wsum, 1), gap.mean(axis=2))


def find_blocs(scenario: Scenario, threshold: float = 0.15) -> list[Bloc]:
    """Return blocs found from positions by complete-linkage clustering.

    Groups are merged, closest first, while every pair of actors in the merged group stays within
    ``threshold`` (see :func:`distances`), so a bloc never chains together actors who disagree.
    Groups of two or more actors are returned as ``found-1``, ``found-2`` ... by joint capability.
    """
    d = distances(scenario)
    clusters: list[list[int]] = [[i] for i in range(len(scenario.actors))]
    while True:
        best: tuple[float, int, int] | None = None
        for p in range(len(clusters)):
            for q in range(p + 1, len(clusters)):
                link = float(d[np.ix_(clusters[p], clusters[q])].max())
                if link <= threshold and (best is None or link < best[0]):
                    best = (link, p, q)
        if best is None:
            break
        _, p, q = best
        clusters[p] = sorted(clusters[p] + clusters[q])
        del clusters[q]
    found = [_bloc(scenario, "", c) for c in clusters if len(c) > 1]
    found.sort(key=lambda b: (-b.capability, b.members))
    return [
        Bloc(f"found-{k + 1}", b.members, b.capability, b.share, b.position, b.spread)
        for k, b in enumerate(found)
    ]


BLOCS_FORMAT_VERSION = 1
"""Version of the JSON layout of :func:`blocs_record` (``accord blocs --json``; schema in
``docs/json/``)."""


def blocs_record(
    scenario: Scenario, declared: Sequence[Bloc], found: Sequence[Bloc], threshold: float
) -> dict[str, Any]:
    """Return the declared and the found blocs as a JSON-ready record."""
    return {
        "format_version": BLOCS_FORMAT_VERSION,
        "scenario": {"title": scenario.title, "hash": scenario.content_hash()},
        "threshold": threshold,
        "declared": [asdict(b) for b in declared],
        "found": [asdict(b) for b in found],
    }
