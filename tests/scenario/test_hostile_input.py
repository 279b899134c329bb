"""Hostile and extreme scenario files (issue 13): alias bombs, overflowing numbers, control
characters and lone surrogates, and degenerate inputs a model would refuse. Each is refused
with one AccordError naming the file and the line, row or field, quickly and in little memory.
"""

from __future__ import annotations

import gc
import json
import textwrap
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from accord import models
from accord.errors import AccordError, ScenarioWarning, printable
from accord.scenario import Scenario, dumps, io_yaml, load, loads
from accord.scenario.model import MAX_MAGNITUDE
from accord.scenario.problems import problems
from accord.scenario.validate import RawScenario, build

CASES = Path(__file__).resolve().parents[2] / "cases"
SMALL = textwrap.dedent(
    """\
    title: Small
    actors:
      - {id: a, capability: 10}
      - {id: b, capability: 20}
    issues:
      - {id: i, scale: {min: 0, max: 100}}
    stances:
      i:
        a: {position: 10, salience: 0.5}
        b: {position: 90, salience: 0.8}
    """
)
LOADERS = [io_yaml.LOADER, io_yaml._PyLoader]
"""libyaml's parser (where PyYAML has it) and the pure-Python fallback."""


@pytest.fixture(params=LOADERS, ids=lambda c: c.__name__)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the test with each YAML parser."""
    monkeypatch.setattr(io_yaml, "LOADER", request.param)
    return request.param


def error_of(text: str, fmt: str = "yaml", source: str = "x.yaml", **kwargs: Any) -> AccordError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        with pytest.raises(AccordError) as info:
            loads(text, fmt, source, **kwargs)
    return info.value


def one_line_naming(exc: AccordError, source: str) -> str:
    """Return the error's line after checking it is one encodable line naming the file."""
    line = exc.one_line()
    assert "\n" not in line and "\r" not in line
    assert line.startswith(f"{source}: ")
    line.encode("utf-8")  # no lone surrogate left
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in line), line
    return line


# ---------------------------------------------------------------------------- 1. YAML aliases
def nested_laughs(levels: int) -> str:
    """Return the ~270-byte file whose every level is a list holding the previous anchor twice."""
    value = "&a0 x"
    for i in range(1, levels):
        value = f"&a{i} [{value}, *a{i - 1}]"
    return f"title: {value}\n"


def test_nested_alias_bomb_is_refused_before_anything_is_built(loader: Any) -> None:
    text = nested_laughs(22)  # 2^22 = 4 million values once expanded
    assert len(text) < 300
    tracemalloc.start()
    started = time.perf_counter()
    try:
        exc = error_of(text)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert one_line_naming(exc, "x.yaml") == (
        "x.yaml: line 1: the file expands to more than 100,000 values through YAML aliases "
        "(an alias bomb?)"
    )
    assert seconds < 1.0  # was 16 s and 1.6 GB
    assert peak < 20 * 1024 * 1024


def test_alias_chain_deeper_than_the_limit_is_refused(loader: Any) -> None:
    """Each anchor is shallow, but holds the previous one through an alias: the depth adds up.

    The depth check used to look at an alias's node only once (memoised), so such a chain
    passed it and the conversion recursed until RecursionError.
    """
    chain = [f"  - &c{i} " + "[" * 20 + (f"*c{i - 1}" if i else "1") + "]" * 20 for i in range(40)]
    text = "title: t\nactors:\n" + "\n".join(chain) + "\n"
    exc = error_of(text)
    assert one_line_naming(exc, "x.yaml") == (
        "x.yaml: line 4: nested more than 32 levels deep (through the alias *c0)"
    )


def test_an_alias_inside_its_own_anchor_is_refused(loader: Any) -> None:
    exc = error_of("title: t\nactors: &r [*r]\n")
    assert "line 2: the alias *r stands inside its own anchor &r" in one_line_naming(exc, "x.yaml")


def test_depth_is_checked_on_every_node(loader: Any) -> None:
    assert "line 1: nested more than 32 levels deep" in str(error_of("t: " + "[" * 32 + "]" * 32))
    text = "title: t\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 40))
    assert "nested more than 32" in str(error_of("a0: &a0 1\n" + text))


def test_too_many_values_are_refused_while_composing(
    loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(io_yaml, "MAX_NODES", 1000)
    text = "title: [" + ", ".join(["0"] * 2000) + "]\n"
    exc = error_of(text)
    assert one_line_naming(exc, "x.yaml").endswith(
        "line 1: the file holds more than 1,000 values; the limit keeps loading fast"
    )


def test_aliases_and_merge_keys_within_the_budget_still_load(loader: Any) -> None:
    text = textwrap.dedent(
        """\
        title: Small
        actors:
          - &base {id: a, capability: 10, capability_range: &cap [5, 20]}
          - {<<: *base, id: b, capability_range: *cap}
        issues:
          - {id: i, scale: &scale {min: 0, max: 100}}
          - {id: j, scale: *scale}
        stances:
          i:
            a: &s {position: 10, salience: 0.5}
            b: *s
          j:
            a: *s
            b: {<<: *s, position: 90}
        """
    )
    s = loads(text, "yaml", "x.yaml")
    assert s.actor("b").capability == 10
    assert s.actor("b").capability_range is not None
    assert s.issue("j").scale.max == 100
    assert s.stance("b", "j").position == 90
    assert s.stance("b", "j").salience == 0.5
    bad = text.replace("{<<: *base, id: b,", "{<<: *base, id: b, id: c,")
    assert "line 4: duplicate key 'id'" in str(error_of(bad))


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    if yaml.__with_libyaml__:
        assert io_yaml.LOADER.__name__ == "_CLoader"
    else:
        assert io_yaml.LOADER is io_yaml._PyLoader


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(CASES.glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_both_parsers_read_every_case_file_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data, _ = io_yaml.parse_located(text, path)
    py_data, py_tree = io_yaml._compose(text, path, io_yaml._PyLoader)
    assert data == py_data
    _, c_tree = io_yaml._compose(text, path, io_yaml.LOADER)
    for loc in [(), ("title",), ("actors", 3, "capability"), ("stances", "assad"), ("issues", 1)]:
        assert io_yaml._walk(c_tree, loc) == io_yaml._walk(py_tree, loc)


@pytest.mark.parametrize(
    "text",
    [
        "title: [1, 2\n",
        "a: b\n  c: d\n",
        "a: *nowhere\n",
        "a: 1\na: 2\n",
        "x: &d 1\ny: &d 2\n",
        "title: t\n---\ntitle: u\n",
        "title: !!python/object/apply:os.system ['echo hi']\n",
        "title: 2015-13-45\ndate: 2015-13-45\n",
        "title: 99999999999999999999999999999999999999999999999999999\n" + "x: 1" * 0,
    ],
)
def test_both_parsers_refuse_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    messages = []
    for cls in LOADERS:
        monkeypatch.setattr(io_yaml, "LOADER", cls)
        exc = error_of(text)
        messages.append(exc.where)
        one_line_naming(exc, "x.yaml")
    assert messages[0] == messages[1]


def test_loading_pauses_the_garbage_collector_only_while_it_runs() -> None:
    assert gc.isenabled()
    loads(SMALL, "yaml", "x.yaml")
    assert gc.isenabled()
    error_of(nested_laughs(22))
    assert gc.isenabled()
    gc.disable()
    try:
        loads(SMALL, "yaml", "x.yaml")
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


# ---------------------------------------------------------------------------- 2. overflow
@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "{id: a, capability: 10}",
            "{id: a, capability: 1e308}",
            "line 3 (actors[0] (a).capability)",
            "capability 1e+308 is too large: the limit is 1e+15",
        ),
        (
            "{id: a, capability: 10}",
            "{id: a, capability: 10, capability_range: [0, 1e16]}",
            "line 3 (actors[0] (a).capability_range)",
            "capability range [0, 1e+16] reaches above the limit of 1e+15",
        ),
        (
            "scale: {min: 0, max: 100}",
            "scale: {min: -1e308, max: 1e308}",
            "line 6 (issues[0] (i).scale)",
            "scale min -1e+308 is too large: the ends of a scale must lie within ±1e+15",
        ),
        (
            "scale: {min: 0, max: 100}",
            "scale: {min: 0, max: 1e16}",
            "line 6 (issues[0] (i).scale)",
            "scale max 1e+16 is too large",
        ),
        (
            "scale: {min: 0, max: 100}",
            "scale: {min: 0, max: 1e-300}",
            "line 6 (issues[0] (i).scale)",
            "scale [0, 1e-300] is too narrow",
        ),
        (
            "{position: 10, salience: 0.5}",
            "{position: 1e308, salience: 0.5}",
            "line 9 (stances[0] (a on i).position)",
            "position 1e+308 is outside the scale of issue 'i' [0, 100]",
        ),
    ],
)
def test_numbers_that_overflow_are_refused_in_yaml(
    old: str, new: str, where: str, message: str
) -> None:
    text = SMALL.replace(old, new)
    assert new in text
    exc = error_of(text)
    assert exc.where == where
    assert exc.message.startswith(message)
    one_line_naming(exc, "x.yaml")


def test_the_largest_numbers_allowed_load_and_every_model_stays_finite() -> None:
    text = (
        SMALL.replace("capability: 10}", f"capability: {MAX_MAGNITUDE:g}}}")
        .replace("{min: 0, max: 100}", "{min: -1e15, max: 1e15}")
        .replace("position: 10,", "position: -1e15,")
        .replace("position: 90,", "position: 1e15,")
    )
    s = loads(text, "yaml", "x.yaml")
    for name in models.names():
        forecast = np.asarray(models.get(name).run(s).forecast)
        assert np.isfinite(forecast).all() and (np.abs(forecast) <= 1e15).all(), name


@pytest.mark.parametrize(
    ("fmt", "text", "where", "message"),
    [
        (
            "bdm",
            "Actor,Capability,Position,Salience\na,1e308,10,0.5\nb,1,20,0.5\n",
            "row 2, column Capability",
            "the number 1e308 is too large: a scenario's numbers must lie within ±1e+15",
        ),
        (
            "bdm",
            "Actor,Capability,Position,Salience\na,1,-1e308,0.5\nb,1,1e308,0.5\n",
            "row 2, column Position",
            "the number -1e308 is too large",
        ),
        (
            "bdm",
            "Actor,Capability,Position,Salience,CapabilityLow,CapabilityHigh\n"
            "a,1,10,0.5,0,1e300\nb,1,20,0.5,,\n",
            "row 2, column CapabilityHigh",
            "the number 1e300 is too large",
        ),
        (
            "bdm",
            "# scale: -1e308 1e308\nActor,Capability,Position,Salience\na,1,10,0.5\nb,1,20,0.5\n",
            "row 1",
            "write '# scale: <min> <max> [unit]' with min < max, got '-1e308 1e308' (scale min "
            "-1e+308 is too large",
        ),
        (
            "bdm",
            "Actor,Capability,Position,Salience\na,1,0.5,0.5\nb,1,0.5000000000000001,0.5\n",
            "row 1, column Position (issues[0] (x).scale)",
            "scale [0.5, 0.5] is too narrow",
        ),
        (
            "wide",
            "Actor,Capability,i.position,i.salience\na,1,10,0.5\nb,1e16,20,0.5\n",
            "row 3, column Capability",
            "the number 1e16 is too large",
        ),
        (
            "ktab",
            "T,d,2,1,\nActor,Description,Power,P Position,P Salience,\n"
            "a,A,1e308,10,50,\nb,B,1,20,50,\n",
            "row 3, column Power",
            "the number 1e308 is too large",
        ),
    ],
)
def test_numbers_that_overflow_are_refused_in_tables(
    fmt: str, text: str, where: str, message: str
) -> None:
    exc = error_of(text, fmt, "x.csv")
    assert exc.where == where
    assert exc.message.startswith(message), exc.message
    one_line_naming(exc, "x.csv")


def test_a_forced_scale_is_checked_too() -> None:
    exc = error_of(
        "Actor,Capability,Position,Salience\na,1,1,1\nb,1,2,1\n", "bdm", scale=(0, 1e308)
    )
    assert exc.message.startswith("bad scale 0..1e+308: scale max 1e+308 is too large")


def test_overflow_is_refused_in_data_given_directly() -> None:
    data = yaml.safe_load(SMALL.replace("capability: 10}", "capability: 1e308}"))
    data["stances"] = [{"actor": a, "issue": "i", **v} for a, v in data.pop("stances")["i"].items()]
    with pytest.raises(AccordError, match=r"^web: actors\[0\] \(a\)\.capability: capability"):
        build(RawScenario(data), "web")
    found = problems(data)
    assert [p.path for p in found] == ["actors[0].capability"]


# ---------------------------------------------------------------------------- 3. control chars
TEXT_FIELDS = [
    # (field as written in SMALL after the replacement, path in the error, multi-line text?)
    ("title: Small", 'title: "{}"', "line 1 (title)", False),
    ("title: Small", 'title: Small\ndescription: "{}"', "line 2 (description)", True),
    (
        "{id: a, capability: 10}",
        '{{id: a, capability: 10, name: "{}"}}',
        "(actors[0] (a).name)",
        False,
    ),
    (
        "{id: a, capability: 10}",
        '{{id: a, capability: 10, source: "{}"}}',
        "(actors[0] (a).source)",
        False,
    ),
    (
        "{id: a, capability: 10}",
        '{{id: a, capability: 10, notes: "{}"}}',
        "(actors[0] (a).notes)",
        True,
    ),
    (
        "{id: a, capability: 10}",
        '{{id: a, capability: 10, why: {{capability: "{}"}}}}',
        "(actors[0] (a).why.capability)",
        True,
    ),
    ("{id: i, scale:", '{{id: i, name: "{}", scale:', "(issues[0] (i).name)", False),
    ("{id: i, scale:", '{{id: i, description: "{}", scale:', "(issues[0] (i).description)", True),
    ("{id: i, scale:", '{{id: i, source: "{}", scale:', "(issues[0] (i).source)", False),
    ("{id: i, scale:", '{{id: i, why: {{quota: "{}"}}, scale:', "(issues[0] (i).why.quota)", True),
    (
        "{id: i, scale:",
        '{{id: i, anchors: {{0: "{}"}}, scale:',
        "(issues[0] (i).anchors[0].label)",
        False,
    ),
    ("max: 100}", 'max: 100, unit: "{}"}}', "(issues[0] (i).scale.unit)", False),
    (
        "title: Small",
        'title: Small\nsources: [{{id: s, citation: "{}"}}]',
        "line 2 (sources[0] (s).citation)",
        False,
    ),
    (
        "title: Small",
        'title: Small\nsources: [{{id: s, citation: c, url: "{}"}}]',
        "line 2 (sources[0] (s).url)",
        False,
    ),
    ("salience: 0.5}", 'salience: 0.5, source: "{}"}}', "(stances[0] (a on i).source)", False),
    ("salience: 0.5}", 'salience: 0.5, notes: "{}"}}', "(stances[0] (a on i).notes)", True),
    (
        "salience: 0.5}",
        'salience: 0.5, why: {{position: "{}"}}}}',
        "(stances[0] (a on i).why.position)",
        True,
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "multiline"), TEXT_FIELDS)
@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\e[2J", "U+001B"),
        ("\\0", "U+0000"),
        ("\\x7f", "U+007F"),
        ("\\x85", "U+0085"),
        ("\\r", "U+000D"),
    ],
)
def test_control_characters_are_refused_in_every_text_field(
    old: str, new: str, where: str, multiline: bool, escape: str, code: str
) -> None:
    text = SMALL.replace(old, new.format(f"text{escape}more"), 1)
    exc = error_of(text)
    assert exc.where is not None and exc.where.endswith(where)
    assert exc.message.startswith(f"control character {code} is not allowed")
    one_line_naming(exc, "x.yaml")
    if multiline:  # line breaks and tabs are fine in free text
        loads(SMALL.replace(old, new.format("two\\nlines\\tand a tab"), 1), "yaml", "x.yaml")
    else:
        assert "U+0009" in str(error_of(SMALL.replace(old, new.format("a\\tb"), 1)))
        assert "U+000A" in str(error_of(SMALL.replace(old, new.format("a\\nb"), 1)))


def test_multi_line_text_keeps_its_line_breaks() -> None:
    s = loads(
        SMALL.replace("title: Small", 'title: Small\ndescription: "one\\n\\ttwo"'),
        "yaml",
        "x.yaml",
    )
    assert s.description == "one\n\ttwo"


def test_raw_control_characters_in_yaml_are_refused_at_their_line() -> None:
    exc = error_of(SMALL.replace("title: Small", "title: Sm\x1b[2Jall"))
    assert one_line_naming(exc, "x.yaml") == (
        "x.yaml: line 1: character U+001B is not allowed in YAML"
    )


@pytest.mark.parametrize(
    ("fmt", "text", "where"),
    [
        ("bdm", "Actor,Capability,Position,Salience\na\x1b[2J,1,10,0.5\nb,1,20,0.5\n", "row 2"),
        (
            "bdm",
            "Actor,Name,Capability,Position,Salience\na,Evil\x07,1,10,0.5\nb,B,1,20,0.5\n",
            "row 2, column Name",
        ),
        (
            "bdm",
            "# title: x\x1b[2J\nActor,Capability,Position,Salience\na,1,1,1\nb,1,2,1\n",
            "row 1",
        ),
        (
            "wide",
            "# description: d\x07\nActor,Capability,i.position,i.salience\na,1,1,1\nb,1,2,1\n",
            "row 1",
        ),
        (
            "wide",
            "# issue i: I\x1b\nActor,Capability,i.position,i.salience\na,1,1,1\nb,1,2,1\n",
            "row 1",
        ),
        (
            "ktab",
            "T\x1b[2J,d,2,1,\nActor,Description,Power,P Position,P Salience,\n"
            "a,A,1,10,50,\nb,B,1,20,50,\n",
            "row 1",
        ),
        (
            "ktab",
            "T,d,2,1,\nActor,Description,Power,P Position,P Salience,\n"
            "a,A\x7f,1,10,50,\nb,B,1,20,50,\n",
            "row 3",
        ),
    ],
)
def test_control_characters_are_refused_in_tables(fmt: str, text: str, where: str) -> None:
    exc = error_of(text, fmt, "x.csv")
    assert exc.where is not None and exc.where.startswith(where), exc.where
    assert "control character U+00" in exc.message
    one_line_naming(exc, "x.csv")


@pytest.mark.parametrize(
    ("fmt", "text", "where"),
    [
        ("yaml", SMALL.replace("title: Small", "title: Sm\ud800all"), "line 1"),
        ("yaml", SMALL.replace("id: b", "id: b\udfff"), "line 4"),
        ("bdm", "Actor,Capability,Position,Salience\na\ud800,1,10,0.5\nb,1,20,0.5\n", "row 2"),
        ("wide", "Actor,Capability,i\udc80.position,i.salience\na,1,1,1\nb,1,2,1\n", "row 1"),
    ],
)
def test_lone_surrogates_are_refused_in_one_printable_line(fmt: str, text: str, where: str) -> None:
    source = "x.yaml" if fmt == "yaml" else "x.csv"
    exc = error_of(text, fmt, source)
    assert exc.where == where
    assert "is a lone surrogate, not valid Unicode text" in exc.message
    one_line_naming(exc, source)


def test_lone_surrogates_are_refused_in_data_given_directly() -> None:
    """JSON can carry a lone surrogate (the web editor sends JSON): the field is named."""
    data = json.loads(
        '{"title": "t\\ud800", "actors": [{"id": "a", "capability": 1, "name": "n\\udfff"}]}'
    )
    with pytest.raises(AccordError) as info:
        build(RawScenario(data), "web")
    assert info.value.where == "title"
    assert "lone surrogate U+D800" in one_line_naming(info.value, "web")
    found = problems(data, "web")
    assert [p.path for p in found][:2] == ["title", "actors[0].name"]
    assert all("lone surrogate" in p.message for p in found[:2])
    for p in found:
        p.one_line().encode("utf-8")
    escaped_id = json.loads('{"title": "t", "actors": [{"id": "a\\ud800", "capability": 1}]}')
    with pytest.raises(AccordError) as info:
        build(RawScenario(escaped_id), "web")
    assert "not valid Unicode text" in one_line_naming(info.value, "web")


def test_error_messages_escape_what_they_quote() -> None:
    exc = AccordError("unknown key 'a\x1b[2J\ud800'", source="f\udcff.yaml", where="line\n2")
    assert exc.one_line() == "f\\udcff.yaml: line 2: unknown key 'a\\x1b[2J\\ud800'"
    exc.one_line().encode("utf-8")
    assert printable("tab\tand\nline") == "tab\tand\nline"
    warning = ScenarioWarning("odd \x9b value", source="s.csv")
    assert warning.one_line() == "s.csv: odd \\x9b value"


def test_cli_prints_one_clean_line_for_a_control_character(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(SMALL.replace("title: Small", 'title: "Evil\\e[2J"'), encoding="utf-8")
    code, _, err = run_cli("validate", str(path))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"error: {path}: line 1 (title): control character U+001B is not allowed")
    assert "\x1b" not in err


# ---------------------------------------------------------------------------- 4. what models refuse
MODEL_CHECKS = [
    # what bdm/exchange check before running, written into a file: the loader names it
    ("capability: 10}", "capability: .nan}", "expected a finite number, got nan"),
    ("capability: 10}", "capability: -1}", "Input should be greater than or equal to 0"),
    ("salience: 0.5}", "salience: -0.1}", "Input should be greater than or equal to 0"),
    ("salience: 0.5}", "salience: .inf}", "salience inf is outside 0-100"),
    ("position: 10,", "position: -.inf,", "expected a finite number, got -inf"),
    ("{min: 0, max: 100}", "{min: 100, max: 100}", "scale max 100 must be greater than min 100"),
    ("{min: 0, max: 100}", "{min: 0, max: .inf}", "expected a finite number, got inf"),
    ("position: 10,", "position: 101,", "position 101 is outside the scale of issue 'i'"),
    ("capability: 20}", "capability: 0}\n  - {id: c, capability: 0}", "capability"),
]


@pytest.mark.parametrize(("old", "new", "message"), MODEL_CHECKS)
def test_the_loader_refuses_what_a_model_would(old: str, new: str, message: str) -> None:
    text = SMALL.replace(old, new, 1)
    if "id: c" in new:  # every capability 0
        text = text.replace("capability: 10}", "capability: 0}").replace(
            "b: {position: 90, salience: 0.8}",
            "b: {position: 90, salience: 0.8}\n    c: {position: 50, salience: 0.8}",
        )
    exc = error_of(text)
    assert message in exc.message
    one_line_naming(exc, "x.yaml")


def test_a_capability_range_that_leaves_nobody_with_clout_is_refused() -> None:
    """At the low end of the range (tornado, the bottom line's drivers) no one would count."""
    text = SMALL.replace("capability: 10}", "capability: 0}").replace(
        "capability: 20}", "capability: 20, capability_range: [0, 30]}"
    )
    exc = error_of(text)
    assert exc.where == "line 4 (actors[1] (b).capability_range)"
    assert exc.message.startswith(
        "capability range [0, 30] reaches 0, but every other actor's capability is 0"
    )
    # One other actor with clout is enough.
    loads(text.replace("capability: 0}", "capability: 0.001}"), "yaml", "x.yaml")


DEGENERATE = {
    "no salience at all": lambda s: s.replace("salience: 0.5", "salience: 0").replace(
        "salience: 0.8", "salience: 0"
    ),
    "everyone at one position": lambda s: s.replace("position: 90", "position: 10"),
    "everyone at an end": lambda s: s.replace("position: 90", "position: 0").replace(
        "position: 10", "position: 0"
    ),
    "one actor has all the clout": lambda s: s.replace("capability: 10}", "capability: 0}"),
    "a scale a millionth wide": lambda s: (
        s.replace("max: 100", "max: 0.000001")
        .replace("position: 10", "position: 0")
        .replace("position: 90", "position: 0.000001")
    ),
    "a scale far from zero": lambda s: (
        s.replace("{min: 0, max: 100}", "{min: 2015, max: 2015.000001}")
        .replace("position: 10", "position: 2015")
        .replace("position: 90", "position: 2015.000001")
    ),
    "tiny capabilities": lambda s: s.replace("capability: 10}", "capability: 1e-300}").replace(
        "capability: 20}", "capability: 5e-324}"
    ),
    "tiny saliences": lambda s: s.replace("salience: 0.5", "salience: 5e-324").replace(
        "salience: 0.8", "salience: 1e-308"
    ),
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_degenerate_but_valid_scenarios_run_every_model(
    name: str, run_cli: Any, tmp_path: Path
) -> None:
    """What the loader accepts, every model runs: no model refuses it (so no model error can
    lack the file's name), and every forecast is finite and on the scale."""
    text = DEGENERATE[name](SMALL)
    assert text != SMALL
    s = loads(text, "yaml", "x.yaml")
    low, high = s.issues[0].scale.min, s.issues[0].scale.max
    for model in models.names():
        forecast = np.asarray(models.get(model).run(s, rng=0).forecast)
        assert np.isfinite(forecast).all(), (name, model)
        assert ((forecast >= low) & (forecast <= high)).all(), (name, model, forecast)
    path = tmp_path / "degenerate.yaml"
    path.write_text(text, encoding="utf-8")
    code, _out, err = run_cli("run", str(path), "--draws", "5")
    assert code == 0, err


def test_every_seed_case_still_loads_in_every_layout() -> None:
    for path in sorted(CASES.glob("*.yaml")):
        if path.name.endswith((".designs.yaml", ".outcome.yaml")):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            case = load(path)
            for layout in ("yaml", "wide"):
                again = loads(dumps(case, layout), layout, f"again.{layout}")
                assert isinstance(again, Scenario)
