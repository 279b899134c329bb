"""On the five seed articles, the draft finds the actors the coded seed cases name.

For each seed the table below maps every actor of the coded case (``cases/*.yaml``) to the
draft ids that stand for it and says where the article names it, or that it does not: the
coders added some actors from the public record of the date (China, Jordan or Egypt in the
Vienna case), which no reading of the article can find. Recall is computed both ways and the
one over the actors the article names must be at least 0.9; precision is the share of the
draft's actors that stand for some coded actor. The numbers are printed (``pytest -s``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.draft import draft_files
from accord.scenario import load

CASES = Path(__file__).resolve().parents[2] / "cases"

# coded actor -> (draft ids that stand for it, how the article names it or None)
GOLD: dict[str, tuple[str, str, dict[str, tuple[set[str], str | None]]]] = {
    "000": (
        "000_074fe2b4aba91ca2.txt",
        "syria-2014-geneva2",
        {
            "usa": ({"usa"}, "the U.S."),
            "russia": ({"russia"}, "Russia"),
            "iran": ({"iran"}, "Iranian arms supplies"),
            "hezbollah": ({"hezbollah"}, "the Hezbollah"),
            "syria_gov": ({"syria"}, "the Syrian government, the Assad regime"),
            "coalition": ({"national_coalition", "syria_opposition"}, "National Coalition"),
            "islamic_front": ({"islamic_front"}, "the Islamic Front"),
            "isis": ({"isis"}, "ISIS"),
            "nusra": ({"nusra"}, "the al-Nusrah Front"),
            "kurds": ({"kurds"}, "Kurdish organizations"),
            "saudi": ({"saudi_arabia"}, None),
            "turkey": ({"turkey"}, None),
            "un": ({"un"}, "the UN"),
        },
    ),
    "001": (
        "001_4a3be83e51a80d21.txt",
        "syria-2015-vienna",
        {
            "usa": ({"usa"}, "the U.S."),
            "russia": ({"russia"}, "Russia"),
            "iran": ({"iran"}, "Iran"),
            "saudi": ({"saudi_arabia"}, "Saudi Arabia"),
            "turkey": ({"turkey"}, "Turkey"),
            "qatar": ({"qatar"}, None),  # "the Gulf Sunni states" at most
            "jordan": ({"jordan"}, None),
            "egypt": ({"egypt"}, None),
            "france": ({"france"}, "France; the attacks in Paris"),
            "uk": ({"uk"}, None),
            "germany": ({"germany"}, None),
            "china": ({"china"}, None),
            "un": ({"un"}, "a United Nations call"),
            "syria_gov": ({"syria"}, "the Assad regime"),
            "opposition": ({"syria_opposition", "syria_rebels"}, None),
            "kurds": ({"kurds"}, "a Kurdish entity"),
            "hezbollah": ({"hezbollah"}, "against Hezbollah"),
        },
    ),
    "002": (
        "002_1a30eb315f0442aa.txt",
        "syria-2016-coalition",
        {
            "russia": ({"russia"}, "Russia"),
            "usa": ({"usa"}, "the US"),
            "iran": ({"iran"}, "Iran"),
            "syria_gov": ({"syria"}, "the Syrian government"),
            "hezbollah": ({"hezbollah"}, "Hezbollah"),
            "pmf": ({"pmf"}, "People's Mobilisation Forces"),
            "turkey": ({"turkey"}, "Turkey"),
            "saudi": ({"saudi_arabia"}, "Saudi Arabia"),
            "israel": ({"israel"}, "Israel"),
            "opposition": (
                {"syria_opposition", "syria_rebels", "free_syrian_army"},
                "the so-called moderate oppositions",
            ),
        },
    ),
    "003": (
        "003_8337b8000364e1a8.txt",
        "syria-2017-astana",
        {
            "russia": ({"russia"}, "Russia"),
            "iran": ({"iran"}, "Iran"),
            "turkey": ({"turkey"}, "rebels' backer Turkey"),
            "syria_gov": ({"syria"}, "Assad regime"),
            "opposition": ({"syria_opposition"}, "Syrian opposition groups in exile"),
            "rebels": ({"syria_rebels"}, "Syrian rebel groups"),
            "un": ({"un"}, "the United Nations"),
            "usa": ({"usa"}, None),  # only in "the Institute for US and Canadian Studies"
            "eu": ({"eu"}, None),  # "Western efforts" at most
            "kurds": ({"kurds"}, None),
        },
    ),
    "004": (
        "004_f269322b6edf1c5b.txt",
        "ukraine-2022",
        {
            "usa": ({"usa"}, "the US"),
            "russia": ({"russia"}, "Russia"),
            "ukraine": ({"ukraine"}, "Ukraine"),
            "germany": ({"germany"}, "Germany"),
            "france": ({"france"}, "France; Emanuel Macron"),
            "uk": ({"uk"}, None),
            "poland": ({"poland"}, None),
            "nato": ({"nato"}, "NATO"),
            "eu": ({"eu"}, "the EU"),
            "osce": ({"osce"}, "the OSCE"),
            "un": ({"un"}, "even the UN"),
            "turkey": ({"turkey"}, None),
            "china": ({"china"}, None),
            "donbas": ({"donbas"}, "Donbas"),
            "crimea": ({"crimea"}, "Crimea"),
        },
    ),
}


def scores(seed: str, found: set[str]) -> tuple[float, float, float]:
    """Return (recall over the actors the article names, recall over all, precision)."""
    _, _, gold = GOLD[seed]
    named = [k for k, (_, how) in gold.items() if how is not None]
    hit = {k for k, (ids, _) in gold.items() if ids & found}
    recall_named = len(hit & set(named)) / len(named)
    recall_all = len(hit) / len(gold)
    standing = set().union(*(ids for ids, _ in gold.values()))
    precision = len(found & standing) / len(found) if found else 0.0
    return recall_named, recall_all, precision


@pytest.mark.parametrize("seed", sorted(GOLD))
def test_the_draft_finds_the_coded_actors(seeds: Path, seed: str) -> None:
    article, case, gold = GOLD[seed]
    coded = {a.id for a in load(CASES / f"{case}.yaml").actors}
    assert coded == set(gold), "the gold table must list every coded actor of the case"
    draft = draft_files([seeds / article])
    found = {a.id for a in draft.actors}
    recall_named, recall_all, precision = scores(seed, found)
    missed = sorted(k for k, (ids, how) in gold.items() if how and not ids & found)
    print(
        f"\nseed {seed} ({case}): recall {recall_named:.2f} of the {sum(1 for _, h in gold.values() if h)} "
        f"actors the article names, {recall_all:.2f} of all {len(gold)} coded; precision "
        f"{precision:.2f} ({len(found)} draft actors); missed: {missed or 'none'}"
    )
    assert recall_named >= 0.9, missed
