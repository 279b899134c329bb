from __future__ import annotations

import datetime as dt

import pytest

from accord.backtest.dates import id_year, parse_intro
from accord.backtest.deu import parse_deu, read_deu
from accord.errors import AccordError
from tests.backtest.conftest import HEADER, row, tsv


def test_bundled_file_counts() -> None:
    data = read_deu()
    assert len(data.issues) == 250
    assert sum(i.outcome is not None for i in data.issues) == 239
    assert len({i.proposal for i in data.issues}) == 99
    assert data.skipped == ()
    assert len(data.imputed) == 6
    assert data.undated == ()
    assert data.gdp is not None
    assert data.gdp["de"] == 4.1
    assert len(data.actors) == 30
    assert {i.procedure for i in data.issues} == {"COD", "CNS"}
    assert {i.rule for i in data.issues} == {"QMV", "unanimity"}


def test_first_issue_parsed() -> None:
    first = read_deu().issues[0]
    assert (first.proposal, first.issue, first.line) == ("d00032", "d00032i1", 3)
    assert first.actors[:3] == ("com", "ep", "at")
    assert first.position[:3] == (100.0, 100.0, 40.0)
    assert first.salience[:3] == (50.0, 50.0, 40.0)
    assert first.reference == 0.0
    assert first.outcome == 100.0
    assert first.intro == dt.date(2000, 1, 26)


@pytest.mark.parametrize(
    ("text", "proposal", "expected"),
    [
        ("26-01-00", "d00032", dt.date(2000, 1, 26)),
        ("07-02-96", "d95341", dt.date(1996, 2, 7)),
        ("13-09-2017", "d170228", dt.date(2017, 9, 13)),
        ("2014-07-04", "n04161", dt.date(2004, 7, 14)),  # spreadsheet-mangled 14-07-04
        ("1930-06-05", "n05124", dt.date(2005, 6, 30)),  # mangled 30-06-05
        ("2017-04-18", "d180104", dt.date(2018, 4, 17)),
        ("2017-04-18", "d170104", dt.date(2017, 4, 18)),  # a genuine ISO date
        ("999", "d00032", None),
        ("", "d00032", None),
        ("31-02-00", "d00032", None),
    ],
)
def test_intro_dates(text: str, proposal: str, expected: dt.date | None) -> None:
    assert parse_intro(text, proposal) == expected


def test_id_year() -> None:
    assert id_year("d04218") == 2004
    assert id_year("n98087") == 1998
    assert id_year("x") is None


def test_minimal_table_and_absent_actor() -> None:
    data = parse_deu(tsv([row(), row("x01i2", pfr="", out="")]))
    a, b = data.issues
    assert a.actors == ("com", "ep", "de", "fr")
    assert b.actors == ("com", "ep", "de")
    assert b.outcome is None
    assert data.gdp == {"com": 4.0, "ep": 4.0, "de": 4.0, "fr": 3.0}
    assert a.rule == "QMV"


def test_no_gdp_row() -> None:
    data = parse_deu(tsv([row(), row("x01i2", counvte="Unan")], gdp=False))
    assert data.gdp is None
    assert [i.rule for i in data.issues] == ["QMV", "unanimity"]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"pde": "abc"}, "not a number"),
        ({"sfr": "x"}, "not a number"),
        ({"pde": "140"}, "outside 0-100"),
        ({"pde": "-5"}, "outside 0-100"),
        ({"sde": "101"}, "outside 0-100"),
        ({"out": "110"}, "outside 0-100"),
        ({"rp": "nan"}, "outside 0-100"),
        ({"counvte": "maybe"}, "unknown voting rule"),
        ({"proc": ""}, "no procedure"),
        ({"pcom": "", "pep": "", "pfr": ""}, "1 actor(s)"),
        ({"prnr": ""}, "no proposal"),
    ],
)
def test_bad_row_is_skipped_and_reported(cells: dict[str, str], reason: str) -> None:
    data = parse_deu(tsv([row(), row("x01i2", **cells), row("x01i3")]))
    assert [i.issue for i in data.issues] == ["x01i1", "x01i3"]
    (note,) = data.skipped
    assert note.line == 4
    assert reason in note.reason


def test_duplicate_issue_and_ragged_rows_are_skipped() -> None:
    short = row("x01i3")[:-2]
    data = parse_deu(tsv([row(), row(), short]))
    assert [(n.line, n.reason.split()[0]) for n in data.skipped] == [(4, "duplicate"), (5, "13")]


def test_missing_salience_is_imputed_and_reported() -> None:
    data = parse_deu(tsv([row(sde="", sfr="")]))
    issue = data.issues[0]
    assert issue.salience == (50.0, 60.0, 55.0, 55.0)
    (note,) = data.imputed
    assert "de, fr" in note.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("just one column\n", "not a tab-separated"),
        (tsv([row()], header=[c for c in HEADER if c != "out"]), "missing column(s): out"),
        (tsv([row()], header=[c for c in HEADER if c != "sde"]), "missing salience column(s): sde"),
        ("\t".join(["prnr", "isnr", "proc", "counvte", "rp", "out", "pde", "sde"]) + "\n",
         "fewer than two actor"),
        ("\t".join([*HEADER, "pde"]) + "\n", "duplicate column"),
        (tsv([row(pde="zz")]), "no usable issue"),
    ],
)  # fmt: skip
def test_structural_problems_raise(text: str, message: str) -> None:
    with pytest.raises(AccordError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_deu(text)


def test_file_errors(tmp_path) -> None:
    with pytest.raises(AccordError, match="cannot read"):
        read_deu(tmp_path / "nope.tsv")
    binary = tmp_path / "b.tsv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(AccordError, match="binary"):
        read_deu(binary)
    with pytest.raises(AccordError) as err:
        read_deu(tmp_path)
    assert "cannot read" in str(err.value)


def test_error_names_the_file(write) -> None:
    path = write(tsv([row()], header=[c for c in HEADER if c != "rp"]))
    with pytest.raises(AccordError) as info:
        read_deu(path)
    assert str(path) in info.value.one_line()
    assert "line 1" in info.value.one_line()
