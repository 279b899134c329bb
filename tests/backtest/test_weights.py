from __future__ import annotations

import datetime as dt

import pytest

from accord.backtest.deu import DeuIssue, parse_deu, read_deu
from accord.backtest.weights import (
    LISBON,
    NICE,
    PRE_NICE,
    Institutions,
    all_capabilities,
    issue_capabilities,
    regime_of,
)
from accord.errors import AccordError
from tests.backtest.conftest import row, tsv


def issue(actors: tuple[str, ...], intro: dt.date | None, procedure: str = "COD") -> DeuIssue:
    n = len(actors)
    return DeuIssue(3, "x", "x1", procedure, "QMV", intro, actors, (50.0,) * n, (50.0,) * n,
                    None, 50.0)  # fmt: skip


def test_tables() -> None:
    assert sum(PRE_NICE.values()) == 87
    assert sum(NICE.values()) == 352
    assert len(LISBON) == 28
    assert sum(LISBON.values()) == pytest.approx(1.0)
    assert max(LISBON, key=LISBON.__getitem__) == "de"
    assert LISBON["de"] == pytest.approx(0.1594, abs=5e-4)


@pytest.mark.parametrize(
    ("intro", "actors", "regime"),
    [
        (dt.date(1999, 5, 1), ("com", "de", "fr"), "pre-nice"),
        (dt.date(2004, 10, 31), ("de", "fr"), "pre-nice"),
        (dt.date(2004, 11, 1), ("de", "fr"), "nice"),
        (dt.date(2014, 10, 31), ("de", "cr"), "nice"),
        (dt.date(2014, 11, 1), ("de", "fr"), "lisbon"),
        (dt.date(2003, 12, 23), ("de", "pl"), "nice"),  # Poland had no pre-Nice vote
        (None, ("de", "fr"), "pre-nice"),
        (None, ("de", "pl"), "nice"),
    ],
)
def test_regime_of(intro, actors, regime) -> None:
    assert regime_of(issue(actors, intro))[0] == regime


def test_unknown_state_is_an_error() -> None:
    with pytest.raises(AccordError, match="no Council voting weight for actor"):
        regime_of(issue(("de", "zz"), dt.date(2010, 1, 1)))
    data = parse_deu(tsv([row()]))
    with pytest.raises(AccordError, match="no equal capability"):
        issue_capabilities(data, issue(("de", "zz"), None), "equal", Institutions())


def test_institutions_are_multiples_of_the_largest_state() -> None:
    data = parse_deu(tsv([row(), row("x01i2", proc="CNS")]))
    inst = Institutions(commission=0.5, parliament_cod=2.0, parliament_cns=0.0)
    regimes, caps = all_capabilities(data, "votes", inst)
    assert regimes == ["pre-nice", "pre-nice"]
    assert caps[0] == (5.0, 20.0, 10.0, 10.0)  # com, ep, de, fr
    assert caps[1] == (5.0, 0.0, 10.0, 10.0)
    _, gdp = all_capabilities(data, "gdp")
    assert gdp[0] == (4.0, 4.0, 4.0, 3.0)
    _, eq = all_capabilities(data, "equal")
    assert eq[0] == (1.0, 1.0, 1.0, 1.0)


def test_gdp_needs_the_gdp_row() -> None:
    data = parse_deu(tsv([row()], gdp=False))
    with pytest.raises(AccordError, match="GDP row"):
        all_capabilities(data, "gdp")
    with pytest.raises(AccordError, match="unknown capability"):
        all_capabilities(data, "size")


def test_bundled_regimes() -> None:
    data = read_deu()
    regimes, caps = all_capabilities(data, "votes")
    assert {r: regimes.count(r) for r in set(regimes)} == {"pre-nice": 130, "nice": 100,
                                                          "lisbon": 20}  # fmt: skip
    first = data.issues[0]
    assert caps[0][first.actors.index("de")] == 10.0
    lisbon = next(k for k, r in enumerate(regimes) if r == "lisbon")
    iss = data.issues[lisbon]
    assert caps[lisbon][iss.actors.index("com")] == pytest.approx(LISBON["de"])
    assert iss.intro is not None
    assert iss.intro >= dt.date(2014, 11, 1)
