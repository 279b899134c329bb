"""The scenario: actors, issues and each actor's stance on each issue.

Everything here is immutable once built and validated on construction. Saliences are stored in
[0, 1]; a scenario whose saliences are written on a 0-100 scale (declared with
``salience_scale: 100`` or detected because some salience exceeds 1) is rescaled as a whole.

Cross-field problems (an unknown actor in a stance, a position outside its issue's scale, an actor
with no stance ...) are raised as :class:`ScenarioProblem`, which carries the path of the
offending field so that loaders can point at the line or row that caused it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

if TYPE_CHECKING:
    from accord.scenario.arrays import ScenarioArrays

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64),
]
"""A short lowercase identifier: letters, digits, ``_``, ``-`` and ``.``."""

MAX_MAGNITUDE = 1e15
"""The largest number a scenario may hold, in absolute value: a scale's ends (so every position,
range, status quo, no-deal outcome, reservation and anchor, which lie on the scale) and a
capability (and its range). Models multiply capabilities, saliences and squared distances on a
scale; with every input at most 1e15 such products stay below about 1e60, far from float64's
limit of 1.8e308, whereas 1e308 overflows to infinity at the first product."""

MIN_WIDTH = 1e-12
"""A scale is at least this wide, and at least this fraction of its larger end in absolute
value (``[2015, 2015.000001]`` is fine, ``[0, 1e-300]`` is not): on a narrower scale float64
can hardly tell positions apart, and squared distances underflow to zero."""


def _bad_character(text: str, multiline: bool) -> str | None:
    """Return a description of the first character ``text`` must not hold (None: none)."""
    if text.isprintable():
        return None
    for char in text:
        if multiline and char in "\n\t":
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return f"control character U+{ord(char):04X}"
        if category == "Cs":
            return f"lone surrogate U+{ord(char):04X} (not valid Unicode text)"
    return None


def _line(value: Any) -> Any:
    bad = _bad_character(value, multiline=False) if isinstance(value, str) else None
    if bad is not None:
        raise ValueError(f"{bad} is not allowed in this field (one line of plain text)")
    return value


def _multiline(value: Any) -> Any:
    bad = _bad_character(value, multiline=True) if isinstance(value, str) else None
    if bad is not None:
        raise ValueError(f"{bad} is not allowed in text (only line breaks and tabs are)")
    return value


Line = Annotated[str, BeforeValidator(_line)]
"""One line of text: no control characters (tab and line breaks included), no lone surrogates."""

Text = Annotated[str, BeforeValidator(_multiline)]
"""Free text that may span lines: line breaks and tabs, but no other control characters."""

Distribution = Literal["uniform", "triangular", "pert"]
"""How Monte Carlo draws a value inside its range (the point value is the mode)."""

Loc = tuple[str | int, ...]


class ScenarioProblem(ValueError):
    """A validation problem located by a path inside the scenario (e.g. ``("stances", 3)``)."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc = loc
        self.message = message
        super().__init__(message)


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value}")
    return value


def _point_and_range(
    value: float | None, rng: Range | None, scale: Scale, field: str, what: str
) -> None:
    """Check an optional point and its optional range against a scale (the range needs a point)."""
    if value is not None:
        _finite(value, what)
        if not scale.contains(value):
            raise ScenarioProblem(
                (field,),
                f"{what} {value:g} lies outside the scale [{scale.min:g}, {scale.max:g}]",
            )
    if rng is not None:
        if value is None:
            raise ScenarioProblem((f"{field}_range",), f"a {what} range needs a {what}")
        if not (scale.contains(rng.low) and scale.contains(rng.high)):
            raise ScenarioProblem(
                (f"{field}_range",),
                f"range [{rng.low:g}, {rng.high:g}] reaches outside the scale "
                f"[{scale.min:g}, {scale.max:g}]",
            )
        if not rng.contains(value):
            raise ScenarioProblem(
                (f"{field}_range",),
                f"{what} {value:g} lies outside its range [{rng.low:g}, {rng.high:g}]",
            )


class Range(_Frozen):
    """An uncertainty interval for Monte Carlo, written ``[low, high]`` in files."""

    low: float
    high: float

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise ValueError(f"a range is two numbers [low, high], got {len(data)} values")
            return {"low": data[0], "high": data[1]}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        _finite(self.low, "range low")
        _finite(self.high, "range high")
        if self.low > self.high:
            raise ValueError(f"range low {self.low:g} is greater than high {self.high:g}")
        return self

    def contains(self, value: float) -> bool:
        """Return whether ``value`` lies inside the closed interval."""
        return self.low <= value <= self.high

    def as_list(self) -> list[float]:
        """Return ``[low, high]``."""
        return [self.low, self.high]


class Scale(_Frozen):
    """The numeric scale of an issue: ``min`` and ``max`` positions and a unit."""

    min: float = 0.0
    max: float = 100.0
    unit: Line = "points"

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        _finite(self.min, "scale min")
        _finite(self.max, "scale max")
        for name, value in (("min", self.min), ("max", self.max)):
            if abs(value) > MAX_MAGNITUDE:
                raise ValueError(
                    f"scale {name} {value:g} is too large: the ends of a scale must lie within "
                    f"±{MAX_MAGNITUDE:g} (write it in larger units)"
                )
        if not self.max > self.min:
            raise ValueError(f"scale max {self.max:g} must be greater than min {self.min:g}")
        if self.max - self.min < MIN_WIDTH * max(1.0, abs(self.min), abs(self.max)):
            raise ValueError(
                f"scale [{self.min:g}, {self.max:g}] is too narrow: it must be at least "
                f"{MIN_WIDTH:g} wide and {MIN_WIDTH:g} of its larger end (write it in smaller "
                "units)"
            )
        return self

    @property
    def width(self) -> float:
        """Return ``max - min``."""
        return self.max - self.min

    def contains(self, value: float) -> bool:
        """Return whether ``value`` lies on the scale (ends included)."""
        return self.min <= value <= self.max


class Anchor(_Frozen):
    """A labelled point of an issue's scale, e.g. ``0 = "Assad stays with full powers"``."""

    value: float
    label: Annotated[Line, StringConstraints(min_length=1)]


class Source(_Frozen):
    """A source the scenario's coding relies on."""

    id: Slug
    citation: Annotated[Line, StringConstraints(min_length=1)]
    url: Line | None = None


Why = dict[Literal["capability", "position", "salience", "range", "bloc", "reservation"], Text]
"""One-line justifications of individual numbers, keyed by the field they justify."""

IssueWhy = dict[Literal["status_quo", "no_deal", "consent", "implementers", "quota"], Text]
"""One-line justifications of an issue's status quo, no-deal outcome and consent rule."""

ActorList = tuple[Slug, ...]

Draft = bool | tuple[str, ...]
"""Which values of an entry are unreviewed drafts (``accord draft``): ``true`` for all of them,
or a list of field names (``[position, salience]``); ``false`` or ``[]`` for none."""

DRAFT_NOT_VALUES = frozenset({"id", "actor", "issue", "source", "why", "notes", "draft"})
"""Fields of an entry that are not values a draft mark can name."""


def _draft_fields(value: Any, allowed: Sequence[str]) -> Any:
    """Normalise a ``draft`` mark: ``true``, or a tuple of the entry's field names."""
    if value is None or value is False:
        return ()
    if value is True:
        return True
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError("draft is true, false or a list of field names (e.g. [position])")
    out: list[str] = []
    for k, name in enumerate(value):
        if not isinstance(name, str) or name not in allowed:
            raise ValueError(
                f"draft item {k + 1} names {name!r}, which is not a value of this entry (one "
                f"of {', '.join(allowed)})"
            )
        if name in out:
            raise ValueError(f"draft names '{name}' twice")
        out.append(name)
    return tuple(out)


class _Drafted(_Frozen):
    """An entry (actor, issue, stance) whose values may carry a ``draft`` mark."""

    draft_core: ClassVar[tuple[str, ...]] = ()
    """The values ``draft: true`` always marks (then every other value that is set)."""

    @classmethod
    def draft_values(cls) -> tuple[str, ...]:
        """Return the fields a ``draft`` mark may name, in field order."""
        return tuple(f for f in cls.model_fields if f not in DRAFT_NOT_VALUES)

    @field_validator("draft", mode="before", check_fields=False)
    @classmethod
    def _draft(cls, value: Any) -> Any:
        return _draft_fields(value, cls.draft_values())

    @model_serializer(mode="wrap")
    def _omit_no_draft(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Reviewed entries dump (and hash) exactly as before the draft mark existed.
        data = handler(self)
        if isinstance(data, dict) and not data.get("draft"):
            data.pop("draft", None)
        return data

    def drafted(self) -> tuple[str, ...]:
        """Return the fields still marked draft (all values that are set, for ``true``)."""
        mark: Draft = getattr(self, "draft", ())
        if mark is True:
            core = self.draft_core
            rest = (
                f
                for f in self.draft_values()
                if f not in core and f not in ("name", "description") and self._holds_value(f)
            )
            return (*core, *rest)
        return tuple(mark) if mark else ()

    def _holds_value(self, name: str) -> bool:
        """Return whether a field is required or holds something other than its default."""
        info = type(self).model_fields[name]
        if info.is_required():
            return True
        default = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
        return bool(getattr(self, name) != default)


class Actor(_Drafted):
    """A party to the negotiation."""

    draft_core: ClassVar[tuple[str, ...]] = ("capability",)

    id: Slug
    name: Line = ""
    capability: float = Field(ge=0)
    capability_range: Range | None = None
    bloc: Slug | None = None
    source: Line | None = None
    why: Why = Field(default_factory=dict)
    notes: Text | None = None
    draft: Draft = ()

    @model_validator(mode="after")
    def _defaults(self) -> Actor:
        _finite(self.capability, "capability")
        if self.capability > MAX_MAGNITUDE:
            raise ScenarioProblem(
                ("capability",),
                f"capability {self.capability:g} is too large: the limit is {MAX_MAGNITUDE:g} "
                "(only ratios of capabilities matter: write them in larger units)",
            )
        if not self.name:
            object.__setattr__(self, "name", self.id)
        r = self.capability_range
        if r is not None:
            if r.low < 0:
                raise ScenarioProblem(("capability_range",), "capability range must be >= 0")
            if r.high > MAX_MAGNITUDE:
                raise ScenarioProblem(
                    ("capability_range",),
                    f"capability range [{r.low:g}, {r.high:g}] reaches above the limit of "
                    f"{MAX_MAGNITUDE:g} (only ratios of capabilities matter: write them in "
                    "larger units)",
                )
            if not r.contains(self.capability):
                raise ScenarioProblem(
                    ("capability_range",),
                    f"capability {self.capability:g} lies outside its range "
                    f"[{r.low:g}, {r.high:g}]",
                )
        return self


class Issue(_Drafted):
    """A contested issue (one dimension of the negotiation space)."""

    draft_core: ClassVar[tuple[str, ...]] = ("scale",)

    id: Slug
    name: Line = ""
    description: Text | None = None
    scale: Scale = Field(default_factory=Scale)
    anchors: tuple[Anchor, ...] = ()
    status_quo: float | None = None
    no_deal: float | None = None
    no_deal_range: Range | None = None
    consent: ActorList | None = None
    quota: float = Field(default=1.0, gt=0, le=1)
    implementers: ActorList = ()
    source: Line | None = None
    why: IssueWhy = Field(default_factory=dict)
    draft: Draft = ()

    @field_validator("consent", "implementers", mode="before")
    @classmethod
    def _actor_list(cls, value: Any) -> Any:
        # A single actor may be written without a list.
        return [value] if isinstance(value, str) else value

    @field_validator("anchors", mode="before")
    @classmethod
    def _anchor_mapping(cls, value: Any) -> Any:
        # Files write anchors as a mapping ``{0: "label", 100: "label"}``.
        if isinstance(value, dict):
            return [{"value": k, "label": v} for k, v in value.items()]
        return value

    @model_validator(mode="after")
    def _within_scale(self) -> Issue:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        for i, anchor in enumerate(self.anchors):
            if not self.scale.contains(anchor.value):
                raise ScenarioProblem(
                    ("anchors", i),
                    f"anchor {anchor.value:g} lies outside the scale "
                    f"[{self.scale.min:g}, {self.scale.max:g}]",
                )
        values = [a.value for a in self.anchors]
        if len(set(values)) != len(values):
            raise ScenarioProblem(("anchors",), "two anchors share the same value")
        if self.status_quo is not None and not self.scale.contains(self.status_quo):
            raise ScenarioProblem(
                ("status_quo",),
                f"status quo {self.status_quo:g} lies outside the scale "
                f"[{self.scale.min:g}, {self.scale.max:g}]",
            )
        _point_and_range(self.no_deal, self.no_deal_range, self.scale, "no_deal", "no-deal outcome")
        for name in ("consent", "implementers"):
            ids = getattr(self, name) or ()
            for k, actor in enumerate(ids):
                if actor in ids[:k]:
                    raise ScenarioProblem((name, k), f"actor '{actor}' is listed twice")
        object.__setattr__(self, "anchors", tuple(sorted(self.anchors, key=lambda a: a.value)))
        return self

    @property
    def no_deal_point(self) -> float | None:
        """Return where the issue ends up without an agreement: ``no_deal``, else the status quo."""
        return self.no_deal if self.no_deal is not None else self.status_quo

    def label_of(self, value: float) -> str:
        """Return the label of the anchor nearest to ``value`` ('' when there are none)."""
        if not self.anchors:
            return ""
        return min(self.anchors, key=lambda a: abs(a.value - value)).label


class Stance(_Drafted):
    """One actor's position on one issue and how much the issue matters to it."""

    draft_core: ClassVar[tuple[str, ...]] = ("position", "salience")

    actor: Slug
    issue: Slug
    position: float
    salience: float = Field(ge=0, le=1)
    position_range: Range | None = None
    salience_range: Range | None = None
    reservation: float | None = None
    reservation_range: Range | None = None
    distribution: Distribution = "uniform"
    source: Line | None = None
    why: Why = Field(default_factory=dict)
    notes: Text | None = None
    draft: Draft = ()

    @model_validator(mode="after")
    def _ranges(self) -> Stance:
        _finite(self.position, "position")
        pr = self.position_range
        if pr is not None and not pr.contains(self.position):
            raise ScenarioProblem(
                ("position_range",),
                f"position {self.position:g} lies outside its range [{pr.low:g}, {pr.high:g}]",
            )
        r = self.salience_range
        if r is not None:
            if r.low < 0 or r.high > 1:
                raise ScenarioProblem(("salience_range",), "salience range must lie within 0-1")
            if not r.contains(self.salience):
                raise ScenarioProblem(
                    ("salience_range",),
                    f"salience {self.salience:g} lies outside its range [{r.low:g}, {r.high:g}]",
                )
        if self.reservation is not None:
            _finite(self.reservation, "reservation")
        rr = self.reservation_range
        if rr is not None:
            if self.reservation is None:
                raise ScenarioProblem(
                    ("reservation_range",), "a reservation range needs a reservation point"
                )
            if not rr.contains(self.reservation):
                raise ScenarioProblem(
                    ("reservation_range",),
                    f"reservation {self.reservation:g} lies outside its range "
                    f"[{rr.low:g}, {rr.high:g}]",
                )
        return self


def _rescale_saliences(data: dict[str, Any]) -> dict[str, Any]:
    """Rescale a raw scenario's saliences from 0-100 to 0-1 when the scenario uses 0-100."""
    stances = data.get("stances")
    if not isinstance(stances, list | tuple):
        return data
    declared = data.get("salience_scale")
    if declared not in (None, 1, 100):
        raise ScenarioProblem(("salience_scale",), "salience_scale must be 1 or 100")

    def numeric(v: Any) -> float | None:
        if not isinstance(v, int | float) or isinstance(v, bool):
            return None
        try:
            return float(v)
        except OverflowError:  # an integer too large for a float
            return math.inf

    values = [numeric(s.get("salience")) for s in stances if isinstance(s, dict)]
    if declared is None:
        declared = 100 if any(v is not None and v > 1 for v in values) else 1
    if declared == 1:
        return data
    out = []
    for i, s in enumerate(stances):
        if not isinstance(s, dict):
            out.append(s)
            continue
        s = dict(s)
        v = numeric(s.get("salience"))
        if v is not None:
            if not 0 <= v <= 100:
                raise ScenarioProblem(
                    ("stances", i, "salience"), f"salience {v:g} is outside 0-100"
                )
            s["salience"] = v / 100
        r = s.get("salience_range")
        if isinstance(r, list | tuple) and all(numeric(x) is not None for x in r):
            if not all(0 <= float(x) <= 100 for x in r):
                raise ScenarioProblem(
                    ("stances", i, "salience_range"), "salience range is outside 0-100"
                )
            s["salience_range"] = [float(x) / 100 for x in r]
        out.append(s)
    return {**data, "stances": out, "salience_scale": 1}


class Scenario(_Frozen):
    """A negotiation as of a date: who takes part, over what, and where each one stands.

    Build one with :func:`accord.scenario.load` or ``Scenario.model_validate(mapping)``; it is
    immutable. :meth:`to_arrays` is the one place that turns it into NumPy arrays.
    """

    title: Annotated[Line, StringConstraints(min_length=1)]
    date: _dt.date | None = None
    description: Text = ""
    salience_scale: Literal[1] = 1
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...]
    sources: tuple[Source, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _before(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return _rescale_saliences(data)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if len(self.actors) < 2:
            raise ScenarioProblem(("actors",), "a scenario needs at least two actors")
        if not self.issues:
            raise ScenarioProblem(("issues",), "a scenario needs at least one issue")
        _no_duplicates([a.id for a in self.actors], "actors", "actor")
        _no_duplicates([i.id for i in self.issues], "issues", "issue")
        _no_duplicates([s.id for s in self.sources], "sources", "source")
        if sum(a.capability for a in self.actors) <= 0:
            raise ScenarioProblem(("actors",), "total capability is zero: nobody has any clout")
        with_clout = [j for j, a in enumerate(self.actors) if a.capability > 0]
        if len(with_clout) == 1:  # at the low end of its range, nobody would have any clout
            j = with_clout[0]
            r = self.actors[j].capability_range
            if r is not None and r.low <= 0:
                raise ScenarioProblem(
                    ("actors", j, "capability_range"),
                    f"capability range [{r.low:g}, {r.high:g}] reaches 0, but every other "
                    "actor's capability is 0: at that end nobody has any clout (raise the "
                    "range's low end above 0)",
                )
        actors = {a.id for a in self.actors}
        issues = {i.id: i for i in self.issues}
        seen: dict[tuple[str, str], int] = {}
        for k, st in enumerate(self.stances):
            if st.actor not in actors:
                raise ScenarioProblem(("stances", k, "actor"), f"unknown actor '{st.actor}'")
            if st.issue not in issues:
                raise ScenarioProblem(("stances", k, "issue"), f"unknown issue '{st.issue}'")
            key = (st.actor, st.issue)
            if key in seen:
                raise ScenarioProblem(
                    ("stances", k),
                    f"second stance of actor '{st.actor}' on issue '{st.issue}'",
                )
            seen[key] = k
            scale = issues[st.issue].scale
            if not scale.contains(st.position):
                raise ScenarioProblem(
                    ("stances", k, "position"),
                    f"position {st.position:g} is outside the scale of issue '{st.issue}' "
                    f"[{scale.min:g}, {scale.max:g}]",
                )
            r = st.position_range
            if r is not None and not (scale.contains(r.low) and scale.contains(r.high)):
                raise ScenarioProblem(
                    ("stances", k, "position_range"),
                    f"range [{r.low:g}, {r.high:g}] reaches outside the scale of issue "
                    f"'{st.issue}' [{scale.min:g}, {scale.max:g}]",
                )
            if st.reservation is not None and not scale.contains(st.reservation):
                raise ScenarioProblem(
                    ("stances", k, "reservation"),
                    f"reservation {st.reservation:g} is outside the scale of issue "
                    f"'{st.issue}' [{scale.min:g}, {scale.max:g}]",
                )
            rr = st.reservation_range
            if rr is not None and not (scale.contains(rr.low) and scale.contains(rr.high)):
                raise ScenarioProblem(
                    ("stances", k, "reservation_range"),
                    f"range [{rr.low:g}, {rr.high:g}] reaches outside the scale of issue "
                    f"'{st.issue}' [{scale.min:g}, {scale.max:g}]",
                )
        for i, issue in enumerate(self.issues):
            for name in ("consent", "implementers"):
                for m, actor in enumerate(getattr(issue, name) or ()):
                    if actor not in actors:
                        raise ScenarioProblem(("issues", i, name, m), f"unknown actor '{actor}'")
        for j, actor in enumerate(self.actors):
            missing = [i.id for i in self.issues if (actor.id, i.id) not in seen]
            if missing:
                raise ScenarioProblem(
                    ("actors", j),
                    f"actor '{actor.id}' has no stance on issue '{missing[0]}'"
                    + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                )
        return self

    def __repr__(self) -> str:
        from accord.formatting import short_title

        when = f", {self.date.isoformat()}" if self.date else ""
        return (
            f"Scenario({short_title(self.title)!r}{when}, {len(self.actors)} actors × "
            f"{len(self.issues)} issues, hash {self.content_hash()[:12]})"
        )

    __str__ = __repr__

    # ------------------------------------------------------------------ lookups
    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        """Return the actor ids in scenario order."""
        return tuple(a.id for a in self.actors)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        """Return the issue ids in scenario order."""
        return tuple(i.id for i in self.issues)

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def stance(self, actor_id: str, issue_id: str) -> Stance:
        """Return the stance of an actor on an issue."""
        return self._stance_index[(actor_id, issue_id)]

    @cached_property
    def _stance_index(self) -> dict[tuple[str, str], Stance]:
        return {(s.actor, s.issue): s for s in self.stances}

    # ------------------------------------------------------------------ derived
    def to_arrays(self) -> ScenarioArrays:
        """Return the scenario as arrays shaped (draws=1, actors[, issues])."""
        from accord.scenario.arrays import ScenarioArrays

        return ScenarioArrays.from_scenario(self)

    def accept_drafts(self) -> Scenario:
        """Return this scenario with every ``draft`` mark removed (the values taken as they are).

        What ``--allow-draft`` does before a model runs: models refuse a scenario that still
        holds draft marks (:func:`accord.scenario.drafts.refuse_drafts`).
        """
        if not any(e.drafted() for e in (*self.actors, *self.issues, *self.stances)):
            return self
        data = self.model_dump()
        for key in ("actors", "issues", "stances"):
            for entry in data[key]:
                entry.pop("draft", None)
        return type(self).model_validate(data)

    def content_hash(self) -> str:
        """Return a SHA-256 of the scenario's canonical JSON (stable across runs and platforms)."""
        payload = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def replace(self, **changes: Any) -> Scenario:
        """Return a validated copy with some top-level fields replaced."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate(data)

    def subset(
        self, actors: Sequence[str] | None = None, issues: Sequence[str] | None = None
    ) -> Scenario:
        """Return the scenario restricted to some actors and/or issues (order as given)."""
        keep_a = list(actors) if actors is not None else list(self.actor_ids)
        keep_i = list(issues) if issues is not None else list(self.issue_ids)
        for a in keep_a:
            self.actor(a)
        for i in keep_i:
            self.issue(i)
        kept = set(keep_a)

        def issue_data(issue_id: str) -> dict[str, Any]:
            # Consent lists follow the actors that are kept.
            data = self.issue(issue_id).model_dump()
            if data["consent"] is not None:
                data["consent"] = [a for a in data["consent"] if a in kept]
            data["implementers"] = [a for a in data["implementers"] if a in kept]
            return data

        return Scenario.model_validate(
            {
                **self.model_dump(),
                "actors": [self.actor(a).model_dump() for a in keep_a],
                "issues": [issue_data(i) for i in keep_i],
                "stances": [self.stance(a, i).model_dump() for i in keep_i for a in keep_a],
            }
        )


def _no_duplicates(ids: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for k, value in enumerate(ids):
        if value in seen:
            raise ScenarioProblem((field, k, "id"), f"duplicate {what} id '{value}'")
        seen.add(value)
