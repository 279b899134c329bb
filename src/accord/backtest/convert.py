"""Turn DEU issues into scenarios, and into batches of arrays that models run fast.

Each issue is a one-issue scenario on a 0-100 scale: the involved actors, capability from a
scheme (:mod:`accord.backtest.weights`), salience rescaled from 0-100 to 0-1, the reference point
``rp`` as status quo. For speed, issues that share their actor set are stacked in one
:class:`~accord.scenario.arrays.ScenarioArrays`: as issues of one scenario for per-issue models,
and as draws of a one-issue scenario for joint models (which must not see the issues as one
multi-dimensional space; the status quo is per issue, so those batches also share ``rp``).
Either way every issue is solved on its own, exactly as :func:`issue_scenario` would give it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.backtest.deu import DeuIssue
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "_.-" else "_" for c in text.lower()) or "x"


def issue_scenario(issue: DeuIssue, capability: Sequence[float]) -> Scenario:
    """Return one DEU issue as a validated one-issue scenario."""
    iid = _slug(issue.issue)
    return Scenario.model_validate(
        {
            "title": f"DEU {issue.proposal} {issue.issue}",
            "description": f"{issue.procedure}, {issue.rule}",
            "actors": [
                {"id": _slug(a), "capability": c}
                for a, c in zip(issue.actors, capability, strict=True)
            ],
            "issues": [
                {
                    "id": iid,
                    "scale": {"min": 0, "max": 100},
                    **({} if issue.reference is None else {"status_quo": issue.reference}),
                }
            ],
            "stances": [
                {"actor": _slug(a), "issue": iid, "position": x, "salience": s / 100}
                for a, x, s in zip(issue.actors, issue.position, issue.salience, strict=True)
            ],
        }
    )


@dataclass(frozen=True, eq=False)
class Batch:
    """Issues (by index into the issue list) stacked in one arrays object."""

    index: tuple[int, ...]
    arrays: ScenarioArrays
    as_draws: bool

    def forecasts(self, forecast: np.ndarray) -> np.ndarray:
        """Return one forecast per issue of the batch from a result's (draws, issues) forecast."""
        return np.asarray(forecast[:, 0] if self.as_draws else forecast[0, :], dtype=float)


def make_batches(
    issues: Sequence[DeuIssue],
    capabilities: Sequence[Sequence[float]],
    *,
    as_draws: bool,
) -> list[Batch]:
    """Group issues into batches.

    As issues: same actors and capabilities. As draws: same actors and status quo.
    """
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for k, issue in enumerate(issues):
        ref = -1.0 if issue.reference is None else issue.reference
        key = (issue.actors, ref if as_draws else tuple(capabilities[k]))
        groups[key].append(k)
    out = []
    for idx in sorted(groups.values()):
        cap = np.array([capabilities[k] for k in idx], dtype=float)  # (m, n)
        pos = np.array([issues[k].position for k in idx], dtype=float)
        sal = np.array([issues[k].salience for k in idx], dtype=float) / 100.0
        sq = np.array([np.nan if issues[k].reference is None else issues[k].reference for k in idx])
        ids = tuple(_slug(a) for a in issues[idx[0]].actors)
        m = len(idx)
        if as_draws:
            arrays = ScenarioArrays(
                actor_ids=ids,
                issue_ids=("issue",),
                capability=cap,
                position=pos[:, :, None],
                salience=sal[:, :, None],
                scale_min=np.zeros(1),
                scale_max=np.full(1, 100.0),
                status_quo=sq[:1],
            )
        else:
            arrays = ScenarioArrays(
                actor_ids=ids,
                issue_ids=tuple(_slug(issues[k].issue) for k in idx),
                capability=cap[:1],
                position=pos.T[None],
                salience=sal.T[None],
                scale_min=np.zeros(m),
                scale_max=np.full(m, 100.0),
                status_quo=sq,
            )
        out.append(Batch(tuple(idx), arrays, as_draws))
    return out
