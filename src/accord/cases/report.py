"""Compare each case's forecasts with what happened next, and say plainly where models erred.

Every model is scored twice: on its own forecast (where the negotiation settles if it settles)
and on its **deal-aware** forecast ``<model>+deal``, the expected outcome over random draws of
the case's uncertain inputs, ``P(deal) x settlement + (1 - P(deal)) x no-deal outcome`` (see
:mod:`accord.analysis.deal`). Beside them stands the naive baseline **status_quo**: nothing
changes. With several models their **consensus** (the median, as the bottom line forms it) is
scored the same two ways. A model has to beat the baseline to earn its place; the scoreboard
gives every row its paired difference to it, with a bootstrap interval over issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.analysis.bottom_line import from_deal
from accord.analysis.deal import deal_forecast
from accord.cases.library import load, load_outcome, names
from accord.cases.outcome import Outcome
from accord.forecast import build_models

Verdict = Literal["right", "close", "wrong"]
RIGHT, CLOSE = 0.10, 0.25
"""Thresholds on the error as a fraction of the issue's scale width."""
STATUS_QUO = "status_quo"
"""The naive baseline: the forecast is the issue's status quo ("nothing changes")."""
DEAL_SUFFIX = "+deal"
CONSENSUS = "consensus"
"""The median of the models' forecasts (with several models), scored like a model."""
DEFAULT_DRAWS = 500
"""Draws of the deal-aware forecasts in the case report."""
BOOTSTRAP = 2000
"""Resamples of the issues for the interval of the paired difference to the baseline."""


@dataclass(frozen=True)
class IssueVerdict:
    """One model's forecast on one issue of one case, against the coded outcome."""

    case: str
    issue: str
    issue_name: str
    model: str
    forecast: float
    forecast_label: str
    outcome: float
    outcome_label: str
    low: float
    high: float
    by: str
    error: float
    error_share: float
    verdict: Verdict
    p_deal: float | None = None
    """For deal-aware rows: the share of draws with a zone of agreement."""

    def sentence(self) -> str:
        """Return the verdict in plain words."""
        what = f"'{self.issue_name}' ({self.case})"
        fc = f"{self.forecast:.0f}" + (f" ({self.forecast_label})" if self.forecast_label else "")
        oc = f"{self.outcome:.0f}" + (f" ({self.outcome_label})" if self.outcome_label else "")
        if self.verdict == "right":
            return f"{self.model} was right on {what}: forecast {fc}; by {self.by} it was {oc}."
        how = "nearly right" if self.verdict == "close" else "wrong"
        return (
            f"{self.model} was {how} on {what}: it forecast {fc}, but by {self.by} the outcome "
            f"was {oc}, {self.error:.0f} points away."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return dict(self.__dict__)


def judge(error_share: float, inside: bool) -> Verdict:
    """Return right (within 10% of the scale or inside the outcome's range), close or wrong."""
    if inside or error_share <= RIGHT + 1e-12:
        return "right"
    return "close" if error_share <= CLOSE + 1e-12 else "wrong"


@dataclass(frozen=True)
class CaseReport:
    """A case's outcome and every model's verdict on every issue."""

    case: str
    title: str
    date: str
    outcome: Outcome
    verdicts: tuple[IssueVerdict, ...]


def report_case(
    name: str,
    model_names: Sequence[str] = ("all",),
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> CaseReport:
    """Forecast a case with the chosen models, then (only then) read its outcome and compare.

    Rows: ``status_quo``, with several models their ``consensus`` (the median of their
    forecasts) and ``consensus+deal`` (the bottom line's expected outcome), every model, and
    every model's deal-aware forecast (``<model>+deal``) over ``draws`` draws of the case's
    uncertain inputs.
    """
    case = load(name)
    scn = case.scenario
    df = deal_forecast(scn, build_models(list(model_names)), draws=draws, seed=seed,
                       what_it_takes=False)  # fmt: skip
    forecasts: list[tuple[str, list[float | None], list[float | None]]] = [
        (STATUS_QUO, [i.status_quo for i in scn.issues], [None] * len(scn.issues))
    ]
    deals = {(d.model, d.issue): d for d in df.issue_deals()}
    for md in df.models:
        forecasts.append((md.model.name, [float(v) for v in md.point], [None] * len(scn.issues)))
    for md in df.models:
        rows = [deals[md.model.name, i] for i in scn.issue_ids]
        forecasts.append(
            (md.model.name + DEAL_SUFFIX, [d.expected for d in rows], [d.p_deal for d in rows])
        )
    if len(df.models) > 1:  # the consensus (median per draw), as the bottom line reports it
        bl = from_deal(df)
        none: list[float | None] = [None] * len(scn.issues)
        forecasts.insert(1, (CONSENSUS, [ln.own_consensus for ln in bl.issues], none))
        forecasts.insert(
            2,
            (
                CONSENSUS + DEAL_SUFFIX,
                [ln.consensus for ln in bl.issues],
                [ln.p_deal for ln in bl.issues],
            ),
        )
    outcome = load_outcome(name, scn)  # read only now, after every forecast is fixed
    verdicts = []
    for model, values, p_deals in forecasts:
        for k, issue in enumerate(scn.issues):
            o = outcome.of(issue.id)
            value = values[k]
            if o is None or value is None:
                continue
            low, high = (o.range.low, o.range.high) if o.range else (o.position, o.position)
            error = abs(value - o.position)
            share = error / issue.scale.width
            verdicts.append(
                IssueVerdict(
                    case=name,
                    issue=issue.id,
                    issue_name=issue.name,
                    model=model,
                    forecast=value,
                    forecast_label=issue.label_of(value),
                    outcome=o.position,
                    outcome_label=issue.label_of(o.position),
                    low=low,
                    high=high,
                    by=o.by.isoformat(),
                    error=error,
                    error_share=share,
                    verdict=judge(share, low <= value <= high),
                    p_deal=p_deals[k],
                )
            )
    return CaseReport(
        name, scn.title, scn.date.isoformat() if scn.date else "", outcome, tuple(verdicts)
    )


def report_all(
    model_names: Sequence[str] = ("all",), seed: int = 0, draws: int = DEFAULT_DRAWS
) -> list[CaseReport]:
    """Report every case that has an outcome file."""
    return [report_case(n, model_names, seed, draws) for n in names() if load(n).has_outcome]


def scoreboard(reports: Sequence[CaseReport], seed: int = 0) -> list[dict[str, Any]]:
    """Return per row: issues, mean error (share of scale), right/close/wrong counts, and more.

    Every row but the baseline carries ``vs_status_quo``: the paired difference of its mean
    error to ``status_quo``, with a 95% bootstrap interval. The interval resamples issues (the
    same resamples for every row); issues of one case share their actors and history, so it is
    narrower than an honest one would be: a rough guide on 18 issues, not a test.
    """
    errors: dict[str, dict[tuple[str, str], float]] = {}
    rows: dict[str, dict[str, Any]] = {}
    for rep in reports:
        for v in rep.verdicts:
            empty = {"model": v.model, "issues": 0, "right": 0, "close": 0, "wrong": 0}
            row = rows.setdefault(v.model, empty)
            row["issues"] += 1
            row[v.verdict] += 1
            errors.setdefault(v.model, {})[v.case, v.issue] = v.error_share
    keys = sorted(errors.get(STATUS_QUO, {}))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(keys), size=(BOOTSTRAP, len(keys))) if keys else None
    base = np.array([errors[STATUS_QUO][k] for k in keys]) if keys else np.zeros(0)
    out = []
    for model, row in rows.items():
        mine = errors[model]
        row["mean_error_share"] = float(np.mean(list(mine.values())))
        row["vs_status_quo"] = None
        if picks is not None and model != STATUS_QUO and all(k in mine for k in keys):
            diff = np.array([mine[k] for k in keys]) - base
            boot = diff[picks].mean(axis=1)
            lo, hi = np.quantile(boot, [0.025, 0.975])
            row["vs_status_quo"] = {"value": float(diff.mean()), "lo": float(lo), "hi": float(hi)}
        out.append(row)
    return sorted(out, key=lambda r: (r["mean_error_share"], r["model"]))
