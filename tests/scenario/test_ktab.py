"""KTAB's CSV layout: the eight example files, N/K checks, sniffing, saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import AccordError
from accord.scenario import dumps, load, loads
from accord.scenario.files import sniff_csv
from accord.scenario.io_ktab import dimension_id, sniff

KTAB = Path(__file__).resolve().parents[2] / "data" / "ktab"

SHAPES = {
    "ktab_SOE-Competitive.csv": (34, ("competitive",)),
    "ktab_SOE-Pol-Comp.csv": (13, ("policy", "competitive")),
    "ktab_SOE-Policy.csv": (26, ("policy",)),
    "ktab_dummyData-a040.csv": (40, ("xyz",)),
    "ktab_dummyData-a080.csv": (80, ("xyz",)),
    "ktab_dummyData-a160.csv": (160, ("xyz",)),
    "ktab_dummyData_3Dim.csv": (7, ("pstn1", "pstn2", "pstn3")),
    "ktab_dummyData_6Dim.csv": (27, tuple(f"dim{k}" for k in range(6))),
}

SMALL = """\
Tiny; test,A $$ small case,3,2,
Actor,Description,Power,Policy Position,Policy Salience,Trade Position,Trade Salience,
A1,First,10,20,30,40,50,
A2, Second ,  5 , 60 , 70 , 80 , 10
"A3","Third",1,0,100,100,0,
"""


def error_of(text: str) -> str:
    with pytest.raises(AccordError) as info:
        loads(text, "csv", "k.csv")
    return str(info.value)


def test_all_eight_files_are_listed() -> None:
    assert sorted(p.name for p in KTAB.glob("*.csv")) == sorted(SHAPES)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_example_file_loads_with_its_shape(name: str) -> None:
    text = (KTAB / name).read_text()
    assert sniff(text)
    assert sniff_csv(text) == "ktab"
    s = load(KTAB / name)
    n, issues = SHAPES[name]
    assert len(s.actors) == n
    assert s.issue_ids == issues
    assert all((i.scale.min, i.scale.max) == (0, 100) for i in s.issues)
    assert s.to_arrays().position.shape == (1, n, len(issues))


def test_values_of_soe_pol_comp() -> None:
    s = load(KTAB / "ktab_SOE-Pol-Comp.csv")
    assert s.title == "China Policy/Competitive; scen 2"
    assert s.description == "Scenario-0002;Combined Policy and Competitive"
    xj = s.actor("xj")
    assert (xj.name, xj.capability) == ("Xi Jinping", 100)
    assert s.issue("policy").name == "Policy Position"
    assert s.stance("xj", "policy").position == 30
    assert s.stance("xj", "policy").salience == pytest.approx(0.24)
    assert s.stance("xj", "competitive").position == 20
    assert s.stance("xj", "competitive").salience == pytest.approx(0.48)
    assert s.actor("lk").capability == pytest.approx(60.2)


def test_values_of_3dim_and_6dim() -> None:
    s = load(KTAB / "ktab_dummyData_3Dim.csv")
    assert s.description == "Dummy scenario to test reading format"
    a0 = s.actor("sactor-00")
    # Every description is "Random Spatial Actor": the KTAB name becomes the display name.
    assert (a0.name, a0.notes) == ("SActor-00", "Random Spatial Actor")
    assert a0.capability == pytest.approx(102.543)
    assert s.stance("sactor-00", "pstn2").position == pytest.approx(6.37)
    assert s.stance("sactor-00", "pstn3").salience == pytest.approx(0.2815)
    s6 = load(KTAB / "ktab_dummyData_6Dim.csv")
    assert s6.stance("aa00", "dim3").position == 100
    assert s6.stance("aa26", "dim5").salience == pytest.approx(0.0667)


def test_values_of_the_160_actor_file() -> None:
    s = load(KTAB / "ktab_dummyData-a160.csv")
    last = s.actors[-1]
    assert (last.id, last.name, last.capability) == ("act-1160", "Desc-1160", 0.63)
    assert s.stance("act-1160", "xyz").position == pytest.approx(48.46)
    assert s.stance("act-1160", "xyz").salience == pytest.approx(0.26)


def test_fields_are_trimmed_unquoted_and_dollars_are_commas() -> None:
    s = loads(SMALL, "ktab", "k.csv")
    assert s.title == "Tiny; test"
    assert s.description == "A , small case"
    assert s.actor_ids == ("a1", "a2", "a3")
    assert s.actor("a2").name == "Second"
    assert s.stance("a3", "trade").position == 100


def test_dimension_ids() -> None:
    assert dimension_id("Policy Position") == "policy"
    assert dimension_id("Pstn1") == "pstn1"
    assert dimension_id("Dim0 position") == "dim0"


def test_n_must_match_the_rows() -> None:
    assert error_of(SMALL.replace(",3,2,", ",4,2,")) == (
        "k.csv: row 1: the first line says N = 4 actors but 3 actor rows follow the header"
    )


def test_k_must_match_the_columns() -> None:
    assert error_of(SMALL.replace(",3,2,", ",3,3,")) == (
        "k.csv: row 2: the first line says K = 3 dimensions, which need 6 position/salience "
        "columns after 'Power', but the header has 4"
    )


def test_n_must_be_a_number() -> None:
    assert error_of(SMALL.replace(",3,2,", ",three,2,")) == (
        "k.csv: row 1: N (field 3, the number of actors) must be a whole number, got 'three'"
    )


def test_short_row() -> None:
    assert error_of(SMALL.replace("A1,First,10,20,30,40,50,", "A1,First,10,20,30,40,")) == (
        "k.csv: row 3: expected 7 values (actor, description, Power and a position and a "
        "salience for each of 2 dimensions), got 6"
    )


def test_bad_number_and_salience_out_of_range() -> None:
    assert error_of(SMALL.replace("A1,First,10,20,30", "A1,First,10,20,x")) == (
        "k.csv: row 3, column Policy Salience: expected a number, got 'x'"
    )
    assert error_of(SMALL.replace("A1,First,10,20,30", "A1,First,10,20,140")) == (
        "k.csv: row 3, column Policy Salience (stances[0] (a1 on policy).salience): "
        "salience 140 is outside 0-100"
    )
    assert error_of(SMALL.replace("A1,First,10,20,30", "A1,First,10,120,30")) == (
        "k.csv: row 3, column Policy Position (stances[0] (a1 on policy).position): "
        "position 120 is outside the scale of issue 'policy' [0, 100]"
    )


def test_duplicate_actor() -> None:
    assert error_of(SMALL.replace('"A3"', "a1")) == (
        "k.csv: row 5, column Actor: duplicate actor: 'A1' (row 3) and 'a1' (row 5) both "
        "become the id 'a1'"
    )


def test_round_trip() -> None:
    s = loads(SMALL, "ktab", "k.csv")
    text = dumps(s, "ktab")
    assert text.splitlines()[0] == "Tiny; test,A $$ small case,3,2,"
    assert loads(text, "csv", "k2.csv") == s


def test_saving_needs_0_100_scales() -> None:
    s = load(Path(__file__).resolve().parents[2] / "data" / "ec_emissions_1994.csv")
    with pytest.raises(AccordError, match="0-100 scale; issue 'ec_emissions_1994' is on 4-10"):
        dumps(s, "ktab")
