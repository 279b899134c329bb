"""Why the bottom line is what it is, in plain sentences built from the analyses themselves.

Nothing here computes a forecast: :func:`why` reads the agreement analysis (who must consent,
whose outside option blocks a deal, where the zone lies), the spread of the models' own
forecasts, the pivotal actor of the clout-and-salience weighted median, and the event logs of
the models that keep one (bdm's offers, smp's adopted positions, exchange's trades): who moved
on the issue, how far, and in dealings with whom.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from accord.formatting import pct

if TYPE_CHECKING:
    from accord.analysis.bottom_line import IssueLine
    from accord.analysis.deal import DealForecast
    from accord.models.base import Result

MOVERS_SHOWN = 2
"""Model event sentences per issue (the largest moves first)."""
MIN_MOVE = 0.05
"""A move shorter than this share of the scale is not worth a sentence."""
LISTED = 4
"""Names listed before 'and N others'."""
LABEL_CHARS = 60
"""Anchor labels quoted in a sentence are cut to this many characters."""

HOW = {
    "confrontation": "giving in to demands",
    "compromise": "meeting others halfway",
    "capitulation": "conceding",
    "adopt": "adopting shared positions",
    "challenge": "answering challenges",
    "exchange": "trading concessions across issues",
}
"""How each kind of model event reads in a sentence."""
INPUT_WORDS = {
    "capability": "capability",
    "position": "position",
    "salience": "salience",
    "reservation": "outside option",
    "no_deal": "no-deal outcome",
}
"""How each kind of uncertain input reads in a sentence."""


def verdict(p: float, draws: int) -> str:
    """Return P(deal) in words ('a deal is unlikely'); at the coded values only, zone or not."""
    if draws <= 1:
        return "a zone of agreement exists" if p >= 1 else "no zone of agreement"
    if p >= 1:
        return "a deal in every draw"
    if p >= 0.9:
        return "a deal is very likely"
    if p >= 0.5:
        return "a deal is more likely than not"
    if p > 0.1:
        return "a deal is unlikely"
    if p > 0:
        return "a deal is very unlikely"
    return "no deal in any draw"


def describe(kind: str, actor: str | None, issue: str | None, of_issue: str = "") -> str:
    """Return an input in words: "syria_gov's outside option", "usa's capability" ...

    The issue is named unless it is ``of_issue`` (the issue being explained).
    """
    what = INPUT_WORDS.get(kind, kind)
    where = f" on {issue}" if issue and issue != of_issue else ""
    if actor is None:
        return f"the {what}{where}"
    return f"{actor}'s {what}{where}"


def names(ids: list[str]) -> str:
    """Return 'a', 'a and b', 'a, b and c' or 'a, b, c, d and N others'."""
    if len(ids) > LISTED + 1:
        return ", ".join(ids[:LISTED]) + f" and {len(ids) - LISTED} others"
    if len(ids) <= 2:
        return " and ".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _fmt(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def short_label(label: str, most: int = LABEL_CHARS) -> str:
    """Return an anchor label cut at its first clause (';' or ' (') and at ``most`` characters."""
    for stop in (";", " ("):
        label = label.split(stop)[0]
    label = label.strip()
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _labelled(deal: DealForecast, issue: str, value: float) -> str:
    label = short_label(deal.scenario.issue(issue).label_of(value))
    return f"{_fmt(value)} ('{label}')" if label else _fmt(value)


def deal_sentences(deal: DealForecast, line: IssueLine) -> list[str]:
    """Return who must consent, and why they settle or who blocks and on what grounds."""
    issue = line.issue
    zi = next(z for z, zone in enumerate(deal.point.zones) if issue in zone.issues)
    at_point = deal.point.zones[zi]
    members = [a for a, m in zip(deal.agreement.actor_ids, at_point.members[0], strict=True) if m]
    out: list[str] = []
    if line.no_deal is None:
        return [
            "The issue has no status quo or no-deal outcome, so any point is a possible "
            "agreement and the models' forecasts stand as they are."
        ]
    linked = [i for i in deal.point.zones[zi].issues if i != issue]
    package = f" (bargained as one package with {names(linked)})" if linked else ""
    who = f"{len(members)} actors ({names(members)})" if len(members) > 2 else names(members)
    out.append(f"An agreement{package} needs the consent of {who}.")
    k = deal.scenario.issue_ids.index(issue)
    if line.p_deal >= 0.5:
        zone = deal.agreement.zones[zi]
        lo = zone.span_low[:, list(zone.issues).index(issue)]
        hi = zone.span_high[:, list(zone.issues).index(issue)]
        ok = np.isfinite(lo) & np.isfinite(hi)
        if ok.any() and not linked:
            often = f"In {pct(line.p_deal)} of the draws each" if deal.draws > 1 else "Each"
            mean = " (on average)" if deal.draws > 1 else ""
            out.append(
                f"{often} of them prefers some point between {_fmt(float(lo[ok].mean()))} and "
                f"{_fmt(float(hi[ok].mean()))}{mean} to going without a deal."
            )
        elif ok.any():
            often = f"In {pct(line.p_deal)} of the draws a" if deal.draws > 1 else "A"
            out.append(f"{often} package exists that all of them accept.")
        if line.settlement is not None and line.settlement != line.own_consensus:
            out.append(
                f"Left to themselves the models put it at {_fmt(line.own_range[0])}–"
                f"{_fmt(line.own_range[1])} (median {_fmt(line.own_consensus)}); what every "
                f"consenting actor accepts moves that to about {_fmt(line.settlement)}."
            )
        return out
    outside = deal.scenario.to_arrays().outside_option[0]
    ids = list(deal.agreement.actor_ids)
    for b in line.blockers[:2]:
        a = ids.index(b.actor)
        option = float(outside[a, k])
        reason = (
            f"its outside option, {_labelled(deal, issue, option)}, beats anything the others "
            "accept"
            if np.isfinite(option)
            else "it accepts nothing the others accept"
        )
        alone = (
            f"; leaving it out alone would open a zone in {pct(b.pivotal)} of all draws"
            if b.pivotal >= 0.05
            else ""
        )
        out.append(
            f"{b.actor} holds out in {pct(b.holdout)} of the draws without a deal{alone}: {reason}."
        )
    if line.no_deal is not None:
        out.append(f"Without a deal the issue stays at {_labelled(deal, issue, line.no_deal)}.")
    return out


def pivotal_sentence(deal: DealForecast, issue: str) -> str | None:
    """Return who holds the clout-and-salience weighted median position (the median model)."""
    arrays = deal.scenario.to_arrays()
    k = arrays.issue_ids.index(issue)
    w = arrays.weight[0, :, k]
    if w.sum() <= 0:
        return None
    x = arrays.position[0, :, k]
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    j = int(order[int(np.searchsorted(cum, 0.5 - 1e-12))])
    return (
        f"Weighted by clout and salience, {arrays.actor_ids[j]} holds the median position "
        f"({_fmt(float(x[j]))}): neither side of it has a majority of the weight."
    )


def mover_sentences(deal: DealForecast, issue: str) -> list[tuple[float, str]]:
    """Return (share of the scale moved, sentence) for the biggest mover in each model's log."""
    spec = deal.scenario.issue(issue)
    width = spec.scale.max - spec.scale.min
    out = []
    for md in deal.models:
        result = md.result
        if result is None or not result.events:
            continue
        found = _biggest_move(result, issue)
        if found is None:
            continue
        actor, start, end, partner, kind = found
        moved = abs(end - start) / width if width > 0 else 0.0
        if moved < MIN_MOVE:
            continue
        how = HOW.get(kind, kind)
        out.append(
            (
                moved,
                f"In {result.model}, {actor} moves from {_fmt(start)} to {_fmt(end)}, most of "
                f"it in dealings with {partner} ({how}).",
            )
        )
    return out


def _biggest_move(result: Result, issue: str) -> tuple[str, float, float, str, str] | None:
    k = result.issue_ids.index(issue)
    start = result.trajectory[0, 0, :, k]
    end = result.trajectory[-1, 0, :, k]
    order = np.argsort(-np.abs(end - start), kind="stable")
    for a in order:
        actor = result.actor_ids[int(a)]
        moved: dict[tuple[str, str], float] = defaultdict(float)
        for e in result.events:
            if e.draw == 0 and e.issue == issue and e.actor == actor and e.accepted:
                moved[(e.counterpart, e.kind)] += abs(e.position_to - e.position_from)
        if moved:
            (partner, kind), _ = max(moved.items(), key=lambda kv: (kv[1], kv[0]))
            return actor, float(start[a]), float(end[a]), partner, kind
    return None


def why(deal: DealForecast, line: IssueLine) -> list[str]:
    """Return the sentences that explain one issue's bottom line (see the module docstring)."""
    out = deal_sentences(deal, line)
    pivot = pivotal_sentence(deal, line.issue)
    if pivot:
        out.append(pivot)
    moves = sorted(mover_sentences(deal, line.issue), key=lambda m: -m[0])
    out.extend(text for _, text in moves[:MOVERS_SHOWN])
    return out
