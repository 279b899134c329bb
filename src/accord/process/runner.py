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
- A stage bargains only the issues on its agenda (default: all).

Will they settle (see ``docs/agreement.md``)? At the end of each stage the agreement analysis
asks, for the issues on its agenda, whether some point is preferred to their outside options by
everyone whose consent the agreement needs (seated or not: an excluded veto player keeps its
outside option, so a forum cannot dictate to it) and by everyone who must implement it. It
judges the actors by their own positions and saliences (after shocks: a concession is a change
of mind; a forum's adopted outcome is not) and packages only the issues the design's tracks
link. The last stage that bargains an issue decides it: with a zone, the stage's forecast moved
into the zone is the settlement; without one the issue stays at its no-deal outcome. A stage
marked ``implemented`` settles its issues for good where it finds a zone: the settlement becomes
the no-deal outcome and every actor's outside option for the later stages.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.agreement import Agreement, Transfer, analyse
from accord.errors import AccordError
from accord.forecast import ROUND_PARAMS
from accord.models.base import FloatArray, Model, Result, as_arrays
from accord.process.design import Design, Forum, Shock, Stage, check_against
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
class ModelCall:
    """One model run a design asks for: the model, its inputs and its random generator's seed.

    The reference path runs it as ``model.run(arrays, rng=np.random.default_rng(key))``; the
    design sweep (:mod:`accord.process.sweep`) may run several such calls as one batch.
    """

    model: Model
    arrays: ScenarioArrays
    key: tuple[int, ...]


Steps = Generator[ModelCall, Result, Any]
"""A run written as a generator: it yields the model calls it needs, one at a time, is sent
each call's result, and returns its own result."""


def run_call(call: ModelCall) -> Result:
    """Run one model call as the one-by-one (reference) path does."""
    return call.model.run(call.arrays, rng=np.random.default_rng(list(call.key)))


def drive(steps: Steps) -> Any:
    """Run a generator of model calls one call after the other; return what it returns."""
    try:
        call = next(steps)
        while True:
            call = steps.send(run_call(call))
    except StopIteration as done:
        return done.value


@dataclass(frozen=True, eq=False)
class StageAgreement:
    """The agreement analysis of one stage's agenda."""

    stage: int
    issues: tuple[str, ...]
    agreement: Agreement


@dataclass(frozen=True, eq=False)
class DesignRun:
    """The outcome of running one design with one model.

    ``forecast`` is the model's answer: per issue, the forecast of the last stage that
    bargained it. ``deal``, ``settlement`` and ``outcome`` make it deal-aware (see the module
    docstring); ``inside`` says where the forecast needed no move into the zone (every actor
    whose consent or implementation the agreement needs accepts it as it stands).
    """

    design: Design
    model: str
    initial: ScenarioArrays
    final: ScenarioArrays
    forecast: FloatArray
    rounds: FloatArray
    excluded: tuple[str, ...]
    """Actors not seated in the final stage (outside, exited or boycotting)."""
    records: tuple[StageRecord, ...]
    deal: NDArray[np.bool_]
    settlement: FloatArray
    outcome: FloatArray
    inside: NDArray[np.bool_]
    no_deal: FloatArray
    """(D, K) the no-deal outcome at the end (after implemented stages)."""
    preferences: ScenarioArrays
    """The actors' own preferences at the end: shocks applied, outside options updated."""
    agreements: tuple[StageAgreement, ...]


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
    cap, pos, sal, res, consent, implementers = [], [], [], [], [], []
    for g in groups:
        idx = list(g.members)
        consent.append(sub.consent[idx, :].any(axis=0))
        implementers.append(sub.implementers[idx, :].any(axis=0))
        if len(idx) == 1:  # one actor: its own numbers, exactly
            cap.append(sub.capability[:, idx[0]] * (1.0 if g.seated else weight))
            pos.append(sub.position[:, idx[0], :])
            sal.append(sub.salience[:, idx[0], :])
            res.append(sub.reservation[:, idx[0], :])
            continue
        c = sub.capability[:, idx]  # (D, m)
        s = sub.salience[:, idx, :]  # (D, m, K)
        x = sub.position[:, idx, :]
        r = sub.outside_option[:, idx, :]
        cs = c[:, :, None] * s
        total_cs = cs.sum(axis=1)
        total_c = c.sum(axis=1)

        def mean_of(v: FloatArray, cs: FloatArray = cs, total_cs: FloatArray = total_cs) -> Any:
            return np.where(
                total_cs > 0,
                (cs * v).sum(axis=1) / np.where(total_cs > 0, total_cs, 1),
                v.mean(axis=1),
            )

        mean_x = mean_of(x)
        res.append(mean_of(r))
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
        reservation=np.stack(res, axis=1),
        consent=np.stack(consent, axis=0),
        implementers=np.stack(implementers, axis=0),
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


def _stage_rules(stage: Stage, prefs: ScenarioArrays, agenda: list[int]) -> ScenarioArrays:
    """Return the preferences with the stage's consent and implementers on its agenda."""
    if stage.consent is None and stage.implementers is None:
        return prefs
    ids, blocs = prefs.actor_ids, prefs.blocs
    consent, implementers = prefs.consent.copy(), prefs.implementers.copy()
    for given, target in ((stage.consent, consent), (stage.implementers, implementers)):
        if given is not None:
            chosen = Forum(include=given).members(ids, blocs)
            mask = np.array([a in chosen for a in ids])
            target[:, agenda] = mask[:, None]
    return prefs.with_values(consent=consent, implementers=implementers)


def _preference_shock(prefs: ScenarioArrays, shock: Shock) -> ScenarioArrays:
    """Return the preferences after a shock that changes what actors want (or can get)."""
    if shock.type in ("capability", "salience", "position", "bound"):
        return apply_shock(prefs, Status(), shock)
    return prefs


def _settle_issues(
    prefs: ScenarioArrays,
    state: ScenarioArrays,
    k: list[int],
    value: FloatArray,
    where: NDArray[np.bool_],
) -> tuple[ScenarioArrays, ScenarioArrays]:
    """Return preferences and state with issues k settled at ``value`` in the draws ``where``."""
    out = []
    for arr in (prefs, state):
        no_deal = np.array(arr.no_deal, copy=True)
        res = np.array(np.broadcast_to(arr.reservation, arr.position.shape), copy=True)
        no_deal[:, k] = np.where(where, value, no_deal[:, k])
        res[:, :, k] = np.where(where[:, None, :], value[:, None, :], res[:, :, k])
        out.append(arr.with_values(no_deal=no_deal, reservation=res))
    return out[0], out[1]


def run_design(
    data: Scenario | ScenarioArrays,
    design: Design,
    model: Model,
    seed: int = 0,
) -> DesignRun:
    """Run a design on a scenario with a model and return every stage's outcome."""
    out: DesignRun = drive(design_steps(data, design, model, seed))
    return out


def design_steps(
    data: Scenario | ScenarioArrays,
    design: Design,
    model: Model,
    seed: int = 0,
) -> Generator[ModelCall, Result, DesignRun]:
    """Return :func:`run_design` as a generator of its model calls (see :data:`Steps`)."""
    if isinstance(data, Scenario):
        try:
            check_against(design, data)
        except ScenarioProblem as problem:
            raise AccordError(
                problem.message, where=f"design '{design.id}' " + ".".join(map(str, problem.loc))
            ) from None
    initial = as_arrays(data)
    state = initial
    prefs = initial
    status = Status()
    issue_ids = initial.issue_ids
    tracks = design.track_list(issue_ids)
    d, k = initial.n_draws, initial.n_issues
    forecast = np.full((d, k), np.nan)
    rounds = np.zeros((d, k))
    dealt = np.zeros((d, k), dtype=np.bool_)
    settled = np.full((d, k), np.nan)
    inside = np.zeros((d, k), dtype=np.bool_)
    records: list[StageRecord] = []
    agreements: list[StageAgreement] = []
    excluded: tuple[str, ...] = ()
    last = {i: design.last_stage_of(i, issue_ids) for i in issue_ids}
    for s, stage in enumerate(design.stages):
        for shock in design.shocks:
            if shock.stage == s and shock.round == 0:
                state = apply_shock(state, status, shock)
                prefs = _preference_shock(prefs, shock)
        agenda = stage.on_agenda(issue_ids)
        stage_tracks = [tuple(i for i in t if i in agenda) for t in tracks]
        track_idx = [[issue_ids.index(i) for i in t] for t in stage_tracks if t]
        stage_fc = np.full((d, k), np.nan)
        segments = _segments(design, s, model)
        for n_seg, (seg_rounds, after) in enumerate(segments):
            is_last = n_seg == len(segments) - 1
            groups, weight, coalitions = _groups(design, s, state, status)
            if not any(g.seated for g in groups):
                raise AccordError(f"design '{design.id}': nobody is at the table in stage {s}")
            seg_model = _with_rounds(model, seg_rounds) if seg_rounds else model
            adopt = stage.adopt if is_last else "positions"
            pos = state.position.copy()
            for t, idx in enumerate(track_idx):
                sub = _merge(state.take_issues(idx), groups, weight)
                if len(groups) == 1:  # one party alone: its position is the outcome
                    result = None
                    fc = sub.position[:, 0, :]
                    final = sub.position
                    used = np.zeros_like(fc)
                else:
                    result = yield ModelCall(seg_model, sub, (seed, s, n_seg, t))
                    fc, final = result.forecast, result.final_positions
                    used = result.rounds.astype(float)
                for g_i, g in enumerate(groups):
                    if not g.seated:
                        continue
                    new = fc if adopt == "outcome" else final[:, g_i, :]
                    for m in g.members:
                        pos[:, m, idx] = new
                forecast[:, idx] = fc
                stage_fc[:, idx] = fc
                rounds[:, idx] += used
                records.append(
                    StageRecord(
                        stage=s,
                        name=stage.name or f"stage {s}",
                        track=tuple(issue_ids[i] for i in idx),
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
                prefs = _preference_shock(prefs, shock)
        # Will they settle the issues on this stage's agenda?
        decides = [i for i in agenda if last[i] == s]
        if not (decides or stage.implemented):
            continue
        idx = [issue_ids.index(i) for i in agenda]
        packages = design.packages()
        chosen = (
            None
            if packages is None
            else [tuple(i for i in p if i in agenda) for p in packages if set(p) & set(agenda)]
        )
        transfers = [
            Transfer(p.payer, p.payee, p.amount, p.issue)
            for p in design.side_payments
            if p.stage in (None, s) and (p.issue is None or p.issue in agenda)
        ]
        view = _stage_rules(stage, prefs, idx).take_issues(idx)
        positions = np.clip(view.position, view.scale_min, view.scale_max)
        agreement = analyse(view.with_values(position=positions), chosen, transfers)
        agreements.append(StageAgreement(s, agenda, agreement))
        result_ = agreement.settle(stage_fc[:, idx])
        for j, i in enumerate(agenda):
            if last[i] != s and not stage.implemented:
                continue
            col = idx[j]
            deal = result_.deal[:, j]
            dealt[:, col] |= deal
            settled[:, col] = np.where(deal, result_.settlement[:, j], settled[:, col])
            inside[:, col] = deal & result_.inside[:, j]
        if stage.implemented:
            deal = result_.deal
            prefs, state = _settle_issues(prefs, state, idx, result_.settlement, deal)
    # Issues no stage bargains keep their no-deal outcome (or, without one, the positions'
    # weighted mean) as the model's answer.
    idle = np.isnan(forecast)
    if idle.any():
        cs = (initial.capability[:, :, None] * initial.salience).sum(axis=1)
        mean = (initial.capability[:, :, None] * initial.salience * initial.position).sum(axis=1)
        fallback = np.where(
            np.isfinite(prefs.no_deal), prefs.no_deal, mean / np.maximum(cs, 1e-300)
        )
        forecast = np.where(idle, fallback, forecast)
    outcome = np.where(dealt, settled, prefs.no_deal)
    return DesignRun(
        design=design,
        model=model.name,
        initial=initial,
        final=state,
        forecast=forecast,
        rounds=rounds,
        excluded=excluded,
        records=tuple(records),
        deal=dealt,
        settlement=settled,
        outcome=outcome,
        inside=inside,
        no_deal=np.array(prefs.no_deal),
        preferences=prefs,
        agreements=tuple(agreements),
    )


def reentry_forecast(run: DesignRun, model: Model, seed: int = 0) -> FloatArray:
    """Return the forecast when everyone excluded comes back to one last, full forum.

    Seated actors start from where the design left them; excluded actors from their own
    positions (moved inside any option bounds the design imposed). No coalition acts as one.
    Each track is negotiated as in the design.
    """
    out: FloatArray = drive(reentry_steps(run, model, seed))
    return out


def reentry_steps(
    run: DesignRun, model: Model, seed: int = 0
) -> Generator[ModelCall, Result, FloatArray]:
    """Return :func:`reentry_forecast` as a generator of its model calls (see :data:`Steps`)."""
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
        result = yield ModelCall(model, state.take_issues(idx), (seed, 10_000, t))
        out[:, idx] = result.forecast
    return out


def run_designs(
    data: Scenario | ScenarioArrays, designs: Sequence[Design], model: Model, seed: int = 0
) -> list[DesignRun]:
    """Run several designs with the same model and seed."""
    return [run_design(data, d, model, seed) for d in designs]
