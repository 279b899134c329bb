"""Stance cues: direction, strength and negation; cues go to the actor that speaks."""

from __future__ import annotations

import pytest

from accord.draft import IssueSpec, draft_text
from accord.draft.stances import attribute, find_cues


def one(sentence: str) -> tuple[int, str, bool]:
    cues = find_cues(sentence)
    assert cues, sentence
    c = cues[0]
    return c.direction, c.strength, c.negated


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russia supports a ceasefire.", (+1, "strong", False)),
        ("Russia does not support a ceasefire.", (-1, "weak", True)),
        ("Russia doesn't support a ceasefire.", (-1, "weak", True)),
        ("Iran rejects the partition.", (-1, "strong", False)),
        ("Iran does not reject the partition.", (+1, "weak", True)),
        ("Turkey is ready to accept autonomy.", (+1, "weak", False)),
        ("Turkey is not ready to accept autonomy.", (-1, "weak", True)),
        ("The opposition insists on a transition.", (+1, "strong", False)),
        ("Moscow opposes NATO enlargement.", (-1, "strong", False)),
        ("Kyiv will never accept partition.", (-1, "strong", True)),
        ("Tehran is against engaging them.", (-1, "strong", False)),
        ("The exiles will boycott the talks.", (-1, "strong", False)),
        ("Not only Russia but Iran supports it.", (+1, "strong", False)),
    ],
)
def test_cue_direction_strength_and_negation(
    sentence: str, expected: tuple[int, str, bool]
) -> None:
    assert one(sentence) == expected


def test_nouns_are_not_cues() -> None:
    assert find_cues("The fate of Assad remains a huge stumbling block.") == []
    assert find_cues("Assad's forces did so with Russian air support.") == []


def test_a_cue_goes_to_the_nearest_actor_before_it_and_those_joined_to_it() -> None:
    text = "Russia and Iran reject a transition, while Turkey supports it."
    mentions = [("russia", 0, 6), ("iran", 11, 15), ("turkey", 43, 49)]
    said = {(s.actor, s.cue.direction) for s in attribute(text, mentions)}
    assert said == {("russia", -1), ("iran", -1), ("turkey", +1)}


def test_a_cue_before_any_actor_goes_to_no_one() -> None:
    text = "Supported by Russia, the offensive went on."
    assert attribute(text, [("russia", 13, 19)]) == []


def test_the_object_of_a_cue_does_not_take_it() -> None:
    text = "Russia supports Iran's interests in Iraq."
    said = attribute(text, [("russia", 0, 6), ("iran", 16, 20)])
    assert [s.actor for s in said] == ["russia"]


CEASE = [IssueSpec("ceasefire", "Ceasefire", (r"cease-?fire",), "none", "full", given=True)]


def test_a_strong_cue_suggests_a_position_marked_draft_with_its_sentence() -> None:
    d = draft_text(
        "The war in Syria goes on. Iran rejects a ceasefire. Russia supports a ceasefire. "
        "Turkey is not ready to accept a ceasefire.",
        issues=CEASE,
    )
    iran = d.stance("iran", "ceasefire")
    assert iran.position.value == pytest.approx(15)
    assert iran.position.draft
    assert not iran.position.placeholder
    assert iran.position.evidence is not None
    assert iran.position.evidence.text == "Iran rejects a ceasefire."
    assert d.stance("russia", "ceasefire").position.value == pytest.approx(85)
    turkey = d.stance("turkey", "ceasefire")  # a negated cue is weak: a hint, no position
    assert turkey.position.placeholder
    assert turkey.hint is not None and "negated" in turkey.hint


def test_an_insistent_cue_suggests_a_high_salience() -> None:
    d = draft_text(
        "The war in Syria goes on. The opposition insists on a ceasefire. Iran wants peace.",
        issues=CEASE,
    )
    s = d.stance("syria_opposition", "ceasefire")
    assert s.salience.value == pytest.approx(0.8)
    assert not s.salience.placeholder
    assert d.stance("iran", "ceasefire").salience.placeholder
