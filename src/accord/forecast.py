"""Run one or several registered models on a scenario: the API behind ``accord run``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.errors import AccordError
from accord.formatting import per_issue, short_title
from accord.models import registry
from accord.models.base import Model, Result
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

ALL = "all"
DEFAULT_MODELS: tuple[str, ...] = (ALL,)
"""The models of every command unless ``--model`` names some: all registered models, led by
their consensus (:class:`~accord.models.consensus.Consensus`, the median of their forecasts).
See ``docs/bottom-line.md``."""
FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`Forecast.to_dict`, the body of ``accord run --json``
(which adds ``bottom_line`` and, with ``--deal``, ``deal``; schema in ``docs/json/``)."""
ROUND_PARAMS = ("rounds", "max_turns")
"""Parameter names that mean "the most rounds to run", across models."""


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``key=value`` strings (values are validated later by each model's parameters)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AccordError(f"parameter '{pair}' is not of the form key=value")
        out[key.strip()] = value.strip()
    return out


def build_models(
    names: Sequence[str],
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
) -> list[Model]:
    """Instantiate models by name (``"all"`` = every registered model).

    ``params`` go to every model that has a parameter of that name; a parameter that no chosen
    model knows is an error. ``rounds`` sets each model's round limit where it has one.
    """
    chosen = registry.names() if ALL in names else list(dict.fromkeys(names))
    params = dict(params or {})
    if rounds is not None and rounds < 1:
        raise AccordError(f"--rounds must be at least 1, got {rounds}")
    used: set[str] = set()
    models = []
    for name in chosen:
        cls = registry.model_class(name)
        fields = cls.Parameters.model_fields
        mine = {k: v for k, v in params.items() if k in fields}
        used.update(mine)
        if rounds is not None:
            for key in ROUND_PARAMS:
                if key in fields:
                    mine[key] = rounds
        models.append(cls(**mine))
    unused = sorted(set(params) - used)
    if unused:
        raise AccordError(
            f"parameter '{unused[0]}' is not used by any chosen model ({', '.join(chosen)})"
        )
    return models


def build_lead(
    names: Sequence[str] = DEFAULT_MODELS,
    params: Mapping[str, Any] | None = None,
    rounds: int | None = None,
) -> Model:
    """Return the one model an analysis runs: the model named, or the consensus of several.

    Monte Carlo, sensitivity, levers and design comparisons all follow this policy, so that by
    default they analyse the same consensus the bottom line reports.
    """
    from accord.models.consensus import consensus_of

    return consensus_of(build_models(names, params, rounds))


@dataclass(frozen=True)
class Forecast:
    """The results of several models on one scenario."""

    scenario: Scenario
    results: tuple[Result, ...]

    def __repr__(self) -> str:
        rows = ", ".join(
            f"{r.model}={per_issue(self.scenario.issue_ids, r.forecast[0])}" for r in self.results
        )
        return f"Forecast({short_title(self.scenario.title)!r}, {rows})"

    @property
    def models(self) -> tuple[str, ...]:
        """Return the models' names, in order."""
        return tuple(r.model for r in self.results)

    def result(self, model: str) -> Result:
        """Return one model's result by name."""
        for r in self.results:
            if r.model == model:
                return r
        raise KeyError(model)

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per model, draw and issue (see :meth:`Result.to_frame`)."""
        import pandas as pd

        return pd.concat([r.to_frame() for r in self.results], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        s = self.scenario
        return {
            "format_version": FORMAT_VERSION,
            "scenario": {
                "title": s.title,
                "date": s.date.isoformat() if s.date else None,
                "hash": s.content_hash(),
                "actors": list(s.actor_ids),
                "issues": list(s.issue_ids),
            },
            "results": [r.to_dict() for r in self.results],
        }


def forecast(scenario: Scenario, models: Sequence[Model], seed: int | None = None) -> Forecast:
    """Run every model on the scenario with the same seed."""
    return Forecast(scenario, tuple(m.run(scenario, rng=seed) for m in models))
