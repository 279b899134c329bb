"""Scenario data as NumPy arrays with a leading draw axis.

A draw axis of length 1 is an ordinary run; Monte Carlo fills it with perturbed inputs. This is
the only representation models see. All arrays are read-only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from accord.scenario.model import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


_AGREEMENT_FIELDS = ("no_deal", "reservation", "consent", "quota", "implementers")


def _flags(a: Any, name: str) -> BoolArray:
    arr = np.array(a, dtype=np.bool_, copy=True)
    if arr.ndim != 2:
        raise ValueError(f"{name} must have 2 dimensions, got shape {arr.shape}")
    arr.flags.writeable = False
    return arr


def _frozen(a: Any, ndim: int, name: str) -> FloatArray:
    arr = np.array(a, dtype=np.float64, copy=True)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """Actors x issues as arrays, batched over draws.

    Attributes
    ----------
    capability : (draws, actors)
    position : (draws, actors, issues), in each issue's own units
    salience : (draws, actors, issues), in [0, 1]
    scale_min, scale_max : (issues,)
    status_quo : (issues,), NaN where the issue declares none
    no_deal : (draws, issues), where each issue ends up without an agreement; defaults to the
        status quo (NaN where neither is known)
    reservation : (draws, actors, issues), each actor's coded outside option (what it expects
        without an agreement); NaN where the actor has none of its own, which means the issue's
        no-deal outcome (see :attr:`outside_option`)
    consent : (actors, issues) bool, whose consent an agreement on the issue needs (default:
        every actor)
    quota : (issues,) the share of the consenting actors' capability that must accept (1: each
        of them, unanimity)
    implementers : (actors, issues) bool, actors who must implement or pay: each must accept

    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    scale_min: FloatArray
    scale_max: FloatArray
    status_quo: FloatArray
    blocs: tuple[str | None, ...] = field(default=())
    no_deal: FloatArray = field(default=None)  # type: ignore[arg-type]
    reservation: FloatArray = field(default=None)  # type: ignore[arg-type]
    consent: BoolArray = field(default=None)  # type: ignore[arg-type]
    quota: FloatArray = field(default=None)  # type: ignore[arg-type]
    implementers: BoolArray = field(default=None)  # type: ignore[arg-type]
    _derived: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(
            self,
            "_derived",
            frozenset(name for name in _AGREEMENT_FIELDS if getattr(self, name) is None),
        )
        set_(self, "actor_ids", tuple(self.actor_ids))
        set_(self, "issue_ids", tuple(self.issue_ids))
        set_(self, "capability", _frozen(self.capability, 2, "capability"))
        set_(self, "position", _frozen(self.position, 3, "position"))
        set_(self, "salience", _frozen(self.salience, 3, "salience"))
        set_(self, "scale_min", _frozen(self.scale_min, 1, "scale_min"))
        set_(self, "scale_max", _frozen(self.scale_max, 1, "scale_max"))
        set_(self, "status_quo", _frozen(self.status_quo, 1, "status_quo"))
        if not self.blocs:
            set_(self, "blocs", (None,) * len(self.actor_ids))
        d, n, k = self.position.shape
        if self.capability.shape != (d, n):
            raise ValueError(f"capability shape {self.capability.shape} != {(d, n)}")
        if self.salience.shape != (d, n, k):
            raise ValueError(f"salience shape {self.salience.shape} != {(d, n, k)}")
        if len(self.actor_ids) != n or len(self.issue_ids) != k or len(self.blocs) != n:
            raise ValueError("ids do not match the array shapes")
        for name in ("scale_min", "scale_max", "status_quo"):
            if getattr(self, name).shape != (k,):
                raise ValueError(f"{name} must have shape ({k},)")
        # The agreement inputs: defaults say "no deal leaves the status quo, every actor expects
        # just that, and everyone must agree".
        no_deal = self.status_quo if self.no_deal is None else self.no_deal
        set_(self, "no_deal", _frozen(np.broadcast_to(no_deal, (d, k)), 2, "no_deal"))
        reservation = np.nan if self.reservation is None else self.reservation
        set_(
            self,
            "reservation",
            _frozen(np.broadcast_to(reservation, (d, n, k)), 3, "reservation"),
        )
        consent = True if self.consent is None else self.consent
        set_(self, "consent", _flags(np.broadcast_to(consent, (n, k)), "consent"))
        implementers = False if self.implementers is None else self.implementers
        set_(self, "implementers", _flags(np.broadcast_to(implementers, (n, k)), "implementers"))
        quota = 1.0 if self.quota is None else self.quota
        set_(self, "quota", _frozen(np.broadcast_to(quota, (k,)), 1, "quota"))

    # ------------------------------------------------------------------ shapes
    @property
    def n_draws(self) -> int:
        """Return the number of draws (leading axis)."""
        return int(self.position.shape[0])

    @property
    def n_actors(self) -> int:
        """Return the number of actors."""
        return int(self.position.shape[1])

    @property
    def n_issues(self) -> int:
        """Return the number of issues (dimensions)."""
        return int(self.position.shape[2])

    @property
    def outside_option(self) -> FloatArray:
        """Return each actor's outside option, (draws, actors, issues).

        The coded reservation point, else the issue's no-deal outcome; NaN where neither is
        known (no reservation, no no-deal outcome and no status quo).
        """
        return np.where(np.isnan(self.reservation), self.no_deal[:, None, :], self.reservation)

    @property
    def weight(self) -> FloatArray:
        """Return capability x salience, shaped (draws, actors, issues)."""
        return self.capability[:, :, None] * self.salience

    # ------------------------------------------------------------------ building
    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ScenarioArrays:
        """Build the arrays of one scenario (draws = 1)."""
        n, k = len(scenario.actors), len(scenario.issues)
        pos = np.empty((1, n, k))
        sal = np.empty((1, n, k))
        no_deal = np.array(
            [np.nan if i.no_deal_point is None else i.no_deal_point for i in scenario.issues]
        )
        res = np.empty((1, n, k))
        consent = np.ones((n, k), dtype=np.bool_)
        implementers = np.zeros((n, k), dtype=np.bool_)
        for a, actor in enumerate(scenario.actors):
            for i, issue in enumerate(scenario.issues):
                st = scenario.stance(actor.id, issue.id)
                pos[0, a, i] = st.position
                sal[0, a, i] = st.salience
                res[0, a, i] = np.nan if st.reservation is None else st.reservation
                if issue.consent is not None:
                    consent[a, i] = actor.id in issue.consent
                implementers[a, i] = actor.id in issue.implementers
        # Inputs the scenario leaves to their defaults stay derived (see with_values).
        extra: dict[str, Any] = {"quota": np.array([i.quota for i in scenario.issues])}
        if any(i.no_deal is not None for i in scenario.issues):
            extra["no_deal"] = no_deal[None, :]
        if not np.all(np.isnan(res)):
            extra["reservation"] = res
        if any(i.consent is not None for i in scenario.issues):
            extra["consent"] = consent
        if implementers.any():
            extra["implementers"] = implementers
        return cls(
            actor_ids=scenario.actor_ids,
            issue_ids=scenario.issue_ids,
            capability=np.array([[a.capability for a in scenario.actors]]),
            position=pos,
            salience=sal,
            scale_min=np.array([i.scale.min for i in scenario.issues]),
            scale_max=np.array([i.scale.max for i in scenario.issues]),
            status_quo=np.array(
                [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues]
            ),
            blocs=tuple(a.bloc for a in scenario.actors),
            **extra,
        )

    def with_values(self, **changes: Any) -> ScenarioArrays:
        """Return a copy with some arrays replaced (validated again).

        Agreement inputs that were left to their defaults are derived again from the new
        values (a new status quo moves a default no-deal outcome with it).
        """
        for name in self._derived:
            changes.setdefault(name, None)
        return replace(self, **changes)

    @property
    def agreement_defaults(self) -> frozenset[str]:
        """Return the agreement inputs left to their defaults (see the class docstring)."""
        return self._derived

    def repeat(self, draws: int) -> ScenarioArrays:
        """Return the arrays with the draw axis tiled to ``draws`` (from a single draw)."""
        if self.n_draws != 1:
            raise ValueError("repeat() expects a single draw")
        return self.with_values(
            capability=np.repeat(self.capability, draws, axis=0),
            position=np.repeat(self.position, draws, axis=0),
            salience=np.repeat(self.salience, draws, axis=0),
            no_deal=np.repeat(self.no_deal, draws, axis=0),
            reservation=np.repeat(self.reservation, draws, axis=0),
        )

    def take_actors(self, index: Sequence[int]) -> ScenarioArrays:
        """Return the arrays restricted to (or reordered by) these actor indices."""
        idx = np.asarray(index, dtype=np.intp)
        return self.with_values(
            actor_ids=tuple(self.actor_ids[i] for i in idx),
            blocs=tuple(self.blocs[i] for i in idx),
            capability=self.capability[:, idx],
            position=self.position[:, idx, :],
            salience=self.salience[:, idx, :],
            reservation=self.reservation[:, idx, :],
            consent=self.consent[idx, :],
            implementers=self.implementers[idx, :],
        )

    def take_issues(self, index: Sequence[int]) -> ScenarioArrays:
        """Return the arrays restricted to (or reordered by) these issue indices."""
        idx = np.asarray(index, dtype=np.intp)
        return self.with_values(
            issue_ids=tuple(self.issue_ids[i] for i in idx),
            position=self.position[:, :, idx],
            salience=self.salience[:, :, idx],
            scale_min=self.scale_min[idx],
            scale_max=self.scale_max[idx],
            status_quo=self.status_quo[idx],
            no_deal=self.no_deal[:, idx],
            reservation=self.reservation[:, :, idx],
            consent=self.consent[:, idx],
            quota=self.quota[idx],
            implementers=self.implementers[:, idx],
        )

    def take_draws(self, index: Sequence[int] | slice) -> ScenarioArrays:
        """Return some draws only."""
        return self.with_values(
            capability=self.capability[index],
            position=self.position[index],
            salience=self.salience[index],
            no_deal=self.no_deal[index],
            reservation=self.reservation[index],
        )

    def content_hash(self) -> str:
        """Return a SHA-256 over ids and array bytes (identifies the exact inputs of a run)."""
        h = hashlib.sha256()
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            h.update(f.name.encode())
            if isinstance(value, np.ndarray):
                h.update(str(value.shape).encode())
                h.update(np.ascontiguousarray(value).tobytes())
            else:
                h.update(repr(value).encode())
        return h.hexdigest()
