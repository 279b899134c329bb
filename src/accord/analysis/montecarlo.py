"""Monte Carlo: run a model on many random draws of a scenario's uncertain inputs.

The draws are cut into chunks of a fixed size; each chunk samples its draws, writes them into
arrays with a draw axis and runs the model once on the whole batch (see
:mod:`accord.analysis.parallel` for the chunks and where they run). The forecasts are put back
in draw order and summarised per issue: mean, median, 80 % and 95 % intervals, a histogram
across the scale, and the probability of each labelled region of the scale.

A draw in which the model gives no finite forecast (inputs beyond what it can compute) is never
summarised silently: :func:`run` refuses ("N of M draws gave no finite forecast ...") unless
asked to drop such draws (``drop_invalid=True``, ``accord mc --drop-invalid``); the result then
says how many were dropped, and the share of converged draws counts every draw.

**Bounds.** What a run keeps is every draw's forecast (and with ``deal`` its outcome and
settlement): ``draws x issues x`` :data:`BYTES_PER_CELL` (or :data:`DEAL_BYTES_PER_CELL`)
bytes, whatever the number of workers, as the results come back to this process. A run whose
results would pass :data:`MAX_RESULT_BYTES` is refused with the arithmetic; so is a chunk of
more than :data:`MAX_CHUNK_CELLS` (draws x actors x issues) cells, and more than
:data:`MAX_BINS` histogram bins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from accord import __version__, jsonsafe
from accord.analysis.inputs import Input, uncertain_inputs
from accord.analysis.parallel import ChunkJob, Runner, plan_chunks, serial_runner
from accord.analysis.sampling import SAMPLE_BLOCK, check_correlation
from accord.errors import AccordError
from accord.formatting import per_issue, short_title
from accord.models.base import Cost, FloatArray, Model, invalid_draws, invalid_draws_message
from accord.scenario.model import Issue, Scenario

FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`MonteCarloResult.to_dict` (``accord mc --json``;
schema in ``docs/json/``)."""
if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK = 1000
"""Draws per chunk (one task)."""
DEFAULT_BINS = 20
"""Histogram bins across each issue's scale."""
MAX_BINS = 10_000
"""The most histogram bins (a histogram finer than this says nothing more, and costs memory)."""
BYTES_PER_CELL = 9
"""Bytes a run keeps per draw and issue: the forecast (8) and whether it converged (1)."""
DEAL_BYTES_PER_CELL = 34
"""With ``deal``: also the deal-aware outcome, the settlement (8 each), whether they settle and
the per-draw bookkeeping of the summaries (about 9 more)."""
MAX_RESULT_BYTES = 2_000_000_000
"""The most bytes of per-draw results one run keeps in memory (2 GB)."""
MAX_CHUNK_CELLS = 10_000_000
"""The most draws x actors x issues cells of one chunk (each model holds a few arrays of this
size, and an iterative one one per round: 80 MB each)."""


@dataclass(frozen=True)
class Region:
    """The part of a scale nearer to one anchor than to any other, and its probability."""

    label: str
    anchor: float
    low: float
    high: float
    probability: float


@dataclass(frozen=True)
class IssueSummary:
    """The distribution of one issue's forecast over the draws.

    ``interval80``/``interval95`` are the 10-90 % and 2.5-97.5 % quantiles (NumPy's linear
    rule); the histogram has ``len(counts)`` equal bins across the scale (edges included);
    ``converged`` is the share of draws whose model met its stopping rule.
    """

    issue: str
    name: str
    mean: float
    median: float
    interval80: tuple[float, float]
    interval95: tuple[float, float]
    bin_edges: tuple[float, ...]
    counts: tuple[int, ...]
    regions: tuple[Region, ...]
    converged: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (non-finite numbers as None)."""
        out: dict[str, Any] = jsonsafe.finite(asdict(self), digits=10)
        return out


def region_bounds(issue: Issue) -> list[tuple[str, float, float, float]]:
    """Return (label, anchor, low, high) per anchor: the scale split at midpoints of anchors.

    A value exactly on a midpoint belongs to the lower region, as in :meth:`Issue.label_of`.
    """
    anchors = issue.anchors
    if not anchors:
        return []
    mids = [(a.value + b.value) / 2 for a, b in pairwise(anchors)]
    lows = [issue.scale.min, *mids]
    highs = [*mids, issue.scale.max]
    return [(a.label, a.value, lo, hi) for a, lo, hi in zip(anchors, lows, highs, strict=True)]


def region_probabilities(values: FloatArray, issue: Issue) -> tuple[Region, ...]:
    """Return the share of ``values`` in each anchor's region (none without anchors)."""
    bounds = region_bounds(issue)
    if not bounds:
        return ()
    mids = np.array([hi for _, _, _, hi in bounds[:-1]])
    where = np.searchsorted(mids, values, side="left")
    counts = np.bincount(where, minlength=len(bounds))
    total = max(len(values), 1)
    return tuple(
        Region(label, anchor, lo, hi, float(n) / total)
        for (label, anchor, lo, hi), n in zip(bounds, counts, strict=True)
    )


def histogram(
    values: FloatArray, low: float, high: float, bins: int
) -> tuple[FloatArray, FloatArray]:
    """Return (counts, edges) of finite ``values`` in ``bins`` equal bins across [low, high].

    Every finite value is counted once: a value at ``high`` is in the last bin, one at ``low``
    in the first, and a value that rounding put a hair outside the scale (a weighted mean of
    positions that all sit at the end) is counted in the end bin it belongs to. The counts add
    up to the number of finite values.
    """
    x = np.asarray(values, dtype=np.float64)
    x = np.clip(x[np.isfinite(x)], low, high)
    counts, edges = np.histogram(x, bins=bins, range=(low, high))
    if int(counts.sum()) != x.size:  # pragma: no cover - np.histogram counts both ends
        raise RuntimeError(f"histogram counted {int(counts.sum())} of {x.size} values")
    return counts, edges


def summarize_issue(
    values: FloatArray, issue: Issue, bins: int = DEFAULT_BINS, converged: float = 1.0
) -> IssueSummary:
    """Summarise one issue's forecasts (NaN forecasts count in no bin and no region)."""
    x = np.asarray(values, dtype=np.float64)
    x = np.clip(x[np.isfinite(x)], issue.scale.min, issue.scale.max)
    if x.size:
        q = np.quantile(x, [0.5, 0.1, 0.9, 0.025, 0.975])
        mean = float(x.mean())
    else:
        q, mean = np.full(5, np.nan), np.nan
    counts, edges = histogram(x, issue.scale.min, issue.scale.max, bins)
    return IssueSummary(
        issue=issue.id,
        name=issue.name,
        mean=mean,
        median=float(q[0]),
        interval80=(float(q[1]), float(q[2])),
        interval95=(float(q[3]), float(q[4])),
        bin_edges=tuple(float(e) for e in edges),
        counts=tuple(int(c) for c in counts),
        regions=region_probabilities(x, issue) if x.size else (),
        converged=converged,
    )


@dataclass(frozen=True)
class MonteCarloProvenance:
    """What produced a Monte Carlo result: enough to reproduce it exactly."""

    input_hash: str
    model: str
    params: dict[str, Any]
    seed: int
    draws: int
    chunk: int
    sample_block: int
    bloc_correlation: float
    spread: float | None
    n_inputs: int
    accord_version: str
    deal: bool = False
    tracks: tuple[tuple[str, ...], ...] | None = None
    drop_invalid: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        out: dict[str, Any] = jsonsafe.finite(asdict(self), digits=10)
        return out


@dataclass(frozen=True)
class IssueDealSummary:
    """Will they settle one issue, over the draws (see :mod:`accord.analysis.deal`).

    ``expected`` summarises the deal-aware outcome (the settlement, or the no-deal outcome);
    ``settlement`` the settlements of the draws with a deal (None when there is none);
    ``blockers`` the actors that held out most often: (actor, share of the draws without a
    deal in which it held out, share of all draws in which it alone blocked).
    """

    issue: str
    p_deal: float
    expected: IssueSummary
    settlement: IssueSummary | None
    blockers: tuple[tuple[str, float, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "issue": self.issue,
            "p_deal": jsonsafe.finite(self.p_deal, digits=10),
            "expected": self.expected.to_dict(),
            "settlement": None if self.settlement is None else self.settlement.to_dict(),
            "blockers": [
                {
                    "actor": a,
                    "holdout": jsonsafe.finite(h, digits=10),
                    "pivotal": jsonsafe.finite(p, digits=10),
                }
                for a, h, p in self.blockers
            ],
        }


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The immutable outcome of :func:`run`: one summary per issue and every draw's forecast.

    With ``deal`` (see :func:`run`) ``deals`` holds one :class:`IssueDealSummary` per issue and
    ``outcomes`` every draw's deal-aware outcome.
    """

    title: str
    summaries: tuple[IssueSummary, ...]
    forecasts: FloatArray
    inputs: tuple[Input, ...]
    provenance: MonteCarloProvenance
    deals: tuple[IssueDealSummary, ...] = ()
    outcomes: FloatArray | None = None
    dropped: int = 0
    """Draws left out because the model gave no finite forecast in them (``drop_invalid``);
    their rows of ``forecasts`` are NaN."""

    @property
    def issue_ids(self) -> tuple[str, ...]:
        """Return the issue ids, in scenario order."""
        return tuple(s.issue for s in self.summaries)

    def summary_of(self, issue_id: str) -> IssueSummary:
        """Return the summary of one issue."""
        return self.summaries[self.issue_ids.index(issue_id)]

    def __repr__(self) -> str:
        p = self.provenance
        deal = (
            f", p_deal={per_issue(self.issue_ids, [d.p_deal for d in self.deals], 3)}"
            if self.deals
            else ""
        )
        return (
            f"MonteCarloResult({short_title(self.title)!r}, model={p.model!r}, draws={p.draws}, "
            f"seed={p.seed}, mean={per_issue(self.issue_ids, [s.mean for s in self.summaries])}"
            f"{deal})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per issue with its summary over the draws.

        Columns: ``issue``, ``name``, ``mean``, ``median``, ``low80``, ``high80``, ``low95``,
        ``high95``, ``converged`` (share of draws), ``model``, ``draws``; with ``deal`` also
        ``p_deal``, ``settlement`` (mean where they settle), ``expected`` (mean deal-aware
        outcome), ``expected_low95`` and ``expected_high95``. Every draw: :meth:`draws_frame`.
        """
        import pandas as pd

        deals = {d.issue: d for d in self.deals}
        rows = []
        for s in self.summaries:
            row: dict[str, Any] = {
                "issue": s.issue,
                "name": s.name,
                "mean": s.mean,
                "median": s.median,
                "low80": s.interval80[0],
                "high80": s.interval80[1],
                "low95": s.interval95[0],
                "high95": s.interval95[1],
                "converged": s.converged,
                "model": self.provenance.model,
                "draws": self.provenance.draws,
            }
            d = deals.get(s.issue)
            if d is not None:
                row.update(
                    p_deal=d.p_deal,
                    settlement=d.settlement.mean if d.settlement is not None else np.nan,
                    expected=d.expected.mean,
                    expected_low95=d.expected.interval95[0],
                    expected_high95=d.expected.interval95[1],
                )
            rows.append(row)
        return pd.DataFrame(rows)

    def draws_frame(self) -> pd.DataFrame:
        """Return every draw's forecast: one row per draw and issue.

        Columns: ``draw``, ``issue``, ``forecast``, and with ``deal`` ``outcome`` (the deal-aware
        outcome of the draw).
        """
        import pandas as pd

        d, k = self.forecasts.shape
        data: dict[str, Any] = {
            "draw": np.repeat(np.arange(d), k),
            "issue": np.tile(np.array(self.issue_ids, dtype=object), d),
            "forecast": self.forecasts.reshape(-1),
        }
        if self.outcomes is not None:
            data["outcome"] = self.outcomes.reshape(-1)
        return pd.DataFrame(data)

    def to_dict(self, *, draws: bool = False) -> dict[str, Any]:
        """Return a JSON-ready dict; ``draws`` adds every draw's forecast per issue."""
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "title": self.title,
            "provenance": self.provenance.to_dict(),
            "inputs": [i.name for i in self.inputs],
            "issues": [s.to_dict() for s in self.summaries],
            "dropped_draws": self.dropped,
        }
        if self.deals:
            out["deal"] = [d.to_dict() for d in self.deals]
        if draws:
            out["forecasts"] = {
                iss: jsonsafe.finite(self.forecasts[:, k].tolist(), digits=10)
                for k, iss in enumerate(self.issue_ids)
            }
            if self.outcomes is not None:
                out["outcomes"] = {
                    iss: jsonsafe.finite(self.outcomes[:, k].tolist(), digits=10)
                    for k, iss in enumerate(self.issue_ids)
                }
        return out

    def to_json(self, *, draws: bool = False) -> str:
        """Return :meth:`to_dict` as deterministic JSON text."""
        return jsonsafe.dumps(self.to_dict(draws=draws))


def _at_least(value: int, least: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise AccordError(f"{what} must be a whole number >= {least}, got {value}")
    return int(value)


def check_options(
    draws: int,
    chunk: int = DEFAULT_CHUNK,
    bins: int = DEFAULT_BINS,
    seed: int = 0,
    *,
    n_actors: int = 1,
    n_issues: int = 1,
    deal: bool = False,
) -> None:
    """Raise :class:`AccordError` unless the options are valid and the run fits in memory.

    draws, chunk and bins must be >= 1, seed >= 0, bins at most :data:`MAX_BINS`; the
    per-draw results (``draws x n_issues`` cells) at most :data:`MAX_RESULT_BYTES` and one
    chunk at most :data:`MAX_CHUNK_CELLS` cells. Without the scenario's numbers of actors and
    issues (the command line checks before loading it) one of each is assumed; :func:`run`
    checks again with the real ones. Each message says how to go bigger.
    """
    _at_least(draws, 1, "--draws")
    _at_least(chunk, 1, "--chunk")
    _at_least(bins, 1, "--bins")
    _at_least(seed, 0, "--seed")
    if bins > MAX_BINS:
        raise AccordError(
            f"--bins must be at most {MAX_BINS:,}, got {bins:,}: a finer histogram adds no "
            "information; for the exact distribution take every draw's forecast "
            "(--json -o FILE, or MonteCarloResult.draws_frame() in Python)"
        )
    per_cell = DEAL_BYTES_PER_CELL if deal else BYTES_PER_CELL
    need = draws * n_issues * per_cell
    if need > MAX_RESULT_BYTES:
        most = MAX_RESULT_BYTES // (n_issues * per_cell)
        raise AccordError(
            f"--draws {draws:,} is too many for one run: {draws:,} draws x {n_issues:,} "
            f"issue{'s' if n_issues != 1 else ''} x {per_cell} bytes = {_bytes(need)} of "
            f"results kept in memory, above the limit of {_bytes(MAX_RESULT_BYTES)}; use at "
            f"most {most:,} draws per run. For more, run several times with different --seed "
            "values and pool the draws; --workers N or --scheduler ADDRESS (a Dask cluster) "
            "spread the computation, not the results"
        )
    cells = min(chunk, draws) * n_actors * n_issues
    if cells > MAX_CHUNK_CELLS:
        most = max(1, MAX_CHUNK_CELLS // (n_actors * n_issues))
        raise AccordError(
            f"--chunk {min(chunk, draws):,} is too large: {min(chunk, draws):,} draws x "
            f"{n_actors:,} actors x {n_issues:,} issues = {cells:,} cells per chunk, above "
            f"{MAX_CHUNK_CELLS:,}; use --chunk {most:,} or fewer (more chunks cost nothing "
            "but a little overhead, and --workers N runs them in parallel)"
        )


def estimate_cost(
    scenario: Scenario, model: Model, draws: int, chunk: int = DEFAULT_CHUNK, deal: bool = False
) -> Cost:
    """Return the estimated cost of :func:`run` (see :meth:`Model.cost`).

    Time: the model on every draw. Memory: the model on one chunk, plus the per-draw results
    kept (see :func:`check_options`). Nothing is run.
    """
    n, k = len(scenario.actors), len(scenario.issues)
    whole = model.cost(n, k, draws)
    per_chunk = model.cost(n, k, min(chunk, draws))
    kept = draws * k * (DEAL_BYTES_PER_CELL if deal else BYTES_PER_CELL)
    return replace(whole, bytes=per_chunk.bytes + kept)


def _bytes(n: float) -> str:
    for unit, step in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= step:
            return f"{n / step:,.1f} {unit}"
    return f"{n:,.0f} bytes"


def run(
    scenario: Scenario,
    model: Model,
    *,
    draws: int,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    bloc_correlation: float = 0.0,
    spread: float | None = None,
    bins: int = DEFAULT_BINS,
    runner: Runner | None = None,
    progress: Callable[[int], None] | None = None,
    deal: bool = False,
    tracks: Sequence[Sequence[str]] | None = None,
    drop_invalid: bool = False,
) -> MonteCarloResult:
    """Run ``model`` on ``draws`` random draws of the scenario's uncertain inputs.

    ``spread`` gives a range to inputs that declare none (see
    :func:`~accord.analysis.inputs.uncertain_inputs`); ``runner`` computes the chunks
    (default: here, one after the other); ``progress`` is called with the number of draws
    done after each chunk. ``deal`` also runs the agreement analysis on every draw (with
    ``tracks`` as packages of linked issues) and summarises P(deal), the settlement and the
    deal-aware outcome per issue. Raises :class:`AccordError` for bad options, a run too big
    for memory (see :func:`check_options`) or a scenario with nothing uncertain, and for draws
    in which the model gives no finite forecast unless ``drop_invalid``: then those draws are
    left out of every summary (and counted in ``dropped``).
    """
    check_options(
        draws,
        chunk,
        bins,
        seed,
        n_actors=len(scenario.actors),
        n_issues=len(scenario.issues),
        deal=deal,
    )
    draws, chunk, bins, seed = int(draws), int(chunk), int(bins), int(seed)
    rho = check_correlation(bloc_correlation)
    inputs = tuple(uncertain_inputs(scenario, spread))
    if not inputs:
        raise AccordError(
            "nothing is uncertain: no capability, position or salience has a range; "
            "declare ranges in the scenario or pass --spread"
        )
    chosen = None if tracks is None else tuple(tuple(t) for t in tracks)
    job = ChunkJob(scenario.to_arrays(), inputs, model, seed, rho, deal, chosen)
    chunks = plan_chunks(draws, chunk)
    k, n = len(scenario.issues), len(scenario.actors)
    forecasts = np.full((draws, k), np.nan)
    converged = np.zeros((draws, k), dtype=np.bool_)
    dealt = np.zeros((draws, k), dtype=np.bool_)
    outcomes = np.full((draws, k), np.nan)
    settlements = np.full((draws, k), np.nan)
    holdouts = np.zeros((k, n), dtype=np.int64)
    pivotal = np.zeros((k, n), dtype=np.int64)
    filled = np.zeros(len(chunks), dtype=np.bool_)
    done = 0
    outputs = (runner or serial_runner)(job, chunks)
    try:
        for piece, out in outputs:
            forecasts[piece.start : piece.stop] = out.forecast
            converged[piece.start : piece.stop] = out.converged
            if out.deal is not None:
                dealt[piece.start : piece.stop] = out.deal.deal
                outcomes[piece.start : piece.stop] = out.deal.outcome
                settlements[piece.start : piece.stop] = out.deal.settlement
                holdouts += out.deal.holdouts
                pivotal += out.deal.pivotal
            filled[piece.index] = True
            done += piece.stop - piece.start
            if progress is not None:
                progress(done)
    finally:  # an interruption stops the runner's pending work now, not when collected
        close = getattr(outputs, "close", None)
        if close is not None:
            close()
    if not filled.all():
        raise RuntimeError("the runner did not return every chunk")
    bad = invalid_draws(forecasts)
    if bad.all() or (bad.any() and not drop_invalid):
        raise AccordError(invalid_draws_message(bad, forecasts, scenario.issue_ids))
    valid = ~bad
    forecasts[bad] = np.nan
    forecasts.flags.writeable = False
    # converged counts over every draw: a dropped draw did not converge
    summaries = tuple(
        summarize_issue(forecasts[valid, j], issue, bins, float((converged[:, j] & valid).mean()))
        for j, issue in enumerate(scenario.issues)
    )
    provenance = MonteCarloProvenance(
        input_hash=scenario.content_hash(),
        model=model.name,
        params=model.params.model_dump(mode="json"),
        seed=seed,
        draws=draws,
        chunk=chunk,
        sample_block=SAMPLE_BLOCK,
        bloc_correlation=rho,
        spread=spread,
        n_inputs=len(inputs),
        accord_version=__version__,
        deal=deal,
        tracks=chosen,
        drop_invalid=drop_invalid,
    )
    deals: tuple[IssueDealSummary, ...] = ()
    if deal:
        outcomes[bad] = np.nan
        outcomes.flags.writeable = False
        deals = tuple(
            _deal_summary(
                issue,
                dealt[valid, j],
                outcomes[valid, j],
                settlements[valid, j],
                holdouts[j],
                pivotal[j],
                scenario.actor_ids,
                bins,
            )
            for j, issue in enumerate(scenario.issues)
        )
    return MonteCarloResult(
        scenario.title,
        summaries,
        forecasts,
        inputs,
        provenance,
        deals,
        outcomes if deal else None,
        int(bad.sum()),
    )


def _deal_summary(
    issue: Issue,
    deal: np.ndarray,
    outcome: FloatArray,
    settlement: FloatArray,
    holdouts: np.ndarray,
    pivotal: np.ndarray,
    actor_ids: tuple[str, ...],
    bins: int,
) -> IssueDealSummary:
    d = deal.size
    blocked = max(int((~deal).sum()), 1)
    order = sorted(
        (a for a in range(len(actor_ids)) if holdouts[a] or pivotal[a]),
        key=lambda a: (-pivotal[a], -holdouts[a], a),
    )
    return IssueDealSummary(
        issue=issue.id,
        p_deal=float(deal.mean()),
        expected=summarize_issue(outcome, issue, bins),
        settlement=summarize_issue(settlement[deal], issue, bins) if deal.any() else None,
        blockers=tuple(
            (actor_ids[a], float(holdouts[a]) / blocked, float(pivotal[a]) / d) for a in order
        ),
    )
