"""The native scenario format: YAML written by people, with comments and line-numbered errors.

Loading composes the YAML into nodes (safe tags only: no Python objects), converts them to plain
data while remembering the line of every mapping key and sequence item, turns the nested
``stances: {issue: {actor: {...}}}`` form into the canonical list, and returns a
:class:`RawScenario` whose ``locate`` maps canonical paths such as ``("stances", 7, "salience")``
back to ``line 42``. Saving writes the nested form with a stable key order and a header comment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accord._version import __version__
from accord.errors import AccordError
from accord.scenario.io_common import SourceName
from accord.scenario.model import Loc, Scenario, Stance
from accord.scenario.validate import RawScenario

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists a scenario file may use."""

MAX_NODES = 5_000_000
"""Most values a scenario file may expand to once aliases are resolved (guards alias bombs)."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_STRING_FIELDS = {
    "id",
    "name",
    "title",
    "description",
    "unit",
    "citation",
    "url",
    "source",
    "notes",
    "bloc",
    "actor",
    "issue",
    "label",
    "distribution",
    "consent",
    "implementers",
}
"""Fields that hold text: a plain ``no``, ``2015`` or ``1.5`` there is kept as written."""


@dataclass
class _Located:
    """Where a converted value sits in the file, with its children's places."""

    line: int
    keys: dict[Any, tuple[int, _Located]] = field(default_factory=dict)
    order: list[Any] = field(default_factory=list)
    items: list[_Located] = field(default_factory=list)


class _Converter:
    """Turn composed YAML nodes into plain data and a tree of line numbers."""

    def __init__(self, source: SourceName) -> None:
        self.source = source
        self.constructor = SafeConstructor()

    def fail(self, node: Node, message: str) -> AccordError:
        return AccordError(message, source=self.source, where=f"line {node.start_mark.line + 1}")

    def size(self, node: Node, depth: int, memo: dict[int, int]) -> int:
        """Return how many values ``node`` expands to, aliases included (memoised per node)."""
        if depth > MAX_DEPTH:  # also ends recursive aliases, which nest without end
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        known = memo.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(self.size(item, depth + 1, memo) for item in node.value)
        elif isinstance(node, MappingNode):
            total += sum(
                self.size(k, depth + 1, memo) + self.size(v, depth + 1, memo) for k, v in node.value
            )
        memo[id(node)] = total
        if total > MAX_NODES:
            raise self.fail(
                node,
                f"the document expands to more than {MAX_NODES} values "
                "(too large, or aliases that repeat too much)",
            )
        return total

    def convert(self, node: Node, depth: int, parent: Any) -> tuple[Any, _Located]:
        if isinstance(node, ScalarNode):
            text_field = parent in _STRING_FIELDS or parent in ("why", "anchors")
            return self.scalar(node, text_field), _Located(node.start_mark.line + 1)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            values, here = [], _Located(node.start_mark.line + 1)
            for item in node.value:
                value, where = self.convert(item, depth + 1, parent)
                values.append(value)
                here.items.append(where)
            return values, here
        if isinstance(node, MappingNode):
            return self.mapping(node, depth, numeric_keys=parent == "anchors")
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover - no other node kinds

    def scalar(self, node: ScalarNode, text_field: bool) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"unsupported YAML tag {node.tag}")
        if text_field and node.style is None and node.tag not in (_TAG + "null", _TAG + "str"):
            return node.value
        try:
            value = self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            raise self.fail(node, f"cannot read {node.value!r}: {exc}") from None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300:
            raise self.fail(node, f"the number {node.value} is too large")
        return value

    def key(self, node: Node, numeric: bool) -> Any:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "a mapping key must be a plain value, not a list or mapping")
        if not numeric and node.style is None and node.tag != _TAG + "null":
            return node.value
        value = self.scalar(node, text_field=False)
        if isinstance(value, float) and math.isnan(value):
            raise self.fail(node, "a mapping key cannot be NaN")
        return value

    def mapping(self, node: MappingNode, depth: int, numeric_keys: bool) -> tuple[Any, _Located]:
        if node.tag != _TAG + "map":
            raise self.fail(node, f"unsupported YAML tag {node.tag}")
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _TAG + "merge":
                continue
            key = self.key(key_node, numeric_keys)
            if key in seen:
                raise self.fail(
                    key_node,
                    f"duplicate key '{key}' (first on line {seen[key].start_mark.line + 1})",
                )
            seen[key] = key_node
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            raise self.fail(node, f"bad merge key '<<': {exc}") from None
        result: dict[Any, Any] = {}
        here = _Located(node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.key(key_node, numeric_keys)
            value, where = self.convert(value_node, depth + 1, key)
            if key not in result:
                here.order.append(key)
            result[key] = value
            here.keys[key] = (key_node.start_mark.line + 1, where)
        return result, here


def _compose(text: str, source: SourceName) -> tuple[Any, _Located]:
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:  # characters YAML does not allow
        code = exc.character if isinstance(exc.character, int) else 0
        raise AccordError(
            f"character U+{code:04X} is not allowed in YAML",
            source=source,
            where=f"line {text[: exc.position].count(chr(10)) + 1}",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        raise AccordError(f"YAML syntax error: {problem}", source=source, where=where) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises only the two kinds above
        raise AccordError(f"YAML syntax error: {exc}", source=source) from None
    except RecursionError:
        raise AccordError("YAML nested too deeply", source=source) from None
    if node is None:
        raise AccordError(
            "the file holds no YAML data (only comments or blank lines)",
            source=source,
            where="line 1",
        )
    converter = _Converter(source)
    converter.size(node, 0, {})
    return converter.convert(node, 0, None)


def _walk(tree: _Located, loc: Loc) -> int:
    """Return the line of the deepest node on ``loc`` present in the file."""
    line = tree.line
    node = tree
    for part in loc:
        if node.keys:
            if isinstance(part, int) and not isinstance(part, bool):
                if not 0 <= part < len(node.order):
                    break
                part = node.order[part]
            if part not in node.keys:
                break
            line, node = node.keys[part]
        elif node.items and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
            line = node.line
        else:
            break
    return line


@dataclass
class _NestedStance:
    issue_line: int
    actor_line: int
    path: Loc


def _flatten_stances(
    data: dict[str, Any], tree: _Located, source: SourceName
) -> list[_NestedStance] | None:
    """Replace nested ``stances`` (issue -> actor -> stance) by the canonical list in ``data``."""
    nested = data.get("stances")
    if not isinstance(nested, dict):
        return None
    stances_node = tree.keys["stances"][1]
    out: list[dict[str, Any]] = []
    paths: list[_NestedStance] = []
    for issue_id, by_actor in nested.items():
        issue_line, issue_node = stances_node.keys[issue_id]
        if not isinstance(by_actor, dict):
            raise AccordError(
                f"the stances on issue '{issue_id}' must map actor ids to stances "
                "(e.g. usa: {position: 90, salience: 80})",
                source=source,
                where=f"line {issue_line}",
            )
        for actor_id, stance in by_actor.items():
            actor_line, _ = issue_node.keys[actor_id]
            if not isinstance(stance, dict):
                raise AccordError(
                    f"the stance of '{actor_id}' on '{issue_id}' must be a mapping with "
                    "position and salience",
                    source=source,
                    where=f"line {actor_line}",
                )
            for key in ("actor", "issue"):
                if key in stance:
                    raise AccordError(
                        f"unknown field '{key}' (in the nested form the issue and the actor are "
                        "the keys above the stance)",
                        source=source,
                        where=f"line {issue_node.keys[actor_id][1].keys[key][0]}",
                    )
            out.append({"actor": str(actor_id), "issue": str(issue_id), **stance})
            paths.append(_NestedStance(issue_line, actor_line, ("stances", issue_id, actor_id)))
    data["stances"] = out
    return paths


def _locator(tree: _Located, nested: list[_NestedStance] | None) -> Callable[[Loc], str]:
    def locate(loc: Loc) -> str:
        if (
            nested is not None
            and len(loc) >= 2
            and loc[0] == "stances"
            and isinstance(loc[1], int)
            and 0 <= loc[1] < len(nested)
        ):
            place, rest = nested[loc[1]], loc[2:]
            if rest[:1] == ("issue",):
                return f"line {place.issue_line}"
            if rest[:1] == ("actor",):
                return f"line {place.actor_line}"
            return f"line {_walk(tree, place.path + rest)}"
        return f"line {_walk(tree, loc)}"

    return locate


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_located(text: str, source: SourceName = None) -> tuple[Any, Callable[[Loc], str]]:
    """Read any YAML document safely; return its data and a path -> ``"line N"`` locator.

    Used for files other than scenarios (e.g. process designs) so that their errors point at
    lines the same way.
    """
    data, tree = _compose(text, source)
    return data, _locator(tree, None)


def parse_yaml(text: str, source: SourceName = None) -> RawScenario:
    """Read a scenario written in YAML.

    Parameters
    ----------
    text:
        The YAML text.
    source:
        The file it came from (for messages).

    Returns
    -------
    RawScenario
        Canonical raw data (stances as a list) and a locator that answers ``line N``.

    """
    data, tree = _compose(text, source)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the value {_short(data)}"
        raise AccordError(
            f"expected a mapping with title, actors, issues and stances at the top, found {kind}",
            source=source,
            where=f"line {tree.line}",
        )
    nested = _flatten_stances(data, tree, source)
    return RawScenario(data, _locator(tree, nested))


# ---------------------------------------------------------------------------- saving
class _Dumper(yaml.SafeDumper):
    """A safe dumper that writes :class:`_Flow` mappings and :class:`_Pair` lists on one line."""


class _Flow(dict[str, Any]):
    """A mapping to be written on one line: ``{position: 90, salience: 0.8}``."""


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping(_TAG + "map", data.items(), flow_style=True)


class _Pair(list[Any]):
    """A ``[low, high]`` range, written on one line."""


def _represent_pair(dumper: yaml.SafeDumper, data: _Pair) -> yaml.Node:
    return dumper.represent_sequence(_TAG + "seq", data, flow_style=True)


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Long prose reads best folded (``>``), text with line breaks literal (``|``); the emitter
    # falls back to quotes where a block style cannot hold the text exactly.
    style = "|" if "\n" in data else (">" if len(data) > 80 else None)
    return dumper.represent_scalar(_TAG + "str", data, style=style)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_Pair, _represent_pair)
_Dumper.add_representer(str, _represent_text)


def _num(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _why(why: Mapping[Any, str]) -> dict[str, str]:
    """Return the justifications in a fixed order, on one line when they are short."""
    order = (
        "capability",
        "position",
        "salience",
        "range",
        "bloc",
        "reservation",
        "status_quo",
        "no_deal",
        "consent",
        "implementers",
        "quota",
    )
    out = {k: why[k] for k in order if k in why}
    short = sum(len(k) + len(v) + 4 for k, v in out.items()) <= 60
    return _Flow(out) if short else out


def _stance_entry(stance: Stance) -> dict[str, Any]:
    out: dict[str, Any] = {"position": _num(stance.position), "salience": _num(stance.salience)}
    if stance.position_range is not None:
        out["position_range"] = _Pair(_num(v) for v in stance.position_range.as_list())
    if stance.salience_range is not None:
        out["salience_range"] = _Pair(_num(v) for v in stance.salience_range.as_list())
    if stance.reservation is not None:
        out["reservation"] = _num(stance.reservation)
    if stance.reservation_range is not None:
        out["reservation_range"] = _Pair(_num(v) for v in stance.reservation_range.as_list())
    if stance.distribution != "uniform":
        out["distribution"] = stance.distribution
    if stance.source is not None:
        out["source"] = stance.source
    if stance.why:
        out["why"] = _why(stance.why)
    if stance.notes is not None:
        out["notes"] = stance.notes
    short = not (stance.why or stance.notes or stance.source)
    return _Flow(out) if short else out


def _document(scenario: Scenario) -> dict[str, Any]:
    doc: dict[str, Any] = {"title": scenario.title}
    if scenario.date is not None:
        doc["date"] = scenario.date
    if scenario.description:
        doc["description"] = scenario.description
    doc["salience_scale"] = 1
    if scenario.sources:
        doc["sources"] = [
            {"id": s.id, "citation": s.citation, "url": s.url} for s in scenario.sources
        ]
    actors = []
    for a in scenario.actors:
        entry: dict[str, Any] = {"id": a.id, "name": a.name, "capability": _num(a.capability)}
        if a.capability_range is not None:
            entry["capability_range"] = _Pair(_num(v) for v in a.capability_range.as_list())
        if a.bloc is not None:
            entry["bloc"] = a.bloc
        if a.source is not None:
            entry["source"] = a.source
        if a.why:
            entry["why"] = _why(a.why)
        if a.notes is not None:
            entry["notes"] = a.notes
        actors.append(entry)
    doc["actors"] = actors
    issues = []
    for i in scenario.issues:
        issue: dict[str, Any] = {"id": i.id, "name": i.name}
        if i.description is not None:
            issue["description"] = i.description
        issue["scale"] = _Flow(
            {"min": _num(i.scale.min), "max": _num(i.scale.max), "unit": i.scale.unit}
        )
        if i.anchors:
            issue["anchors"] = {_num(a.value): a.label for a in i.anchors}
        if i.status_quo is not None:
            issue["status_quo"] = _num(i.status_quo)
        if i.no_deal is not None:
            issue["no_deal"] = _num(i.no_deal)
        if i.no_deal_range is not None:
            issue["no_deal_range"] = _Pair(_num(v) for v in i.no_deal_range.as_list())
        if i.consent is not None:
            issue["consent"] = _Pair(i.consent)
        if i.quota != 1:
            issue["quota"] = _num(i.quota)
        if i.implementers:
            issue["implementers"] = _Pair(i.implementers)
        if i.source is not None:
            issue["source"] = i.source
        if i.why:
            issue["why"] = _why(i.why)
        issues.append(issue)
    doc["issues"] = issues
    stances: dict[str, dict[str, Any]] = {i.id: {} for i in scenario.issues}
    for s in scenario.stances:
        stances[s.issue][s.actor] = _stance_entry(s)
    doc["stances"] = stances
    return doc


def dump_yaml(scenario: Scenario) -> str:
    """Return a scenario as YAML in the nested form, with a header comment.

    The output is deterministic: keys in a fixed order, stances grouped by issue in scenario
    order, numbers written so that they read back exactly, saliences on 0-1.
    """
    header = (
        f"# accord scenario (written by accord {__version__}).\n"
        "# Saliences are on 0-1 (salience_scale: 1); ranges are [low, high] for Monte Carlo.\n"
        "# Format: docs/scenario-format.md\n"
    )
    body = yaml.dump(
        _document(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=90,
        default_flow_style=False,
    )
    return header + body
