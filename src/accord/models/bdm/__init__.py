"""Bueno de Mesquita's expected-utility ("challenge") model, vectorised over draws and issues.

Importing this package registers the model as ``"bdm"``. Modules: :mod:`.model` (parameters,
the rounds loop, dispatch), :mod:`.round` (one round, NumPy reference), :mod:`.votes` (vote
sums, probabilities, median, mean), :mod:`.utility` (expected utilities, risk), :mod:`.offers`
(offers and choices), :mod:`.kernel` (the compiled round loop), :mod:`.events` (events, built
on access). See ``docs/models/bdm.md``.
"""

from accord.models.bdm.model import (
    BLOCK_ELEMENTS,
    EVENT_ACTOR_LIMIT,
    Bdm,
    BdmParams,
    check_batch,
    issue_range,
    solve_batch,
)

__all__ = [
    "BLOCK_ELEMENTS",
    "EVENT_ACTOR_LIMIT",
    "Bdm",
    "BdmParams",
    "check_batch",
    "issue_range",
    "solve_batch",
]
