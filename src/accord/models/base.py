"""One API for every bargaining model.

A model object holds only validated parameters. ``model.run(scenario, rng=...)`` returns an
immutable :class:`Result`. Models work on :class:`~accord.scenario.arrays.ScenarioArrays`
batched over draws; a model that treats issues one at a time (compromise, median, BDM ...)
subclasses :class:`PerIssueModel` and sees a flat batch of (draw, issue) problems, so that
draws and issues are vectorised together.

Models never read files, print or plot.
"""

from __future__ import annotations

import inspect
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, ValidationError

from accord import __version__
from accord.errors import AccordError
from accord.formatting import per_issue
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
DEFAULT_SEED = 0


class Params(BaseModel):
    """Base class of model parameters: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NoParams(Params):
    """A model without parameters."""


@dataclass(frozen=True)
class Event:
    """Something that happened during a run (an offer made, a bargain struck ...).

    ``draw`` and ``issue`` locate it; ``actor`` is who acted or moved, ``counterpart`` whom it
    dealt with; ``kind`` names the branch taken; ``detail`` holds the numbers behind it.
    """

    round: int
    draw: int
    issue: str
    actor: str
    counterpart: str
    kind: str
    accepted: bool
    position_from: float
    position_to: float
    detail: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "round": self.round,
            "draw": self.draw,
            "issue": self.issue,
            "actor": self.actor,
            "counterpart": self.counterpart,
            "kind": self.kind,
            "accepted": self.accepted,
            "position_from": self.position_from,
            "position_to": self.position_to,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True)
class Provenance:
    """What produced a result: enough to reproduce it exactly."""

    model: str
    params: Mapping[str, Any]
    seed: int | None
    input_hash: str
    accord_version: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "model": self.model,
            "params": dict(self.params),
            "seed": self.seed,
            "input_hash": self.input_hash,
            "accord_version": self.accord_version,
        }


def _readonly(a: Any, dtype: Any = np.float64) -> NDArray[Any]:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class Output:
    """What a model's array computation returns (before provenance is attached).

    trajectory : (rounds + 1, draws, actors, issues) positions; row 0 is the input.
        After a draw has converged its last state is repeated.
    forecast : (draws, issues)
    rounds : (draws, issues) rounds actually taken before stopping
    converged : (draws, issues) whether the stopping rule was met (not the round limit)
    series : per-round summaries, each (rounds + 1, draws, issues), e.g. "median", "mean"
    """

    trajectory: FloatArray
    forecast: FloatArray
    rounds: NDArray[np.int64]
    converged: NDArray[np.bool_]
    series: Mapping[str, FloatArray] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    diagnostics: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Result:
    """The immutable outcome of ``model.run``. Arrays are read-only."""

    model: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    trajectory: FloatArray
    forecast: FloatArray
    rounds: NDArray[np.int64]
    converged: NDArray[np.bool_]
    series: Mapping[str, FloatArray]
    events: tuple[Event, ...]
    diagnostics: Mapping[str, Any]
    provenance: Provenance

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A dataclass subclass (ConsensusResult) would get a generated repr that prints every
        # array; giving it this short one first keeps the decorator from writing its own.
        super().__init_subclass__(**kwargs)
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result.__repr__  # type: ignore[method-assign]

    def __repr__(self) -> str:
        what = "forecast" if self.n_draws == 1 else "first_draw"
        members = tuple(getattr(self, "members", ()))
        with_members = f", members={tuple(r.model for r in members)!r}" if members else ""
        return (
            f"{type(self).__name__}(model={self.model!r}, draws={self.n_draws}, "
            f"issues={len(self.issue_ids)}{with_members}, "
            f"{what}={per_issue(self.issue_ids, self.forecast[0])})"
        )

    @property
    def n_draws(self) -> int:
        """Return the number of draws."""
        return int(self.forecast.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per draw and issue.

        Columns: ``draw``, ``issue``, ``forecast``, ``rounds``, ``converged``, ``model``.
        """
        import pandas as pd

        d, k = self.forecast.shape
        return pd.DataFrame(
            {
                "draw": np.repeat(np.arange(d), k),
                "issue": np.tile(np.array(self.issue_ids, dtype=object), d),
                "forecast": self.forecast.reshape(-1),
                "rounds": self.rounds.reshape(-1),
                "converged": self.converged.reshape(-1),
                "model": self.model,
            }
        )

    @property
    def final_positions(self) -> FloatArray:
        """Return every actor's last position, (draws, actors, issues)."""
        return self.trajectory[-1]

    def forecast_of(self, issue_id: str, draw: int = 0) -> float:
        """Return the forecast of one issue (first draw by default)."""
        return float(self.forecast[draw, self.issue_ids.index(issue_id)])

    def to_dict(self, *, full: bool | None = None) -> dict[str, Any]:
        """Return a JSON-ready dict.

        ``full`` includes trajectories, series and events; by default only for a single draw.
        """
        full = self.n_draws == 1 if full is None else full
        out: dict[str, Any] = {
            "model": self.model,
            "provenance": self.provenance.to_dict(),
            "actors": list(self.actor_ids),
            "issues": list(self.issue_ids),
            "forecast": {iss: _tolist(self.forecast[:, k]) for k, iss in enumerate(self.issue_ids)},
            "rounds": {iss: _tolist(self.rounds[:, k]) for k, iss in enumerate(self.issue_ids)},
            "converged": {
                iss: _tolist(self.converged[:, k]) for k, iss in enumerate(self.issue_ids)
            },
            "diagnostics": _jsonable(dict(self.diagnostics)),
        }
        if full:
            out["trajectory"] = {
                iss: {
                    actor: _tolist(self.trajectory[:, :, a, k].T)
                    for a, actor in enumerate(self.actor_ids)
                }
                for k, iss in enumerate(self.issue_ids)
            }
            out["series"] = {
                name: {iss: _tolist(arr[:, :, k].T) for k, iss in enumerate(self.issue_ids)}
                for name, arr in self.series.items()
            }
            out["events"] = [e.to_dict() for e in self.events]
        return out

    def to_json(self, **kwargs: Any) -> str:
        """Return :meth:`to_dict` as deterministic JSON text."""
        return json.dumps(self.to_dict(**kwargs), sort_keys=True, indent=2, allow_nan=False)


def _nan_to_none(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _tolist(a: NDArray[Any]) -> Any:
    """Return a nested list (NaN as None), a single draw unwrapped to a scalar or flat list."""
    value = np.asarray(a)
    if value.dtype.kind == "f":
        value = np.round(value, 10)
    if value.ndim >= 1 and value.shape[0] == 1:
        value = value[0]
    return _nan_to_none(value.tolist())


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _tolist(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def as_arrays(data: Scenario | ScenarioArrays) -> ScenarioArrays:
    """Return the arrays of a scenario (or the arrays themselves)."""
    if isinstance(data, Scenario):
        return data.to_arrays()
    if isinstance(data, ScenarioArrays):
        return data
    raise TypeError(f"expected a Scenario or ScenarioArrays, got {type(data).__name__}")


def make_rng(rng: int | np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    """Return a generator and the seed to record (None when a generator was passed in)."""
    if isinstance(rng, np.random.Generator):
        return rng, None
    seed = DEFAULT_SEED if rng is None else int(rng)
    if seed < 0:
        raise AccordError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(seed), seed


def parameters_signature(parameters: type[Params]) -> inspect.Signature:
    """Return the signature of a model built from ``parameters``: keyword-only, with defaults."""
    return inspect.Signature(
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=info.get_default(call_default_factory=True),
                annotation=info.annotation,
            )
            for name, info in parameters.model_fields.items()
        ]
    )


def with_parameters_doc(doc: str | None, parameters: type[Params]) -> str:
    """Return a model's docstring followed by its parameters: name, default and description.

    The descriptions are the parameters class's docstring (past its first line) and each
    field's ``description``.
    """
    fields = parameters.model_fields
    if not fields:
        return doc or ""
    lines = ["", "", f"Parameters (keyword arguments, checked by ``{parameters.__name__}``):", ""]
    for name, info in fields.items():
        default = info.get_default(call_default_factory=True)
        text = f" -- {info.description}" if info.description else ""
        lines.append(f"- ``{name}`` = ``{default!r}``{text}")
    own = inspect.cleandoc(parameters.__doc__ or "").partition("\n")[2].strip()
    if own and own != inspect.cleandoc(Params.__doc__ or ""):
        lines += ["", own]
    return inspect.cleandoc(doc or "") + "\n".join(lines)


class Model(ABC):
    """A bargaining model. Subclasses set the class attributes and implement :meth:`_run`."""

    name: ClassVar[str]
    summary: ClassVar[str]
    reference: ClassVar[str]
    Parameters: ClassVar[type[Params]] = NoParams
    joint: ClassVar[bool] = False
    """True when the model solves all issues jointly (a multi-dimensional space)."""
    aggregation_consistent: ClassVar[bool] = False
    """True when the forecast pools positions linearly, so that a forum's adopted outcome
    weighs exactly as its members did (staging cannot change the forecast)."""
    indifferent_neutral: ClassVar[bool] = True
    """True when an actor with salience 0 on an issue cannot move the forecast of that issue,
    wherever its position (checked for every model by the shared model tests). A joint model
    needs it to see issues that involve different actors as one problem (the DEU backtest)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The parameters are keyword arguments validated by ``cls.Parameters``: show them in
        # ``inspect.signature(cls)`` and ``help(cls)`` as if ``__init__`` declared them.
        super().__init_subclass__(**kwargs)
        setattr(cls, "__signature__", parameters_signature(cls.Parameters))  # noqa: B010
        cls.__doc__ = with_parameters_doc(cls.__doc__, cls.Parameters)

    def __init__(self, **params: Any) -> None:
        try:
            self.params = self.Parameters(**params)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or None
            raise AccordError(
                f"bad parameter for model '{self.name}': {err['msg']}", where=where
            ) from None

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.model_dump().items())
        return f"{type(self).__name__}({args})"

    @property
    def member_names(self) -> tuple[str, ...]:
        """Return the models behind this one's forecast: itself (a consensus: its members)."""
        return (self.name,)

    def run(
        self, data: Scenario | ScenarioArrays, rng: int | np.random.Generator | None = None
    ) -> Result:
        """Run the model on a scenario (or on batched arrays) and return its result."""
        arrays = as_arrays(data)
        generator, seed = make_rng(rng)
        out = self._run(arrays, generator)
        input_hash = data.content_hash()
        return Result(
            model=self.name,
            actor_ids=arrays.actor_ids,
            issue_ids=arrays.issue_ids,
            trajectory=_readonly(out.trajectory),
            forecast=_readonly(out.forecast),
            rounds=_readonly(out.rounds, np.int64),
            converged=_readonly(out.converged, np.bool_),
            series={k: _readonly(v) for k, v in out.series.items()},
            events=tuple(out.events),
            diagnostics=dict(out.diagnostics),
            provenance=Provenance(
                model=self.name,
                params=self.params.model_dump(mode="json"),
                seed=seed,
                input_hash=input_hash,
                accord_version=__version__,
            ),
        )

    @abstractmethod
    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """Compute on arrays; pure NumPy, no I/O."""


@dataclass(frozen=True, eq=False)
class IssueBatch:
    """A flat batch of one-issue problems: row b is (draw, issue) = divmod(b, issues).

    capability, position, salience : (batch, actors); lo, hi, status_quo : (batch,)
    """

    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    lo: FloatArray
    hi: FloatArray
    status_quo: FloatArray
    record_events: bool

    @property
    def weight(self) -> FloatArray:
        """Return capability x salience, (batch, actors)."""
        return self.capability * self.salience


@dataclass(frozen=True)
class KernelEvent:
    """An event as a one-issue kernel records it: indices instead of ids.

    ``row`` is the batch row; ``actor``/``counterpart`` are actor indices (-1 for none).
    """

    round: int
    row: int
    actor: int
    counterpart: int
    kind: str
    accepted: bool
    position_from: float
    position_to: float
    detail: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class IssueOutput:
    """What a one-issue kernel returns for a batch (see :class:`Output` for meanings).

    trajectory : (rounds + 1, batch, actors); forecast, rounds, converged : (batch,);
    series : name -> (rounds + 1, batch); events : :class:`KernelEvent` records.
    """

    trajectory: FloatArray
    forecast: FloatArray
    rounds: NDArray[np.int64]
    converged: NDArray[np.bool_]
    series: Mapping[str, FloatArray] = field(default_factory=dict)
    events: tuple[KernelEvent, ...] = ()
    diagnostics: Mapping[str, Any] = field(default_factory=dict)


class PerIssueModel(Model):
    """A model that solves each issue on its own; draws and issues form one flat batch."""

    record_events_up_to: ClassVar[int] = 1
    """Record events only when the run has at most this many draws (they are costly)."""

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        d, n, k = arrays.n_draws, arrays.n_actors, arrays.n_issues
        batch = IssueBatch(
            capability=np.repeat(arrays.capability, k, axis=0),
            position=arrays.position.transpose(0, 2, 1).reshape(d * k, n),
            salience=arrays.salience.transpose(0, 2, 1).reshape(d * k, n),
            lo=np.tile(arrays.scale_min, d),
            hi=np.tile(arrays.scale_max, d),
            status_quo=np.tile(arrays.status_quo, d),
            record_events=d <= self.record_events_up_to,
        )
        out = self._solve(batch, rng)
        t = out.trajectory.shape[0]
        ids = arrays.actor_ids
        events = tuple(
            Event(
                round=e.round,
                draw=e.row // k,
                issue=arrays.issue_ids[e.row % k],
                actor=ids[e.actor],
                counterpart=ids[e.counterpart] if e.counterpart >= 0 else "",
                kind=e.kind,
                accepted=e.accepted,
                position_from=e.position_from,
                position_to=e.position_to,
                detail=dict(e.detail),
            )
            for e in out.events
        )
        return Output(
            trajectory=out.trajectory.reshape(t, d, k, n).transpose(0, 1, 3, 2),
            forecast=out.forecast.reshape(d, k),
            rounds=out.rounds.reshape(d, k),
            converged=out.converged.reshape(d, k),
            series={name: s.reshape(s.shape[0], d, k) for name, s in out.series.items()},
            events=events,
            diagnostics={
                name: (v.reshape(d, k) if isinstance(v, np.ndarray) and v.shape == (d * k,) else v)
                for name, v in out.diagnostics.items()
            },
        )

    @abstractmethod
    def _solve(self, batch: IssueBatch, rng: np.random.Generator) -> IssueOutput:
        """Solve a flat batch of one-issue problems."""


def static_output(batch: IssueBatch, forecast: FloatArray, **series: FloatArray) -> IssueOutput:
    """Return the output of a one-shot model: no rounds, positions unchanged."""
    b = batch.position.shape[0]
    return IssueOutput(
        trajectory=batch.position[None, :, :],
        forecast=forecast,
        rounds=np.zeros(b, dtype=np.int64),
        converged=np.ones(b, dtype=np.bool_),
        series={name: s[None, :] for name, s in series.items()},
    )
