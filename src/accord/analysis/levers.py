"""Levers: whose position, salience or capability moves the forecast toward one actor's ideal.

For a chosen actor A with ideal point x_A (its stated position) on issue k, every input of every
actor is shifted up and down by a finite step and the forecast O_k is read off. The *gain* of a
shift is how much closer the forecast comes to A's ideal: ``|x_A - O| - |x_A - O'|`` (positive
helps A). All shifts of all actors are stacked on the draw axis and evaluated in ONE batched run.

The *slope* dO/d(input) is exact for the compromise model, O = sum(w x) / W with w = c s and
W = sum(w)::

    dO/dx_j = w_j / W,    dO/ds_j = c_j (x_j - O) / W,    dO/dc_j = s_j (x_j - O) / W

and a central finite difference over the same shifts for every other model. Models such as BDM
and the weighted median are piecewise constant in their inputs: their slope is zero almost
everywhere and infinite at the breaks, so for them the finite shift's gain is the number to read,
not the slope.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from accord.errors import AccordError
from accord.formatting import per_issue
from accord.models.base import FloatArray, Model
from accord.models.compromise import Compromise
from accord.scenario.arrays import ScenarioArrays
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

FORMAT_VERSION = 1
"""Version of the JSON layout of :meth:`Levers.to_dict` (``accord levers --json``; schema in
``docs/json/``)."""

Kind = Literal["position", "salience", "capability"]
KINDS: tuple[Kind, ...] = ("position", "salience", "capability")

POSITION_STEP = 0.05
"""Default shift of a position, as a fraction of its issue's scale width (5 points on 0-100)."""
SALIENCE_STEP = 0.05
"""Default shift of a salience on its 0-1 scale (5 points on a 0-100 salience scale)."""
CAPABILITY_STEP = 0.05
"""Default shift of a capability, as a fraction of the largest capability in the scenario."""


@dataclass(frozen=True)
class Lever:
    """One input of one actor on one issue, and what shifting it does for the chosen actor.

    ``slope`` is dO/d(input) in forecast units per unit of input. ``up`` and ``down`` are the
    shifts actually applied (smaller than the step where the input's range ends); ``gain_up`` and
    ``gain_down`` are how much closer the forecast comes to the chosen actor's ideal after them.
    """

    actor: str
    kind: Kind
    value: float
    slope: float
    up: float
    gain_up: float
    down: float
    gain_down: float

    @property
    def best(self) -> float:
        """Return the larger of the two gains (never negative: doing nothing gains 0)."""
        return max(self.gain_up, self.gain_down, 0.0)

    @property
    def direction(self) -> Literal["up", "down", "none"]:
        """Return which shift helps the chosen actor more ('none' when neither helps)."""
        if self.best <= 0:
            return "none"
        return "up" if self.gain_up >= self.gain_down else "down"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        out = {**asdict(self), "best": self.best, "direction": self.direction}
        return {
            k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in out.items()
        }


@dataclass(frozen=True)
class IssueLevers:
    """The levers of one issue: the others' ('who to work on') and the actor's own."""

    issue: str
    ideal: float
    forecast: float
    others: tuple[Lever, ...]
    own: tuple[Lever, ...]

    def ranking(self) -> list[tuple[str, dict[Kind, Lever]]]:
        """Return the other actors with their levers, best single lever first.

        Ties (common with piecewise-constant models) go to the actor with more levers that help.
        """
        by_actor: dict[str, dict[Kind, Lever]] = {}
        for lever in self.others:
            by_actor.setdefault(lever.actor, {})[lever.kind] = lever

        def key(item: tuple[str, dict[Kind, Lever]]) -> tuple[float, float]:
            bests = [lv.best for lv in item[1].values()]
            return -max(bests), -sum(bests)

        return sorted(by_actor.items(), key=key)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, the others ranked."""
        return {
            "issue": self.issue,
            "ideal": self.ideal,
            "forecast": self.forecast,
            "distance": abs(self.ideal - self.forecast),
            "others": [
                {"actor": a, **{k: lv.to_dict() for k, lv in levers.items()}}
                for a, levers in self.ranking()
            ],
            "own": {lv.kind: lv.to_dict() for lv in self.own},
        }


@dataclass(frozen=True)
class Levers:
    """What every actor's inputs do for one actor, issue by issue."""

    actor: str
    model: str
    exact: bool
    steps: dict[Kind, float]
    issues: tuple[IssueLevers, ...]
    models: tuple[str, ...] = ()
    """The models behind the forecast (a consensus's members; the model itself otherwise)."""

    def __repr__(self) -> str:
        ids = [iss.issue for iss in self.issues]
        best = []  # per issue, the other actor with the best single lever
        for iss in self.issues:
            ranking = iss.ranking()
            best.append(ranking[0][0] if ranking else "-")
        return (
            f"Levers(actor={self.actor!r}, model={self.model!r}, issues={len(self.issues)}, "
            f"distance={per_issue(ids, [abs(i.ideal - i.forecast) for i in self.issues])}, "
            f"work_on={per_issue(ids, best)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per issue, actor and kind of input.

        Columns: ``issue``, ``actor``, ``own`` (the chosen actor's own moves), ``kind``
        (position, salience or capability), ``value``, ``slope``, ``up``, ``gain_up``, ``down``,
        ``gain_down``, ``best``, ``direction``, ``ideal``, ``forecast``, ``model``. The others
        come in the order of :meth:`IssueLevers.ranking` (best single lever first).
        """
        import pandas as pd

        rows = []
        for iss in self.issues:
            ranked = [lv for _, by_kind in iss.ranking() for lv in by_kind.values()]
            for own, levers in ((False, ranked), (True, list(iss.own))):
                for lv in levers:
                    rows.append(
                        {
                            "issue": iss.issue,
                            "actor": lv.actor,
                            "own": own,
                            "kind": lv.kind,
                            "value": lv.value,
                            "slope": lv.slope,
                            "up": lv.up,
                            "gain_up": lv.gain_up,
                            "down": lv.down,
                            "gain_down": lv.gain_down,
                            "best": lv.best,
                            "direction": lv.direction,
                            "ideal": iss.ideal,
                            "forecast": iss.forecast,
                            "model": self.model,
                        }
                    )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "format_version": FORMAT_VERSION,
            "actor": self.actor,
            "model": self.model,
            "models": list(self.models),
            "slopes": "exact (closed form)" if self.exact else "central finite difference",
            "steps": dict(self.steps),
            "issues": [iss.to_dict() for iss in self.issues],
        }


def compromise_slopes(arrays: ScenarioArrays) -> FloatArray:
    """Return the exact slopes of the compromise forecast, shaped (3, actors, issues).

    Rows are dO/dposition, dO/dsalience, dO/dcapability of one draw. On an issue nobody cares
    about (W = 0) the model weights by capability alone: the position and capability slopes are
    those of the capability-weighted mean and the salience slope is NaN (a jump, not a slope).
    """
    c = arrays.capability[0][:, None]
    s = arrays.salience[0]
    x = arrays.position[0]
    w = c * s
    total = w.sum(axis=0)
    dead = total <= 0
    w = np.where(dead, np.broadcast_to(c, w.shape), w)
    total = w.sum(axis=0)
    forecast = (w * x).sum(axis=0) / total
    d_pos = w / total
    d_sal = np.where(dead, np.nan, c * (x - forecast) / total)
    d_cap = np.where(dead, 1.0, s) * (x - forecast) / total
    return np.stack([d_pos, d_sal, d_cap])


def _shifted(arrays: ScenarioArrays, steps: dict[Kind, float]) -> tuple[ScenarioArrays, FloatArray]:
    """Return the batch [base, then up/down of every input] and the shifts applied.

    The shift array is (3, 2, actors, issues): kind, up/down, actor, issue; capability shifts are
    repeated over issues. Row order: base, then for each kind, actor (and issue for positions and
    saliences): up, down.
    """
    n, k = arrays.n_actors, arrays.n_issues
    cap, pos, sal = arrays.capability[0], arrays.position[0], arrays.salience[0]
    width = arrays.scale_max - arrays.scale_min
    h_pos = steps["position"] * width[None, :]
    h_cap = steps["capability"] * max(float(cap.max()), 1e-12)
    up_pos = np.minimum(pos + h_pos, arrays.scale_max) - pos
    dn_pos = pos - np.maximum(pos - h_pos, arrays.scale_min)
    up_sal = np.minimum(sal + steps["salience"], 1.0) - sal
    dn_sal = sal - np.maximum(sal - steps["salience"], 0.0)
    up_cap, dn_cap = np.full(n, h_cap), cap - np.maximum(cap - h_cap, 0.0)
    rows = 1 + 2 * (2 * n * k + n)
    capability = np.repeat(cap[None, :], rows, axis=0)
    position = np.repeat(pos[None], rows, axis=0)
    salience = np.repeat(sal[None], rows, axis=0)
    j, i = np.divmod(np.arange(n * k), k)
    r = 1 + 2 * np.arange(n * k)
    position[r, j, i] += up_pos[j, i]
    position[r + 1, j, i] -= dn_pos[j, i]
    r = r + 2 * n * k
    salience[r, j, i] += up_sal[j, i]
    salience[r + 1, j, i] -= dn_sal[j, i]
    r = 1 + 4 * n * k + 2 * np.arange(n)
    capability[r, np.arange(n)] += up_cap
    capability[r + 1, np.arange(n)] -= dn_cap
    batch = arrays.with_values(capability=capability, position=position, salience=salience)
    shifts = np.stack(
        [
            np.stack([up_pos, dn_pos]),
            np.stack([up_sal, dn_sal]),
            np.stack([np.repeat(up_cap[:, None], k, 1), np.repeat(dn_cap[:, None], k, 1)]),
        ]
    )
    return batch, shifts


def shifted_forecasts(
    arrays: ScenarioArrays, model: Model, steps: dict[Kind, float], seed: int = 0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Run every up/down shift in one batch.

    Returns the base forecast (issues,), the forecasts after each shift (3, 2, actors, issues)
    on the shifted input's own issue (every issue for capability), and the shifts applied.
    """
    n, k = arrays.n_actors, arrays.n_issues
    batch, shifts = _shifted(arrays, steps)
    f = model.run(batch, rng=seed, history=False).forecast
    base = f[0]
    pos = f[1 : 1 + 2 * n * k].reshape(n, k, 2, k)
    sal = f[1 + 2 * n * k : 1 + 4 * n * k].reshape(n, k, 2, k)
    cap = f[1 + 4 * n * k :].reshape(n, 2, k)
    diag = np.arange(k)
    after = np.stack(
        [
            pos[:, diag, :, diag].transpose(2, 1, 0),
            sal[:, diag, :, diag].transpose(2, 1, 0),
            cap.transpose(1, 0, 2),
        ]
    )
    return base, after, shifts


def finite_difference_slopes(
    arrays: ScenarioArrays, model: Model, steps: dict[Kind, float], seed: int = 0
) -> FloatArray:
    """Return central-difference slopes (3, actors, issues) from one batched run."""
    _, after, shifts = shifted_forecasts(arrays, model, steps, seed)
    return _central(after, shifts)


def _central(after: FloatArray, shifts: FloatArray) -> FloatArray:
    span = shifts[:, 0] + shifts[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, (after[:, 0] - after[:, 1]) / span, np.nan)


def levers(
    scenario: Scenario,
    actor: str,
    model: Model,
    *,
    issue: str | None = None,
    seed: int = 0,
    position_step: float = POSITION_STEP,
    salience_step: float = SALIENCE_STEP,
    capability_step: float = CAPABILITY_STEP,
) -> Levers:
    """Return the levers of ``actor``: what shifting each actor's inputs does for it.

    Slopes are exact for the compromise model and central finite differences otherwise; the
    gains of the finite shifts come from one batched run of ``model`` in every case.
    """
    if actor not in scenario.actor_ids:
        raise AccordError(f"unknown actor '{actor}'; actors: {', '.join(scenario.actor_ids)}")
    if issue is not None and issue not in scenario.issue_ids:
        raise AccordError(f"unknown issue '{issue}'; issues: {', '.join(scenario.issue_ids)}")
    steps: dict[Kind, float] = {
        "position": position_step,
        "salience": salience_step,
        "capability": capability_step,
    }
    for kind, step in steps.items():
        if not 0 < step <= 1:
            raise AccordError(f"the {kind} step must be in (0, 1], got {step:g}")
    arrays = scenario.to_arrays()
    base, after, shifts = shifted_forecasts(arrays, model, steps, seed)
    exact = isinstance(model, Compromise)
    slopes = compromise_slopes(arrays) if exact else _central(after, shifts)
    a = scenario.actor_ids.index(actor)
    ideal = arrays.position[0, a]
    gains = np.abs(ideal - base) - np.abs(ideal - after)  # (3, 2, actors, issues)
    # Rounding noise is no gain: an actor sitting at the forecast moves nothing.
    gains[np.abs(gains) < 1e-9 * (arrays.scale_max - arrays.scale_min)] = 0.0
    values = np.stack(
        [
            arrays.position[0],
            arrays.salience[0],
            np.repeat(arrays.capability[0][:, None], arrays.n_issues, 1),
        ]
    )
    chosen = [issue] if issue is not None else list(scenario.issue_ids)
    out = []
    for iss in chosen:
        k = scenario.issue_ids.index(iss)
        made = [
            Lever(
                actor=scenario.actor_ids[j],
                kind=KINDS[q],
                value=float(values[q, j, k]),
                slope=float(slopes[q, j, k]),
                up=float(shifts[q, 0, j, k]),
                gain_up=float(gains[q, 0, j, k]),
                down=float(shifts[q, 1, j, k]),
                gain_down=float(gains[q, 1, j, k]),
            )
            for j in range(arrays.n_actors)
            for q in range(3)
        ]
        out.append(
            IssueLevers(
                issue=iss,
                ideal=float(ideal[k]),
                forecast=float(base[k]),
                others=tuple(lv for lv in made if lv.actor != actor),
                own=tuple(lv for lv in made if lv.actor == actor),
            )
        )
    return Levers(
        actor=actor,
        model=model.name,
        exact=exact,
        steps=steps,
        issues=tuple(out),
        models=model.member_names,
    )
