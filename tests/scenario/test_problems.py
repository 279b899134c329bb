"""Every problem at once: the same words as ``build``, each at its place, no invented follow-ons."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from accord import cases
from accord.errors import AccordError
from accord.scenario.files import parse
from accord.scenario.problems import Problem, problems
from accord.scenario.validate import RawScenario, build

Data = dict[str, Any]


@pytest.fixture(scope="module")
def vienna() -> Data:
    data: Data = cases.load("syria-2015-vienna").scenario.model_dump(mode="json")
    return data


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _drop_stance(data: Data) -> None:
    del data["stances"][20]


def _off_the_scale(data: Data) -> None:
    data["stances"][5].update(position=140, position_range=None)


def _append(name: str, item: Any) -> Callable[[Data], None]:
    return lambda data: data[name].append(item)


ONE_PROBLEM: dict[str, Callable[[Data], None]] = {
    "capability not a number": _set(("actors", 2, "capability"), "abc"),
    "negative capability": _set(("actors", 2, "capability"), -5),
    "capability outside its range": _set(("actors", 0, "capability"), 60),
    "bad actor id": _set(("actors", 0, "name"), 3),
    "bad bloc": _set(("actors", 0, "bloc"), "The West"),
    "unknown actor field": _set(("actors", 3, "colour"), "red"),
    "scale reversed": _set(("issues", 1, "scale"), {"min": 100, "max": 0}),
    "anchor off the scale": _set(("issues", 0, "anchors", 0, "value"), 200),
    "status quo off the scale": _set(("issues", 0, "status_quo"), 300),
    "quota above 1": _set(("issues", 0, "quota"), 2),
    "unknown consenting actor": _set(("issues", 0, "consent"), ["usa", "nobody"]),
    "salience above 1": _set(("stances", 0, "salience"), 1.4),
    "position not a number": _set(("stances", 4, "position"), "left"),
    "position off the scale": _off_the_scale,
    "range reversed": _set(("stances", 7, "position_range"), [90, 80]),
    "reservation off the scale": _set(("stances", 8, "reservation"), 500),
    "missing stance": _drop_stance,
    "stance of an unknown actor": _append(
        "stances", {"actor": "ghost", "issue": "assad", "position": 1, "salience": 0.5}
    ),
    "duplicate actor": _append("actors", {"id": "usa", "capability": 1}),
    "unknown top-level field": _set(("colour",), "red"),
    "empty title": _set(("title",), ""),
}


def _build_error(data: Data) -> str:
    with pytest.raises(AccordError) as info:
        build(RawScenario(data), "scenario")
    return info.value.one_line()


def test_a_valid_scenario_has_none(vienna: Data) -> None:
    assert problems(vienna) == []


@pytest.mark.parametrize("what", list(ONE_PROBLEM))
def test_one_problem_is_found_alone_in_the_words_of_build(vienna: Data, what: str) -> None:
    data = copy.deepcopy(vienna)
    ONE_PROBLEM[what](data)
    found = problems(data, "scenario")
    assert [p.one_line() for p in found] == [_build_error(data)]


def test_all_problems_at_once_each_at_its_place(vienna: Data) -> None:
    data = copy.deepcopy(vienna)
    chosen = [
        "capability not a number",
        "scale reversed",
        "salience above 1",
        "position off the scale",
        "range reversed",
        "unknown consenting actor",
        "reservation off the scale",
    ]
    for what in chosen:
        ONE_PROBLEM[what](data)
    found = problems(data, "scenario")
    assert found[0].one_line() == _build_error(data)  # the first is the one build names
    alone = []
    for what in chosen:
        single = copy.deepcopy(vienna)
        ONE_PROBLEM[what](single)
        alone += problems(single, "scenario")
    assert sorted(p.one_line() for p in found) == sorted(p.one_line() for p in alone)
    paths = {p.path for p in found}
    assert {"actors[2].capability", "stances[7].position_range", "issues[0].consent[1]"} <= paths


def test_saliences_on_0_100_and_stand_ins(vienna: Data) -> None:
    data = {
        "title": "New",
        "salience_scale": 100,
        "actors": [{"id": "a1", "capability": 100}],
        "issues": [{"id": "i1"}],
        "stances": [{"actor": "a1", "issue": "i1", "position": 50, "salience": 140}],
    }
    found = problems(data, "scenario")
    assert [p.one_line() for p in found] == [
        "scenario: stances[0] (a1 on i1).salience: salience 140 is outside 0-100",
        "scenario: actors: a scenario needs at least two actors",
    ]
    empty = problems({"title": "x", "actors": [], "issues": [], "stances": []})
    assert [p.message for p in empty] == [
        "a scenario needs at least two actors",
        "a scenario needs at least one issue",
    ]


def test_an_invalid_id_is_named_once(vienna: Data) -> None:
    data = copy.deepcopy(vienna)
    data["issues"][0]["id"] = "Assad Role"
    for stance in data["stances"]:
        if stance["issue"] == "assad":
            stance["issue"] = "Assad Role"
    found = problems(data)
    assert [p.path for p in found] == ["issues[0].id"]
    assert found[0].to_dict()["message"].startswith("'Assad Role' is not a valid id")


def test_a_file_gets_its_lines() -> None:
    text = (
        "title: t\nactors:\n  - {id: a, capability: 1}\n  - {id: b, capability: big}\n"
        "issues:\n  - {id: x}\nstances:\n  x:\n    a: {position: 500, salience: 0.5}\n"
        "    b: {position: 1, salience: 0.5}\n"
    )
    found = problems(parse(text, "yaml", "t.yaml"), "t.yaml")
    assert [p.one_line() for p in found] == [
        "t.yaml: line 4 (actors[1] (b).capability): expected a number, got 'big'",
        "t.yaml: line 9 (stances[0] (a on x).position): position 500 is outside the scale of "
        "issue 'x' [0, 100]",
    ]
    assert isinstance(found[0], Problem) and found[0].loc == ("actors", 1, "capability")


def test_not_a_mapping() -> None:
    (only,) = problems(RawScenario([1, 2]))  # type: ignore[arg-type]
    assert "valid dictionary" in only.message
