"""The native scenario format: YAML written by people, with comments and line-numbered errors.

Loading composes the YAML into nodes (safe tags only: no Python objects) with a bounded composer
that counts as it goes: it refuses nesting deeper than :data:`MAX_DEPTH` (aliases included),
more than :data:`MAX_NODES` values written out and more than :data:`MAX_ALIAS_VALUES` values
added by aliases, each before anything is built from the nodes. The events come from libyaml's
C parser when PyYAML has it (``yaml.__with_libyaml__``; about three times faster), else from
PyYAML's pure-Python parser; both feed the same composer, so the checks and the line numbers are
the same. It then converts the nodes to plain data while remembering the line of every mapping
key and sequence item, turns the nested
``stances: {issue: {actor: {...}}}`` form into the canonical list, and returns a
:class:`RawScenario` whose ``locate`` maps canonical paths such as ``("stances", 7, "salience")``
back to ``line 42``. Saving writes the nested form with a stable key order and a header comment.
"""

from __future__ import annotations

import contextlib
import gc
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from accord._version import __version__
from accord.errors import AccordError
from accord.scenario.io_common import SourceName
from accord.scenario.model import Draft, Loc, Scenario, Stance
from accord.scenario.validate import RawScenario

MAX_DEPTH = 32
"""Deepest nesting of values a file may use, counting the top mapping as level 1 and the
nesting that aliases bring in (a scenario needs 6 levels)."""

MAX_NODES = 1_000_000
"""Most values (keys, scalars, lists and mappings) a file may write out. The largest seed case
has about 12,000; a scenario of 500 actors and 100 issues with every field filled in has about
a million. It bounds the work and memory of loading (about 0.3 GB at the limit) far below what
the 10 MB size limit alone allows (5 million values in a file of ``[0,0,0,...]``)."""

MAX_ALIAS_VALUES = 100_000
"""Most values that aliases (``*name``) may add to a file, counted as they expand. Aliases save
repeating a range or a text; 100,000 is a hundred thousand copied values, far more than that
use needs, while a "billion laughs" file of a few hundred bytes (each anchor a list holding the
previous one twice) would expand to millions of values and gigabytes of memory."""

_NON_PRINTABLE = Reader.NON_PRINTABLE
"""Characters YAML does not allow in a file (PyYAML's definition, the same for libyaml)."""

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MERGE = _TAG + "merge"
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


class _Located:
    """Where a converted value sits in the file, with its children's places."""

    __slots__ = ("items", "keys", "line", "order")

    def __init__(self, line: int) -> None:
        self.line = line
        self.keys: dict[Any, tuple[int, _Located]] = {}
        self.order: list[Any] = []
        self.items: list[_Located] = []


class _Converter:
    """Turn composed YAML nodes into plain data and a tree of line numbers."""

    def __init__(self, source: SourceName) -> None:
        self.source = source
        self.constructor = SafeConstructor()

    def fail(self, node: Node, message: str) -> AccordError:
        return AccordError(message, source=self.source, where=f"line {node.start_mark.line + 1}")

    def convert(self, node: Node, parent: Any) -> tuple[Any, _Located]:
        if isinstance(node, ScalarNode):
            text_field = parent in _STRING_FIELDS or parent in ("why", "anchors")
            return self.scalar(node, text_field), _Located(node.start_mark.line + 1)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            values, here = [], _Located(node.start_mark.line + 1)
            for item in node.value:
                value, where = self.convert(item, parent)
                values.append(value)
                here.items.append(where)
            return values, here
        if isinstance(node, MappingNode):
            return self.mapping(node, numeric_keys=parent == "anchors")
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover - no other node kinds

    def scalar(self, node: ScalarNode, text_field: bool) -> Any:
        if node.tag == _STR:
            return node.value
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

    def mapping(self, node: MappingNode, numeric_keys: bool) -> tuple[Any, _Located]:
        if node.tag != _TAG + "map":
            raise self.fail(node, f"unsupported YAML tag {node.tag}")
        if any(key_node.tag == _MERGE for key_node, _ in node.value):
            self.merge(node, numeric_keys)
        result: dict[Any, Any] = {}
        here = _Located(node.start_mark.line + 1)
        keys, order = here.keys, here.order
        for key_node, value_node in node.value:
            key = self.key(key_node, numeric_keys)
            if key in keys:
                raise self.fail(key_node, f"duplicate key '{key}' (first on line {keys[key][0]})")
            value, where = self.convert(value_node, key)
            order.append(key)
            result[key] = value
            keys[key] = (key_node.start_mark.line + 1, where)
        return result, here

    def merge(self, node: MappingNode, numeric_keys: bool) -> None:
        """Resolve the merge keys (``<<: *defaults``) of a mapping in place.

        Keys written in the mapping itself may not repeat; they override merged ones.
        """
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
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
        except yaml.MarkedYAMLError as exc:
            raise self.fail(node, f"bad merge key '<<': {exc.problem}") from None
        merged: dict[Any, int] = {}
        pairs: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:  # merged keys first, then the mapping's own
            key = self.key(key_node, numeric_keys)
            if key in merged:
                pairs[merged[key]] = (key_node, value_node)
            else:
                merged[key] = len(pairs)
                pairs.append((key_node, value_node))
        node.value = pairs


class _Refused(Exception):
    """A file the bounded composer will not compose further (too deep, too many values ...)."""

    def __init__(self, mark: Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _BoundedComposer:
    """A YAML composer (events to nodes) that counts as it goes and stops at the first excess.

    It replaces PyYAML's :class:`~yaml.composer.Composer` and is mixed with a parser that
    provides the events (PyYAML's or libyaml's) and a resolver. Every node is composed at a
    level (the top one at 1) and counted towards :data:`MAX_NODES`. An anchored node records,
    when finished, how many values it holds (aliases inside it expanded) and how many levels it
    spans. An alias stands for that whole subtree: it adds the values to those that aliases add
    (:data:`MAX_ALIAS_VALUES`) and the levels below the place where it stands
    (:data:`MAX_DEPTH`). An alias inside its own anchor (a structure that contains itself) is
    refused: the anchor is not finished yet. The work is one step per event; nothing is
    expanded, and the recursion is never deeper than :data:`MAX_DEPTH`.
    """

    def __init__(self) -> None:
        self.anchors: dict[str, Node] = {}
        self.depth = 0
        """The level of the node being composed."""
        self.deepest = 0
        """The deepest level reached (through aliases too) since the innermost open anchor."""
        self.written = 0
        """Values written out in the file so far."""
        self.added = 0
        """Values that aliases have added so far."""
        self.shapes: dict[str, tuple[int, int]] = {}
        """Per finished anchor: the values it expands to and how many levels it spans."""
        self.tags: dict[tuple[str, bool], str] = {}
        """The implicit tags of plain scalars resolved so far (keys repeat: resolve each once)."""

    if TYPE_CHECKING:  # provided by the parser and the resolver it is mixed with

        def get_event(self) -> Any: ...
        def check_event(self, *choices: Any) -> bool: ...
        def resolve(self, kind: Any, value: Any, implicit: Any) -> str: ...

    def get_single_node(self) -> Node | None:
        """Return the root node of the stream's only document (None: no document)."""
        self.get_event()  # the stream's start
        document = None
        if not self.check_event(StreamEndEvent):
            self.get_event()  # the document's start
            document = self.compose(self.get_event())
            self.get_event()  # the document's end
        if not self.check_event(StreamEndEvent):
            event = self.get_event()
            raise ComposerError(
                "expected a single document in the stream",
                document.start_mark if document is not None else None,
                "but found another document",
                event.start_mark,
            )
        self.get_event()  # the stream's end
        return document

    def alias(self, event: Any) -> Node:
        anchor = event.anchor
        if anchor not in self.anchors:
            raise ComposerError(None, None, f"found undefined alias {anchor!r}", event.start_mark)
        shape = self.shapes.get(anchor)
        if shape is None:
            raise _Refused(
                event.start_mark,
                f"the alias *{anchor} stands inside its own anchor &{anchor} "
                "(a structure that contains itself)",
            )
        values, levels = shape
        reach = self.depth + levels
        if reach > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"nested more than {MAX_DEPTH} levels deep (through the alias *{anchor})",
            )
        self.deepest = max(self.deepest, reach)
        self.added += values
        if self.added > MAX_ALIAS_VALUES:
            raise _Refused(
                event.start_mark,
                f"the file expands to more than {MAX_ALIAS_VALUES:,} values through YAML "
                "aliases (an alias bomb?)",
            )
        return self.anchors[anchor]

    def compose(self, event: Any) -> Node:
        """Return the node that starts with ``event`` (its other events are read here)."""
        kind = type(event)
        if kind is AliasEvent:
            return self.alias(event)
        depth = self.depth + 1
        if depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        self.written += 1
        if self.written > MAX_NODES:
            raise _Refused(
                event.start_mark,
                f"the file holds more than {MAX_NODES:,} values; the limit keeps loading fast",
            )
        if depth > self.deepest:
            self.deepest = depth
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence",
                    self.anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            start, outer = self.written + self.added - 1, self.deepest
            self.deepest = depth
        self.depth = depth
        node: Any
        tag = event.tag
        if kind is ScalarEvent:
            if tag is None or tag == "!":
                implicit = event.implicit
                if implicit[0]:  # a plain scalar: its tag depends on its text
                    text = (event.value, implicit[1])
                    tag = self.tags.get(text)
                    if tag is None:
                        tag = self.tags[text] = self.resolve(ScalarNode, event.value, implicit)
                else:
                    tag = self.resolve(ScalarNode, event.value, implicit)
            # libyaml calls the plain style '' where PyYAML says None.
            node = ScalarNode(
                tag, event.value, event.start_mark, event.end_mark, style=event.style or None
            )
            if anchor is not None:
                self.anchors[anchor] = node
        elif kind is SequenceStartEvent:
            if tag is None or tag == "!":
                tag = self.resolve(SequenceNode, None, event.implicit)
            node = SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if anchor is not None:
                self.anchors[anchor] = node
            items = node.value
            while True:
                item = self.get_event()
                if type(item) is SequenceEndEvent:
                    node.end_mark = item.end_mark
                    break
                items.append(self.compose(item))
        elif kind is MappingStartEvent:
            if tag is None or tag == "!":
                tag = self.resolve(MappingNode, None, event.implicit)
            node = MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if anchor is not None:
                self.anchors[anchor] = node
            pairs = node.value
            while True:
                item = self.get_event()
                if type(item) is MappingEndEvent:
                    node.end_mark = item.end_mark
                    break
                key_node = self.compose(item)
                pairs.append((key_node, self.compose(self.get_event())))
        else:  # pragma: no cover - the parser emits no other events here
            raise ComposerError(None, None, "expected a node", event.start_mark)
        self.depth = depth - 1
        if anchor is not None:
            self.shapes[anchor] = (self.written + self.added - start, self.deepest - depth + 1)
            self.deepest = max(outer, self.deepest)
        result: Node = node
        return result


class _PyLoader(Reader, Scanner, Parser, _BoundedComposer, Resolver):
    """PyYAML's pure-Python parser feeding the bounded composer."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        Resolver.__init__(self)


_CParser: Any = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser as _CParser

if _CParser is not None:

    class _CLoader(_CParser, _BoundedComposer, Resolver):
        """libyaml's C parser (events only) feeding the bounded composer."""

        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)
            _BoundedComposer.__init__(self)
            Resolver.__init__(self)

        # The C parser has a composer of its own, without the checks: use ours.
        get_single_node = _BoundedComposer.get_single_node

    LOADER: type[Any] = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    LOADER = _PyLoader
"""The loader class in use: libyaml's parser when PyYAML has it, else the pure-Python one."""


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is composed and converted.

    Composing allocates a few objects per value and keeps them all, so the collector would
    scan the growing heap again and again: pausing it halves loading time or better. Nothing
    made here is garbage until the end, and the work is bounded (:data:`MAX_NODES`). Pauses
    from several threads nest: the collector resumes when the last one ends.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _compose(
    text: str, source: SourceName, loader: type[Any] | None = None
) -> tuple[Any, _Located]:
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:  # checked here, the same for both parsers, with the exact line
        code = ord(bad.group())
        kind = "a lone surrogate, not valid Unicode" if 0xD800 <= code <= 0xDFFF else "not allowed"
        raise AccordError(
            f"character U+{code:04X} is {kind} in YAML",
            source=source,
            where=f"line {_line_of(text, bad.start())}",
        )
    with _gc_paused():
        return _compose_checked(text, source, loader)


def _compose_checked(
    text: str, source: SourceName, loader: type[Any] | None
) -> tuple[Any, _Located]:
    try:
        composer = (loader or LOADER)(text)
        try:
            node = composer.get_single_node()
        finally:
            composer.dispose()
    except _Refused as exc:
        where = f"line {exc.mark.line + 1}" if exc.mark is not None else None
        raise AccordError(exc.message, source=source, where=where) from None
    except yaml.reader.ReaderError as exc:  # pragma: no cover - the check above comes first
        code = exc.character if isinstance(exc.character, int) else 0
        raise AccordError(
            f"character U+{code:04X} is not allowed in YAML",
            source=source,
            where=f"line {_line_of(text, exc.position)}",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # At the end of the text the parsers' marks point past the last line: name the last.
        last = text.count("\n") + (0 if text.endswith("\n") else 1)
        where = f"line {max(1, min(mark.line + 1, last))}" if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        if "maximum nesting depth" in problem:  # libyaml's own limit (1000 levels)
            raise AccordError(
                f"nested more than {MAX_DEPTH} levels deep", source=source, where=where
            ) from None
        raise AccordError(f"YAML syntax error: {problem}", source=source, where=where) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises only the kinds above
        raise AccordError(f"YAML syntax error: {exc}", source=source) from None
    if node is None:
        raise AccordError(
            "the file holds no YAML data (only comments or blank lines)",
            source=source,
            where="line 1",
        )
    return _Converter(source).convert(node, None)


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


def _draft(mark: Draft) -> bool | _Pair:
    """Return a draft mark as written: ``true``, or the fields on one line."""
    return True if mark is True else _Pair(mark or ())


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
    if stance.draft:
        out["draft"] = _draft(stance.draft)
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
        if a.draft:
            entry["draft"] = _draft(a.draft)
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
        if i.draft:
            issue["draft"] = _draft(i.draft)
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
