"""Bueno de Mesquita's expected-utility ("challenge") model, two variants.

Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP; as reconstructed by
Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision model",
J. Theoretical Politics 23(4). Spec: ``shared/specs/bdm-expected-utility.md``; equations
and reference results: ``docs/models/bdm.md``.

Actors make each other offers (confrontation, compromise, capitulation) according to the
expected utility of challenging one another, and all move at once, round after round. The
forecast is the weighted median of the final positions.

The engine is vectorised over the batch of (draw, issue) problems and over actors; the
problems are processed in blocks of at most ``BLOCK_ELEMENTS`` pair entries so that memory
stays bounded (the work per problem is O(n^2) per round, see :mod:`accord.models.bdm_votes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
from pydantic import Field

from accord.errors import AccordError
from accord.models.base import (
    FloatArray,
    IssueBatch,
    IssueOutput,
    KernelEvent,
    Params,
    PerIssueModel,
)
from accord.models.bdm_offers import KIND_NAMES, NO_OFFER
from accord.models.bdm_round import RoundOutcome, play_round
from accord.models.bdm_votes import median_walk, weighted_mean
from accord.models.registry import register
from accord.models.weights import effective_weight

BLOCK_ELEMENTS = 1 << 16
"""Problems are processed in blocks of at most this many (problem x actor x actor) entries."""

EVENT_ACTOR_LIMIT = 100
"""Above this many actors only accepted offers are recorded as events (there are up to n^2)."""


class BdmParams(Params):
    """Parameters of the BDM model.

    variant : "paper" (the default: the equations as printed; mirror-symmetric) or "scholz"
        (the published reconstruction, reproduces its EC table; its choice rule prefers
        offers from the left, so it is not mirror-symmetric).
    q : the probability Q that the status quo persists if nobody challenges, in [0, 1].
    rounds : the most rounds to play.
    tol : a row stops once no position moves more than ``tol`` x R in a round.
    range_from : R is the declared scale width ("scale") or the range of the initial
        positions ("positions").
    """

    variant: Literal["scholz", "paper"] = "paper"
    q: float = Field(default=1.0, ge=0.0, le=1.0)
    rounds: int = Field(default=8, ge=1, le=1000)
    tol: float = Field(default=1e-6, ge=0.0)
    range_from: Literal["scale", "positions"] = "scale"


@dataclass
class _BlockRun:
    """The state of one block of problems while its rounds are played.

    ``states``, ``median``, ``mean`` hold one entry per state played so far (round 0 = input);
    the block stops when all its problems have stopped, so they may be shorter than
    ``rounds + 1``.
    """

    x: FloatArray
    states: list[FloatArray]
    median: list[FloatArray]
    mean: list[FloatArray]
    rounds: np.ndarray
    converged: np.ndarray
    events: list[KernelEvent] = field(default_factory=list)


def issue_range(batch: IssueBatch, range_from: str) -> FloatArray:
    """Return R per problem: the scale width or the initial positions' range (1 if that is 0)."""
    if range_from == "scale":
        return np.asarray(batch.hi - batch.lo, dtype=np.float64)
    spread = batch.position.max(axis=1) - batch.position.min(axis=1)
    return np.where(spread > 0, spread, 1.0)


def check_batch(batch: IssueBatch, big_r: FloatArray, range_from: str) -> None:
    """Raise :class:`AccordError` for inputs the model cannot use."""
    arrays = (batch.position, batch.capability, batch.salience, big_r)
    if not all(np.isfinite(a).all() for a in arrays):
        raise AccordError("bdm: positions, capabilities and saliences must be finite numbers")
    if (batch.capability < 0).any():
        raise AccordError("bdm: capabilities must be >= 0")
    if ((batch.salience < 0) | (batch.salience > 1)).any():
        raise AccordError("bdm: saliences must lie in [0, 1]")
    if not (big_r > 0).all():
        raise AccordError("bdm: every issue needs a scale with max > min")
    if range_from == "scale":
        slack = 1e-9 * big_r[:, None]
        low = batch.position < batch.lo[:, None] - slack
        high = batch.position > batch.hi[:, None] + slack
        if (low | high).any():
            raise AccordError("bdm: a position lies outside its issue's scale")


def solve_batch(batch: IssueBatch, params: BdmParams) -> IssueOutput:
    """Run the model on a flat batch of one-issue problems and return its output."""
    big_r = issue_range(batch, params.range_from)
    check_batch(batch, big_r, params.range_from)
    b, n = batch.position.shape
    record = batch.record_events
    all_offers = n <= EVENT_ACTOR_LIMIT
    per_block = max(1, BLOCK_ELEMENTS // (n * n))
    blocks = [
        (rows, _solve_block(batch, rows, big_r[rows], params, record, all_offers))
        for rows in (slice(start, min(b, start + per_block)) for start in range(0, b, per_block))
    ]
    used = max((len(block.states) for _, block in blocks), default=1)
    trajectory = np.empty((used, b, n))
    median = np.empty((used, b))
    mean = np.empty((used, b))
    rounds = np.zeros(b, dtype=np.int64)
    converged = np.zeros(b, dtype=np.bool_)
    events: list[KernelEvent] = []
    for rows, block in blocks:
        k = len(block.states)
        # a block that stopped early repeats its last state
        trajectory[:k, rows] = np.stack(block.states)
        trajectory[k:, rows] = block.states[-1]
        median[:k, rows] = np.stack(block.median)
        median[k:, rows] = block.median[-1]
        mean[:k, rows] = np.stack(block.mean)
        mean[k:, rows] = block.mean[-1]
        rounds[rows] = block.rounds
        converged[rows] = block.converged
        events.extend(block.events)
    diagnostics: dict[str, object] = {"range": big_r}
    if record:
        diagnostics["events"] = "all offers" if all_offers else "accepted offers only"
    return IssueOutput(
        trajectory=trajectory[:used],
        forecast=median[used - 1].copy(),
        rounds=rounds,
        converged=converged,
        series={"median": median[:used], "mean": mean[:used]},
        events=tuple(events),
        diagnostics=diagnostics,
    )


def _solve_block(
    batch: IssueBatch,
    rows: slice,
    big_r: FloatArray,
    params: BdmParams,
    record: bool,
    all_offers: bool,
) -> _BlockRun:
    """Play up to ``params.rounds`` rounds on some rows; a converged row is frozen."""
    x = np.array(batch.position[rows], dtype=np.float64)
    s = batch.salience[rows]
    w = batch.capability[rows] * s
    report_w = effective_weight(batch.capability[rows], s)
    nb = x.shape[0]
    run = _BlockRun(
        x=x,
        states=[x.copy()],
        median=[median_walk(x, report_w, big_r)],
        mean=[weighted_mean(x, report_w)],
        rounds=np.zeros(nb, dtype=np.int64),
        converged=np.zeros(nb, dtype=np.bool_),
    )
    active = np.arange(nb)
    for t in range(1, params.rounds + 1):
        old = run.x[active]
        out = play_round(
            old,
            w[active],
            s[active],
            big_r[active],
            run.median[-1][active],
            params.variant,
            params.q,
        )
        if record:
            run.events.extend(_events(t, rows.start + active, old, out, all_offers))
        moved = np.abs(out.position - old).max(axis=1)
        run.x[active] = out.position
        median = run.median[-1].copy()
        mean = run.mean[-1].copy()
        median[active] = median_walk(out.position, report_w[active], big_r[active])
        mean[active] = weighted_mean(out.position, report_w[active])
        run.states.append(run.x.copy())
        run.median.append(median)
        run.mean.append(mean)
        run.rounds[active] = t
        done = moved <= params.tol * big_r[active]
        run.converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return run


def _events(
    t: int, row_ids: np.ndarray, old: FloatArray, out: RoundOutcome, all_offers: bool
) -> list[KernelEvent]:
    """Return one event per offer of the round (or per accepted offer only).

    Offers are computed between sorted slots; ``out.order`` maps slots back to actors. Events
    are listed by row, then actor, then counterpart index.
    """
    offers, order = out.offers, out.order
    made = offers.kind != NO_OFFER
    accepted = out.accepted
    rows, slot_i, slot_j = np.nonzero(made if all_offers else accepted)
    actor = order[rows, slot_i]
    counterpart = order[rows, slot_j]
    events = []
    for k in np.lexsort((counterpart, actor, rows)):
        r, i, j = rows[k], slot_i[k], slot_j[k]
        events.append(
            KernelEvent(
                round=t,
                row=int(row_ids[r]),
                actor=int(actor[k]),
                counterpart=int(counterpart[k]),
                kind=KIND_NAMES[int(offers.kind[r, i, j])],
                accepted=bool(accepted[r, i, j]),
                position_from=float(old[r, actor[k]]),
                position_to=float(offers.target[r, i, j]),
                detail={
                    "eu_actor": float(offers.eu_actor[r, i, j]),
                    "eu_counterpart": float(offers.eu_counterpart[r, i, j]),
                    "risk_exponent": float(out.risk[r, i]),
                },
            )
        )
    return events


@register
class Bdm(PerIssueModel):
    """Bueno de Mesquita's expected-utility model (variants ``scholz`` and ``paper``)."""

    name = "bdm"
    summary = "Bueno de Mesquita's expected-utility model: challenges, offers and moves by rounds."
    reference = (
        "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman, European Community Decision "
        "Making, Yale UP; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)."
    )
    Parameters = BdmParams
    indifferent_neutral = False  # an actor without salience still challenges and is challenged

    def _solve(self, batch: IssueBatch, rng: np.random.Generator) -> IssueOutput:
        """Solve a flat batch of one-issue problems (deterministic: ``rng`` is unused)."""
        return solve_batch(batch, cast(BdmParams, self.params))
