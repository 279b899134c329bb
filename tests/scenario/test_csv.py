"""The one-issue BDM/Predictioneer table and the wide multi-issue table."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from accord.errors import AccordError
from accord.scenario import Scale, Scenario, dumps, load, loads
from accord.scenario.io_common import slugify

DATA = Path(__file__).resolve().parents[2] / "data"

TABLE = textwrap.dedent(
    """\
    Actor,Capability,Position,Salience
    Netherlands,0.08,4,0.8
    United Kingdom,0.16,10,0.9
    Denmark,0.05,7,1.0
    """
)

WIDE = textwrap.dedent(
    """\
    # title: Vienna
    # issue assad: Assad's role
    # scale ceasefire: 0 10 weeks
    Actor,Name,Bloc,Capability,assad.position,assad.salience,ceasefire.position,ceasefire.salience
    usa,United States,West,100,90,80,7,40
    rus,Russia,,90,10,90,2,60
    tur,Turkey,,40,80,70,5,50
    """
)


def error_of(text: str, fmt: str = "csv", source: str = "t.csv") -> str:
    with pytest.raises(AccordError) as info:
        loads(text, fmt, source)
    return str(info.value)


def test_slugs() -> None:
    assert slugify("Netherlands") == "netherlands"
    assert slugify("United Kingdom") == "united_kingdom"
    assert slugify("Côte d'Ivoire") == "cote_d_ivoire"
    assert slugify("Act-1001") == "act-1001"
    assert slugify("  (EU) ") == "eu"
    assert slugify("日本") == ""


def test_ec_emissions_table() -> None:
    s = load(DATA / "ec_emissions_1994.csv")
    assert s.title == "ec_emissions_1994"
    assert len(s.actors) == 10
    assert s.issue_ids == ("ec_emissions_1994",)
    assert s.actor("netherlands").name == "Netherlands"
    assert s.actor("uk").capability == pytest.approx(0.16)
    france = s.stance("france", "ec_emissions_1994")
    assert (france.position, france.salience) == (10, pytest.approx(0.6))
    assert s.stance("denmark", "ec_emissions_1994").salience == 1.0
    # No declared scale: the span of the positions (years 4 to 10), as BDM measures distances.
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (4, 10)
    arrays = s.to_arrays()
    assert arrays.position.shape == (1, 10, 1)
    assert arrays.capability.sum() == pytest.approx(1.01)


def test_header_is_case_insensitive_and_row_order_kept() -> None:
    s = loads(TABLE.replace("Actor,Capability", "ACTOR, capability"), "bdm", "x/lag.csv")
    assert s.actor_ids == ("netherlands", "united_kingdom", "denmark")
    assert s.actor("united_kingdom").name == "United Kingdom"
    assert s.title == "lag"


def test_directives_declare_title_issue_and_scale() -> None:
    text = "# title: Car emissions\n# issue lag: Years of lag\n# scale: 0 12 years\n" + TABLE
    s = loads(text, "csv", "t.csv")
    assert s.title == "Car emissions"
    assert s.issue_ids == ("lag",)
    assert s.issues[0].name == "Years of lag"
    assert s.issues[0].scale == Scale(min=0, max=12, unit="years")


def test_scale_argument_overrides_the_file() -> None:
    text = "# scale: 0 12 years\n" + TABLE
    s = loads(text, "csv", "t.csv", scale=(0, 100))
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (0, 100)


def test_saliences_on_0_100_are_rescaled() -> None:
    s = loads(TABLE.replace("0.8", "80").replace("0.9", "90").replace("1.0", "100"), "csv")
    assert s.stance("netherlands", s.issue_ids[0]).salience == pytest.approx(0.8)


def test_optional_columns() -> None:
    text = textwrap.dedent(
        """\
        Actor,Name,Bloc,Source,Capability,Position,Salience,PositionLow,PositionHigh,\
        salience_low,salience high
        nl,The Netherlands,North,BdM 1994,0.08,4,0.8,3,5,0.7,0.9
        uk,,,,0.16,10,0.9,,,,
        """
    )
    s = loads(text, "csv")
    nl = s.actor("nl")
    assert (nl.name, nl.bloc, nl.source) == ("The Netherlands", "north", "BdM 1994")
    st = s.stance("nl", s.issue_ids[0])
    assert st.position_range is not None
    assert st.position_range.as_list() == [3, 5]
    assert st.salience_range is not None
    assert st.salience_range.as_list() == [0.7, 0.9]
    assert s.stance("uk", s.issue_ids[0]).position_range is None
    assert s.actor("uk").name == "uk"


def test_comments_blank_lines_and_trailing_commas() -> None:
    text = (
        "# coded from the 1994 chapter\n\nActor,Capability,Position,Salience,\n"
        "a,1,10,0.5,\n\n# a remark\nb,2,20,0.5\n"
    )
    s = loads(text, "csv")
    assert s.actor_ids == ("a", "b")


def test_wide_table() -> None:
    s = loads(WIDE, "csv", "w.csv")
    assert s.title == "Vienna"
    assert s.issue_ids == ("assad", "ceasefire")
    assert s.issue("assad").name == "Assad's role"
    assert s.issue("ceasefire").scale == Scale(min=0, max=10, unit="weeks")
    assert (s.issue("assad").scale.min, s.issue("assad").scale.max) == (10, 90)
    assert s.actor("usa").bloc == "west"
    assert s.stance("rus", "ceasefire").salience == pytest.approx(0.6)
    assert [(st.issue, st.actor) for st in s.stances][:2] == [("assad", "usa"), ("assad", "rus")]


def test_wide_errors_are_located() -> None:
    bad = WIDE.replace("tur,Turkey,,40,80,70,5,50", "tur,Turkey,,40,80,70,5,x")
    assert error_of(bad) == "t.csv: row 7, column ceasefire.salience: expected a number, got 'x'"
    bad = WIDE.replace("rus,Russia,,90,10,90,2,60", "rus,Russia,,90,10,90,12,60")
    assert error_of(bad) == (
        "t.csv: row 6, column ceasefire.position (stances[4] (rus on ceasefire).position): "
        "position 12 is outside the scale of issue 'ceasefire' [0, 10]"
    )
    no_salience = WIDE.replace(",ceasefire.salience", "").replace(",40\n", "\n")
    assert "issue 'ceasefire' has no 'ceasefire.salience' column" in error_of(no_salience)
    assert "unknown column 'ceasefire.size'" in error_of(
        WIDE.replace("ceasefire.salience", "ceasefire.size")
    )


def test_unknown_column_is_an_error() -> None:
    msg = error_of(TABLE.replace("Salience", "Salience,Colour").replace("0.8", "0.8,red"))
    assert msg.startswith("t.csv: row 1: unknown column 'Colour'")


def test_extra_cells_are_an_error() -> None:
    msg = error_of(TABLE.replace("Denmark,0.05,7,1.0", "Denmark,0.05,7,1.0,9"))
    assert msg == "t.csv: row 4: 5 cells but the header has 4 columns"


def test_missing_cell_is_an_error() -> None:
    assert error_of(TABLE.replace("Denmark,0.05,7,1.0", "Denmark,0.05,7")) == (
        "t.csv: row 4, column Salience: missing value (expected a number)"
    )


def test_infinite_number_is_an_error() -> None:
    msg = error_of(TABLE.replace("0.05", "inf"))
    assert msg == "t.csv: row 4, column Capability: expected a finite number, got 'inf'"


def test_half_a_range_is_an_error() -> None:
    header = "Actor,Capability,Position,Salience,PositionLow,PositionHigh\n"
    text = header + "a,1,5,0.5,4,\nb,1,6,0.5,,\n"
    assert (
        error_of(text) == "t.csv: row 2, column PositionHigh: a range needs both its low "
        "and its high value"
    )
    text = "Actor,Capability,Position,Salience,PositionLow\na,1,5,0.5,4\nb,1,6,0.5,\n"
    assert "column 'PositionLow' needs a matching 'position_high' column" in error_of(text)


def test_bad_directive() -> None:
    assert error_of("# scale: 10 0\n" + TABLE).startswith("t.csv: row 1: write '# scale:")
    assert error_of("# date: soon\n" + TABLE) == (
        "t.csv: row 1: '# date:' needs a date written YYYY-MM-DD, got 'soon'"
    )


def test_malformed_quotes() -> None:
    assert error_of(TABLE.replace("Denmark", '"Den"mark')).startswith("t.csv: row 4: malformed CSV")


def test_unsluggable_actor_name() -> None:
    msg = error_of(TABLE.replace("Denmark", "日本"))
    assert (
        msg == "t.csv: row 4, column Actor: cannot make an id from '日本' "
        "(it needs a letter or digit)"
    )


def _round_trip(s: Scenario, fmt: str) -> Scenario:
    return loads(dumps(s, fmt), "csv", "ignored.csv")


def test_one_issue_round_trip() -> None:
    s = loads("# date: 1994-06-01\n" + TABLE, "csv", "lag.csv")
    text = dumps(s, "csv")
    assert text.splitlines()[0] == "# title: lag"
    assert _round_trip(s, "bdm") == s


def test_wide_round_trip() -> None:
    s = loads(WIDE, "csv", "w.csv")
    assert _round_trip(s, "wide") == s
    assert _round_trip(s, "csv") == s


def test_one_issue_table_refuses_two_issues() -> None:
    s = loads(WIDE, "csv", "w.csv")
    with pytest.raises(AccordError, match="holds one issue; this scenario has 2"):
        dumps(s, "bdm")


def test_equal_positions_get_a_0_100_scale() -> None:
    s = loads("Actor,Capability,Position,Salience\na,1,30,0.5\nb,1,30,0.5\n", "csv")
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (0, 100)
    s = loads("Actor,Capability,Position,Salience\na,1,130,0.5\nb,1,130,0.5\n", "csv")
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (0, 130)


def test_position_ranges_widen_the_undeclared_scale() -> None:
    text = (
        "Actor,Capability,Position,Salience,PositionLow,PositionHigh\na,1,5,0.5,2,6\nb,1,8,0.5,,\n"
    )
    s = loads(text, "csv")
    assert (s.issues[0].scale.min, s.issues[0].scale.max) == (2, 8)
