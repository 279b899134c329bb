"""What a request would cost to compute, estimated before anything runs, and its limits.

A model's work grows with the actors (pairs of them, or pairs times actors), the issues, its
rounds and the draws. Each model's own estimate is used where it has one
(:meth:`accord.models.base.Model.cost`, from the complexity of its algorithm, with rates
measured on the development machine: seconds and peak memory of a run on a batch of draws); a
consensus costs what its members cost. A model without an estimate of its own (one that keeps
the generic one-pass default, or an older accord) is estimated here, in seconds of one core of
the same 2-core machine: for one scenario of ``n`` actors and ``k`` issues, at the model's
default number of rounds,

========================  ================================
model                     seconds for one scenario
========================  ================================
smp                       2.5e-6 · n³ · k
exchange                  3.5e-7 · n³ · k
bdm                       3.0e-6 · n² · k
nash, kalai               1e-8 · n³ · k + 1e-6 · n² · k
median, compromise,       1e-8 · n² · k
bicameral
any other model           as smp (the costliest)
========================  ================================

times the model's round limit over its default (``rounds`` of bdm, ``max_turns`` of smp,
``max_rounds`` of exchange); a batch of ``d`` draws run at once costs ``1 + 0.2 (d - 1)``
single runs (batches share the work).

The limits (:class:`Limits`): the estimated seconds of one model run at the coded values (10 s:
a bound on the scenario's size, whatever is asked of it; smp on 300 actors would take a
minute); the estimated seconds of a whole request (300 s for a forecast, a comparison or a
report, whose estimates run high for batches of draws; a Monte Carlo job, which runs in the
background and can be cancelled, 3,600 s); and the memory of one run, by the models' own
estimates of their peak memory (1 GB; bdm with 5,000 actors on one issue takes 1.7-3.3 GB), or,
where no model has one, the size of one scenario, ``n² · k`` (pairs of actors times issues, 4
million).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accord.errors import AccordError

if TYPE_CHECKING:
    from accord.models.base import Model
    from accord.scenario.model import Scenario

CUBIC = {"smp": 2.5e-6, "exchange": 3.5e-7, "nash": 1e-8, "kalai": 1e-8}
"""Seconds per actor³ and issue, by model."""
SQUARE = {"bdm": 3e-6, "nash": 1e-6, "kalai": 1e-6, "median": 1e-8, "compromise": 1e-8}
SQUARE["bicameral"] = 1e-8
"""Seconds per actor² and issue, by model."""
ROUND_LIMITS = ("rounds", "max_turns", "max_rounds")
"""The parameters that bound a model's rounds."""
BATCH_SHARE = 0.2
"""What each further draw of a batch costs, as a share of a single run."""
DEFAULT_MAX_RUN_SECONDS = 10.0
"""The most estimated seconds of one model run at the coded values: a bound on the scenario's
size for each model (smp on 300 actors takes about a minute)."""
DEFAULT_MAX_SECONDS = 300.0
"""The most estimated seconds of computing one request may ask for (the estimates run high
for the batches of draws a request computes: Vienna's bottom line, about 5 s, counts 30)."""
DEFAULT_MAX_JOB_SECONDS = 3600.0
"""The most estimated seconds of computing one background job may ask for."""
DEFAULT_MAX_PAIRS = 4_000_000
"""The largest scenario, in pairs of actors times issues (2,000 actors on one issue), when no
model estimates its own memory."""
DEFAULT_MAX_BYTES = 1024**3
"""The most memory one run may take, by the models' own estimates (1 GB)."""


def _round_factor(model: Model) -> float:
    params = getattr(model, "params", None)
    fields = getattr(type(params), "model_fields", {})
    for name in ROUND_LIMITS:
        if name in fields:
            default = fields[name].default
            value = getattr(params, name, default)
            if isinstance(default, int) and isinstance(value, int) and default > 0:
                return max(value / default, 0.05)
    return 1.0


def _own_cost(model: Model, n: int, k: int, draws: int) -> tuple[float, float] | None:
    """Return a model's own estimate (seconds, peak bytes), when it has one of its own."""
    from accord.models.base import Model as Base

    own = getattr(type(model), "_cost_terms", None)
    if own is None or own is getattr(Base, "_cost_terms", None) or not hasattr(model, "cost"):
        return None  # no estimate, or only the generic one-pass default
    found = model.cost(n, k, draws)
    seconds, peak = getattr(found, "seconds", None), getattr(found, "bytes", None)
    if isinstance(seconds, int | float) and isinstance(peak, int | float):
        return float(seconds), float(peak)
    return None


def run_cost(model: Model, n: int, k: int, draws: int = 1) -> tuple[float, float | None]:
    """Return the estimated seconds and peak bytes (None: unknown) of one run of ``model``.

    ``draws`` draws are run at once, as one batch.
    """
    members: Sequence[Model] = getattr(model, "members", ())
    if members:
        parts = [run_cost(m, n, k, draws) for m in members]
        peaks = [p for _, p in parts if p is not None]
        return sum(s for s, _ in parts), max(peaks) if peaks else None
    own = _own_cost(model, n, k, draws)
    if own is not None:
        return own
    name = getattr(model, "name", "")
    if name in CUBIC or name in SQUARE:
        single = (CUBIC.get(name, 0.0) * n + SQUARE.get(name, 0.0)) * n * n * k
    else:
        single = CUBIC["smp"] * n**3 * k
    return single * _round_factor(model) * (1 + BATCH_SHARE * max(draws - 1, 0)), None


@dataclass(frozen=True)
class Estimate:
    """A request's estimated cost: seconds of one core, peak memory, and what they are made of."""

    seconds: float
    """Every run of the request together."""
    run_seconds: float
    """The costliest single run at the coded values (one draw): what the scenario's size costs."""
    run_model: str
    """The model of that run."""
    bytes: float | None
    """The largest peak memory of one run (None: no model estimates its own)."""
    actors: int
    issues: int
    runs: str
    """The runs counted, in words: ``509 draws of bdm, smp``."""


def estimate(scenario: Scenario, models: Sequence[Model], batches: Sequence[int]) -> Estimate:
    """Return the cost of running every model once on each batch (of so many draws)."""
    n, k = len(scenario.actors), len(scenario.issues)
    seconds, peak = 0.0, None
    for model in models:
        for d in batches:
            s, b = run_cost(model, n, k, d)
            seconds += s
            if b is not None:
                peak = max(peak or 0.0, b)
    single = [(run_cost(m, n, k, 1)[0], m.name) for m in models] or [(0.0, "")]
    run_seconds, run_model = max(single)
    draws = sum(batches)
    names = sorted({name for m in models for name in getattr(m, "member_names", (m.name,))})
    runs = f"{draws:,} draw{'s' if draws != 1 else ''} of {', '.join(names)}"
    return Estimate(seconds, run_seconds, run_model, peak, n, k, runs)


def forecast_batches(
    scenario: Scenario,
    *,
    draws: int,
    bottom_line: bool,
    deal: bool,
    spread: float | None,
) -> list[int]:
    """Return the batches a forecast runs every model on (see ``POST /api/forecast``)."""
    from accord.analysis.bottom_line import CHUNK_CELLS, DRIVER_SPREAD
    from accord.analysis.inputs import uncertain_inputs

    batches = [1]  # the forecast itself
    if not (bottom_line or deal):
        return batches
    drawn = draws if draws > 0 and uncertain_inputs(scenario, spread) else 0
    batches += [1, drawn] if drawn else [1]  # the coded values, then the draws
    if bottom_line:  # the drivers: every input at either end, in chunks
        inputs = uncertain_inputs(scenario, spread) or uncertain_inputs(scenario, DRIVER_SPREAD)
        scenarios = 1 + 2 * len(inputs)
        per = max(1, CHUNK_CELLS // max(1, len(scenario.actors) * len(scenario.issues)))
        batches += [per] * (scenarios // per) + ([scenarios % per] if scenarios % per else [])
    return batches


@dataclass(frozen=True)
class Limits:
    """The most a request may cost: estimated seconds (one run, a request, a job) and memory."""

    run_seconds: float = DEFAULT_MAX_RUN_SECONDS
    seconds: float = DEFAULT_MAX_SECONDS
    job_seconds: float = DEFAULT_MAX_JOB_SECONDS
    pairs: int = DEFAULT_MAX_PAIRS
    bytes: float = DEFAULT_MAX_BYTES

    def check(self, cost: Estimate, *, job: bool = False) -> None:
        """Raise a one-line :class:`AccordError` when ``cost`` is over a limit."""
        n, k = cost.actors, cost.issues
        size = f"{n:,} actor{'s' if n != 1 else ''} × {k:,} issue{'s' if k != 1 else ''}"
        elsewhere = "run it with the accord command on your own machine"
        if cost.bytes is not None and cost.bytes > self.bytes:
            raise AccordError(
                f"this scenario is too large to compute here: {size} would take about "
                f"{_size(cost.bytes)} of memory; the limit is {_size(self.bytes)}: {elsewhere}",
                source="request",
            )
        if cost.bytes is None and n * n * k > self.pairs:
            raise AccordError(
                f"this scenario is too large to compute here: {size} makes {n * n * k:,} pairs "
                f"of actors times issues; the limit is {self.pairs:,}: {elsewhere}",
                source="request",
            )
        if cost.run_seconds > self.run_seconds:
            took, most = _durations(cost.run_seconds, self.run_seconds)
            raise AccordError(
                f"this scenario is too large to compute here: one run of {cost.run_model} on "
                f"{size} would take about {took}; the limit is {most} a run: use fewer actors "
                f"or another model, or {elsewhere}",
                source="request",
            )
        limit = self.job_seconds if job else self.seconds
        if cost.seconds > limit:
            took, most = _durations(cost.seconds, limit)
            raise AccordError(
                f"this would take about {took} of computing ({size}, {cost.runs}); the limit "
                f"here is {most}: ask for fewer draws, models or rounds, or {elsewhere}",
                source="request",
            )


def _size(n: float) -> str:
    return f"{n / 1024**3:,.1f} GB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MB"


def _durations(value: float, limit: float) -> tuple[str, str]:
    """Return ``value`` and ``limit`` in words, in seconds when rounding would make them equal."""
    took, most = _duration(value), _duration(limit)
    if took == most:
        took, most = f"{value:,.0f} s", f"{limit:,.0f} s"
    return took, most


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:,.0f} min"
    return f"{seconds / 3600:,.0f} h"


OVERHEAD_SECONDS = 0.2
"""What a job costs whatever its size (reading its scenario, starting, storing): the estimates
leave it out, and it is most of a small job."""
LEARN_RATE = 0.5
"""How much one finished job moves a learned ratio (in log terms: half way to what it saw)."""
RATIO_BOUNDS = (0.02, 50.0)
"""The learned ratio of actual to estimated seconds is kept within these bounds."""


class Calibration:
    """How long work takes on this machine against its estimate, learned from finished work.

    The estimates (:func:`estimate`) carry rates measured on one development machine, and their
    error differs by model and by kind of work: on a busy 2-core machine a Monte Carlo of
    Vienna with bdm took 0.55-1.1× its estimate, a comparison of its designs with bdm on 200
    draws 0.3-0.5×, with nash on 1,000 draws 0.13-0.15× (the estimate's share per extra draw is
    too high for a vectorised model), with every model on 200 draws 1.3×. So no single factor
    fits; instead each finished job (and each synchronous comparison) teaches the ratio actual
    / estimated for its key (its kind and its models), kept as a moving geometric mean; a key
    not seen yet takes its kind's ratio, else ``prior``. The expected seconds are
    ``OVERHEAD_SECONDS + ratio × estimate``.

    Thread-safe; kept in memory only (a restarted server learns again).
    """

    def __init__(self, prior: float = 1.0) -> None:
        if not prior > 0:
            raise ValueError(f"prior must be positive, got {prior}")
        self.prior = prior
        self._ratios: dict[str, float] = {}
        self._lock = threading.Lock()

    def ratio(self, key: str) -> float:
        """Return the learned ratio of actual to estimated seconds for ``key`` (``kind:...``)."""
        kind = key.split(":", 1)[0]
        with self._lock:
            return self._ratios.get(key, self._ratios.get(kind, self.prior))

    def expected(self, key: str, estimated: float) -> float:
        """Return the seconds work estimated at ``estimated`` seconds is expected to take here."""
        return OVERHEAD_SECONDS + self.ratio(key) * max(estimated, 0.0)

    def learn(self, key: str, estimated: float, actual: float) -> None:
        """Record that work estimated at ``estimated`` seconds took ``actual`` seconds.

        Work whose estimate is under a tenth of a second teaches nothing: its time is mostly
        the overhead.
        """
        if not (estimated >= 0.1 and math.isfinite(actual) and actual > 0):
            return
        low, high = RATIO_BOUNDS
        seen = min(max((actual - OVERHEAD_SECONDS) / estimated, low), high)
        kind = key.split(":", 1)[0]
        with self._lock:
            for name in {key, kind}:
                old = self._ratios.get(name)
                self._ratios[name] = (
                    seen
                    if old is None
                    else math.exp((1 - LEARN_RATE) * math.log(old) + LEARN_RATE * math.log(seen))
                )


def calibration_key(kind: str, models: Sequence[Model]) -> str:
    """Return the key a piece of work learns its ratio under: its kind and its models' names."""
    names = sorted({name for m in models for name in getattr(m, "member_names", (m.name,))})
    return f"{kind}:{','.join(names)}"
