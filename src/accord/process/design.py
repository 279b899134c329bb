"""Process designs as data: forums, stages, tracks, coalitions and shocks.

A design says *how* a negotiation is run, not what anyone wants: who sits at the table in each
stage (and what weight those outside keep), which issues are bargained together, which declared
coalitions act as one, and what happens along the way (an actor exits or boycotts, a coalition
splits, capabilities or saliences shift, a concession, an option taken off the table).

Designs are validated on their own (:class:`Design`) and against a scenario
(:func:`check_against`), which reports problems with the path of the offending field so that a
loader can point at the line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from accord.scenario.model import Loc, Scenario, ScenarioProblem, Slug

ALL = "all"
BLOC_PREFIX = "bloc:"

ShockType = Literal["exit", "boycott", "split", "capability", "salience", "position", "bound"]
"""exit: leaves every forum from its stage on; boycott: stays away from one stage (or up to
``until_stage``); split: a coalition stops acting as one; capability / salience: a value or a
factor; position: a concession (value, delta, or a fraction of the way toward another actor);
bound: an option taken off (or put back on) the table by narrowing an issue's scale."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Member = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class Forum(_Frozen):
    """Who sits at the table: actor ids, ``bloc:<id>`` for a whole bloc, or ``all``."""

    include: tuple[Member, ...] = (ALL,)
    exclude: tuple[Member, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if data == ALL:
            return {"include": [ALL]}
        if isinstance(data, list | tuple):
            return {"include": list(data)}
        if isinstance(data, dict):  # allow a single member written without a list
            return {k: [v] if isinstance(v, str) else v for k, v in data.items()}
        return data

    def members(self, scenario_actors: tuple[str, ...], blocs: tuple[str | None, ...]) -> set[str]:
        """Return the actor ids this forum seats."""

        def expand(items: tuple[str, ...]) -> set[str]:
            out: set[str] = set()
            for item in items:
                if item == ALL:
                    out.update(scenario_actors)
                elif item.startswith(BLOC_PREFIX):
                    bloc = item.removeprefix(BLOC_PREFIX)
                    out.update(a for a, b in zip(scenario_actors, blocs, strict=True) if b == bloc)
                else:
                    out.add(item)
            return out

        return expand(self.include) - expand(self.exclude)


class Stage(_Frozen):
    """One stage of the process: a forum negotiates, starting where the last stage ended.

    ``adopt`` says what the forum's members carry into the next stage: the stage's outcome
    (they committed to the agreement; the default, and the only meaningful choice for one-shot
    models) or their own final positions from the model's rounds (iterative models).

    ``agenda`` names the issues the stage bargains (default: all). ``implemented`` makes an
    agreement reached in this stage take effect before the next one: on each issue it settles,
    the settlement becomes the no-deal outcome and every actor's outside option from then on.
    ``consent`` and ``implementers`` replace, for this stage's agreements, whose consent the
    issues on its agenda need and who must implement them (members as in a forum).
    """

    name: str = ""
    forum: Forum = Field(default_factory=Forum)
    outside_weight: float | None = Field(default=None, ge=0, le=1)
    adopt: Literal["outcome", "positions"] = "outcome"
    agenda: tuple[Slug, ...] | None = None
    implemented: bool = False
    consent: tuple[Member, ...] | None = None
    implementers: tuple[Member, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        if isinstance(data, dict):  # a single issue or member may be written without a list
            return {
                k: [v] if k in ("agenda", "consent", "implementers") and isinstance(v, str) else v
                for k, v in data.items()
            }
        return data

    @model_validator(mode="after")
    def _agenda(self) -> Stage:
        if self.agenda is not None:
            if not self.agenda:
                raise ScenarioProblem(("agenda",), "an empty agenda: name at least one issue")
            for k, issue in enumerate(self.agenda):
                if issue in self.agenda[:k]:
                    raise ScenarioProblem(("agenda", k), f"issue '{issue}' is listed twice")
        return self

    def on_agenda(self, issue_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Return the issues this stage bargains, in scenario order."""
        if self.agenda is None:
            return issue_ids
        return tuple(i for i in issue_ids if i in self.agenda)


class SidePayment(_Frozen):
    """Utility that ``payer`` gives ``payee`` with an agreement (see docs/agreement.md).

    ``amount`` is in utility units (salience x squared share of the scale); ``issue`` picks the
    set of linked issues whose agreement carries it (default: every set); ``stage`` the stage
    (default: every stage).
    """

    payer: Slug
    payee: Slug
    amount: float = Field(gt=0)
    issue: Slug | None = None
    stage: int | None = Field(default=None, ge=0)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _two_parties(self) -> SidePayment:
        if self.payer == self.payee:
            raise ScenarioProblem(("payee",), "an actor cannot pay itself")
        return self


class Shock(_Frozen):
    """Something that happens at a given stage (and round within it)."""

    type: ShockType
    stage: int = Field(default=0, ge=0)
    round: int = Field(default=0, ge=0)
    actor: Slug | None = None
    issue: Slug | None = None
    bloc: Slug | None = None
    value: float | None = None
    factor: float | None = Field(default=None, ge=0)
    delta: float | None = None
    toward: Slug | None = None
    fraction: float | None = Field(default=None, ge=0, le=1)
    min: float | None = None
    max: float | None = None
    until_stage: int | None = Field(default=None, ge=1)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _fields_for_type(self) -> Shock:
        t = self.type
        need: dict[str, tuple[str, ...]] = {
            "exit": ("actor",),
            "boycott": ("actor",),
            "split": ("bloc",),
            "capability": ("actor",),
            "salience": ("actor", "issue"),
            "position": ("actor", "issue"),
            "bound": ("issue",),
        }
        for name in need[t]:
            if getattr(self, name) is None:
                raise ScenarioProblem((name,), f"a '{t}' shock needs '{name}'")
        if t in ("capability", "salience") and (self.value is None) == (self.factor is None):
            raise ScenarioProblem((t,), f"a '{t}' shock needs exactly one of 'value' or 'factor'")
        if t == "position":
            given = [n for n in ("value", "delta", "toward") if getattr(self, n) is not None]
            if len(given) != 1:
                raise ScenarioProblem(
                    ("value",), "a 'position' shock needs exactly one of 'value', 'delta', 'toward'"
                )
            if self.toward is not None and self.fraction is None:
                raise ScenarioProblem(("fraction",), "'toward' needs a 'fraction' in 0-1")
        if t == "bound":
            if self.min is None and self.max is None:
                raise ScenarioProblem(("min",), "a 'bound' shock needs 'min' and/or 'max'")
            if self.min is not None and self.max is not None and not self.min < self.max:
                raise ScenarioProblem(("max",), "'max' must be greater than 'min'")
        if self.until_stage is not None and (t != "boycott" or self.until_stage <= self.stage):
            raise ScenarioProblem(
                ("until_stage",), "'until_stage' is for boycotts and must come after 'stage'"
            )
        if t == "salience" and self.value is not None and not 0 <= self.value <= 1:
            raise ScenarioProblem(("value",), "a salience value must lie in 0-1")
        if t == "capability" and self.value is not None and self.value < 0:
            raise ScenarioProblem(("value",), "a capability value must be >= 0")
        return self


class Design(_Frozen):
    """A process design. The defaults give the baseline: one forum of everyone, one track."""

    id: Slug
    name: str = ""
    description: str = ""
    source: str | None = None
    outside_weight: float = Field(default=0.0, ge=0, le=1)
    stages: tuple[Stage, ...] = (Stage(),)
    tracks: tuple[tuple[Slug, ...], ...] | None = None
    coalitions: tuple[Slug, ...] = ()
    shocks: tuple[Shock, ...] = ()
    side_payments: tuple[SidePayment, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        if not self.stages:
            raise ScenarioProblem(("stages",), "a design needs at least one stage")
        for k, pay in enumerate(self.side_payments):
            if pay.stage is not None and pay.stage >= len(self.stages):
                raise ScenarioProblem(
                    ("side_payments", k, "stage"),
                    f"stage {pay.stage} does not exist (the design has {len(self.stages)}; "
                    "stages count from 0)",
                )
        for k, shock in enumerate(self.shocks):
            if shock.stage >= len(self.stages):
                raise ScenarioProblem(
                    ("shocks", k, "stage"),
                    f"stage {shock.stage} does not exist (the design has {len(self.stages)}; "
                    "stages count from 0)",
                )
        if self.tracks is not None:
            seen: set[str] = set()
            for t, track in enumerate(self.tracks):
                if not track:
                    raise ScenarioProblem(("tracks", t), "a track needs at least one issue")
                for issue in track:
                    if issue in seen:
                        raise ScenarioProblem(("tracks", t), f"issue '{issue}' is in two tracks")
                    seen.add(issue)
        return self

    def outside_weight_of(self, stage: int) -> float:
        """Return the influence kept by actors outside the forum of a stage."""
        w = self.stages[stage].outside_weight
        return self.outside_weight if w is None else w

    def track_list(self, issue_ids: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Return the tracks, or a single track of every issue (all linked) by default."""
        return self.tracks if self.tracks is not None else (issue_ids,)

    def packages(self) -> tuple[tuple[str, ...], ...] | None:
        """Return the issues an agreement must take as one package: the declared tracks.

        Without declared tracks every issue is accepted or rejected on its own (the joint
        models still bargain all issues together; see docs/agreement.md).
        """
        return self.tracks

    def last_stage_of(self, issue: str, issue_ids: tuple[str, ...]) -> int | None:
        """Return the last stage whose agenda holds ``issue`` (None: no stage bargains it)."""
        found = None
        for s, stage in enumerate(self.stages):
            if issue in stage.on_agenda(issue_ids):
                found = s
        return found


BASELINE = Design(
    id="baseline",
    name="Baseline: everyone in one forum; each issue agreed on its own",
    description=(
        "Added automatically to every comparison. Joint models bargain all issues together; "
        "the agreement analysis judges each issue on its own (no package)."
    ),
)


class DesignSet(_Frozen):
    """A file of designs for one scenario."""

    scenario: str | None = None
    description: str = ""
    designs: tuple[Design, ...]

    @model_validator(mode="after")
    def _unique(self) -> DesignSet:
        seen: set[str] = set()
        for k, d in enumerate(self.designs):
            if d.id in seen or d.id == BASELINE.id:
                raise ScenarioProblem(
                    ("designs", k, "id"),
                    f"duplicate design id '{d.id}'"
                    + (" (the baseline is added automatically)" if d.id == BASELINE.id else ""),
                )
            seen.add(d.id)
        return self


def check_against(design: Design, scenario: Scenario, loc: Loc = ()) -> None:
    """Raise :class:`ScenarioProblem` (with a path under ``loc``) if the design does not fit.

    Every actor, bloc and issue it names must exist; tracks must cover each issue exactly once;
    values must lie on the issues' scales.
    """
    actors = set(scenario.actor_ids)
    blocs = {a.bloc for a in scenario.actors if a.bloc}
    issues = {i.id: i for i in scenario.issues}

    def member_ok(item: str, where: Loc) -> None:
        if item == ALL:
            return
        if item.startswith(BLOC_PREFIX):
            if item.removeprefix(BLOC_PREFIX) not in blocs:
                raise ScenarioProblem(where, f"unknown bloc '{item.removeprefix(BLOC_PREFIX)}'")
        elif item not in actors:
            raise ScenarioProblem(where, f"unknown actor '{item}'")

    for s, stage in enumerate(design.stages):
        for field in ("include", "exclude"):
            for m, item in enumerate(getattr(stage.forum, field)):
                member_ok(item, (*loc, "stages", s, "forum", field, m))
        for field in ("consent", "implementers"):
            for m, item in enumerate(getattr(stage, field) or ()):
                member_ok(item, (*loc, "stages", s, field, m))
        for i, issue in enumerate(stage.agenda or ()):
            if issue not in issues:
                raise ScenarioProblem((*loc, "stages", s, "agenda", i), f"unknown issue '{issue}'")
        seated = stage.forum.members(scenario.actor_ids, tuple(a.bloc for a in scenario.actors))
        if not seated:
            raise ScenarioProblem((*loc, "stages", s, "forum"), "this forum seats nobody")
    if design.tracks is not None:
        listed = [i for track in design.tracks for i in track]
        for t, track in enumerate(design.tracks):
            for i, issue in enumerate(track):
                if issue not in issues:
                    raise ScenarioProblem((*loc, "tracks", t, i), f"unknown issue '{issue}'")
        missing = [i for i in scenario.issue_ids if i not in listed]
        if missing:
            raise ScenarioProblem(
                (*loc, "tracks"), f"issue '{missing[0]}' is in no track (tracks must cover all)"
            )
    for k, pay in enumerate(design.side_payments):
        for field in ("payer", "payee"):
            if getattr(pay, field) not in actors:
                raise ScenarioProblem(
                    (*loc, "side_payments", k, field), f"unknown actor '{getattr(pay, field)}'"
                )
        if pay.issue is not None and pay.issue not in issues:
            raise ScenarioProblem(
                (*loc, "side_payments", k, "issue"), f"unknown issue '{pay.issue}'"
            )
    for c, bloc in enumerate(design.coalitions):
        if bloc not in blocs:
            raise ScenarioProblem((*loc, "coalitions", c), f"unknown bloc '{bloc}'")
    for k, shock in enumerate(design.shocks):
        here = (*loc, "shocks", k)
        if shock.actor is not None and shock.actor not in actors:
            raise ScenarioProblem((*here, "actor"), f"unknown actor '{shock.actor}'")
        if shock.toward is not None and shock.toward not in actors:
            raise ScenarioProblem((*here, "toward"), f"unknown actor '{shock.toward}'")
        if shock.bloc is not None and shock.bloc not in blocs:
            raise ScenarioProblem((*here, "bloc"), f"unknown bloc '{shock.bloc}'")
        if shock.issue is not None:
            if shock.issue not in issues:
                raise ScenarioProblem((*here, "issue"), f"unknown issue '{shock.issue}'")
            scale = issues[shock.issue].scale
            for name in ("min", "max"):
                v = getattr(shock, name)
                if v is not None and not scale.contains(v):
                    raise ScenarioProblem(
                        (*here, name),
                        f"{name} {v:g} is outside the scale of '{shock.issue}' "
                        f"[{scale.min:g}, {scale.max:g}]",
                    )
            if (
                shock.type == "position"
                and shock.value is not None
                and not scale.contains(shock.value)
            ):
                raise ScenarioProblem(
                    (*here, "value"),
                    f"position {shock.value:g} is outside the scale of '{shock.issue}'",
                )
