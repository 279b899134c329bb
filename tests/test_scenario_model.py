"""The scenario data model: validation, immutability, arrays, hashing."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from accord.errors import AccordError
from accord.scenario.validate import RawScenario, build
from tests.factories import random_scenario


def raw(**over):
    data = {
        "title": "t",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 3}],
        "issues": [{"id": "x", "scale": {"min": 0, "max": 10}, "status_quo": 2}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 1, "salience": 0.5},
            {"actor": "b", "issue": "x", "position": 9, "salience": 1.0},
        ],
    }
    data.update(over)
    return data


def error_of(data) -> str:
    with pytest.raises(AccordError) as info:
        build(RawScenario(data), "f.yaml")
    return str(info.value)


def test_valid_scenario_and_arrays() -> None:
    s = build(RawScenario(raw()), "f.yaml")
    arr = s.to_arrays()
    assert arr.position.shape == (1, 2, 1)
    np.testing.assert_array_equal(arr.weight[0, :, 0], [0.5, 3.0])
    assert arr.status_quo.tolist() == [2.0]
    assert not arr.position.flags.writeable


def test_saliences_on_0_100_are_rescaled_for_the_whole_scenario() -> None:
    data = raw()
    data["stances"][0]["salience"] = 1  # would be 1.0 alone, but b's 80 puts the file on 0-100
    data["stances"][1]["salience"] = 80
    s = build(RawScenario(data), "f")
    assert [st.salience for st in s.stances] == [0.01, 0.8]


def test_declared_salience_scale() -> None:
    data = raw(salience_scale=100)
    s = build(RawScenario(data), "f")
    assert [st.salience for st in s.stances] == [0.005, 0.01]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["stances"][1].update(salience=140),
            "stances[1] (b on x).salience: salience 140 is outside 0-100",
        ),
        (
            lambda d: d["stances"][0].update(position=11),
            "position 11 is outside the scale of issue 'x' [0, 10]",
        ),
        (lambda d: d["stances"][0].update(position="abc"), "expected a number, got 'abc'"),
        (lambda d: d["stances"].pop(), "actor 'b' has no stance on issue 'x'"),
        (lambda d: d["actors"].append({"id": "a", "capability": 2}), "duplicate actor id 'a'"),
        (lambda d: d["actors"][0].update(capability=-1), "greater than or equal to 0"),
        (lambda d: d["stances"][0].update(actor="zz"), "unknown actor 'zz'"),
        (
            lambda d: d["stances"][0].update(position_range=[5, 3]),
            "range low 5 is greater than high 3",
        ),
        (
            lambda d: d["stances"][0].update(position_range=[2, 3]),
            "position 1 lies outside its range",
        ),
        (lambda d: d["issues"][0].update(status_quo=20), "status quo 20 lies outside the scale"),
        (lambda d: d["actors"][0].update(id="Not A Slug"), "is not a valid id"),
        (lambda d: d.update(colour="red"), "unknown key 'colour'"),
        (lambda d: d["actors"].pop(), "at least two actors"),
        (lambda d: [a.update(capability=0) for a in d["actors"]], "total capability is zero"),
    ],
)
def test_bad_input_gives_one_located_message(mutate, expected) -> None:
    data = raw()
    mutate(data)
    message = error_of(data)
    assert message.startswith("f.yaml: ")
    assert expected in message
    assert "\n" not in message


def test_scenario_is_immutable() -> None:
    s = random_scenario(0)
    with pytest.raises(ValidationError):
        s.title = "changed"  # type: ignore[misc]
    assert isinstance(s.actors, tuple)


def test_content_hash_is_stable_and_sensitive() -> None:
    a, b = random_scenario(0), random_scenario(0)
    assert a.content_hash() == b.content_hash()
    assert a.replace(title="other").content_hash() != a.content_hash()


def test_subset_keeps_values() -> None:
    s = random_scenario(4, n_actors=5, n_issues=3)
    sub = s.subset(actors=["a3", "a1"], issues=["i2"])
    assert sub.actor_ids == ("a3", "a1")
    assert sub.stance("a1", "i2") == s.stance("a1", "i2")


def test_arrays_helpers() -> None:
    arr = random_scenario(5, n_actors=4, n_issues=2).to_arrays()
    rep = arr.repeat(3)
    assert rep.n_draws == 3
    np.testing.assert_array_equal(rep.position[2], arr.position[0])
    taken = rep.take_actors([3, 0]).take_issues([1])
    assert taken.actor_ids == ("a3", "a0")
    assert taken.position.shape == (3, 2, 1)
    assert rep.content_hash() != arr.content_hash()
    with pytest.raises(ValueError, match="shape"):
        arr.with_values(capability=np.ones((1, 5)))


def test_huge_integer_salience_is_a_clear_error() -> None:
    data = raw()
    data["stances"][0]["salience"] = 10**400
    assert "salience inf is outside 0-100" in error_of(data)
