"""Presentation helpers for the pages: number formats, result tables and what charts draw.

Only layout lives here: the numbers come from a saved run's JSON record. Every table carries
its ``legend``, the one-line explanation of each measure it shows (:mod:`accord.web.glossary`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from accord.reports import content, settle
from accord.web import glossary

Table = dict[str, Any]
"""``{"caption", "head", "rows", "items", "id", "legend"}``: ``items`` are lines shown below the
table, ``legend`` the explanations of its measures (``{"label", "text", "doc"}``)."""


def num(value: Any, digits: int | None = None) -> str:
    """Return a number for display: ``digits`` decimals, or up to 12 significant digits.

    The default keeps values exact enough to send back unchanged (``80.00000000000001``
    shows as ``80``); None and non-numbers show as ``–``.
    """
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    if not math.isfinite(value):
        return "–"
    return f"{value:.12g}" if digits is None else f"{value:.{digits}f}"


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def pct(value: Any) -> str:
    """Return a probability or share as a percentage ('–' for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return content.pct(float(value))


def _table(
    caption: str, head: list[str], rows: list[list[Any]], legend: Sequence[str] = (), **more: Any
) -> Table:
    terms = [t.to_dict() for t in glossary.terms(*legend)]
    return {
        "caption": caption,
        "head": head,
        "rows": rows,
        "items": [],
        "id": None,
        "legend": terms,
        **more,
    }


def _run_table(results: Mapping[str, Any]) -> Table:
    runs = [r for r in results.get("results", []) if isinstance(r, Mapping)]
    issues: Sequence[str] = results.get("scenario", {}).get("issues", [])
    rows = [
        [r.get("model", "?"), *(num(_first(r.get("forecast", {}).get(i)), 1) for i in issues)]
        for r in runs
    ]
    return _table("Forecast per model", ["Model", *issues], rows, ["forecast"])


def deal_tables(deal: Mapping[str, Any]) -> list[Table]:
    """Return the tables of a deal-aware forecast (``DealForecast.to_dict()``).

    Will they settle (per issue or package: P(deal), the zone at the coded values, the
    blockers, then what it would take) and the expected outcome per model, with its own
    forecast and the settlement if they settle, the no-deal outcome and P(deal).
    """
    issues: list[str] = list(deal.get("scenario", {}).get("issues", []))
    blockers: Mapping[str, Any] = deal.get("blockers") or {}
    rows = []
    for z in deal.get("zones", []):
        at = z.get("at_coded_values") or {}
        if at.get("exists"):
            where = "yes: " + ", ".join(
                f"{i} {num(lo, 1)}–{num(hi, 1)}"
                for i, (lo, hi) in zip(z["issues"], at.get("span") or [], strict=False)
            )
        else:
            held = at.get("holdouts") or []
            where = "none" + (f"; held out by {', '.join(held)}" if held else "")
        who = blockers.get(z["issues"][0], [])[:3] if z.get("issues") else []
        blocked = ", ".join(f"{b['actor']} ({pct(b.get('holdout'))})" for b in who)
        if not blocked:
            blocked = "nobody" if z.get("p_deal") == 1 else "–"
        rows.append([" + ".join(z.get("issues", [])), pct(z.get("p_deal")), where, blocked])
    prov = deal.get("provenance") or {}
    draws = prov.get("draws") or 1
    how = (
        f"{draws:,} draws of {prov.get('uncertain_inputs', 0)} uncertain inputs"
        if draws > 1
        else "the coded values only"
    )
    zones = _table(
        f"Will they settle? ({how}; P(deal) = share of draws with a zone of agreement)",
        ["Issues", "P(deal)", "Zone at the coded values", "Blocked most often by"],
        rows,
        ["p_deal", "zone", "holdouts", "blockers", "concessions"],
        id="deal-zones",
    )
    zones["items"] = [
        settle.concession_words(c) for c in deal.get("concessions", []) if isinstance(c, Mapping)
    ]
    cells: dict[str, dict[str, Mapping[str, Any]]] = {}
    for f in deal.get("forecasts", []):
        cells.setdefault(f["model"], {})[f["issue"]] = f
    expected = []
    for model, mine in cells.items():
        row = [model]
        for i in issues:
            f = mine.get(i, {})
            settled = num(f.get("settlement"), 1)
            row.append(f"{num(f.get('expected'), 1)} ({num(f.get('point'), 1)} → {settled})")
        expected.append(row)
    if cells:
        first = next(iter(cells.values()))
        expected.append(["no deal", *(num(first.get(i, {}).get("no_deal"), 1) for i in issues)])
        expected.append(["P(deal)", *(pct(first.get(i, {}).get("p_deal")) for i in issues)])
    return [
        zones,
        _table(
            "Expected outcome = P(deal) × settlement + (1 − P(deal)) × no-deal outcome; each "
            "cell: expected (own forecast → settlement if they settle)",
            ["Model", *issues],
            expected,
            ["expected", "settlement", "no_deal", "p_deal"],
            id="deal-expected",
        ),
    ]


def _mc_table(results: Mapping[str, Any]) -> Table:
    rows = []
    for s in results.get("issues", []):
        lo80, hi80 = s.get("interval80") or (None, None)
        lo95, hi95 = s.get("interval95") or (None, None)
        rows.append(
            [
                s.get("name", s.get("issue")),
                num(s.get("mean"), 1),
                num(s.get("median"), 1),
                f"{num(lo80, 1)}–{num(hi80, 1)}",
                f"{num(lo95, 1)}–{num(hi95, 1)}",
                f"{100 * s['converged']:.0f}%" if isinstance(s.get("converged"), float) else "–",
            ]
        )
    head = ["Issue", "Mean", "Median", "80% interval", "95% interval", "Converged"]
    return _table(
        "Monte Carlo: the model's forecast over the draws",
        head,
        rows,
        ["mean_median", "interval80", "interval95", "converged"],
    )


def mc_deal_table(deals: Sequence[Mapping[str, Any]]) -> Table:
    """Return Monte Carlo's deal-aware summary per issue (``to_dict()["deal"]`` of a result)."""
    rows = []
    for d in deals:
        e = d.get("expected") or {}
        st = d.get("settlement")
        lo, hi = e.get("interval95") or (None, None)
        settle_text = "never"
        if isinstance(st, Mapping):
            slo, shi = st.get("interval95") or (None, None)
            settle_text = f"{num(st.get('mean'), 1)} [{num(slo, 1)}–{num(shi, 1)}]"
        who = ", ".join(
            f"{b['actor']} ({pct(b.get('holdout'))})" for b in d.get("blockers", [])[:3]
        )
        rows.append(
            [
                d.get("issue"),
                pct(d.get("p_deal")),
                settle_text,
                num(e.get("mean"), 1),
                num(e.get("median"), 1),
                f"{num(lo, 1)}–{num(hi, 1)}",
                who or "–",
            ]
        )
    head = [
        "Issue",
        "P(deal)",
        "Settlement [95%]",
        "Deal-aware mean",
        "Median",
        "95% interval",
        "Blocked most often by",
    ]
    return _table(
        "Will they settle? The deal-aware outcome is the settlement where there is a deal, the "
        "no-deal outcome where there is none",
        head,
        rows,
        ["p_deal", "settlement", "deal_aware", "interval95", "blockers"],
        id="mc-deal-table",
    )


COMPARE_LEGEND = (
    "baseline",
    "expected",
    "p_deal",
    "delta",
    "noise",
    "all_settle",
    "stable",
    "spoiler_risk",
    "breadth",
    "tolerance",
)


def _delta(row: Mapping[str, Any]) -> str:
    value = row.get("delta")
    if not isinstance(value, int | float):
        return ""
    text = f"Δ {value:+.1f}"
    return text + " (noise)" if row.get("delta_noise") else text


def _compare_table(results: Mapping[str, Any]) -> Table:
    table = [row for row in results.get("table", []) if isinstance(row, Mapping)]
    issues = list(dict.fromkeys(r["issue"] for r in table if r.get("issue") != "all"))
    designs = list(dict.fromkeys(r["design"] for r in table))
    rows = []
    for design in designs:
        mine = {r["issue"]: r for r in table if r["design"] == design}
        overall = mine.get("all", {})
        cells = []
        for i in issues:
            r = mine.get(i, {})
            text = f"{num(r.get('expected'), 1)} · P {pct(r.get('p_deal'))}"
            if design != designs[0]:
                text += f" · {_delta(r)}"
            cells.append(text)
        rows.append(
            [
                design,
                *cells,
                pct(overall.get("p_deal")),
                pct(overall.get("stable")),
                num(overall.get("spoiler_risk"), 2),
                num(overall.get("breadth"), 2),
            ]
        )
    draws = results.get("draws") or 1
    how = f"{draws:,} draws, the same for every design" if draws > 1 else "the coded values"
    out = _table(
        f"Designs compared with '{results.get('model', '?')}' on {how}: per issue the expected "
        "outcome, P(deal) and Δ, the paired difference to the baseline ('noise': its 95% "
        "interval contains 0)",
        ["Design", *issues, "All settle", "Stable", "Spoiler risk", "Breadth"],
        rows,
        COMPARE_LEGEND,
    )
    out["items"] = [
        f"warning: {w.get('design')}: {w.get('message')}"
        for w in results.get("warnings", [])
        if isinstance(w, Mapping)
    ]
    return out


def results_tables(record: Mapping[str, Any]) -> list[Table]:
    """Return the tables of a saved run's results (none for kinds without one).

    Each table is ``{"caption", "head", "rows", "items"}`` (``items``: lines shown below it,
    such as what it would take, or a comparison's warnings).
    """
    results = record.get("results") or {}
    kind = record.get("kind")
    if kind == "run":
        deal = results.get("deal")
        return [_run_table(results), *(deal_tables(deal) if isinstance(deal, Mapping) else [])]
    if kind == "mc":
        deals = results.get("deal")
        return [_mc_table(results), *([mc_deal_table(deals)] if deals else [])]
    if kind == "compare":
        return [_compare_table(results)]
    return []


def _issue_meta(scenario: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return what a chart needs of each issue: id, name, scale and anchors."""
    return [
        {
            "id": i.get("id"),
            "name": i.get("name") or i.get("id"),
            "scale": i.get("scale") or {"min": 0, "max": 100, "unit": "points"},
            "anchors": i.get("anchors") or [],
        }
        for i in scenario.get("issues", [])
        if isinstance(i, Mapping)
    ]


def chart_data(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return what the run page's charts draw (None for kinds without a chart).

    ``{"kind", "issues", "record"}``: ``record`` has the fields of the API's result of the same
    kind that the charts read (a forecast's models and their forecasts with the deal-aware
    ones, Monte Carlo's histograms and intervals, a comparison's table), without the rest.
    """
    kind = record.get("kind")
    results = record.get("results") or {}
    scenario = (record.get("inputs") or {}).get("scenario") or {}
    slim: dict[str, Any]
    if kind == "run":
        runs = [r for r in results.get("results", []) if isinstance(r, Mapping)]
        slim = {"results": [{"model": r.get("model"), "forecast": r.get("forecast")} for r in runs]}
        deal = results.get("deal")
        if isinstance(deal, Mapping):
            slim["deal"] = {"forecasts": deal.get("forecasts", [])}
        bottom = results.get("bottom_line")
        if isinstance(bottom, Mapping):  # drawn first on the page, as the CLI prints it first
            slim["bottom_line"] = bottom
    elif kind == "mc":
        keep = ("issue", "name", "mean", "median", "interval80", "interval95")
        hist = ("bin_edges", "counts")
        slim = {
            "issues": [
                {k: s.get(k) for k in (*keep, *hist)}
                for s in results.get("issues", [])
                if isinstance(s, Mapping)
            ],
        }
        deals = results.get("deal")
        if isinstance(deals, list):
            slim["deal"] = [
                {
                    "issue": d.get("issue"),
                    "p_deal": d.get("p_deal"),
                    "expected": {k: (d.get("expected") or {}).get(k) for k in (*keep, *hist)},
                }
                for d in deals
                if isinstance(d, Mapping)
            ]
    elif kind == "compare":
        slim = {
            "table": results.get("table", []),
            "draws": results.get("draws"),
            "model": results.get("model"),
        }
    else:
        return None
    out = {"kind": kind, "issues": _issue_meta(scenario), "record": slim}
    if "bottom_line" in slim:  # its legends quote the docs, as the editor's do
        out["glossary"] = glossary.as_json()
    return out
