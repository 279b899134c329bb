"""Run registered models on every DEU issue and collect one forecast per issue and model.

Models are looked up in the registry by name and run with their default parameters, except for
*context parameters*: a model whose parameters declare a field named in :data:`CONTEXT` gets the
issue's value for it: ``decision_rule`` (``"qmv"`` or ``"unanimity"``), ``procedure``
(``"cod"``, ``"cns"``), ``agenda_setter`` (the Commission's actor id, ``"com"``) and
``co_legislator`` (the Parliament's, ``"ep"``), where the issue has them. This is how a general
model learns DEU roles without the backtest naming models. Issues are batched (see
:mod:`accord.backtest.convert`) separately for each combination of context values.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.backtest.convert import make_batches
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


@dataclass
class ModelRun:
    """One model's forecasts (NaN where it gave none), time taken and failures."""

    name: str
    params: dict[str, Any]
    forecast: np.ndarray
    seconds: float
    context: tuple[str, ...] = ()
    failures: list[str] = field(default_factory=list)


def run_model(
    name: str,
    issues: Sequence[DeuIssue],
    capabilities: Sequence[Sequence[float]],
    seed: int = 0,
    params: dict[str, Any] | None = None,
) -> ModelRun:
    """Run one registered model on every issue.

    A model that raises :class:`AccordError` on a batch gets NaN forecasts for its issues and the
    message is recorded in :attr:`ModelRun.failures`.
    """
    cls = registry.model_class(name)
    params = dict(params or {})
    ctx = tuple(k for k in CONTEXT if k in cls.Parameters.model_fields and k not in params)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for k, issue in enumerate(issues):
        groups[tuple(CONTEXT[c](issue) for c in ctx)].append(k)
    forecast = np.full(len(issues), np.nan)
    failures: list[str] = []
    start = time.perf_counter()
    base = cls(**params)
    for values, idx in sorted(groups.items(), key=lambda kv: kv[1][0]):
        extra = {c: v for c, v in zip(ctx, values, strict=True) if v is not None}
        try:
            model = cls(**params, **extra) if extra else base
        except AccordError as exc:  # the model rejects this issue context
            failures.append(f"{len(idx)} issue(s) with {extra}: {exc.one_line()}")
            continue
        sub = [issues[k] for k in idx]
        for batch in make_batches(sub, [capabilities[k] for k in idx], as_draws=cls.joint):
            where = [idx[j] for j in batch.index]
            try:
                result = model.run(batch.arrays, rng=seed)
            except AccordError as exc:
                failures.append(f"{', '.join(issues[k].issue for k in where)}: {exc.one_line()}")
                continue
            forecast[where] = batch.forecasts(result.forecast)
    seconds = time.perf_counter() - start
    return ModelRun(name, base.params.model_dump(mode="json"), forecast, seconds, ctx, failures)
