"""Deal-aware forecasts on DEU: each model's forecast restricted to what the Council can adopt.

A legislative proposal is adopted as one act, so its issues form one package (the joint models
see them together for the same reason). Who must accept follows the proposal's decision rule:

- **unanimity**: every member state involved in the proposal (each holds a veto);
- **qualified majority**: member states holding the QMV share of the Council's votes in the
  regime in force (:mod:`accord.backtest.weights`: 62 of 87 votes before November 2004,
  260 of 352 under Nice, 65% of the population under Lisbon; Lisbon's second criterion, 55% of
  the states, is left out). States not involved in the proposal took no position: they are
  counted as accepting, so the involved states must supply ``q W - W_uninvolved`` of the
  votes;
- under **codecision** (COD) the Parliament must accept too (a co-legislator); under
  consultation (CNS) it gives an opinion only. The Commission is not required.

The reference point ``rp`` is the no-deal outcome and every actor's outside option. DEU codes
no uncertainty, so there is one draw and a deal either exists or not: the deal-aware forecast
``<model>+deal`` is the model's forecast moved into the zone (:mod:`accord.agreement.settle`)
where there is one, and ``rp`` where there is none (no forecast where ``rp`` is missing and
there is no zone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from accord.agreement import analyse
from accord.backtest.convert import proposal_problem
from accord.backtest.deu import DeuIssue
from accord.backtest.weights import COMMISSION, PARLIAMENT, REGIMES, regime_of

FloatArray = NDArray[np.float64]
QMV: dict[str, float] = {"pre-nice": 62 / 87, "nice": 260 / 352, "lisbon": 0.65}
"""The qualified-majority share of the Council's votes in each voting regime."""
SUFFIX = "+deal"
NOTE = (
    "deal-aware: the model's forecast moved into the zone that the decision rule requires "
    "(a qualified majority of Council votes or every involved state; the Parliament too under "
    "codecision), the reference point where there is no zone"
)
REGIMES_TABLES: dict[str, dict[str, float]] = {name: table for name, _, table in REGIMES}


def _rules(
    issues: Sequence[DeuIssue], actors: Sequence[str]
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray, NDArray[np.bool_]]:
    """Return votes (actors,), consent (actors, issues), quota (issues,), implementers."""
    merged = replace(issues[0], actors=tuple(actors))
    name, table = regime_of(merged)
    states = [a not in (COMMISSION, PARLIAMENT) for a in actors]
    votes = np.array([table.get(a, 0.0) if s else 0.0 for a, s in zip(actors, states, strict=True)])
    total = sum(v for k, v in REGIMES_TABLES[name].items() if k not in (COMMISSION, PARLIAMENT))
    involved = float(votes.sum())
    m = len(issues)
    consent = np.array(states)[:, None] & np.ones((1, m), dtype=bool)
    quota = np.ones(m)
    implementers = np.zeros((len(actors), m), dtype=bool)
    for j, issue in enumerate(issues):
        if issue.rule != "unanimity":
            share = QMV[name]
            need = 1.0 - (1.0 - share) * total / involved if involved > 0 else 0.0
            if need <= 0:
                consent[:, j] = False  # the uninvolved states alone make the majority
            quota[j] = min(max(need, 1e-12), 1.0)
        if issue.procedure == "COD" and PARLIAMENT in actors:
            implementers[list(actors).index(PARLIAMENT), j] = True
    return votes, consent, quota, implementers


def deal_forecasts(
    issues: Sequence[DeuIssue],
    forecasts: Mapping[str, FloatArray],
    capabilities: Sequence[Sequence[float]],
) -> dict[str, FloatArray]:
    """Return ``<model>+deal`` forecasts (one per issue) for every model's forecasts.

    ``capabilities`` are the joint (per-proposal) capabilities; only the positions, saliences,
    reference points and the decision rules enter the agreement analysis.
    """
    out = {name + SUFFIX: np.full(len(issues), np.nan) for name in forecasts}
    groups: dict[str, list[int]] = defaultdict(list)
    for k, issue in enumerate(issues):
        groups[issue.proposal].append(k)
    for proposal, where in groups.items():
        problem = proposal_problem(proposal, where, issues, capabilities)
        members = [issues[k] for k in problem.index]
        votes, consent, quota, implementers = _rules(members, problem.actors)
        arrays = problem.arrays().with_values(
            capability=votes[None, :],
            consent=consent,
            quota=quota,
            implementers=implementers,
        )
        agreement = analyse(arrays, tracks=[arrays.issue_ids])
        idx = list(problem.index)
        for name, values in forecasts.items():
            point = np.asarray(values, dtype=float)[idx][None, :]
            if np.isnan(point).any():
                continue
            settled = agreement.settle(point)
            out[name + SUFFIX][idx] = settled.outcome[0]
    return out
