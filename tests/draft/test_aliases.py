"""The gazetteer's aliases: capitals, leaders, demonyms and role words resolve to their actor."""

from __future__ import annotations

import pytest

from accord.draft.actors import find_actors
from accord.draft.gazetteer import default_gazetteer
from accord.draft.text import article_from_text


def actors_in(text: str, country: str | None = None) -> dict[str, int]:
    scan = find_actors([article_from_text(text)], default_gazetteer(), country=country)
    return {a.id: a.mentions for a in scan.actors}


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Moscow said it would not take part.", "russia"),
        ("The Kremlin said it would not take part.", "russia"),
        ("Lavrov said it would not take part.", "russia"),
        ("Sergey Lavrov said so.", "russia"),
        ("Tehran is against it.", "iran"),
        ("Zarif met them.", "iran"),
        ("Washington and its allies disagree.", "usa"),
        ("The U.S. and its allies disagree.", "usa"),
        ("The U.S and its allies disagree.", "usa"),
        ("Ankara objected.", "turkey"),
        ("Kyiv will not concede.", "ukraine"),
        ("Kiev will not concede.", "ukraine"),
        ("Berlin hesitated.", "germany"),
        ("Riyadh offered money.", "saudi_arabia"),
        ("Damascus refused.", "syria"),
        ("The Pentagon disagreed.", "usa"),
        ("Brussels disagreed.", "eu"),
        ("Staffan de Mistura convened them.", "un"),
        ("Jens Stoltenberg spoke.", "nato"),
        ("Nasrallah spoke.", "hezbollah"),
        ("Daesh attacked.", "isis"),
        ("The Islamic State group attacked.", "isis"),
        ("The YPG advanced.", "kurds"),
        ("al-Hashd al-Sha’abi advanced.", "pmf"),
    ],
)
def test_an_alias_resolves_to_its_actor(sentence: str, actor: str) -> None:
    assert actor in actors_in(sentence)


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Russian diplomats arrived.", "russia"),
        ("The Iranians agreed.", "iran"),
        ("Saudis objected.", "saudi_arabia"),
        ("British officials objected.", "uk"),
        ("Turkish troops crossed.", "turkey"),
        ("American policy changed.", "usa"),
        ("Ukrainian delegations met.", "ukraine"),
    ],
)
def test_a_demonym_counts_for_its_state(sentence: str, actor: str) -> None:
    assert actor in actors_in(sentence)


def test_the_regime_is_the_government_of_the_articles_country() -> None:
    text = (
        "The war in Syria goes on. The regime refuses to negotiate. "
        "The opposition insists on a transition. Rebels hold Idlib."
    )
    found = actors_in(text)
    assert found["syria"] == 2  # "Syria" and "the regime"
    assert "syria_opposition" in found
    assert "syria_rebels" in found


def test_the_regime_follows_the_regime_last_named() -> None:
    # the country is Ukraine (the war is there) but "the regime" here is Putin's
    text = (
        "The war in Ukraine goes on. The Putin regime wants more. In Ukraine, the regime is feared."
    )
    found = actors_in(text)
    assert found["russia"] == 2
    assert found["ukraine"] == 2


def test_a_country_can_be_named() -> None:
    found = actors_in("The regime refused. Russia and Iran agreed.", country="syria")
    assert found["syria"] == 1


def test_a_state_before_a_role_word_is_that_states_party() -> None:
    found = actors_in("The Syrian opposition and the Syrian government met in Geneva.")
    assert found == {"syria_opposition": 1, "syria": 1}


def test_opposition_to_something_is_not_a_party() -> None:
    found = actors_in("The war in Ukraine: Moscow's clear opposition to NATO enlargement.")
    assert "ukraine_opposition" not in found
    assert "nato" in found


def test_the_longest_name_wins() -> None:
    found = actors_in("The Syrian National Coalition met the Free Syrian Army.")
    assert "national_coalition" in found
    assert "free_syrian_army" in found
    assert "syria" not in found


def test_unknown_capitalised_names_are_candidates_not_actors() -> None:
    scan = find_actors(
        [article_from_text("Russia met the Trilateral Contact Group in Minsk. Iran agreed.")],
        default_gazetteer(),
    )
    assert "Trilateral Contact Group" in [c.name for c in scan.candidates]
    assert all(" " not in a.id for a in scan.actors)


def test_captions_count_no_actor() -> None:
    text = "Russia and Iran agreed.\nA fighter in Aleppo. REUTERS/Someone Somebody\n"
    assert "syria" not in actors_in(text)


def test_a_generic_word_in_a_name_is_not_an_alias() -> None:
    # "Alliance" alone is part of many names; only NATO's own names mean NATO
    from accord.draft.build import draft_text

    text = (
        "Russia backs the government of Syria on the ceasefire. The Southern Front Alliance "
        "rejects the ceasefire. Iran insists on the transition. The transition is stalled."
    )
    ids = [a.id for a in draft_text(text).actors]
    assert "nato" not in ids and {"russia", "syria", "iran"} <= set(ids)
