"""Run a process design: stage by stage, track by track, with a model from the registry.

Semantics (documented in ``docs/process.md``):

- Each stage seats its forum. Actors outside it take part with their capability scaled by the
  stage's ``outside_weight`` (and keep their positions afterwards: they were not at the table), or
  not at all when the weight is 0. Exited and boycotting actors never take part.
- A coalition that holds acts as one actor: capability summed, position and salience the
  capability x salience weighted means of its members. It is at the table when any of its members
  is; a split shock dissolves it.
- Each track (a set of linked issues) is negotiated on its own; the model sees only its issues.
- At the end of a stage the forum's members carry the stage's outcome (default) or their own
  final positions into the next stage.
- Shocks at round 0 apply before the stage starts; shocks at round r > 0 split the stage's model
  run after r rounds (iterative models only: a model with a ``rounds``/``max_turns`` parameter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.errors import AccordError
from accord.forecast import ROUND_PARAMS
from accord.models.base import FloatArray, Model, Result, as_arrays
from accord.process.design import Design, Shock, check_against
from accord.process.shocks import Status, apply_shock
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario, ScenarioProblem


@dataclass(frozen=True)
class Group:
    """Actors that negotiate as one: a single actor, or a coalition that holds."""

    members: tuple[int, ...]
    seated: bool
    """At the table with full weight (False: outside, with the outside weight)."""


@dataclass(frozen=True)
class StageRecord:
    """What one stage (or one segment of it, between round-level shocks) did on one track."""

    stage: int
    name: str
    track: tuple[str, ...]
    seated: tuple[str, ...]
    outside: tuple[str, ...]
    coalitions: tuple[str, ...]
    forecast: FloatArray
    rounds: FloatArray
    result: Result | None


@dataclass(frozen=True, eq=False)
class DesignRun:
    """The outcome of running one design with one model."""

    design: Design
    model: str
    initial: ScenarioArrays
    final: ScenarioArrays
    forecast: FloatArray
    rounds: FloatArray
    excluded: tuple[str, ...]
    """Actors not seated in the final stage (outside, exited or boycotting)."""
    records: tuple[StageRecord, ...]


def _round_param(model: Model) -> str | None:
    fields = type(model).Parameters.model_fields
    return next((p for p in ROUND_PARAMS if p in fields), None)


def _with_rounds(model: Model, rounds: int) -> Model:
    key = _round_param(model)
    assert key is not None
    return type(model)(**{**model.params.model_dump(), key: rounds})


def _groups(
    design: Design, stage: int, state: ScenarioArrays, status: Status
) -> tuple[list[Group], float, list[str]]:
    ids = state.actor_ids
    seated = design.stages[stage].forum.members(ids, state.blocs)
    weight = design.outside_weight_of(stage)
    present = [i for i, a in enumerate(ids) if not status.away(a, stage)]
    taking_part = [i for i in present if ids[i] in seated or weight > 0]
    holding = [b for b in design.coalitions if b not in status.split]
    groups: list[Group] = []
    used: set[int] = set()
    active_coalitions = []
    for bloc in holding:
        members = tuple(i for i in present if state.blocs[i] == bloc)
        if not any(i in taking_part for i in members):
            continue
        groups.append(Group(members, any(ids[i] in seated for i in members)))
        used.update(members)
        active_coalitions.append(bloc)
    groups += [Group((i,), ids[i] in seated) for i in taking_part if i not in used]
    return groups, weight, active_coalitions


def _merge(sub: ScenarioArrays, groups: list[Group], weight: float) -> ScenarioArrays:
    """Return the arrays of the groups (one row each) for one track's issues."""
    cap, pos, sal = [], [], []
    for g in groups:
        idx = list(g.members)
        c = sub.capability[:, idx]  # (D, m)
        s = sub.salience[:, idx, :]  # (D, m, K)
        x = sub.position[:, idx, :]
        cs = c[:, :, None] * s
        total_cs = cs.sum(axis=1)
        total_c = c.sum(axis=1)
        mean_x = np.where(
            total_cs > 0,
            (cs * x).sum(axis=1) / np.where(total_cs > 0, total_cs, 1),
            x.mean(axis=1),
        )
        mean_s = np.where(
            total_c[:, None] > 0,
            total_cs / np.where(total_c[:, None] > 0, total_c[:, None], 1),
            s.mean(axis=1),
        )
        cap.append(total_c * (1.0 if g.seated else weight))
        pos.append(mean_x)
        sal.append(mean_s)
    return sub.with_values(
        actor_ids=tuple(f"g{k}" for k in range(len(groups))),
        blocs=(None,) * len(groups),
        capability=np.stack(cap, axis=1),
        position=np.stack(pos, axis=1),
        salience=np.stack(sal, axis=1),
    )


def _segments(design: Design, stage: int, model: Model) -> list[tuple[int, list[Shock]]]:
    """Return (rounds to run, shocks to apply after them) for each segment of a stage."""
    later = sorted(
        (s for s in design.shocks if s.stage == stage and s.round > 0), key=lambda s: s.round
    )
    if not later:
        return [(0, [])]
    key = _round_param(model)
    if key is None:
        raise AccordError(
            f"design '{design.id}': a shock at round {later[0].round} needs an iterative model "
            f"(one with rounds); '{model.name}' has none"
        )
    total = int(getattr(model.params, key))
    out: list[tuple[int, list[Shock]]] = []
    done = 0
    for r in sorted({s.round for s in later}):
        if r >= total:
            raise AccordError(
                f"design '{design.id}': a shock at round {r} comes after the model's last round "
                f"({total})"
            )
        out.append((r - done, [s for s in later if s.round == r]))
        done = r
    out.append((total - done, []))
    return out


def run_design(
    data: Scenario | ScenarioArrays,
    design: Design,
    model: Model,
    seed: int = 0,
) -> DesignRun:
    """Run a design on a scenario with a model and return every stage's outcome."""
    if isinstance(data, Scenario):
        try:
            check_against(design, data)
        except ScenarioProblem as problem:
            raise AccordError(
                problem.message, where=f"design '{design.id}' " + ".".join(map(str, problem.loc))
            ) from None
    initial = as_arrays(data)
    state = initial
    status = Status()
    tracks = design.track_list(initial.issue_ids)
    track_idx = [[initial.issue_ids.index(i) for i in t] for t in tracks]
    d, k = initial.n_draws, initial.n_issues
    forecast = np.full((d, k), np.nan)
    rounds = np.zeros((d, k))
    records: list[StageRecord] = []
    excluded: tuple[str, ...] = ()
    for s, stage in enumerate(design.stages):
        for shock in design.shocks:
            if shock.stage == s and shock.round == 0:
                state = apply_shock(state, status, shock)
        segments = _segments(design, s, model)
        for n_seg, (seg_rounds, after) in enumerate(segments):
            last = n_seg == len(segments) - 1
            groups, weight, coalitions = _groups(design, s, state, status)
            if not any(g.seated for g in groups):
                raise AccordError(f"design '{design.id}': nobody is at the table in stage {s}")
            seg_model = _with_rounds(model, seg_rounds) if seg_rounds else model
            adopt = stage.adopt if last else "positions"
            pos = state.position.copy()
            for t, idx in enumerate(track_idx):
                sub = _merge(state.take_issues(idx), groups, weight)
                if len(groups) == 1:  # one party alone: its position is the outcome
                    result = None
                    fc = sub.position[:, 0, :]
                    final = sub.position
                    used = np.zeros_like(fc)
                else:
                    rng = np.random.default_rng([seed, s, n_seg, t])
                    result = seg_model.run(sub, rng=rng)
                    fc, final = result.forecast, result.final_positions
                    used = result.rounds.astype(float)
                for g_i, g in enumerate(groups):
                    if not g.seated:
                        continue
                    new = fc if adopt == "outcome" else final[:, g_i, :]
                    for m in g.members:
                        pos[:, m, idx] = new
                forecast[:, idx] = fc
                rounds[:, idx] += used
                records.append(
                    StageRecord(
                        stage=s,
                        name=stage.name or f"stage {s}",
                        track=tracks[t],
                        seated=tuple(
                            state.actor_ids[m] for g in groups if g.seated for m in g.members
                        ),
                        outside=tuple(
                            state.actor_ids[m] for g in groups if not g.seated for m in g.members
                        ),
                        coalitions=tuple(coalitions),
                        forecast=fc,
                        rounds=used,
                        result=result,
                    )
                )
            state = state.with_values(position=pos)
            seated_ids = {state.actor_ids[m] for g in groups if g.seated for m in g.members}
            excluded = tuple(a for a in state.actor_ids if a not in seated_ids)
            for shock in after:
                state = apply_shock(state, status, shock)
    return DesignRun(
        design=design,
        model=model.name,
        initial=initial,
        final=state,
        forecast=forecast,
        rounds=rounds,
        excluded=excluded,
        records=tuple(records),
    )


def reentry_forecast(run: DesignRun, model: Model, seed: int = 0) -> FloatArray:
    """Return the forecast when everyone excluded comes back to one last, full forum.

    Seated actors start from where the design left them; excluded actors from their own
    positions (moved inside any option bounds the design imposed). No coalition acts as one.
    Each track is negotiated as in the design.
    """
    state = run.final
    original = run.initial
    pos = state.position.copy()
    for a, actor in enumerate(state.actor_ids):
        if actor in run.excluded:  # back with their own positions, within today's options
            pos[:, a, :] = np.clip(original.position[:, a, :], state.scale_min, state.scale_max)
    state = state.with_values(position=pos, capability=original.capability)
    out = np.full_like(run.forecast, np.nan)
    for t, track in enumerate(run.design.track_list(original.issue_ids)):
        idx = [original.issue_ids.index(i) for i in track]
        rng = np.random.default_rng([seed, 10_000, t])
        out[:, idx] = model.run(state.take_issues(idx), rng=rng).forecast
    return out


def run_designs(
    data: Scenario | ScenarioArrays, designs: Sequence[Design], model: Model, seed: int = 0
) -> list[DesignRun]:
    """Run several designs with the same model and seed."""
    return [run_design(data, d, model, seed) for d in designs]
