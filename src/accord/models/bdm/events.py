"""Events of the BDM model: one per offer (or per accepted offer), built when first read.

A round's offers are n^2 per problem; turning them into :class:`KernelEvent` records costs far
more than the round itself (at 100 actors about 9x a whole run). So a run stores nothing
extra: :func:`lazy_events` returns a :class:`~accord.models.base.LazyEvents` that, when first
read, replays each round with the NumPy reference (:func:`~accord.models.bdm.round.play_round`)
from the stored state before it (positions and median) and lists its offers. The replay sees
what the round saw, so the events are those the rounds made (the tests compare them with
events recorded during the rounds). Monte Carlo never records events (several draws).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from accord.models.base import FloatArray, IssueBatch, KernelEvent, LazyEvents
from accord.models.bdm.offers import KIND_NAMES, NO_OFFER
from accord.models.bdm.round import RoundOutcome, play_round

if TYPE_CHECKING:
    from accord.models.bdm.model import BdmParams


def round_events(
    t: int, row_ids: np.ndarray, old: FloatArray, out: RoundOutcome, all_offers: bool
) -> list[KernelEvent]:
    """Return one event per offer of round ``t`` (or per accepted offer only).

    Offers are computed between sorted slots; ``out.order`` maps slots back to actors. Events
    are listed by row, then actor, then counterpart index.
    """
    offers, order = out.offers, out.order
    made = offers.kind != NO_OFFER
    accepted = out.accepted
    rows, slot_i, slot_j = np.nonzero(made if all_offers else accepted)
    actor = order[rows, slot_i]
    counterpart = order[rows, slot_j]
    pick = np.lexsort((counterpart, actor, rows))
    rows, slot_i, slot_j = rows[pick], slot_i[pick], slot_j[pick]
    actor, counterpart = actor[pick], counterpart[pick]
    columns = zip(
        np.asarray(row_ids)[rows].tolist(),
        actor.tolist(),
        counterpart.tolist(),
        offers.kind[rows, slot_i, slot_j].tolist(),
        accepted[rows, slot_i, slot_j].tolist(),
        old[rows, actor].tolist(),
        offers.target[rows, slot_i, slot_j].tolist(),
        offers.eu_actor[rows, slot_i, slot_j].tolist(),
        offers.eu_counterpart[rows, slot_i, slot_j].tolist(),
        out.risk[rows, slot_i].tolist(),
        strict=True,
    )
    return [
        KernelEvent(
            round=t,
            row=row,
            actor=a,
            counterpart=c,
            kind=KIND_NAMES[kind],
            accepted=took,
            position_from=start,
            position_to=to,
            detail={"eu_actor": eu_a, "eu_counterpart": eu_c, "risk_exponent": risk},
        )
        for row, a, c, kind, took, start, to, eu_a, eu_c, risk in columns
    ]


def replay_events(
    batch: IssueBatch,
    params: BdmParams,
    big_r: FloatArray,
    trajectory: FloatArray,
    median: FloatArray,
    rounds: np.ndarray,
    all_offers: bool,
    per_block: int,
) -> tuple[KernelEvent, ...]:
    """Return the events of a solved batch, replaying its rounds from the stored states.

    ``trajectory`` (used, B, n) and ``median`` (used, B) are the states and medians the rounds
    started from, ``rounds`` (B,) how many rounds each problem played. Blocks of ``per_block``
    problems, in the NumPy path's order (block, round, problem, actor, counterpart).
    """
    s = batch.salience
    w = batch.capability * s
    b = trajectory.shape[1]
    events: list[KernelEvent] = []
    for start in range(0, b, per_block):
        block = np.arange(start, min(b, start + per_block))
        for t in range(1, int(rounds[block].max(initial=0)) + 1):
            rows = block[rounds[block] >= t]
            old = trajectory[t - 1, rows]
            out = play_round(
                old, w[rows], s[rows], big_r[rows], median[t - 1, rows], params.variant, params.q
            )
            events.extend(round_events(t, rows, old, out, all_offers))
    return tuple(events)


def lazy_events(
    batch: IssueBatch,
    params: BdmParams,
    big_r: FloatArray,
    trajectory: FloatArray,
    median: FloatArray,
    rounds: np.ndarray,
    all_offers: bool,
    per_block: int,
) -> LazyEvents[KernelEvent]:
    """Return the events of a solved batch, built by :func:`replay_events` when first read."""
    return LazyEvents(
        lambda: replay_events(
            batch, params, big_r, trajectory, median, rounds, all_offers, per_block
        )
    )
