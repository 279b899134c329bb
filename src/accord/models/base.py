"""One API for every bargaining model.

A model object holds only validated parameters. ``model.run(scenario, rng=...)`` returns an
immutable :class:`Result`. Models work on :class:`~accord.scenario.arrays.ScenarioArrays`
batched over draws; a model that treats issues one at a time (compromise, median, BDM ...)
subclasses :class:`PerIssueModel` and sees a flat batch of (draw, issue) problems, so that
draws and issues are vectorised together.

Models never read files, print or plot.

What every model gets from :meth:`Model.run`, whatever its own code does:

- **Safe units.** A draw whose largest capability lies outside 2^-20..2^20 has its capabilities
  multiplied by a power of two that brings the largest to that band (an exact operation: every
  model but ``smp`` depends only on ratios of capabilities, and ``smp`` uses values inside the
  band as given). An issue whose scale reaches beyond 2^64 in magnitude (or lies entirely within
  2^-64 of zero) is computed with every position of the issue multiplied by a power of two
  (again exact) and the results mapped back. So capabilities of 1e308 or a scale of +/-1e308
  give the forecast they would give on ordinary numbers, not an overflow.
- **Inside the scale.** Forecasts, trajectories and series are clipped to their issue's scale
  (a weighted mean of positions that all sit at 2015 is 2015, not 2014.9999999999998).
- **Finite or an error.** A forecast that is not a finite number is never returned as a
  success: :meth:`Model.run` raises :class:`NonFiniteForecast` (an :class:`AccordError` naming
  the model, the issue and the draw). Callers that count such draws themselves (Monte Carlo,
  the deal-aware forecast, design comparisons) pass ``finite=False`` or use
  :func:`keep_non_finite`.
- **Final state only.** ``run(..., history=False)`` tells the model that the caller reads only
  the final state (forecast, rounds, convergence, the first and last rows of the trajectory),
  as Monte Carlo and design sweeps do. A model may then skip its per-round series and
  per-round diagnostics and return only the first and last rows of its trajectory
  (:func:`history_wanted` says which was asked); everything it does return is identical to a
  full run (a shared model check asserts it).
- **Cost.** :meth:`Model.cost` estimates the work and memory of a run from the numbers of
  actors, issues and draws, so that a server can refuse or queue big jobs.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, ValidationError

from accord import __version__, jsonsafe
from accord.errors import AccordError
from accord.formatting import per_issue
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
DEFAULT_SEED = 0
CAPABILITY_BAND = 20
"""A draw whose largest capability lies outside 2^-CAPABILITY_BAND..2^CAPABILITY_BAND is computed
with its capabilities multiplied by a power of two that brings the largest just inside."""
POSITION_BAND = 64
"""An issue whose largest scale bound (in magnitude) lies outside 2^-POSITION_BAND..
2^POSITION_BAND is computed with its positions multiplied by a power of two that brings it to
[1, 2), and mapped back."""
SECONDS_WARNING = 60.0
"""Estimated seconds above which the command line warns before a run (see :meth:`Model.cost`)."""

_KEEP_NON_FINITE: ContextVar[bool] = ContextVar("accord_keep_non_finite", default=False)
_HISTORY: ContextVar[bool] = ContextVar("accord_history", default=True)


class NonFiniteForecast(AccordError):
    """A model gave a forecast that is not a finite number (see :meth:`Model.run`).

    ``model``, ``issue`` (id) and ``draw`` locate the first such forecast; ``count`` is the
    number of draws with one, of ``draws``.
    """

    def __init__(self, model: str, issue: str, draw: int, count: int, draws: int) -> None:
        self.model, self.issue, self.draw, self.count, self.draws = model, issue, draw, count, draws
        where = f" in draw {draw} ({count} of {draws} draws have one)" if draws > 1 else ""
        super().__init__(
            f"model '{model}' gave no finite forecast for issue '{issue}'{where}: its inputs "
            "are beyond what it can compute (check capabilities, saliences and scales for "
            "extreme values)"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.model, self.issue, self.draw, self.count, self.draws))


@contextmanager
def keep_non_finite() -> Iterator[None]:
    """Within this block :meth:`Model.run` returns non-finite forecasts instead of raising.

    For callers that count and report such draws themselves (design comparisons on draws run
    their models through code that does not pass ``finite=False``).
    """
    token = _KEEP_NON_FINITE.set(True)
    try:
        yield
    finally:
        _KEEP_NON_FINITE.reset(token)


def non_finite_kept() -> bool:
    """Return whether the caller is inside :func:`keep_non_finite`."""
    return _KEEP_NON_FINITE.get()


def history_wanted() -> bool:
    """Return whether the run in progress wants per-round series and diagnostics.

    False inside ``Model.run(..., history=False)``: a model's ``_run`` may then leave them out
    (see the module doc, "Final state only").
    """
    return _HISTORY.get()


def invalid_draws(forecast: FloatArray) -> NDArray[np.bool_]:
    """Return, per draw, whether some issue's forecast is not finite: (D, K) -> (D,)."""
    return np.asarray(~np.isfinite(np.asarray(forecast)).all(axis=-1))


def invalid_draws_message(
    bad: NDArray[np.bool_], forecasts: FloatArray, issue_ids: Sequence[str], what: str = ""
) -> str:
    """Return "N of M draws gave no finite forecast (first: draw d, issue 'k') ...".

    ``bad`` (D,) marks the draws without a finite forecast in ``forecasts`` (D, K); ``what``
    is added after "forecast" (e.g. " with model 'bdm'"). The message says how to drop them.
    """
    first = int(np.flatnonzero(bad)[0])
    issue = issue_ids[int(np.flatnonzero(~np.isfinite(forecasts[first]))[0])]
    head = (
        f"{int(bad.sum()):,} of {bad.size:,} draws gave no finite forecast{what} (first: draw "
        f"{first}, issue '{issue}')"
    )
    if bad.all():
        return f"{head}: there is nothing to summarise; check the ranges for extreme values"
    return (
        f"{head}: the model cannot compute with the inputs drawn there (check the ranges for "
        "extreme values); to leave such draws out and summarise the others, pass "
        "drop_invalid=True (accord mc --drop-invalid)"
    )


def check_finite(model: str, issue_ids: tuple[str, ...], forecast: FloatArray) -> None:
    """Raise :class:`NonFiniteForecast` at the first draw and issue whose forecast is not finite."""
    bad = ~np.isfinite(np.asarray(forecast))
    if bad.any():
        draw, issue = (int(i) for i in np.argwhere(bad)[0])
        count = int(bad.any(axis=-1).sum())
        raise NonFiniteForecast(model, issue_ids[issue], draw, count, int(bad.shape[0]))


@dataclass(frozen=True)
class Cost:
    """What a run is estimated to cost (see :meth:`Model.cost`).

    ``operations`` counts elementary array operations (multiply-adds, comparisons) by the
    formula in ``formula``; ``bytes`` is the peak working memory (the arrays held at once,
    including the result); ``seconds`` is ``operations`` divided by the model's measured rate
    on the development machine (2 shared cores), good to a factor of about 2-3.
    """

    model: str
    n_actors: int
    n_issues: int
    draws: int
    operations: float
    bytes: float
    seconds: float
    formula: str

    def __add__(self, other: Cost) -> Cost:
        """Return the cost of running both, one after the other (memory: the larger)."""
        return Cost(
            model=f"{self.model}+{other.model}",
            n_actors=self.n_actors,
            n_issues=self.n_issues,
            draws=self.draws,
            operations=self.operations + other.operations,
            bytes=max(self.bytes, other.bytes),
            seconds=self.seconds + other.seconds,
            formula=f"{self.formula}; {other.formula}",
        )

    def describe(self) -> str:
        """Return the estimate in words: about 3 min and 1.2 GB."""
        return f"about {_duration(self.seconds)} and {_size(self.bytes)}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return dict(self.__dict__)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def _size(n: float) -> str:
    for unit, step in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= step:
            return f"{n / step:.1f} {unit}"
    return f"{n:.0f} bytes"


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


T = TypeVar("T")
U = TypeVar("U")


class LazyEvents(Sequence[T], Generic[T]):
    """A run's events, built by ``build`` when first read (a model that stores what it needs).

    Reads like the tuple it builds (``len``, indexing, iteration, ``== ()``); :meth:`map`
    chains a conversion that runs when the events are read; pickling sends the built tuple.
    """

    def __init__(self, build: Callable[[], Iterable[T]]) -> None:
        self._build: Callable[[], Iterable[T]] | None = build
        self._items: tuple[T, ...] | None = None

    @property
    def built(self) -> bool:
        """Return whether the events have been built."""
        return self._items is not None

    def items(self) -> tuple[T, ...]:
        """Return the events as a tuple, building them on the first call."""
        if self._items is None:
            assert self._build is not None
            self._items = tuple(self._build())
            self._build = None
        return self._items

    def map(self, fn: Callable[[T], U]) -> LazyEvents[U]:
        """Return the events converted by ``fn``, still built only when read."""
        return LazyEvents(lambda: (fn(e) for e in self.items()))

    def __len__(self) -> int:
        return len(self.items())

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.items()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyEvents):
            other = other.items()
        return isinstance(other, tuple) and self.items() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.items()) if self._items is not None else "LazyEvents(<not built>)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.items(),))


def map_events(events: Sequence[T], fn: Callable[[T], U]) -> Sequence[U]:
    """Return ``events`` converted by ``fn``: lazily for :class:`LazyEvents`, else a tuple."""
    if isinstance(events, LazyEvents):
        return events.map(fn)
    return tuple(fn(e) for e in events)


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
    events: Sequence[Event] = ()
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
    events: Sequence[Event]
    """A tuple, or a :class:`LazyEvents` that builds them when first read (same reading)."""
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
        return jsonsafe.dumps(self.to_dict(**kwargs))


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
    """Return the arrays of a scenario (or the arrays themselves).

    A scenario that still holds unreviewed draft values (``accord draft``) is refused, naming
    the first: review them, or take them as they are with :meth:`Scenario.accept_drafts`
    (``--allow-draft`` on the command line).
    """
    if isinstance(data, Scenario):
        refuse_draft_values(data)
        return data.to_arrays()
    if isinstance(data, ScenarioArrays):
        return data
    raise TypeError(f"expected a Scenario or ScenarioArrays, got {type(data).__name__}")


def refuse_draft_values(scenario: Scenario) -> None:
    """Raise an :class:`AccordError` if the scenario still holds values marked draft."""
    from accord.scenario.drafts import draft_cells

    cells = list(draft_cells(scenario))
    if cells:
        more = f" (and {len(cells) - 1} more)" if len(cells) > 1 else ""
        raise AccordError(
            f"{scenario.title}: unreviewed draft value: the {cells[0].label()} is still marked "
            f"draft{more}; review each value, or take them as they are with "
            "scenario.accept_drafts() (--allow-draft on the command line)"
        )


def make_rng(rng: int | np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    """Return a generator and the seed to record (None when a generator was passed in)."""
    if isinstance(rng, np.random.Generator):
        return rng, None
    seed = DEFAULT_SEED if rng is None else int(rng)
    if seed < 0:
        raise AccordError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(seed), seed


def _band_shift(top: FloatArray, band: int) -> NDArray[np.int64]:
    """Return per entry the power of two that brings ``top`` inside 2^-band..2^band (else 0).

    Entries above the band move to [2^(band-1), 2^band), entries below it (but > 0) to
    [2^-band, 2^(1-band)); zeros, non-finite values and entries inside the band get 0.
    """
    top = np.asarray(top, dtype=np.float64)
    ok = np.isfinite(top) & (top > 0)
    exponent = np.frexp(np.where(ok, top, 1.0))[1]  # top in [2^(e-1), 2^e)
    shift = np.where(exponent > band, band - exponent, 0)
    shift = np.where(exponent < 1 - band, 1 - band - exponent, shift)
    return np.asarray(np.where(ok, shift, 0), dtype=np.int64)


def safe_units(arrays: ScenarioArrays) -> tuple[ScenarioArrays, NDArray[np.int64]]:
    """Return the arrays a model computes on, and each issue's position shift (a power of two).

    Capabilities of a draw whose largest lies outside 2^-20..2^20 are multiplied by a power of
    two that brings the largest inside (exact). Positions, scale, status quo, no-deal outcomes
    and reservation points of an issue whose largest scale bound lies outside 2^-64..2^64 in
    magnitude are multiplied by 2^shift (exact); :func:`finish_output` maps the results back.
    Ordinary inputs come back unchanged (the same object).
    """
    changes: dict[str, Any] = {}
    cap = arrays.capability
    top = np.where(np.isfinite(cap), np.abs(cap), 0.0).max(axis=1) if cap.size else np.zeros(0)
    cap_shift = _band_shift(top, CAPABILITY_BAND)
    if cap_shift.any():
        changes["capability"] = np.ldexp(cap, cap_shift[:, None])
    bound = np.maximum(np.abs(arrays.scale_min), np.abs(arrays.scale_max))
    outside = (
        np.isfinite(bound)
        & (bound > 0)
        & ((bound >= 2.0**POSITION_BAND) | (bound < 2.0**-POSITION_BAND))
    )
    exponent = np.frexp(np.where(outside, bound, 1.0))[1]  # bound in [2^(e-1), 2^e)
    shift = np.asarray(np.where(outside, 1 - exponent, 0), dtype=np.int64)  # -> [1, 2)
    if shift.any():
        changes.update(
            position=np.ldexp(arrays.position, shift),
            scale_min=np.ldexp(arrays.scale_min, shift),
            scale_max=np.ldexp(arrays.scale_max, shift),
            status_quo=np.ldexp(arrays.status_quo, shift),
        )
        for name in ("no_deal", "reservation"):
            if name not in arrays.agreement_defaults:
                changes[name] = np.ldexp(getattr(arrays, name), shift)
    return (arrays.with_values(**changes) if changes else arrays), shift


def _unshift(a: Any, shift: NDArray[np.int64]) -> Any:
    """Return ``a`` (last axis = issues) mapped back from shifted units."""
    return np.ldexp(np.asarray(a, dtype=np.float64), -shift) if shift.any() else a


def _clip(a: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Return ``a`` (last axis = issues) clipped to [lo, hi]; NaN stays NaN."""
    return np.asarray(np.clip(a, lo, hi))


def finish_output(
    out: Output, arrays: ScenarioArrays, shift: NDArray[np.int64], model: Model
) -> Output:
    """Return a model's output in the input's units, clipped to the issues' scales.

    ``shift`` is what :func:`safe_units` returned: positions, trajectories, series, positional
    diagnostics and events are mapped back first. Then forecasts, trajectories and series are
    clipped to [scale_min, scale_max] of their issue, so that rounding never puts a forecast
    outside its scale.
    """
    lo, hi = arrays.scale_min, arrays.scale_max
    trajectory = _unshift(out.trajectory, shift)
    forecast = _unshift(out.forecast, shift)
    series = {name: _unshift(v, shift) for name, v in out.series.items()}
    diagnostics = dict(out.diagnostics)
    events = out.events
    if shift.any():
        # A diagnostic such as a scale's width may not be representable in the input's units
        # (2e308): it becomes inf there, as it would have been computed directly.
        with np.errstate(over="ignore"):
            for name in model.positional_diagnostics & diagnostics.keys():
                diagnostics[name] = _unshift(diagnostics[name], shift)
            factor = dict(zip(arrays.issue_ids, np.ldexp(1.0, -shift).tolist(), strict=True))
            details = model.positional_details
            events = map_events(events, lambda e: _unshift_event(e, factor[e.issue], details))
    with np.errstate(invalid="ignore"):
        return replace(
            out,
            trajectory=_clip(trajectory, lo, hi),
            forecast=_clip(forecast, lo, hi),
            series={name: _clip(v, lo, hi) for name, v in series.items()},
            diagnostics=diagnostics,
            events=events,
        )


def _unshift_event(e: Event, factor: float, details: frozenset[str]) -> Event:
    detail = {k: v * factor if k in details else v for k, v in e.detail.items()}
    return replace(
        e,
        position_from=e.position_from * factor,
        position_to=e.position_to * factor,
        detail=detail,
    )


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
    positional_diagnostics: ClassVar[frozenset[str]] = frozenset()
    """Diagnostics in issue units (their last axis is the issue axis), mapped back like the
    forecast when an issue is computed in rescaled units (see the module docstring)."""
    positional_details: ClassVar[frozenset[str]] = frozenset()
    """Keys of an event's ``detail`` that are in issue units."""
    ops_per_second: ClassVar[float] = 5e7
    """Elementary operations per second of :meth:`_cost_terms`'s count, measured on the
    development machine (2 shared cores); turns an operation count into seconds."""

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
        self,
        data: Scenario | ScenarioArrays,
        rng: int | np.random.Generator | None = None,
        *,
        finite: bool = True,
        history: bool = True,
    ) -> Result:
        """Run the model on a scenario (or on batched arrays) and return its result.

        Forecasts, trajectories and series are clipped to their issues' scales. A forecast that
        is not a finite number raises :class:`NonFiniteForecast` (naming the model, the issue
        and the draw) unless ``finite`` is False (or within :func:`keep_non_finite`), in which
        case it is returned as NaN for the caller to count (:func:`invalid_draws`).
        ``history=False``: the caller reads only the final state, and the model may leave out
        its per-round series and diagnostics and the trajectory's middle rows (the rest is
        identical).
        """
        arrays = as_arrays(data)
        generator, seed = make_rng(rng)
        work, shift = safe_units(arrays)
        token = _HISTORY.set(history)
        try:
            raw = self._run(work, generator)
        finally:
            _HISTORY.reset(token)
        out = finish_output(raw, arrays, shift, self)
        if finite and not non_finite_kept():
            check_finite(self.name, arrays.issue_ids, out.forecast)
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
            events=out.events if isinstance(out.events, LazyEvents) else tuple(out.events),
            diagnostics=dict(out.diagnostics),
            provenance=Provenance(
                model=self.name,
                params=self.params.model_dump(mode="json"),
                seed=seed,
                input_hash=input_hash,
                accord_version=__version__,
            ),
        )

    def cost(self, n_actors: int, n_issues: int, draws: int = 1) -> Cost:
        """Return the estimated cost of running on ``draws`` draws of that many actors, issues.

        The estimate follows the algorithm's complexity (see each model's ``_cost_terms`` for
        its formula) with constants measured on the development machine; expect a factor of
        2-3 either way on other machines and inputs. Nothing is run.
        """
        n, k, d = max(1, int(n_actors)), max(1, int(n_issues)), max(1, int(draws))
        ops, peak, formula = self._cost_terms(n, k, d)
        ops, peak = float(ops), float(peak)
        return Cost(self.name, n, k, d, ops, peak, ops / self.ops_per_second, formula)

    def _cost_terms(self, n: int, k: int, d: int) -> tuple[float, float, str]:
        """Return (operations, peak bytes, formula) of a run on D draws of N actors, K issues.

        The default is a one-shot model (a weighted mean): one pass over the cells, 10 D N K
        operations at 5e7 per second (compromise, 1,000 draws x 200 actors x 3 issues: 0.11 s
        measured); memory: the inputs, the result and a few temporaries, 48 D N K bytes.
        """
        return 10.0 * d * n * k, 48.0 * d * n * k, "10 D N K operations, 48 D N K bytes"

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
    events: Sequence[KernelEvent] = ()
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
        issue_ids = arrays.issue_ids

        def event(e: KernelEvent) -> Event:
            return Event(
                round=e.round,
                draw=e.row // k,
                issue=issue_ids[e.row % k],
                actor=ids[e.actor],
                counterpart=ids[e.counterpart] if e.counterpart >= 0 else "",
                kind=e.kind,
                accepted=e.accepted,
                position_from=e.position_from,
                position_to=e.position_to,
                detail=dict(e.detail),
            )

        events = map_events(out.events, event)
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
