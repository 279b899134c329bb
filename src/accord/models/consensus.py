"""The consensus of several models: per draw and issue, the median of their forecasts.

Combining forecasts from different methods is one of the steadiest findings of the forecasting
literature (Clemen 1989; Armstrong 2001): a combination is rarely much worse than its best
member and usually better than the average one, and no one knows in advance which member will
be best. The median is the combination used here because it is robust to one model that runs
off (bdm, smp and exchange can land far from the others) and, like every member, mirror
symmetric: with an even number of members it is the midpoint of the two middle forecasts.

:class:`Consensus` is a :class:`~accord.models.base.Model` like any other, so every analysis
that takes a model (Monte Carlo, the tornado, levers, process designs) takes the consensus too,
draws stacked as usual. Its result keeps every member's result
(:attr:`ConsensusResult.members`); the consensus itself has no rounds: its trajectory is the
input positions and, as the one "round" after them, every actor's median final position over
the members (what a later stage of a process design starts from); its series
``models_low``/``models_high`` are the lowest and highest member forecast (the spread across
models).

References: Clemen, R. T. (1989), "Combining forecasts: A review and annotated bibliography",
*International Journal of Forecasting* 5(4): 559-583. Armstrong, J. S. (2001), "Combining
forecasts", in *Principles of Forecasting*, Kluwer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import Field, field_validator

from accord.errors import AccordError
from accord.models.base import Model, Output, Params, Result, check_finite, non_finite_kept
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

NAME = "consensus"


class ConsensusParams(Params):
    """The member models by name, and the parameters of any member that has non-defaults."""

    models: tuple[str, ...] = Field(default=(), description="member model names; () = all")
    params: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="parameters per member name"
    )

    @field_validator("models")
    @classmethod
    def _unique(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError("a model is named twice")
        if NAME in v:
            raise ValueError("the consensus cannot be its own member")
        return v


@dataclass(frozen=True, eq=False)
class ConsensusResult(Result):
    """A consensus result: the median forecast, with every member's own result."""

    members: tuple[Result, ...] = ()

    def member(self, name: str) -> Result:
        """Return one member's result by model name."""
        for r in self.members:
            if r.model == name:
                return r
        raise KeyError(name)

    def to_dict(self, *, full: bool | None = None) -> dict[str, Any]:
        """Return a JSON-ready dict; ``members`` holds each member's own result."""
        out = super().to_dict(full=full)
        out["members"] = [r.to_dict(full=full) for r in self.members]
        return out


class Consensus(Model):
    """The median of several models' forecasts, per draw and issue (see the module docstring).

    Build it from model objects with :meth:`of`, or by name: ``Consensus(models=("bdm",
    "nash"))``; no names means every registered model with its defaults.
    """

    name = NAME
    summary = "The consensus: per draw and issue, the median of the member models' forecasts."
    reference = (
        "Forecast combination: Clemen (1989), Int. J. Forecasting 5(4); Armstrong (2001), "
        "Principles of Forecasting."
    )
    Parameters = ConsensusParams

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        from accord.models import registry

        p: ConsensusParams = self.params  # type: ignore[assignment]
        names = p.models or tuple(registry.names())
        unknown = sorted(set(p.params) - set(names))
        if unknown:
            raise AccordError(f"parameters given for '{unknown[0]}', which is not a member")
        # Record the members resolved, so that provenance names them whatever the registry.
        self.params = ConsensusParams(models=tuple(names), params=p.params)
        self.members: tuple[Model, ...] = tuple(
            registry.model_class(n)(**p.params.get(n, {})) for n in names
        )
        # What the consensus can respond to is what its members can (instance values of the
        # class-level flags every model declares).
        setattr(self, "joint", any(type(m).joint for m in self.members))  # noqa: B010
        setattr(  # noqa: B010
            self,
            "aggregation_consistent",
            all(type(m).aggregation_consistent for m in self.members),
        )
        setattr(  # noqa: B010
            self, "indifferent_neutral", all(type(m).indifferent_neutral for m in self.members)
        )

    @classmethod
    def of(cls, models: Sequence[Model]) -> Consensus:
        """Return the consensus of these model objects (their parameters kept)."""
        if not models:
            raise AccordError("a consensus needs at least one model")
        defaults = {m.name: type(m).Parameters().model_dump(mode="json") for m in models}
        params = {
            m.name: m.params.model_dump(mode="json")
            for m in models
            if m.params.model_dump(mode="json") != defaults[m.name]
        }
        return cls(models=tuple(m.name for m in models), params=params)

    @property
    def member_names(self) -> tuple[str, ...]:
        """Return the members' names, in order."""
        return tuple(m.name for m in self.members)

    def __repr__(self) -> str:
        return f"Consensus(models={self.member_names!r})"

    def run(
        self,
        data: Scenario | ScenarioArrays,
        rng: int | np.random.Generator | None = None,
        *,
        finite: bool = True,
        history: bool = True,
    ) -> ConsensusResult:
        """Run every member with the same seed (as each would run alone); return the median.

        A member whose forecast is not finite raises (naming the member) unless ``finite`` is
        False; then the consensus of that draw and issue is NaN too. ``history`` is passed on
        to the members.
        """
        results = tuple(m.run(data, rng=rng, finite=finite, history=history) for m in self.members)
        # provenance and shapes; the members' forecasts replace the placeholder
        base = super().run(data, rng=rng, finite=False, history=history)
        combined = _combine(results)
        if finite and not non_finite_kept():
            check_finite(self.name, base.issue_ids, combined["forecast"])
        return ConsensusResult(**{**base.__dict__, **combined}, members=results)

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return the members' costs added up (memory: the largest member plus the results)."""
        costs = [m.cost(n, k, d) for m in self.members]
        ops = sum(c.seconds for c in costs) * self.ops_per_second
        peak = max(c.bytes for c in costs) + 8.0 * len(costs) * d * n * k
        return (
            ops,
            peak,
            "the sum of the members' costs: " + "; ".join(f"{c.model}: {c.formula}" for c in costs),
        )

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        # Placeholder shapes only: :meth:`run` replaces forecast and series with the members'.
        d, k = arrays.position.shape[0], arrays.n_issues
        return Output(
            trajectory=arrays.position[None],
            forecast=np.zeros((d, k)),
            rounds=np.zeros((d, k), dtype=np.int64),
            converged=np.ones((d, k), dtype=np.bool_),
        )


def _combine(results: Sequence[Result]) -> Mapping[str, Any]:
    stack = np.stack([np.asarray(r.forecast) for r in results])  # (M, D, K)
    forecast = median(stack)
    low, high = stack.min(axis=0), stack.max(axis=0)
    converged = np.logical_and.reduce([np.asarray(r.converged) for r in results])
    start = np.asarray(results[0].trajectory[0])
    final = median(np.stack([np.asarray(r.trajectory[-1]) for r in results]))
    out: dict[str, Any] = {
        "trajectory": _frozen(np.stack([start, final])),
        "forecast": _frozen(forecast),
        "rounds": _frozen(np.ones(forecast.shape, dtype=np.int64)),
        "converged": _frozen(converged),
        "series": {
            "models_low": _frozen(np.stack([low, low])),
            "models_high": _frozen(np.stack([high, high])),
        },
        "diagnostics": {"members": [r.model for r in results]},
    }
    return out


def median(stack: np.ndarray) -> np.ndarray:
    """Return the median over axis 0 (NaN where any value is NaN), without overflow.

    With an even number of members it is the midpoint of the two middle values, computed as
    half of each so that two forecasts near +/-1.8e308 do not overflow.
    """
    m = stack.shape[0]
    ordered = np.sort(stack, axis=0)  # NaN sorts last
    out = ordered[m // 2] if m % 2 else 0.5 * ordered[m // 2 - 1] + 0.5 * ordered[m // 2]
    return np.where(np.isnan(stack).any(axis=0), np.nan, out)


def _frozen(a: np.ndarray) -> np.ndarray:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


def consensus_of(models: Sequence[Model]) -> Model:
    """Return the one model itself, or the consensus of several."""
    return models[0] if len(models) == 1 else Consensus.of(models)
