"""Capabilities of DEU actors: equal, GDP, or the Council voting weights of the time.

Member states
-------------
``equal``
    every state 1.
``gdp``
    the GDP row of the file (row 2; trillions in the public derivative).
``votes``
    the Council weights of the treaty regime in force when the proposal was introduced:

    * before 1 November 2004 -- the weighting of Art. 148(2) EEC/205(2) TEC for the EU-15
      (Accession Treaty 1994; 87 votes);
    * 1 November 2004 to 31 October 2014 -- the Nice weighting (Art. 205 TEC as amended by the
      2003 Accession Treaty; 29 votes for the largest state, 352 for the EU-28 after Croatia's
      accession Act 2012);
    * from 1 November 2014 -- Lisbon's double majority (Art. 16(4) TEU, 238(3) TFEU), whose
      weighted criterion is population: each state's share of the EU-28 population on
      1 January 2014 (Eurostat), the figures the Council used for 2015 (Council Decision
      2014/937/EU amending Annex III of its Rules of Procedure), rounded to 100 people. The
      figures were transcribed without access to the source here: check them before citing
      (they affect only the 20 public issues introduced after October 2014, and only through
      relative shares).

    If a state involved in the issue has no weight in that regime (new members taking positions
    on proposals introduced before the 2004 enlargement, and decided after it), the next regime
    that covers every involved state is used; an issue without a readable date uses the first
    regime that covers its states. Lisbon's transitional opt-in to Nice voting (to March 2017)
    is ignored.

Commission and Parliament
-------------------------
They have no Council vote, so each gets a multiple of the largest member-state capability of
the scheme in force (the convention of the public derivative's GDP row, which gives both the
German GDP): ``commission`` for the Commission, ``parliament_cod`` for the Parliament under
codecision (a co-legislator) and ``parliament_cns`` under consultation (an opinion only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from accord.backtest.deu import DeuData, DeuIssue
from accord.errors import AccordError

Scheme = Literal["equal", "gdp", "votes"]
SCHEMES: tuple[str, ...] = ("equal", "gdp", "votes")
COMMISSION, PARLIAMENT = "com", "ep"

PRE_NICE: dict[str, float] = {
    **dict.fromkeys(("de", "fr", "it", "uk"), 10.0),
    "es": 8.0,
    **dict.fromkeys(("be", "el", "nl", "pt"), 5.0),
    **dict.fromkeys(("at", "se"), 4.0),
    **dict.fromkeys(("dk", "ie", "fi"), 3.0),
    "lu": 2.0,
}
NICE: dict[str, float] = {
    **dict.fromkeys(("de", "fr", "it", "uk"), 29.0),
    **dict.fromkeys(("es", "pl"), 27.0),
    "ro": 14.0,
    "nl": 13.0,
    **dict.fromkeys(("be", "cz", "el", "hu", "pt"), 12.0),
    **dict.fromkeys(("at", "bu", "se"), 10.0),
    **dict.fromkeys(("dk", "ie", "lt", "sk", "fi", "cr"), 7.0),
    **dict.fromkeys(("cy", "ee", "lv", "lu", "si"), 4.0),
    "mt": 3.0,
}
POPULATION_2014: dict[str, float] = {  # thousands, 1 January 2014 (Eurostat)
    "de": 80780.0, "fr": 65856.6, "uk": 64308.3, "it": 60782.7, "es": 46507.8, "pl": 38005.6,
    "ro": 19947.3, "nl": 16829.3, "be": 11204.0, "el": 10992.6, "cz": 10512.4, "pt": 10427.3,
    "hu": 9879.0, "se": 9644.9, "at": 8507.8, "bu": 7245.7, "dk": 5627.2, "fi": 5451.3,
    "sk": 5415.9, "ie": 4604.0, "cr": 4246.7, "lt": 2943.5, "si": 2061.1, "lv": 2001.5,
    "ee": 1315.8, "cy": 858.0, "lu": 549.7, "mt": 425.4,
}  # fmt: skip
_POP_TOTAL = sum(POPULATION_2014.values())
LISBON: dict[str, float] = {k: v / _POP_TOTAL for k, v in POPULATION_2014.items()}

REGIMES: tuple[tuple[str, dt.date, dict[str, float]], ...] = (
    ("pre-nice", dt.date(1995, 1, 1), PRE_NICE),
    ("nice", dt.date(2004, 11, 1), NICE),
    ("lisbon", dt.date(2014, 11, 1), LISBON),
)


@dataclass(frozen=True)
class Institutions:
    """Capabilities of the Commission and Parliament as multiples of the largest state's."""

    commission: float = 1.0
    parliament_cod: float = 1.0
    parliament_cns: float = 1.0


def regime_of(issue: DeuIssue) -> tuple[str, dict[str, float]]:
    """Return the name and weights of the voting regime that applies to an issue."""
    states = [a for a in issue.actors if a not in (COMMISSION, PARLIAMENT)]
    start = 0
    if issue.intro is not None:
        start = max(k for k, (_, since, _) in enumerate(REGIMES) if k == 0 or issue.intro >= since)
    for name, _, table in REGIMES[start:]:
        if all(s in table for s in states):
            return name, table
    unknown = sorted({s for s in states if s not in REGIMES[-1][2]})
    raise AccordError(
        f"issue {issue.issue}: no Council voting weight for actor(s) {', '.join(unknown)}",
        where=f"line {issue.line}",
    )


def _state_table(data: DeuData, issue: DeuIssue, scheme: str) -> tuple[str, dict[str, float]]:
    if scheme == "equal":
        return "equal", dict.fromkeys(data.actors, 1.0)
    if scheme == "gdp":
        if not data.gdp:
            raise AccordError("capability 'gdp' needs the GDP row (row 2) in the file")
        return "gdp", data.gdp
    if scheme == "votes":
        return regime_of(issue)
    raise AccordError(f"unknown capability scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")


def issue_capabilities(
    data: DeuData, issue: DeuIssue, scheme: str, inst: Institutions
) -> tuple[str, tuple[float, ...]]:
    """Return the regime name and the capability of each actor of the issue, in its order."""
    name, table = _state_table(data, issue, scheme)
    states = {k: v for k, v in table.items() if k not in (COMMISSION, PARLIAMENT)}
    top = max(states.values())
    ep = inst.parliament_cod if issue.procedure == "COD" else inst.parliament_cns
    out = []
    for a in issue.actors:
        if a == COMMISSION:
            out.append(inst.commission * top)
        elif a == PARLIAMENT:
            out.append(ep * top)
        elif a in states:
            out.append(states[a])
        else:
            raise AccordError(
                f"issue {issue.issue}: no {scheme} capability for actor '{a}'",
                where=f"line {issue.line}",
            )
    if sum(out) <= 0:
        raise AccordError(
            f"issue {issue.issue}: total capability is zero", where=f"line {issue.line}"
        )
    return name, tuple(out)


def all_capabilities(
    data: DeuData, scheme: str, inst: Institutions | None = None
) -> tuple[Sequence[str], list[tuple[float, ...]]]:
    """Return the regime of each issue and each issue's capabilities."""
    inst = inst or Institutions()
    pairs = [issue_capabilities(data, i, scheme, inst) for i in data.issues]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def proposal_capabilities(
    data: DeuData, scheme: str, inst: Institutions | None = None
) -> tuple[list[str], list[tuple[float, ...]]]:
    """Return each issue's regime and capabilities as the joint models see them.

    A joint model solves all issues of a proposal as one problem, so an actor has one capability
    there. Under ``votes`` the regime of an issue depends on the states involved in it, and
    issues of one proposal can fall under different regimes (a state that joined in 2004 is
    involved in one issue of a proposal introduced before the enlargement but not in another):
    the regime used for every issue of the proposal is then the one that applies to all the
    states involved in any of its issues (the latest needed; :func:`regime_of` on the union).
    ``equal`` and ``gdp`` are per actor, and the Parliament's multiple depends only on the
    procedure (one per proposal), so they never differ within a proposal. Return values as
    :func:`all_capabilities`, in each issue's own actor order.
    """
    inst = inst or Institutions()
    union: dict[str, list[DeuIssue]] = {}
    for i in data.issues:
        union.setdefault(i.proposal, []).append(i)
    regimes: list[str] = []
    caps: list[tuple[float, ...]] = []
    whole: dict[str, tuple[str, dict[str, float]]] = {}
    for i in data.issues:
        if i.proposal not in whole:
            members = union[i.proposal]
            actors = tuple(dict.fromkeys(a for m in members for a in m.actors))
            merged = replace(members[0], actors=actors)
            name, values = issue_capabilities(data, merged, scheme, inst)
            whole[i.proposal] = (name, dict(zip(actors, values, strict=True)))
        name, table = whole[i.proposal]
        regimes.append(name)
        caps.append(tuple(table[a] for a in i.actors))
    return regimes, caps
