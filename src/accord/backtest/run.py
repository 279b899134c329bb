"""Run registered models on every DEU issue and collect one forecast per issue and model.

Models are looked up in the registry by name and run with their default parameters, except for
*context parameters*: a model whose parameters declare a field named in :data:`CONTEXT` gets the
issue's value for it: ``decision_rule`` (``"qmv"`` or ``"unanimity"``), ``procedure``
(``"cod"``, ``"cns"``), ``agenda_setter`` (the Commission's actor id, ``"com"``) and
``co_legislator`` (the Parliament's, ``"ep"``), where the issue has them. This is how a general
model learns DEU roles without the backtest naming models.

Per-issue models run on batches of one-issue problems; joint models (``Model.joint``) that
actors with salience 0 on an issue cannot move (``Model.indifferent_neutral``: exchange, nash,
kalai) on one multi-issue problem per proposal (see :mod:`accord.backtest.convert`), where
the actors of an issue are those of the whole proposal (so ``agenda_setter`` and
``co_legislator`` are read from the proposal); other joint models (smp) see each issue alone.
Runs are split by the combination of context values: the issues of a proposal whose values
differ (one proposal of the public data mixes QMV and unanimity issues) form one problem per
combination. Baselines that are not models (:data:`BASELINES`) are computed here.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from accord.backtest.convert import (
    ProposalProblem,
    actor_order,
    joint_batches,
    make_batches,
    proposal_problem,
)
from accord.backtest.deu import DeuIssue
from accord.errors import AccordError
from accord.models import registry

CONTEXT: dict[str, Callable[[DeuIssue], Any]] = {
    "decision_rule": lambda i: "unanimity" if i.rule == "unanimity" else "qmv",
    "procedure": lambda i: i.procedure.lower(),
    "agenda_setter": lambda i: "com" if "com" in i.actors else None,
    "co_legislator": lambda i: "ep" if "ep" in i.actors else None,
}
"""Issue information offered to models whose parameters have a field of that name."""

BASELINES: dict[str, tuple[str, Callable[[DeuIssue], float | None]]] = {
    "status_quo": (
        "naive baseline, not a model: nothing changes, the forecast is the issue's reference "
        "point rp (no forecast where the issue has none)",
        lambda i: i.reference,
    ),
}
"""Named baselines scored like models: a description and the forecast of an issue."""


@dataclass
class ModelRun:
    """One model's forecasts (NaN where it gave none), time taken and failures."""

    name: str
    params: dict[str, Any]
    forecast: np.ndarray
    seconds: float
    context: tuple[str, ...] = ()
    failures: list[str] = field(default_factory=list)
    joint: bool = False
    baseline: bool = False


def run_baseline(name: str, issues: Sequence[DeuIssue]) -> ModelRun:
    """Return the forecasts of a named baseline (see :data:`BASELINES`)."""
    try:
        _, rule = BASELINES[name]
    except KeyError:
        raise AccordError(f"unknown baseline '{name}'; known: {', '.join(BASELINES)}") from None
    start = time.perf_counter()
    values = [rule(i) for i in issues]
    forecast = np.array([np.nan if v is None else v for v in values], dtype=float)
    return ModelRun(name, {}, forecast, time.perf_counter() - start, baseline=True)


def run_model(
    name: str,
    issues: Sequence[DeuIssue],
    capabilities: Sequence[Sequence[float]],
    seed: int = 0,
    params: dict[str, Any] | None = None,
    joint_capabilities: Sequence[Sequence[float]] | None = None,
) -> ModelRun:
    """Run one registered model on every issue.

    A joint model uses ``joint_capabilities`` where given (they must agree within each
    proposal: :func:`~accord.backtest.weights.proposal_capabilities`), else ``capabilities``.
    A model that raises :class:`AccordError` on a batch gets NaN forecasts for its issues and
    the message is recorded in :attr:`ModelRun.failures`.
    """
    cls = registry.model_class(name)
    params = dict(params or {})
    ctx = tuple(k for k in CONTEXT if k in cls.Parameters.model_fields and k not in params)
    # Proposals as one problem, where the model can take it: a joint model for which actors
    # not involved in an issue (salience 0 there) cannot move that issue's forecast.
    joint = cls.joint and cls.indifferent_neutral
    seen = issues
    if joint:  # the actors of an issue are those of its proposal
        members: dict[str, list[DeuIssue]] = defaultdict(list)
        for issue in issues:
            members[issue.proposal].append(issue)
        union = {p: actor_order(v) for p, v in members.items()}
        seen = [replace(i, actors=union[i.proposal]) for i in issues]
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for k, issue in enumerate(seen):
        groups[tuple(CONTEXT[c](issue) for c in ctx)].append(k)
    forecast = np.full(len(issues), np.nan)
    failures: list[str] = []
    start = time.perf_counter()
    base = cls(**params)
    caps = joint_capabilities if joint and joint_capabilities is not None else capabilities
    order = actor_order(issues) if joint else ()
    for values, idx in sorted(groups.items(), key=lambda kv: kv[1][0]):
        extra = {c: v for c, v in zip(ctx, values, strict=True) if v is not None}
        try:
            model = cls(**params, **extra) if extra else base
        except AccordError as exc:  # the model rejects this issue context
            failures.append(f"{len(idx)} issue(s) with {extra}: {exc.one_line()}")
            continue
        if not joint:
            sub = [issues[k] for k in idx]
            # A joint model that must see each issue alone gets them as draws of one issue.
            alone = cls.joint
            for batch in make_batches(sub, [caps[k] for k in idx], as_draws=alone):
                where = [idx[j] for j in batch.index]
                try:
                    result = model.run(batch.arrays, rng=seed, history=False)
                except AccordError as exc:
                    failures.append(
                        f"{', '.join(issues[k].issue for k in where)}: {exc.one_line()}"
                    )
                    continue
                forecast[where] = batch.forecasts(result.forecast)
            continue
        by_proposal: dict[str, list[int]] = defaultdict(list)
        for k in idx:
            by_proposal[issues[k].proposal].append(k)
        problems: list[ProposalProblem] = []
        for prop, where in by_proposal.items():
            try:
                problems.append(proposal_problem(prop, where, issues, caps, order))
            except AccordError as exc:
                failures.append(f"{', '.join(issues[k].issue for k in where)}: {exc.one_line()}")
        for jb in joint_batches(problems):
            try:
                result = model.run(jb.arrays, rng=seed, history=False)
            except AccordError as exc:
                where = [k for p in jb.problems for k in problems[p].index]
                failures.append(f"{', '.join(issues[k].issue for k in where)}: {exc.one_line()}")
                continue
            for d, p in enumerate(jb.problems):
                forecast[list(problems[p].index)] = result.forecast[d]
    seconds = time.perf_counter() - start
    dumped = base.params.model_dump(mode="json")
    return ModelRun(name, dumped, forecast, seconds, ctx, failures, joint=joint)
