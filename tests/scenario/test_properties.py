"""Property tests: valid scenarios survive save/load; garbage never escapes as a non-AccordError."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import AccordError
from accord.scenario import Scenario, dumps, loads
from accord.scenario.files import FORMATS, decode

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ids = st.from_regex(r"[a-z]([a-z0-9_-]{0,6}[a-z0-9])?", fullmatch=True)
words = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters='"$#\\'),
    min_size=1,
    max_size=8,
)
one_line = st.lists(words, min_size=1, max_size=4).map(" ".join)
prose = st.lists(words, min_size=1, max_size=40).map(" ".join) | st.lists(
    one_line, min_size=2, max_size=4
).map("\n".join)
units = st.sampled_from(["points", "years", "per cent of GDP", "%"])
fractions = st.floats(0, 1)


@st.composite
def scenarios(
    draw: st.DrawFn, *, max_issues: int = 3, rich: bool = True, percent_scale: bool = False
) -> Scenario:
    """Draw a valid scenario. ``rich`` adds what only YAML holds (why, anchors, sources ...)."""
    actor_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
    issue_ids = draw(st.lists(ids, min_size=1, max_size=max_issues, unique=True))
    names = draw(st.lists(one_line, min_size=len(actor_ids), max_size=len(actor_ids), unique=True))
    actors: list[dict[str, Any]] = []
    for actor_id, name in zip(actor_ids, names, strict=True):
        cap = draw(st.floats(0.01, 1e6))
        actor: dict[str, Any] = {"id": actor_id, "name": name, "capability": cap}
        if not percent_scale:
            if draw(st.booleans()):
                actor["capability_range"] = [cap * draw(fractions), cap * (1 + draw(fractions))]
            actor["bloc"] = draw(st.none() | ids)
            actor["source"] = draw(st.none() | one_line)
        if rich:
            actor["why"] = draw(
                st.dictionaries(st.sampled_from(["capability", "bloc"]), one_line, max_size=2)
            )
            actor["notes"] = draw(st.none() | one_line)
        actors.append(actor)
    issues: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    for issue_id in issue_ids:
        if percent_scale:
            low, high = 0.0, 100.0
        else:
            low = draw(st.floats(-1000, 1000))
            high = low + draw(st.floats(0.5, 1000))
        issue: dict[str, Any] = {
            "id": issue_id,
            "name": draw(one_line),
            "scale": {"min": low, "max": high, "unit": draw(units)},
        }
        if rich:
            issue["description"] = draw(st.none() | one_line)
            issue["status_quo"] = draw(st.none() | st.floats(low, high))
            marks = draw(st.lists(st.floats(low, high), unique=True, max_size=3))
            issue["anchors"] = [{"value": v, "label": draw(one_line)} for v in marks]
        issues.append(issue)
        for actor_id in actor_ids:
            pos = draw(st.floats(low, high))
            sal = draw(fractions)
            stance: dict[str, Any] = {
                "actor": actor_id,
                "issue": issue_id,
                "position": pos,
                "salience": sal,
            }
            if not percent_scale and draw(st.booleans()):
                stance["position_range"] = [
                    max(low, pos - draw(fractions) * (pos - low)),
                    min(high, pos + draw(fractions) * (high - pos)),
                ]
                stance["salience_range"] = [
                    sal * draw(fractions),
                    sal + (1 - sal) * draw(fractions),
                ]
            if rich:
                stance["distribution"] = draw(st.sampled_from(["uniform", "triangular", "pert"]))
                stance["why"] = draw(
                    st.dictionaries(
                        st.sampled_from(["position", "salience", "range"]), one_line, max_size=2
                    )
                )
                stance["source"] = draw(st.none() | one_line)
            stances.append(stance)
    data: dict[str, Any] = {
        "title": draw(one_line),
        "date": draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))),
        "description": draw(st.just("") | one_line | (prose if rich else one_line)),
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    if rich:
        data["sources"] = [
            {"id": s, "citation": draw(one_line), "url": draw(st.none() | words)}
            for s in draw(st.lists(ids, unique=True, max_size=2))
        ]
    if percent_scale:
        data["date"] = None
    return Scenario.model_validate(data)


@SETTINGS
@given(scenarios())
def test_yaml_round_trip(s: Scenario) -> None:
    text = dumps(s, "yaml")
    again = loads(text, "yaml", "s.yaml")
    assert again == s
    assert dumps(again, "yaml") == text


@SETTINGS
@given(scenarios(max_issues=1, rich=False))
def test_one_issue_table_round_trip(s: Scenario) -> None:
    assert loads(dumps(s, "bdm"), "csv", "s.csv") == s


@SETTINGS
@given(scenarios(rich=False))
def test_wide_table_round_trip(s: Scenario) -> None:
    assert loads(dumps(s, "wide"), "csv", "s.csv") == s


@SETTINGS
@given(scenarios(rich=False, percent_scale=True))
def test_ktab_round_trip(s: Scenario) -> None:
    again = loads(dumps(s, "ktab"), "csv", "s.csv")
    assert (again.title, again.description) == (s.title, s.description)
    assert again.actor_ids == s.actor_ids
    assert again.issue_ids == s.issue_ids
    assert [a.name for a in again.actors] == [a.name for a in s.actors]
    assert [a.capability for a in again.actors] == [a.capability for a in s.actors]
    for a, b in zip(again.stances, s.stances, strict=True):
        assert (a.actor, a.issue, a.position) == (b.actor, b.issue, b.position)
        assert a.salience == pytest.approx(b.salience, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------------- garbage
SAMPLE = Scenario.model_validate(
    {
        "title": "Sample",
        "date": dt.date(2015, 11, 14),
        "actors": [
            {
                "id": "usa",
                "name": "United States",
                "capability": 100,
                "bloc": "west",
                "capability_range": [80, 100],
                "why": {"capability": "size"},
            },
            {"id": "rus", "capability": 90},
            {"id": "tur", "capability": 40},
        ],
        "issues": [
            {"id": "assad", "anchors": {0: "stays", 100: "goes"}, "status_quo": 0},
            {"id": "ceasefire", "scale": {"min": 0, "max": 100}},
        ],
        "stances": [
            {
                "actor": a,
                "issue": i,
                "position": p,
                "salience": 0.5,
                "position_range": [max(0, p - 5), min(100, p + 5)],
                "distribution": "pert",
            }
            for i in ("assad", "ceasefire")
            for a, p in (("usa", 90), ("rus", 10), ("tur", 70))
        ],
    }
)
SAMPLE_TEXTS = {fmt: dumps(SAMPLE, fmt) for fmt in ("yaml", "wide", "ktab")}
SAMPLE_TEXTS["bdm"] = dumps(SAMPLE.subset(issues=["assad"]), "bdm")


def survives(text: str, fmt: str) -> None:
    """``loads`` returns a Scenario or raises AccordError: never anything else."""
    message = ""
    try:
        result = loads(text, fmt, "garbage.txt")
    except AccordError as exc:
        message = str(exc)
    else:
        assert isinstance(result, Scenario)
        return
    assert message.startswith("garbage.txt")
    assert "\n" not in message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(FORMATS))
def test_random_text_never_crashes(text: str, fmt: str) -> None:
    survives(text, fmt)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abusr:{}[],-#\n \t\"'&*!<>|0123456789.e", max_size=300),
    st.sampled_from(FORMATS),
)
def test_structured_junk_never_crashes(text: str, fmt: str) -> None:
    survives(text, fmt)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    fmt = draw(st.sampled_from(sorted(SAMPLE_TEXTS)))
    text = SAMPLE_TEXTS[fmt]
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line"]))
        piece = draw(
            st.text(max_size=4)
            | st.sampled_from(
                [
                    ",",
                    "\n",
                    ":",
                    "{",
                    "}",
                    "[",
                    "]",
                    "-",
                    "140",
                    "-1",
                    "nan",
                    "1e400",
                    "*a",
                    "&a",
                    "!!binary",
                    '"',
                    "$$",
                    "# scale: 5 1\n",
                    "<<: ",
                ]
            )
        )
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "replace":
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            lines = text.split("\n")
            k = at % max(1, len(lines))
            lines.insert(k, lines[k])
            text = "\n".join(lines)
    return draw(st.sampled_from([fmt, "csv", "yaml"])), text


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_files_never_crash(case: tuple[str, str]) -> None:
    fmt, text = case
    survives(text, fmt)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        text = decode(data, "garbage.txt")
    except AccordError:
        return
    for fmt in ("yaml", "csv"):
        survives(text, fmt)
