"""The native YAML format: loading, locations, the nested and list forms, saving."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from accord.errors import AccordError
from accord.scenario import Scenario, dumps, loads
from accord.scenario.io_yaml import parse_yaml

VIENNA = textwrap.dedent(
    """\
    title: Vienna talks on Syria
    date: 2015-11-14             # the "as of" date of the coding
    description: >
      free text
    salience_scale: 100
    sources:
      - {id: seed001, citation: "A report", url: null}
    actors:
      - id: usa
        name: United States
        capability: 100
        capability_range: [80, 100]
        bloc: west
        source: "seed001 p. 3"
        why: {capability: "largest military", bloc: "NATO"}
      - id: rus
        name: Russia
        capability: 90
      - id: no
        name: Norway
        capability: 10
    issues:
      - id: assad
        name: Assad's role in a transition
        scale: {min: 0, max: 100, unit: points}
        anchors: {0: "Assad stays with full powers", 100: "transition with no role for Assad"}
        status_quo: 0
      - id: ceasefire
        name: Nationwide ceasefire
    stances:
      assad:
        usa: {position: 90, salience: 80, position_range: [80, 100], salience_range: [70, 90],
              distribution: pert, source: "seed001: p. 4", why: {position: "a", salience: "b"}}
        rus: {position: 10, salience: 90}
        no: {position: 60, salience: 20}
      ceasefire:
        usa: {position: 70, salience: 50}
        rus: {position: 40, salience: 60}
        no: {position: 100, salience: 30}
    """
)


def load_text(text: str, source: str = "cases/x.yaml") -> Scenario:
    return loads(text, "yaml", source)


def error_of(text: str, source: str = "cases/x.yaml") -> str:
    with pytest.raises(AccordError) as info:
        load_text(text, source)
    return str(info.value)


def test_loads_the_documented_example() -> None:
    s = load_text(VIENNA)
    assert s.title == "Vienna talks on Syria"
    assert s.date == dt.date(2015, 11, 14)
    assert s.actor_ids == ("usa", "rus", "no")
    assert s.issue_ids == ("assad", "ceasefire")
    usa = s.stance("usa", "assad")
    assert usa.position == 90
    assert usa.salience == pytest.approx(0.8)
    assert usa.salience_range is not None
    assert usa.salience_range.as_list() == pytest.approx([0.7, 0.9])
    assert usa.distribution == "pert"
    assert usa.why == {"position": "a", "salience": "b"}
    assert s.actor("usa").capability_range is not None
    assert s.issue("assad").label_of(95) == "transition with no role for Assad"
    assert s.sources[0].id == "seed001"
    # Nested stances become the canonical list, issue by issue.
    assert [(st.issue, st.actor) for st in s.stances][:4] == [
        ("assad", "usa"),
        ("assad", "rus"),
        ("assad", "no"),
        ("ceasefire", "usa"),
    ]


def test_plain_no_and_numbers_in_text_fields_stay_text() -> None:
    s = load_text(VIENNA.replace("title: Vienna talks on Syria", "title: 1994"))
    assert s.title == "1994"
    assert "no" in s.actor_ids  # not False (the YAML 1.1 "Norway problem")


def test_list_form_of_stances() -> None:
    text = textwrap.dedent(
        """\
        title: t
        actors: [{id: a, capability: 1}, {id: b, capability: 2}]
        issues: [{id: i}]
        stances:
          - {actor: a, issue: i, position: 10, salience: 0.5}
          - {actor: b, issue: i, position: 20, salience: 0.25}
        """
    )
    s = load_text(text)
    assert s.stance("b", "i").salience == 0.25
    bad = text.replace("salience: 0.25", "salience: 140")
    assert "line 6 (stances[1] (b on i).salience)" in error_of(bad)


def test_error_lines_point_at_the_value() -> None:
    text = VIENNA.replace("rus: {position: 10, salience: 90}", "rus: {position: 10, salience: 140}")
    msg = error_of(text)
    line = text.splitlines().index("    rus: {position: 10, salience: 140}") + 1
    assert msg == (
        f"cases/x.yaml: line {line} (stances[1] (rus on assad).salience): "
        "salience 140 is outside 0-100"
    )


def test_error_in_actor_field_names_its_line() -> None:
    text = VIENNA.replace("capability: 90", "capability: lots")
    line = text.splitlines().index("    capability: lots") + 1
    assert error_of(text) == (
        f"cases/x.yaml: line {line} (actors[1] (rus).capability): expected a number, got 'lots'"
    )


def test_error_in_an_anchor_points_at_its_key() -> None:
    text = VIENNA.replace('100: "transition', '120: "transition')
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "anchors:" in t)
    msg = error_of(text)
    assert f"line {line} (issues[0] (assad).anchors[1])" in msg
    assert "anchor 120 lies outside the scale [0, 100]" in msg


def test_duplicate_keys_are_refused() -> None:
    again = "    rus: {position: 1, salience: 2}"
    text = VIENNA.replace(
        "    no: {position: 60, salience: 20}", "    no: {position: 60, salience: 20}\n" + again
    )
    lines = text.splitlines()
    first = lines.index("    rus: {position: 10, salience: 90}") + 1
    second = lines.index(again) + 1
    assert error_of(text) == (
        f"cases/x.yaml: line {second}: duplicate key 'rus' (first on line {first})"
    )


def test_unsafe_tags_are_refused() -> None:
    msg = error_of("title: !!python/object/apply:os.system ['echo hi']\n")
    assert "unsupported YAML tag" in msg
    assert "line 1" in msg


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    msg = error_of("\n".join(lines) + "\n")
    assert "expands to more than" in msg


def test_deep_nesting_is_refused() -> None:
    assert "nested" in error_of("title: " + "[" * 600 + "]" * 600 + "\n")
    assert "nested more than" in error_of("title: " + "[" * 40 + "]" * 40 + "\n")


def test_bad_timestamp_is_an_error_not_a_crash() -> None:
    msg = error_of(VIENNA.replace("date: 2015-11-14", "date: 2015-13-45"))
    assert "line 2" in msg


def test_top_level_must_be_a_mapping() -> None:
    assert "found a list" in error_of("- a\n- b\n")
    assert "no YAML data" in error_of("# only a comment\n")


def test_nested_stance_must_be_a_mapping() -> None:
    msg = error_of(VIENNA.replace("rus: {position: 10, salience: 90}", "rus: 10"))
    assert "the stance of 'rus' on 'assad' must be a mapping" in msg


def test_locator_maps_canonical_paths_to_lines() -> None:
    raw = parse_yaml(VIENNA)
    lines = VIENNA.splitlines()
    capability = lines.index("    capability: 90") + 1
    assert raw.locate(("actors", 1, "capability")) == f"line {capability}"
    assert raw.locate(("stances", 4, "position")) == (
        f"line {lines.index('    rus: {position: 40, salience: 60}') + 1}"
    )
    assert raw.locate(("stances", 0, "issue")) == f"line {lines.index('  assad:') + 1}"
    anchors = next(n for n, t in enumerate(lines, 1) if "anchors:" in t)
    assert raw.locate(("issues", 0, "anchors", 1)) == f"line {anchors}"


def test_save_is_deterministic_readable_and_round_trips() -> None:
    s = load_text(VIENNA)
    text = dumps(s, "yaml")
    assert text.startswith("# accord scenario")
    assert text == dumps(load_text(text), "yaml")
    assert "  assad:\n    usa:\n" in text
    assert "    rus: {position: 10, salience: 0.9}\n" in text
    again = load_text(text)
    assert again == s
    assert again.content_hash() == s.content_hash()


def test_huge_integer_is_an_error_not_a_crash() -> None:
    msg = error_of(VIENNA.replace("capability: 90", "capability: 1" + "0" * 400))
    assert "is too large" in msg
    assert "line 18" in msg
