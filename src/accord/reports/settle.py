"""The report's first answer: will they settle, where, who blocks it and what it would take.

:func:`deal_of` runs :func:`accord.analysis.deal.deal_forecast` with the report's models on the
report's Monte Carlo draws (or, with no draws, at the coded values only); :func:`settle_section`
turns it into the section that opens the report. Nothing here computes a number of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.analysis.explain import verdict
from accord.errors import AccordError
from accord.reports import figures
from accord.reports.content import Block, Items, Paragraph, Section, Table, num, pct
from accord.scenario.model import Scenario

if TYPE_CHECKING:
    from accord.agreement.concession import Concession
    from accord.analysis.deal import DealForecast, IssueDeal
    from accord.models.base import Model

BLOCKERS_SHOWN = 3
"""Blockers listed per issue (most often first)."""


def deal_of(scenario: Scenario, models: Sequence[Model], seed: int, draws: int) -> DealForecast:
    """Return the deal-aware forecast of ``models``: on ``draws`` draws, or (0) the coded values.

    With draws, this is :func:`~accord.analysis.deal.deal_forecast` itself. With none, every
    model runs once on the coded values and the agreement analysis judges that one point, as
    ``deal_forecast`` does for a scenario without uncertain inputs: P(deal) is then 0 or 1.
    """
    from accord.analysis.deal import deal_at_point, deal_forecast

    if draws > 0:
        return deal_forecast(scenario, models, draws=draws, seed=seed)
    return deal_at_point(scenario, models, seed=seed)


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _issues(scenario: Scenario, ids: Sequence[str]) -> str:
    return " + ".join(scenario.issue(i).name for i in ids)


def concession_words(
    c: Mapping[str, Any],
    actor: Callable[[str], str] = str,
    issue: Callable[[str], str] = str,
) -> str:
    """Return one concession, in the form of ``Concession.to_dict()``, in plain words.

    ``actor`` and ``issue`` turn ids into the names to print (the ids by default).
    """
    actors = [str(a) for a in c["actors"]]
    who = _join([actor(a) for a in actors])
    one = len(actors) == 1
    issues = " + ".join(issue(str(i)) for i in c["issues"])
    if not c["alone"]:
        return (
            f"{issues}: {who} cannot open a zone by giving way alone; the others do not agree "
            "among themselves either."
        )
    where = ", ".join(
        f"{i} {num(v)}" for i, v in zip(c["issues"], c["compromise"] or (), strict=True)
    )
    pay = float(c["side_payment"] or 0.0)
    gain = float(c["others_gain"] or 0.0)
    afford = "which the others can afford" if c["affordable"] else "more than the others gain"
    move = pct(1.0 if c["share"] is None else float(c["share"]))
    return (
        f"{issues}: {who} {'holds' if one else 'hold'} out. A deal at the others' compromise "
        f"({where}) would take side payments worth {pay:.3g} in utility, {afford} "
        f"(they gain {gain:.3g}); or {who} moving {move} of the way from "
        f"{'its position' if one else 'their positions'} toward it."
    )


def what_it_takes(c: Concession, scenario: Scenario) -> str:
    """Return one concession (:mod:`accord.agreement.concession`) in plain words."""
    return concession_words(
        c.to_dict(), lambda a: scenario.actor(a).name, lambda i: scenario.issue(i).name
    )


def _zone_text(zone: dict[str, Any]) -> str:
    at, issues = zone["at_coded_values"], zone["issues"]
    if at["exists"]:
        spans = [
            f"{i} {num(lo)}–{num(hi)}" if lo is not None and hi is not None else f"{i} open"
            for i, (lo, hi) in zip(issues, at["span"], strict=True)
        ]
        return "yes: " + ", ".join(spans)
    holdouts = list(at["holdouts"])
    return "none" + (f"; held out by {', '.join(holdouts)}" if holdouts else "")


def _blocked(df: DealForecast, issue: str, p_deal: float, draws: int) -> str:
    found = df.agreement.blockers(issue)[:BLOCKERS_SHOWN]
    if found and draws <= 1:
        return ", ".join(b.actor for b in found)
    if found:
        return ", ".join(f"{b.actor} ({pct(b.holdout)})" for b in found)
    if p_deal >= 1:
        return "nobody" if draws <= 1 else "nobody (a deal in every draw)"
    return "–"


def _how(df: DealForecast, coded_only: bool) -> str:
    if coded_only:
        return (
            "at the coded values only: Monte Carlo draws are set to 0, so P(deal) is 0 or 1 "
            "(make the report with draws for the odds)"
        )
    if df.n_inputs == 0:
        return "at the coded values: no input has a range, so P(deal) is 0 or 1"
    return (
        f"on {df.draws:,} draws of the {df.n_inputs} uncertain inputs (seed {df.seed}), the "
        "same draws for every model"
    )


def _expected_table(df: DealForecast) -> Table:
    s = df.scenario
    by_model: dict[str, dict[str, IssueDeal]] = {}
    for d in df.issue_deals():
        by_model.setdefault(d.model, {})[d.issue] = d
    rows = []
    for model, deals in by_model.items():
        cells = []
        for issue in s.issue_ids:
            d = deals[issue]
            settle = "–" if d.settlement is None else num(d.settlement)
            expected = "–" if d.expected is None else num(d.expected)
            cells.append(f"{expected} ({num(d.point)} → {settle})")
        rows.append((model, *cells))
    first = next(iter(by_model.values()))
    rows.append(
        (
            "no deal",
            *("none" if first[i].no_deal is None else num(first[i].no_deal) for i in s.issue_ids),
        )
    )
    rows.append(("P(deal)", *(pct(first[i].p_deal) for i in s.issue_ids)))
    return Table(
        ("Model", *s.issue_ids),
        tuple(rows),
        numeric=(False, *(True for _ in s.issue_ids)),
        caption="Expected outcome per model = P(deal) × settlement + (1 − P(deal)) × no-deal "
        "outcome; each cell: the expected outcome, then (the model's own forecast → the "
        "settlement if they settle; '–' where they never settle)",
    )


def settle_section(df: DealForecast, coded_only: bool, charts: bool) -> Section:
    """Return 'Will they settle?': P(deal), zones, blockers, what it would take, expectations."""
    s = df.scenario
    draws = 1 if coded_only or df.n_inputs == 0 else df.draws
    deals = {d.issue: d for d in df.issue_deals()}
    zones = df.zones()
    headline, rows = [], []
    for z in zones:
        ids: list[str] = list(z["issues"])
        p = float(z["p_deal"])
        blocked = _blocked(df, ids[0], p, draws)
        text = f"{_issues(s, ids)}: {verdict(p, draws)} (P(deal) {pct(p)})"
        settled = [
            (i, float(np.median(found)))
            for i in ids
            if (found := [d.settlement for d in df.issue_deals() if d.issue == i and d.settlement
                          is not None])
        ]  # fmt: skip
        if p > 0 and settled:
            text += (", settling near " if p >= 1 else ", if they settle near ") + ", ".join(
                f"{num(v)}"
                + (f" on {i}" if len(ids) > 1 else "")
                + (f" ('{s.issue(i).label_of(v)}')" if s.issue(i).label_of(v) else "")
                for i, v in settled
            )
        if p < 1 and blocked != "–":
            text += f"; blocked most often by {blocked}"
        no_deal = [(i, deals[i].no_deal) for i in ids if deals[i].no_deal is not None]
        if p < 1 and no_deal:
            text += "; without a deal it stays at " + ", ".join(
                f"{num(v)}" + (f" ({i})" if len(ids) > 1 else "") for i, v in no_deal
            )
        headline.append(text + ".")
        rows.append((_issues(s, ids), pct(p), _zone_text(z), blocked))
    blocks: list[Block] = [
        Paragraph(
            "Whether the actors whose consent an agreement needs can all do better than their "
            "outside option (by default the issue's no-deal outcome, itself the status quo). "
            f"Issues are judged one by one, {_how(df, coded_only)}."
        ),
        Items(tuple(headline)),
        Table(
            ("Issue", "P(deal)", "Zone of agreement at the coded values", "Blocked most often by"),
            tuple(rows),
            numeric=(False, True, False, False),
            caption="P(deal) = share of draws with a zone of agreement; a blocker's share is "
            "that of the draws without a deal in which it holds out"
            if draws > 1
            else "P(deal) = 1 where the coded values leave a zone of agreement, else 0; the "
            "blockers are the actors holding out",
        ),
    ]
    if df.concessions:
        blocks.append(
            Paragraph(
                "What would it take (at the coded values): the holdouts' side payment is in "
                "utility, salience × squared share of the scale (0.01 = a tenth of the scale "
                "on an issue that matters fully to the actor)."
            )
        )
        blocks.append(Items(tuple(what_it_takes(c, s) for c in df.concessions)))
    blocks.append(_expected_table(df))
    if charts:
        blocks.append(figures.deal(s, df))
    return Section("settle", "Will they settle?", tuple(blocks))


def settle_or_note(
    scenario: Scenario, models: Sequence[Model], seed: int, draws: int, charts: bool
) -> Section:
    """Return the section, or a short note when the analysis cannot run here."""
    try:
        df = deal_of(scenario, models, seed, draws)
    except ImportError as exc:
        note = f"The agreement analysis is not available here ({exc})."
    except AccordError as exc:
        note = f"No agreement analysis: {exc.one_line()}"
    else:
        return settle_section(df, draws == 0, charts)
    return Section("settle", "Will they settle?", (Paragraph(note, note=True),))
