"""The uncertain numbers of a scenario, and how sampled values enter batched arrays.

An :class:`Input` is one number of a scenario that an analysis varies: an actor's capability,
or its position or salience on one issue, with the interval it may take and how values are
spread inside it. :func:`uncertain_inputs` lists them in a stable order; :func:`apply_values`
writes a table of values (one row per draw, one column per input) into
:class:`~accord.scenario.arrays.ScenarioArrays` with a draw axis, ready for ``model.run``.

Saliences are on 0-1 here, as in the arrays (a file written on 0-100 is rescaled on loading).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from accord.errors import AccordError
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Distribution, Range, Scenario

InputKind = Literal["capability", "position", "salience", "reservation", "no_deal"]
"""Which number of a scenario an input is."""

KINDS: tuple[InputKind, ...] = get_args(InputKind)
DISTRIBUTIONS: tuple[Distribution, ...] = get_args(Distribution)


@dataclass(frozen=True)
class Input:
    """One uncertain number of a scenario.

    Attributes
    ----------
    name : ``"capability:usa"``, ``"position:usa:assad"``, ``"salience:usa:assad"``,
        ``"reservation:usa:assad"`` or ``"no_deal:assad"``.
    kind : which number it is.
    actor : the actor's id (None for an issue's no-deal outcome).
    issue : the issue's id (None for a capability).
    point : the coded value (saliences on 0-1); the mode of triangular and PERT draws.
    low, high : the interval the value may take (``low <= point <= high``).
    distribution : ``"uniform"``, ``"triangular"`` or ``"pert"``.
    bloc : the actor's bloc, for draws correlated within a bloc (None when it has none).

    """

    name: str
    kind: InputKind
    actor: str | None
    issue: str | None
    point: float
    low: float
    high: float
    distribution: Distribution
    bloc: str | None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise AccordError(f"input '{self.name}': unknown kind '{self.kind}'")
        if (self.issue is None) != (self.kind == "capability"):
            raise AccordError(f"input '{self.name}': only a capability has no issue")
        if (self.actor is None) != (self.kind == "no_deal"):
            raise AccordError(f"input '{self.name}': only a no-deal outcome has no actor")
        if self.distribution not in DISTRIBUTIONS:
            raise AccordError(
                f"input '{self.name}': unknown distribution '{self.distribution}' "
                f"(use {', '.join(DISTRIBUTIONS)})"
            )
        if not all(math.isfinite(v) for v in (self.point, self.low, self.high)):
            raise AccordError(f"input '{self.name}': point and range must be finite numbers")
        if self.low > self.high:
            raise AccordError(
                f"input '{self.name}': range low {self.low:g} is greater than high {self.high:g}"
            )
        if not self.low <= self.point <= self.high:
            raise AccordError(
                f"input '{self.name}': value {self.point:g} lies outside its range "
                f"[{self.low:g}, {self.high:g}]"
            )

    @property
    def width(self) -> float:
        """Return ``high - low`` (0 for an input that cannot vary)."""
        return self.high - self.low


def input_name(kind: InputKind, actor: str | None, issue: str | None = None) -> str:
    """Return the name of an input: ``kind:actor``, ``kind:actor:issue`` or ``kind:issue``."""
    if actor is None:
        return f"{kind}:{issue}"
    return f"{kind}:{actor}" if issue is None else f"{kind}:{actor}:{issue}"


def _interval(
    declared: Range | None,
    point: float,
    half_width: float | None,
    floor: float,
    ceiling: float,
) -> tuple[float, float] | None:
    """Return the declared range, else ``point ± half_width`` clipped to [floor, ceiling]."""
    if declared is not None:
        return declared.low, declared.high
    if half_width is None:
        return None
    return max(floor, point - half_width), min(ceiling, point + half_width)


def uncertain_inputs(scenario: Scenario, spread: float | None = None) -> list[Input]:
    """Return the inputs with a declared range, in a stable order (actors, issues, kind).

    Parameters
    ----------
    scenario:
        A validated scenario; its ranges already lie within valid values.
    spread:
        With a number (e.g. 0.1), inputs without a declared range get one: ``point ± spread x``
        the issue's scale width for positions, 1 for saliences and the point itself for
        capabilities, clipped to the scale, to [0, 1] and to >= 0 respectively. Declared ranges
        are kept as they are.

    Returns
    -------
    list of Input
        For each actor in scenario order: its capability, then per issue in scenario order its
        position, its salience and its reservation point (those that have a range); then each
        issue's no-deal outcome (when it has a range). A stance's ``distribution`` applies to
        its position, salience and reservation; capabilities and no-deal outcomes are drawn
        uniformly. ``spread`` gives a range to a reservation point or a no-deal outcome only
        where the scenario codes one (an actor without a reservation point of its own keeps
        following the issue's no-deal outcome, drawn or not).

    """
    if spread is not None and not (math.isfinite(spread) and spread >= 0):
        raise AccordError(f"--spread must be a number >= 0, got {spread:g}")
    inputs: list[Input] = []
    for actor in scenario.actors:
        half = None if spread is None else spread * actor.capability
        cap = _interval(actor.capability_range, actor.capability, half, 0.0, math.inf)
        if cap is not None:
            inputs.append(
                Input(
                    name=input_name("capability", actor.id),
                    kind="capability",
                    actor=actor.id,
                    issue=None,
                    point=actor.capability,
                    low=cap[0],
                    high=cap[1],
                    distribution="uniform",
                    bloc=actor.bloc,
                )
            )
        for issue in scenario.issues:
            st = scenario.stance(actor.id, issue.id)
            scale = issue.scale
            numbers: list[tuple[InputKind, float, Range | None, float, float, float]] = [
                ("position", st.position, st.position_range, scale.width, scale.min, scale.max),
                ("salience", st.salience, st.salience_range, 1.0, 0.0, 1.0),
            ]
            if st.reservation is not None:
                numbers.append(
                    (
                        "reservation",
                        st.reservation,
                        st.reservation_range,
                        scale.width,
                        scale.min,
                        scale.max,
                    )
                )
            for kind, point, declared, half_width, floor, ceiling in numbers:
                half = None if spread is None else spread * half_width
                interval = _interval(declared, point, half, floor, ceiling)
                if interval is None:
                    continue
                inputs.append(
                    Input(
                        name=input_name(kind, actor.id, issue.id),
                        kind=kind,
                        actor=actor.id,
                        issue=issue.id,
                        point=point,
                        low=interval[0],
                        high=interval[1],
                        distribution=st.distribution,
                        bloc=actor.bloc,
                    )
                )
    for issue in scenario.issues:
        if issue.no_deal is None:
            continue
        scale = issue.scale
        half = None if spread is None else spread * scale.width
        interval = _interval(issue.no_deal_range, issue.no_deal, half, scale.min, scale.max)
        if interval is None:
            continue
        inputs.append(
            Input(
                name=input_name("no_deal", None, issue.id),
                kind="no_deal",
                actor=None,
                issue=issue.id,
                point=issue.no_deal,
                low=interval[0],
                high=interval[1],
                distribution="uniform",
                bloc=None,
            )
        )
    return inputs


def apply_values(
    arrays: ScenarioArrays, inputs: Sequence[Input], values: np.ndarray
) -> ScenarioArrays:
    """Return arrays with one draw per row of ``values``.

    Parameters
    ----------
    arrays:
        Arrays of a single draw (``n_draws == 1``), e.g. ``scenario.to_arrays()``.
    inputs:
        The inputs, one per column of ``values``; no two may share a name.
    values:
        Shape (draws, len(inputs)): row d holds every input's value in draw d.

    Returns
    -------
    ScenarioArrays
        ``arrays`` repeated ``draws`` times with each input's column written into its place;
        numbers that no input names keep their single-draw value.

    """
    table = np.asarray(values, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != len(inputs):
        raise ValueError(f"values must have shape (draws, {len(inputs)}), got {table.shape}")
    if arrays.n_draws != 1:
        raise ValueError("apply_values() expects arrays of a single draw")
    names = [inp.name for inp in inputs]
    if len(set(names)) != len(names):
        raise ValueError("two inputs share a name")
    draws = table.shape[0]
    actor_at = {a: k for k, a in enumerate(arrays.actor_ids)}
    issue_at = {i: k for k, i in enumerate(arrays.issue_ids)}
    try:
        actor = np.array(
            [-1 if inp.actor is None else actor_at[inp.actor] for inp in inputs], dtype=np.intp
        )
        issue = np.array(
            [-1 if inp.issue is None else issue_at[inp.issue] for inp in inputs], dtype=np.intp
        )
    except KeyError as exc:
        raise ValueError(f"input refers to an unknown actor or issue: {exc.args[0]}") from None
    kind = np.array([KINDS.index(inp.kind) for inp in inputs], dtype=np.intp)

    capability = np.repeat(arrays.capability, draws, axis=0)
    position = np.repeat(arrays.position, draws, axis=0)
    salience = np.repeat(arrays.salience, draws, axis=0)
    reservation = np.repeat(arrays.reservation, draws, axis=0)
    no_deal = np.repeat(arrays.no_deal, draws, axis=0)
    cols = np.flatnonzero(kind == KINDS.index("capability"))
    capability[:, actor[cols]] = table[:, cols]
    for target, name in (
        (position, "position"),
        (salience, "salience"),
        (reservation, "reservation"),
    ):
        cols = np.flatnonzero(kind == KINDS.index(name))
        target[:, actor[cols], issue[cols]] = table[:, cols]
    cols = np.flatnonzero(kind == KINDS.index("no_deal"))
    no_deal[:, issue[cols]] = table[:, cols]
    return arrays.with_values(
        capability=capability,
        position=position,
        salience=salience,
        reservation=reservation,
        no_deal=no_deal,
    )
