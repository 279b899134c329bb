"""Compare each case's forecasts with what happened next, and say plainly where models erred."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from accord.cases.library import load, load_outcome, names
from accord.cases.outcome import Outcome
from accord.forecast import build_models, forecast

Verdict = Literal["right", "close", "wrong"]
RIGHT, CLOSE = 0.10, 0.25
"""Thresholds on the error as a fraction of the issue's scale width."""


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


def report_case(name: str, model_names: Sequence[str] = ("all",), seed: int = 0) -> CaseReport:
    """Forecast a case with the chosen models, then (only then) read its outcome and compare."""
    case = load(name)
    scn = case.scenario
    fc = forecast(scn, build_models(list(model_names)), seed=seed)
    outcome = load_outcome(name, scn)
    verdicts = []
    for result in fc.results:
        for k, issue in enumerate(scn.issues):
            o = outcome.of(issue.id)
            if o is None:  # pragma: no cover - check_outcome guarantees every issue is coded
                continue
            value = float(result.forecast[0, k])
            low, high = (o.range.low, o.range.high) if o.range else (o.position, o.position)
            error = abs(value - o.position)
            share = error / issue.scale.width
            verdicts.append(
                IssueVerdict(
                    case=name,
                    issue=issue.id,
                    issue_name=issue.name,
                    model=result.model,
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
                )
            )
    return CaseReport(
        name, scn.title, scn.date.isoformat() if scn.date else "", outcome, tuple(verdicts)
    )


def report_all(model_names: Sequence[str] = ("all",), seed: int = 0) -> list[CaseReport]:
    """Report every case that has an outcome file."""
    return [report_case(n, model_names, seed) for n in names() if load(n).has_outcome]


def scoreboard(reports: Sequence[CaseReport]) -> list[dict[str, Any]]:
    """Per model: issues scored, mean error (share of scale), and right/close/wrong counts."""
    rows: dict[str, dict[str, Any]] = {}
    for rep in reports:
        for v in rep.verdicts:
            empty = {"model": v.model, "issues": 0, "right": 0, "close": 0, "wrong": 0, "_e": 0.0}
            row = rows.setdefault(v.model, empty)
            row["issues"] += 1
            row[v.verdict] += 1
            row["_e"] += v.error_share
    out = []
    for row in rows.values():
        row["mean_error_share"] = row.pop("_e") / row["issues"]
        out.append(row)
    return sorted(out, key=lambda r: (r["mean_error_share"], r["model"]))
