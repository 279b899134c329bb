"""Every problem of a raw scenario at once, each at its place, in the validator's own words.

:func:`~accord.scenario.validate.build` stops at the first problem, as a command line should.
An editor wants all of them: :func:`problems` validates with the same validator, records what
it says, sets the offending part aside or mends it with a neutral stand-in (a stance that was
missing, a scale that covers the values, a position moved onto the scale ...) and validates
again, until the scenario passes. Every message is the one ``build`` would give for that
problem alone, and the first problem is the one ``build`` names. Places are paths into the data
as given (``("stances", 3, "salience")``), never into the mended copy.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from accord.errors import AccordError
from accord.scenario.model import MAX_MAGNITUDE, MIN_WIDTH, Loc, Scenario, ScenarioProblem
from accord.scenario.validate import RawScenario, _describe, _message, build

MAX_ROUNDS = 2000
"""The most validate-and-mend rounds (each mends at least one thing)."""
LISTS = ("actors", "issues", "stances", "sources")
NESTED = ("consent", "implementers", "anchors")
"""Lists inside an issue whose items problems may point at."""
_STAND_IN = "zz-stand-in-"


@dataclass(frozen=True)
class Problem:
    """One problem: its place in the data, where that is in words, and what is wrong."""

    loc: Loc
    where: str | None
    message: str
    source: str | None = None

    @property
    def path(self) -> str:
        """Return the place as a dotted path: ``stances[3].salience``."""
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def one_line(self) -> str:
        """Return the problem as the command line prints it (``source: where: message``)."""
        return AccordError(self.message, source=self.source, where=self.where).one_line()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: ``loc``, ``path``, ``where``, ``message`` and ``line``."""
        return {
            "loc": list(self.loc),
            "path": self.path,
            "where": self.where,
            "message": self.message,
            "line": self.one_line(),
        }


@dataclass
class _Slot:
    """An item of one of the scenario's lists: where it came from (None: a stand-in)."""

    orig: int | None
    value: Any
    nested: dict[str, list[int | None]] = field(default_factory=dict)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _wide_enough(low: float, high: float) -> bool:
    """Return whether ``[low, high]`` is wide enough to be a scale (see ``Scale``)."""
    return high - low >= MIN_WIDTH * max(1.0, abs(low), abs(high))


def _pair(value: Any) -> tuple[float, float] | None:
    """Return a range written ``[low, high]`` or ``{low, high}`` as numbers, else None."""
    if isinstance(value, Mapping):
        value = [value.get("low"), value.get("high")]
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = _number(value[0]), _number(value[1])
        if low is not None and high is not None and low <= high:
            return low, high
    return None


class _Work:
    """A mutable copy of the raw data that remembers where each list item came from."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.top = {k: copy.deepcopy(v) for k, v in data.items() if k not in LISTS}
        self.lists: dict[str, list[_Slot]] = {}
        self.fixed: set[str] = set()  # lists that are not lists: left to the validator
        for name in LISTS:
            if name not in data:
                continue
            value = data[name]
            if not isinstance(value, list | tuple):
                self.top[name] = copy.deepcopy(value)
                self.fixed.add(name)
                continue
            self.lists[name] = [_Slot(k, copy.deepcopy(v)) for k, v in enumerate(value)]
        for slot in self.lists.get("issues", []):
            self._index_nested(slot)
        self.stand_ins = 0

    @staticmethod
    def _index_nested(slot: _Slot) -> None:
        item = slot.value
        if not isinstance(item, dict):
            return
        anchors = item.get("anchors")
        if isinstance(anchors, Mapping):  # files write {value: label}; the validator reads a list
            item["anchors"] = [{"value": k, "label": v} for k, v in anchors.items()]
        for name in ("consent", "implementers"):
            if isinstance(item.get(name), str):
                item[name] = [item[name]]
        for name in NESTED:
            if isinstance(item.get(name), list):
                slot.nested[name] = list(range(len(item[name])))

    # ------------------------------------------------------------------ views
    def data(self) -> dict[str, Any]:
        """Return the data to validate this round."""
        out = dict(self.top)
        for name, slots in self.lists.items():
            out[name] = [s.value for s in slots]
        return out

    def original(self, loc: Loc) -> Loc | None:
        """Return ``loc`` as a path into the data as given (None: it points at a stand-in)."""
        if len(loc) < 2 or loc[0] not in self.lists or not isinstance(loc[1], int):
            return loc
        slots = self.lists[str(loc[0])]
        if loc[1] >= len(slots):
            return loc
        slot = slots[loc[1]]
        if slot.orig is None:
            return None
        rest = loc[2:]
        if len(rest) >= 2 and rest[0] in slot.nested and isinstance(rest[1], int):
            nested = slot.nested[str(rest[0])]
            if rest[1] < len(nested):
                inner = nested[rest[1]]
                if inner is None:
                    return None
                rest = (rest[0], inner, *rest[2:])
        return (loc[0], slot.orig, *rest)

    def real_actors(self) -> bool:
        """Return whether any actor of the data as given is left."""
        return any(s.orig is not None for s in self.lists.get("actors", []))

    def items(self, name: str) -> list[dict[str, Any]]:
        """Return the items of a list that are mappings."""
        return [s.value for s in self.lists.get(name, []) if isinstance(s.value, dict)]

    def saliences_on_100(self) -> bool:
        """Return whether saliences read on 0-100 (declared, or some salience above 1)."""
        declared = self.top.get("salience_scale")
        if declared in (1, 100):
            return declared == 100
        return any(
            (v := _number(s.get("salience"))) is not None and v > 1 for s in self.items("stances")
        )

    def scale_of(self, issue_id: Any) -> tuple[float, float]:
        """Return an issue's scale ``(min, max)`` where it can be read (else 0-100)."""
        for item in self.items("issues"):
            if item.get("id") == issue_id:
                scale = item.get("scale")
                if isinstance(scale, Mapping):
                    low, high = _number(scale.get("min", 0.0)), _number(scale.get("max", 100.0))
                    if low is not None and high is not None and high > low:
                        return low, high
        return 0.0, 100.0

    # ------------------------------------------------------------------ mending
    def resolve(self, loc: Loc) -> tuple[str, _Slot | None, Loc]:
        """Return the list a path points into, the item (None: no item) and the rest of it."""
        if len(loc) >= 2 and loc[0] in self.lists and isinstance(loc[1], int):
            slots = self.lists[str(loc[0])]
            if loc[1] < len(slots):
                return str(loc[0]), slots[loc[1]], loc[2:]
        return str(loc[0]) if loc else "", None, loc[1:]

    def mend(
        self, target: tuple[str, _Slot | None, Loc], message: str, scenario_level: bool
    ) -> bool:
        """Set aside or mend what a resolved path points at; return whether anything changed."""
        name, slot, rest = target
        if not name:
            return False
        if slot is not None:
            if not any(s is slot for s in self.lists[name]):
                return False  # already set aside this round
            if scenario_level:
                return self._mend_consistency(name, slot, rest, message)
            return self._mend_item(name, slot, rest)
        if name in ("actors", "issues") and not rest:
            return self._mend_whole(name, message)
        return self._mend_top(name)

    def _mend_top(self, name: str) -> bool:
        if name == "title":
            if self.top.get("title") == "untitled":
                return False
            self.top["title"] = "untitled"
            return True
        if name in self.top:
            del self.top[name]
            return True
        return False

    def _mend_whole(self, name: str, message: str) -> bool:
        actors, issues = self.items("actors"), self.items("issues")
        if name == "issues":
            issue_id = self._new_id()
            self.lists.setdefault("issues", []).append(_Slot(None, {"id": issue_id}))
            for actor in actors:
                self._stand_in_stance(actor.get("id"), issue_id)
            return True
        if len(self.lists.get("actors", [])) < 2:
            actor_id = self._new_id()
            self.lists.setdefault("actors", []).append(
                _Slot(None, {"id": actor_id, "capability": 0})
            )
            for issue in issues:
                self._stand_in_stance(actor_id, issue.get("id"))
            return True
        if "capability" in message and actors:  # total capability is zero
            first = actors[0]
            first["capability"] = 1
            first.pop("capability_range", None)
            return True
        return False

    def _new_id(self) -> str:
        self.stand_ins += 1
        return f"{_STAND_IN}{self.stand_ins}"

    def _stand_in_stance(self, actor: Any, issue: Any) -> None:
        low, _ = self.scale_of(issue)
        stance = {"actor": actor, "issue": issue, "position": low, "salience": 0}
        self.lists.setdefault("stances", []).append(_Slot(None, stance))

    def _drop(self, name: str, slot: _Slot) -> bool:
        self.lists[name] = [s for s in self.lists[name] if s is not slot]
        return True

    def _mend_item(self, name: str, slot: _Slot, rest: Loc) -> bool:
        """Mend an item whose own fields are wrong (a type, a range, an unknown field ...)."""
        item = slot.value
        if not isinstance(item, dict) or not rest:
            return self._drop(name, slot)
        key = str(rest[0])
        if name == "sources" or key == "id" or (name == "stances" and key in ("actor", "issue")):
            return self._set_aside(name, slot)
        if key in NESTED and len(rest) >= 2 and isinstance(rest[1], int):
            return self._drop_nested(slot, key, rest[1])
        if key == "anchors" and isinstance(item.get("anchors"), list):  # two share a value
            return self._dedupe_anchors(slot)
        if key == "scale":
            scale = item.get("scale")
            if rest[1:2] == ("unit",) and isinstance(scale, dict) and "unit" in scale:
                del scale["unit"]  # only the unit is wrong: keep the numbers (checked next)
                return True
            return self._mend_scale(item)
        if name == "stances" and key in ("position", "salience", "salience_range"):
            return self._neutral_stance_value(item, key)
        if name == "actors" and key == "capability":
            pair = _pair(item.get("capability_range"))
            item["capability"] = pair[0] if pair and pair[0] >= 0 else 1
            if not pair or pair[0] < 0:
                item.pop("capability_range", None)
            return True
        if key in ("reservation", "no_deal"):
            item.pop(f"{key}_range", None)
        if key in item:
            del item[key]
            return True
        return False

    def _set_aside(self, name: str, slot: _Slot) -> bool:
        """Set aside an item whose id (or a stance whose actor or issue) is not a valid id."""
        self._drop(name, slot)
        item = slot.value
        if name in ("actors", "issues") and isinstance(item, dict):
            key = "actor" if name == "actors" else "issue"
            bad = item.get("id")
            self.lists["stances"] = [
                s
                for s in self.lists.get("stances", [])
                if not (isinstance(s.value, dict) and s.value.get(key) == bad)
            ]
        return True

    @staticmethod
    def _drop_nested(slot: _Slot, key: str, index: int) -> bool:
        values = slot.value.get(key)
        if not isinstance(values, list) or index >= len(values):
            return False
        del values[index]
        if key in slot.nested and index < len(slot.nested[key]):
            del slot.nested[key][index]
        return True

    @staticmethod
    def _dedupe_anchors(slot: _Slot) -> bool:
        """Keep the first anchor of each value (two anchors shared one)."""
        anchors = slot.value["anchors"]
        origins = slot.nested.get("anchors", [None] * len(anchors))
        kept: list[Any] = []
        order: list[int | None] = []
        values: list[Any] = []
        for anchor, origin in zip(anchors, origins, strict=False):
            value = anchor.get("value") if isinstance(anchor, dict) else None
            if value in values:
                continue
            values.append(value)
            kept.append(anchor)
            order.append(origin)
        if len(kept) == len(anchors):
            return False
        slot.value["anchors"], slot.nested["anchors"] = kept, order
        return True

    def _mend_scale(self, issue: dict[str, Any]) -> bool:
        """Give an issue whose scale is wrong one that covers every value written for it.

        Values beyond :data:`~accord.scenario.model.MAX_MAGNITUDE` are left outside (each is
        then a problem of its own); a scale whose ends are numbers beyond it is cut back to it.
        """
        scale = issue.get("scale")
        if isinstance(scale, Mapping):
            low, high = _number(scale.get("min", 0.0)), _number(scale.get("max", 100.0))
            if low is not None and high is not None and high > low:
                low, high = max(low, -MAX_MAGNITUDE), min(high, MAX_MAGNITUDE)
                if _wide_enough(low, high) and (low, high) != (scale.get("min"), scale.get("max")):
                    issue["scale"] = {"min": low, "max": high}
                    return True
        values: list[float] = []
        for stance in self.items("stances"):
            if stance.get("issue") == issue.get("id"):
                for key in ("position", "reservation"):
                    if (v := _number(stance.get(key))) is not None:
                        values.append(v)
                for key in ("position_range", "reservation_range"):
                    values.extend(_pair(stance.get(key)) or ())
        for key in ("status_quo", "no_deal"):
            if (v := _number(issue.get(key))) is not None:
                values.append(v)
        values.extend(_pair(issue.get("no_deal_range")) or ())
        anchors = issue.get("anchors")
        if isinstance(anchors, list):
            for anchor in anchors:
                if isinstance(anchor, dict) and (v := _number(anchor.get("value"))) is not None:
                    values.append(v)
        values = [v for v in values if abs(v) <= MAX_MAGNITUDE]
        low, high = (min(values), max(values)) if values else (0.0, 100.0)
        if not _wide_enough(low, high):
            low, high = low - 1, high + 1
        issue["scale"] = {"min": low, "max": high}
        return True

    def _neutral_stance_value(self, stance: dict[str, Any], key: str) -> bool:
        if key in ("salience", "salience_range"):
            if key == "salience":
                stance["salience"] = 50 if self.saliences_on_100() else 0.5
            stance.pop("salience_range", None)
            return True
        low, high = self.scale_of(stance.get("issue"))
        pair = _pair(stance.get("position_range"))
        stance["position"] = pair[0] if pair else (low + high) / 2
        return True

    def _mend_consistency(self, name: str, slot: _Slot, rest: Loc, message: str) -> bool:
        """Mend what the scenario-wide check found (unknown ids, duplicates, off the scale ...)."""
        item = slot.value
        key = str(rest[0]) if rest else ""
        if name == "actors" and not rest:  # an actor without a stance on some issues
            covered = {(s.get("actor"), s.get("issue")) for s in self.items("stances")}
            for issue in self.items("issues"):
                if (item.get("id"), issue.get("id")) not in covered:
                    self._stand_in_stance(item.get("id"), issue.get("id"))
            return True
        if key == "id" or (name == "stances" and key in ("", "actor", "issue")):
            return self._drop(name, slot)  # a duplicate, a second stance, an unknown id
        if name == "actors" and key == "capability_range":  # it reaches a total of zero
            item.pop(key, None)
            return True
        if name == "issues" and key in ("consent", "implementers") and len(rest) >= 2:
            return self._drop_nested(slot, key, int(rest[1]))
        if name == "stances" and key in ("position", "reservation"):
            self._onto_scale(item, key)
            return True
        if name == "stances" and key in ("position_range", "reservation_range"):
            item.pop(key, None)
            return True
        if name == "stances" and key in ("salience", "salience_range"):  # outside 0-100
            return self._neutral_stance_value(item, key)
        return False

    def _onto_scale(self, stance: dict[str, Any], key: str) -> None:
        """Move a point onto its issue's scale, inside its range where the two overlap."""
        low, high = self.scale_of(stance.get("issue"))
        value = _number(stance.get(key))
        pair = _pair(stance.get(f"{key}_range"))
        if pair is not None and max(pair[0], low) <= min(pair[1], high):
            low, high = max(pair[0], low), min(pair[1], high)
        else:
            stance.pop(f"{key}_range", None)
        stance[key] = min(max(value if value is not None else low, low), high)


def _errors(exc: Exception) -> list[tuple[Loc, str, bool]]:
    """Return (path, message, raised by the scenario-wide check) for each error of a failure."""
    if isinstance(exc, ScenarioProblem):
        return [(exc.loc, exc.message, False)]
    assert isinstance(exc, ValidationError)
    out = []
    for err in exc.errors():
        loc, message = _message(err)
        scenario_level = isinstance((err.get("ctx") or {}).get("error"), ScenarioProblem) and (
            not err["loc"]
        )
        out.append((loc, message, scenario_level))
    return out


def _repeats_a_bad_id(loc: Loc, message: str, bad_ids: dict[str, set[str]]) -> bool:
    """Return whether a stance's invalid actor or issue id was already named at its item."""
    if len(loc) == 3 and loc[0] == "stances" and loc[2] in ("actor", "issue"):
        return any(message == text for text in bad_ids.get(str(loc[2]), ()))
    return False


def problems(
    raw: RawScenario | Mapping[str, Any], source: str | Path | None = None, limit: int = 500
) -> list[Problem]:
    """Return every problem of a raw scenario (empty when it is valid), the first one first.

    Parameters
    ----------
    raw:
        The raw scenario (a mapping as ``Scenario.model_validate`` takes it), or a
        :class:`RawScenario` whose ``locate`` names lines or rows of the file it came from.
    source:
        What to call the input in the one-line form of each problem (a file name).
    limit:
        The most problems returned.

    Returns
    -------
    list[Problem]
        In the order found: ``problems(raw)[0]`` is what :func:`~accord.scenario.validate.build`
        reports. A stance whose actor or issue id repeats an id already named as invalid is not
        listed again.

    """
    if not isinstance(raw, RawScenario):
        raw = RawScenario(raw)  # type: ignore[arg-type]
    if not isinstance(raw.data, Mapping):  # not even a mapping: the validator's one problem
        try:
            build(raw, source)
        except AccordError as exc:
            return [Problem((), exc.where, exc.message, _name(source))]
    work = _Work(raw.data)
    found: list[Problem] = []
    seen: set[tuple[Loc, str]] = set()
    bad_ids: dict[str, set[str]] = {}
    for _ in range(MAX_ROUNDS):
        try:
            Scenario.model_validate(work.data())
            break
        except (ScenarioProblem, ValidationError) as exc:
            errors = _errors(exc)
        changed = False
        targets = [work.resolve(loc) for loc, _, _ in errors]  # before anything moves
        origins = [work.original(loc) for loc, _, _ in errors]
        for (_, message, scenario_level), target, where in zip(
            errors, targets, origins, strict=True
        ):
            if where == ("actors",) and "capability" in message and not work.real_actors():
                where = None  # only stand-ins: their clout is no problem of the data
            if where is not None and (where, message) not in seen:
                seen.add((where, message))
                if not _repeats_a_bad_id(where, message, bad_ids):
                    found.append(Problem(where, _place(raw, where), message, _name(source)))
                if len(where) == 3 and where[0] in ("actors", "issues") and where[2] == "id":
                    bad_ids.setdefault("actor" if where[0] == "actors" else "issue", set()).add(
                        message
                    )
            changed = work.mend(target, message, scenario_level) or changed
        if not changed or len(found) >= limit:
            break
    return found[:limit]


def _name(source: str | Path | None) -> str | None:
    return str(source) if source is not None else None


def _place(raw: RawScenario, loc: Loc) -> str | None:
    """Return where a problem is, as :func:`~accord.scenario.validate.build` words it."""
    where = raw.locate(loc)
    path = _describe(loc, raw.data)
    return f"{where} ({path})" if where and path else (where or path or None)
