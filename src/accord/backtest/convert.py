"""Turn DEU issues into scenarios, and into batches of arrays that models run fast.

Per-issue models
    Each issue is a one-issue scenario on a 0-100 scale (:func:`issue_scenario`): the involved
    actors, capability from a scheme (:mod:`accord.backtest.weights`), salience rescaled from
    0-100 to 0-1, the reference point ``rp`` as status quo. For speed, issues that share their
    actor set and capabilities are stacked as the issues of one
    :class:`~accord.scenario.arrays.ScenarioArrays` (:func:`make_batches`); a per-issue model
    solves each of them on its own, exactly as :func:`issue_scenario` would give it.

Joint models (``Model.joint`` and ``Model.indifferent_neutral``: exchange, nash, kalai)
    The issues of one proposal are one multi-issue problem (:func:`proposal_problems`), as in
    the exchange-model studies of EU decision making (Stokman & Van Oosten 1994; Arregui,
    Stokman & Thomson 2006): one dimension per issue (0-100, status quo = its ``rp``, NaN where
    it has none), dimensions in the order of the issue ids, and every actor involved in at
    least one of the proposal's issues. An actor not involved in an issue gets salience 0 on it
    and, as position, the capability x salience weighted mean of the involved actors' positions
    (capability alone where none of them cares): the compromise mean of that issue, a point that
    cannot move a weighted mean whatever weight it gets. With salience 0 the position cannot
    influence the exchange, nash or kalai forecast of that issue at all (every term in which it
    appears is multiplied by the salience; the only exception, the capability-weighted fallback
    of an issue nobody cares about, is left unchanged by a point at that very mean). It can
    influence smp's, whose forecast is a probability-weighted mean of all actors' final
    positions and whose actors judge each other's whole position vectors: no position is
    neutral there, so the backtest runs smp issue by issue (see ``docs/backtest.md``).

    An actor needs one capability per problem: ``weights.proposal_capabilities`` gives
    capabilities that agree within each proposal, and a proposal whose capabilities disagree is
    refused (:class:`~accord.errors.AccordError`).
    Proposals with the same actors, number of issues and status quo are stacked as draws of one
    arrays object (:func:`joint_batches`); the joint models solve every draw on its own, so each
    proposal gets what :meth:`ProposalProblem.scenario` would give it alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.backtest.deu import DeuIssue
from accord.errors import AccordError
from accord.models.weights import effective_weight
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

FloatArray = NDArray[np.float64]


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
    """Issues (by index into the issue list) stacked in one arrays object.

    As the issues of one scenario (per-issue models), or as the draws of a one-issue scenario
    (``as_draws``: joint models that must see each issue alone).
    """

    index: tuple[int, ...]
    arrays: ScenarioArrays
    as_draws: bool = False

    def forecasts(self, forecast: np.ndarray) -> np.ndarray:
        """Return one forecast per issue of the batch from a result's forecast."""
        return np.asarray(forecast[:, 0] if self.as_draws else forecast[0, :], dtype=float)


def make_batches(
    issues: Sequence[DeuIssue],
    capabilities: Sequence[Sequence[float]],
    *,
    as_draws: bool = False,
) -> list[Batch]:
    """Group issues into batches whose every issue a model solves on its own.

    As issues of one scenario (per-issue models): same actors and capabilities. As draws of a
    one-issue scenario (``as_draws``, for joint models run issue by issue): same actors and
    reference point (the status quo is per issue, not per draw).
    """
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for k, issue in enumerate(issues):
        ref = -1.0 if issue.reference is None else issue.reference
        groups[(issue.actors, ref if as_draws else tuple(capabilities[k]))].append(k)
    out = []
    for idx in sorted(groups.values()):
        if as_draws:
            out.append(_as_draws(issues, capabilities, idx))
            continue
        pos = np.array([issues[k].position for k in idx], dtype=float)
        sal = np.array([issues[k].salience for k in idx], dtype=float) / 100.0
        sq = np.array([np.nan if issues[k].reference is None else issues[k].reference for k in idx])
        m = len(idx)
        arrays = ScenarioArrays(
            actor_ids=tuple(_slug(a) for a in issues[idx[0]].actors),
            issue_ids=tuple(_slug(issues[k].issue) for k in idx),
            capability=np.array([capabilities[idx[0]]], dtype=float),
            position=pos.T[None],
            salience=sal.T[None],
            scale_min=np.zeros(m),
            scale_max=np.full(m, 100.0),
            status_quo=sq,
        )
        out.append(Batch(tuple(idx), arrays))
    return out


def _as_draws(
    issues: Sequence[DeuIssue], capabilities: Sequence[Sequence[float]], idx: list[int]
) -> Batch:
    first = issues[idx[0]]
    cap = np.array([capabilities[k] for k in idx], dtype=float)  # (m, n)
    pos = np.array([issues[k].position for k in idx], dtype=float)
    sal = np.array([issues[k].salience for k in idx], dtype=float) / 100.0
    sq = np.array([np.nan if first.reference is None else first.reference])
    arrays = ScenarioArrays(
        actor_ids=tuple(_slug(a) for a in first.actors),
        issue_ids=("issue",),
        capability=cap,
        position=pos[:, :, None],
        salience=sal[:, :, None],
        scale_min=np.zeros(1),
        scale_max=np.full(1, 100.0),
        status_quo=sq,
    )
    return Batch(tuple(idx), arrays, as_draws=True)


# --------------------------------------------------------------------------- joint models
def actor_order(issues: Sequence[DeuIssue]) -> tuple[str, ...]:
    """Return every actor of ``issues`` once, in an order consistent with each issue's own.

    The issues' actor lists are sub-sequences of the file's columns; this merges them (a
    topological order of "comes before in some issue", ties by first appearance), which is the
    column order wherever the issues pin it down.
    """
    first: dict[str, int] = {}
    after: dict[str, set[str]] = defaultdict(set)
    before: dict[str, int] = {}
    for issue in issues:
        for a in issue.actors:
            first.setdefault(a, len(first))
            before.setdefault(a, 0)
        for a, b in zip(issue.actors, issue.actors[1:], strict=False):
            if b not in after[a]:
                after[a].add(b)
                before[b] += 1
    ready = sorted((a for a, n in before.items() if n == 0), key=first.__getitem__)
    out: list[str] = []
    while ready:
        a = ready.pop(0)
        out.append(a)
        for b in after[a]:
            before[b] -= 1
            if before[b] == 0:
                ready.append(b)
        ready.sort(key=first.__getitem__)
    if len(out) < len(first):  # contradictory orders: fall back to first appearance
        return tuple(sorted(first, key=first.__getitem__))
    return tuple(out)


def neutral_position(
    position: FloatArray, salience: FloatArray, capability: FloatArray, involved: np.ndarray
) -> float:
    """Return the position given to actors not involved in an issue.

    The capability x salience weighted mean of the involved actors' positions (capability alone
    where none of them has a salience above 0), i.e. the compromise mean of the issue.
    """
    cap = np.where(involved, capability, 0.0)
    w = effective_weight(cap, np.where(involved, salience, 0.0))
    return float((w * np.where(involved, position, 0.0)).sum() / w.sum())


@dataclass(frozen=True, eq=False)
class ProposalProblem:
    """The issues of one proposal as one multi-issue problem for the joint models.

    index : the issues (indices into the list given to :func:`proposal_problems`), one per
        dimension, in the order of their ids; issue_ids their slugs.
    actors : every actor involved in at least one of the issues; capability (actors,).
    position, salience (0-1), involved : (actors, issues); status_quo : (issues,), NaN where
        an issue has no reference point.
    """

    proposal: str
    index: tuple[int, ...]
    issue_ids: tuple[str, ...]
    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    involved: NDArray[np.bool_]
    status_quo: FloatArray

    @property
    def key(self) -> tuple[object, ...]:
        """Return what proposals stacked as draws of one batch must share."""
        sq = tuple(-1.0 if np.isnan(v) else float(v) for v in self.status_quo)
        return (self.actors, len(self.index), sq)

    def arrays(self, issue_ids: Sequence[str] | None = None) -> ScenarioArrays:
        """Return the problem as one-draw arrays (issue ids: the slugs, unless given)."""
        k = len(self.index)
        return ScenarioArrays(
            actor_ids=tuple(_slug(a) for a in self.actors),
            issue_ids=tuple(issue_ids or self.issue_ids),
            capability=self.capability[None, :],
            position=self.position[None],
            salience=self.salience[None],
            scale_min=np.zeros(k),
            scale_max=np.full(k, 100.0),
            status_quo=self.status_quo,
        )

    def scenario(self) -> Scenario:
        """Return the problem as a validated scenario (what a joint model solves alone)."""
        issues = []
        for iid, sq in zip(self.issue_ids, self.status_quo, strict=True):
            extra = {} if np.isnan(sq) else {"status_quo": float(sq)}
            issues.append({"id": iid, "scale": {"min": 0, "max": 100}, **extra})
        return Scenario.model_validate(
            {
                "title": f"DEU {self.proposal} ({len(self.index)} issues)",
                "actors": [
                    {"id": _slug(a), "capability": float(c)}
                    for a, c in zip(self.actors, self.capability, strict=True)
                ],
                "issues": issues,
                "stances": [
                    {
                        "actor": _slug(a),
                        "issue": iid,
                        "position": float(self.position[n, k]),
                        "salience": float(self.salience[n, k]),
                    }
                    for n, a in enumerate(self.actors)
                    for k, iid in enumerate(self.issue_ids)
                ],
            }
        )


def proposal_problem(
    proposal: str,
    index: Sequence[int],
    issues: Sequence[DeuIssue],
    capabilities: Sequence[Sequence[float]],
    order: Sequence[str] | None = None,
) -> ProposalProblem:
    """Return the problem of the issues ``index`` of one proposal (see the module docstring).

    ``order`` fixes the actors' order (it must contain all of them); by default
    :func:`actor_order` of these issues. Raises :class:`AccordError` when an actor's capability
    differs between the issues.
    """
    idx = sorted(index, key=lambda k: (_slug(issues[k].issue), k))
    mine = actor_order([issues[k] for k in idx])
    actors = mine
    if order is not None:
        actors = tuple(a for a in order if a in set(mine))
        if len(actors) != len(mine):
            raise ValueError("order must contain every actor of the issues")
    row = {a: n for n, a in enumerate(actors)}
    n, m = len(actors), len(idx)
    cap = np.full(n, np.nan)
    pos = np.zeros((n, m))
    sal = np.zeros((n, m))
    inv = np.zeros((n, m), dtype=bool)
    for j, k in enumerate(idx):
        issue = issues[k]
        for a, c, x, s in zip(
            issue.actors, capabilities[k], issue.position, issue.salience, strict=True
        ):
            r = row[a]
            if np.isnan(cap[r]):
                cap[r] = c
            elif cap[r] != c:
                raise AccordError(
                    f"proposal {proposal}: actor '{a}' has capability {cap[r]:g} on one issue "
                    f"and {c:g} on {issue.issue}; a joint model needs one capability per actor "
                    "(see weights.proposal_capabilities)"
                )
            pos[r, j], sal[r, j], inv[r, j] = x, s / 100.0, True
    for j in range(m):
        if not inv[:, j].all():
            pos[~inv[:, j], j] = neutral_position(pos[:, j], sal[:, j], cap, inv[:, j])
    refs = [issues[k].reference for k in idx]
    return ProposalProblem(
        proposal=proposal,
        index=tuple(idx),
        issue_ids=tuple(_slug(issues[k].issue) for k in idx),
        actors=actors,
        capability=cap,
        position=pos,
        salience=sal,
        involved=inv,
        status_quo=np.array([np.nan if r is None else r for r in refs], dtype=float),
    )


def proposal_problems(
    issues: Sequence[DeuIssue], capabilities: Sequence[Sequence[float]]
) -> list[ProposalProblem]:
    """Return one problem per proposal of ``issues``, in order of first appearance."""
    groups: dict[str, list[int]] = defaultdict(list)
    for k, issue in enumerate(issues):
        groups[issue.proposal].append(k)
    order = actor_order(issues)
    return [proposal_problem(p, idx, issues, capabilities, order) for p, idx in groups.items()]


@dataclass(frozen=True, eq=False)
class JointBatch:
    """Proposal problems (by index into the problem list) stacked as the draws of one arrays."""

    problems: tuple[int, ...]
    arrays: ScenarioArrays


def joint_batches(problems: Sequence[ProposalProblem]) -> list[JointBatch]:
    """Stack problems with the same actors, number of issues and status quo as draws.

    The dimensions are named ``k1``, ``k2``, ... (zero-padded), which sort like the problems'
    own issue ids, so a model that orders issues by id sees every draw as it would alone.
    """
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for p, prob in enumerate(problems):
        groups[prob.key].append(p)
    out = []
    for idx in sorted(groups.values()):
        first = problems[idx[0]]
        k = len(first.index)
        ids = tuple(f"k{j + 1:0{len(str(k))}d}" for j in range(k))
        arrays = first.arrays(ids).with_values(
            capability=np.stack([problems[p].capability for p in idx]),
            position=np.stack([problems[p].position for p in idx]),
            salience=np.stack([problems[p].salience for p in idx]),
        )
        out.append(JointBatch(tuple(idx), arrays))
    return out
