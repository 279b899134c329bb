"""Apply a design's shocks to the evolving state of a process run."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.process.design import Shock
from accord.scenario.arrays import ScenarioArrays


@dataclass
class Status:
    """Who is away and which coalitions have split, as the process goes on."""

    exited: set[str] = field(default_factory=set)
    boycott_until: dict[str, int] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)

    def away(self, actor: str, stage: int) -> bool:
        """Return whether an actor is absent from a stage (exited, or boycotting it)."""
        return actor in self.exited or stage < self.boycott_until.get(actor, -1)


def apply_shock(state: ScenarioArrays, status: Status, shock: Shock) -> ScenarioArrays:
    """Return the state after one shock (``status`` is updated in place for exits and splits)."""
    if shock.type == "exit":
        status.exited.add(str(shock.actor))
        return state
    if shock.type == "boycott":
        until = shock.until_stage if shock.until_stage is not None else shock.stage + 1
        status.boycott_until[str(shock.actor)] = until
        return state
    if shock.type == "split":
        status.split.add(str(shock.bloc))
        return state
    a = state.actor_ids.index(shock.actor) if shock.actor is not None else -1
    k = state.issue_ids.index(shock.issue) if shock.issue is not None else -1
    if shock.type == "capability":
        cap = state.capability.copy()
        cap[:, a] = shock.value if shock.value is not None else cap[:, a] * float(shock.factor or 0)
        return state.with_values(capability=cap)
    if shock.type == "salience":
        sal = state.salience.copy()
        new = shock.value if shock.value is not None else sal[:, a, k] * float(shock.factor or 0)
        sal[:, a, k] = np.clip(new, 0.0, 1.0)
        return state.with_values(salience=sal)
    if shock.type == "position":
        pos = state.position.copy()
        lo, hi = state.scale_min[k], state.scale_max[k]
        if shock.value is not None:
            new = np.full(pos.shape[0], shock.value)
        elif shock.delta is not None:
            new = pos[:, a, k] + shock.delta
        else:
            b = state.actor_ids.index(str(shock.toward))
            new = pos[:, a, k] + float(shock.fraction or 0) * (pos[:, b, k] - pos[:, a, k])
        pos[:, a, k] = np.clip(new, lo, hi)
        return state.with_values(position=pos)
    # bound: narrow (or widen back) the issue's scale; positions move inside it
    smin, smax = state.scale_min.copy(), state.scale_max.copy()
    if shock.min is not None:
        smin[k] = shock.min
    if shock.max is not None:
        smax[k] = shock.max
    pos = state.position.copy()
    pos[:, :, k] = np.clip(pos[:, :, k], smin[k], smax[k])
    return state.with_values(scale_min=smin, scale_max=smax, position=pos)
