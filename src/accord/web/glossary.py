"""One-line explanations of every input and measure the pages show, in the docs' own words.

Each :class:`Term` quotes the documentation: its ``parts`` are passages of ``doc`` (a test
checks that each one is found there, word for word), joined with ``"; "``; ``note`` adds the
web app's own words where a passage needs a subject (it is shown in brackets). The pages show
these texts below every table and next to the options, and the editor's script gets them as
JSON.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A measure or input: its label, the passages of the docs that define it, and where."""

    label: str
    parts: tuple[str, ...]
    doc: str
    note: str = ""

    @property
    def text(self) -> str:
        """Return the one-line explanation shown on the pages."""
        text = "; ".join(self.parts)
        return f"{text} ({self.note})" if self.note else text

    def to_dict(self) -> dict[str, str]:
        """Return ``{"label", "text", "doc"}``."""
        return {"label": self.label, "text": self.text, "doc": self.doc}


_FORMAT = "docs/scenario-format.md"
_AGREEMENT = "docs/agreement.md"
_PROCESS = "docs/process.md"
_UNCERTAINTY = "docs/uncertainty.md"
_BOTTOM = "docs/bottom-line.md"

TERMS: dict[str, Term] = {
    # ------------------------------------------------------------------ the scenario
    "capability": Term(
        "Capability",
        ("who takes part, with what clout", "any number >= 0 (only ratios matter)"),
        _FORMAT,
    ),
    "position": Term(
        "Position",
        ("where the actor stands", "in the issue's own units and must lie on its scale"),
        _FORMAT,
    ),
    "salience": Term(
        "Salience",
        ("how much the issue matters to it",),
        _FORMAT,
        "written here on 0-100, as scenario files write them",
    ),
    "reservation": Term(
        "Outside option (reservation point)",
        (
            "the actor's outside option on the issue: where it expects the issue to end up if "
            "there is no agreement",
            "the issue's no-deal outcome",
        ),
        _AGREEMENT,
        "the second part is the default when the cell is empty",
    ),
    "range": Term(
        "Range (low–high)",
        (
            "give Monte Carlo an uncertainty interval around a number",
            "the number itself must lie inside its range, and position ranges inside the scale",
        ),
        _FORMAT,
    ),
    "bloc": Term(
        "Bloc",
        (
            "correlates, through a Gaussian copula, the same number (same kind, same issue) "
            "across the members of a declared bloc",
        ),
        _UNCERTAINTY,
        "with a bloc correlation in Monte Carlo; designs can make a bloc act as one",
    ),
    "status_quo": Term("Status quo", ('"nothing changes" (the status quo)',), _AGREEMENT),
    "no_deal": Term(
        "No-deal outcome",
        (
            "where the issue ends up without an agreement: the status quo, or a coded "
            "alternative (the war goes on)",
        ),
        _AGREEMENT,
    ),
    "consent": Term(
        "Consent",
        ("the actors whose consent an agreement needs (signatories, veto players)", "every actor"),
        _AGREEMENT,
        "the second part is the default",
    ),
    "quota": Term(
        "Quota",
        (
            "below 1: a qualified majority of the consenting actors' capability suffices (e.g. "
            "a Council vote)",
        ),
        _AGREEMENT,
    ),
    "implementers": Term(
        "Implementers",
        ("actors who must implement or pay (donors, guarantors); each must accept",),
        _AGREEMENT,
    ),
    "anchors": Term(
        "Anchors",
        ("each labelled region of the scale (regions are split at the midpoints between anchors)",),
        _UNCERTAINTY,
        "labelled points of the issue's scale",
    ),
    "why": Term(
        "Why and source",
        (
            "why holds one-line justifications of single numbers, keyed by the field they justify",
            "Write the reason, not the number again.",
        ),
        _FORMAT,
    ),
    # ------------------------------------------------------------------ forecasts and deals
    "forecast": Term("Forecast", ("the model's answer (before the agreement analysis)",), _PROCESS),
    "p_deal": Term("P(deal)", ("share of draws with a zone of agreement",), _PROCESS),
    "zone": Term(
        "Zone of agreement",
        ("the set of points that everyone who must accept accepts",),
        _AGREEMENT,
    ),
    "blockers": Term(
        "Blocked most often by",
        (
            "each actor is ranked by the share of draws in which it is pivotal, then by the "
            "share of the draws without a zone in which it holds out",
        ),
        _AGREEMENT,
    ),
    "holdouts": Term(
        "Held out by", ("holdouts: a smallest group whose concession opens the zone",), _AGREEMENT
    ),
    "concessions": Term(
        "What it would take",
        (
            "Utilities are in salience × squared share of the scale: 0.01 is what a move of a "
            "tenth of the scale is worth, at its ideal point, to an actor for whom the issue has "
            "salience 1",
        ),
        _AGREEMENT,
        "side payments are in these units",
    ),
    "settlement": Term(
        "Settlement if they settle",
        (
            "where F lies in the zone it stands; otherwise it moves in a straight line toward "
            "the centre until everyone who must accept does",
        ),
        _AGREEMENT,
        "F is the model's forecast",
    ),
    "expected": Term(
        "Expected outcome",
        ("P(deal) × settlement + (1 − P(deal)) × no-deal outcome",),
        _AGREEMENT,
    ),
    "deal_aware": Term(
        "Deal-aware outcome",
        ("the deal-aware outcome (the settlement, or the no-deal outcome without a deal)",),
        _UNCERTAINTY,
    ),
    "linked": Term(
        "All issues as one package",
        ("judges them one by one otherwise",),
        _AGREEMENT,
        "ticked: all issues are bargained as one package",
    ),
    # ------------------------------------------------------------------ designs
    "baseline": Term(
        "Baseline", ("everyone in one forum, each issue agreed on its own",), _PROCESS
    ),
    "all_settle": Term("All settle", ("share of draws in which every issue has a deal",), _PROCESS),
    "delta": Term(
        "Δ vs baseline",
        (
            "per draw, this design's expected outcome minus the baseline's (same draws): mean "
            "and 2.5–97.5% interval; noise when the interval contains 0",
        ),
        _PROCESS,
    ),
    "p_deal_delta": Term(
        "ΔP(deal)",
        (
            "paired difference of P(deal) to the baseline with a 95% normal-approximation "
            "interval; noise when it contains 0",
        ),
        _PROCESS,
    ),
    "noise": Term(
        "noise", ("noise when the interval contains 0",), _PROCESS, "the difference may be 0"
    ),
    "stable": Term(
        "Stable",
        (
            "share of draws with a deal in which the forum's own result needed no change: "
            "everyone whose consent or implementation the agreement needs accepts it as it "
            "stands",
        ),
        _PROCESS,
    ),
    "spoiler_risk": Term(
        "Spoiler risk",
        (
            "draws with a deal: the capability × salience weighted share of actors who prefer "
            "their outside option to the settlement (they would rather the deal failed)",
        ),
        _PROCESS,
    ),
    "breadth": Term(
        "Breadth",
        (
            "share of total capability whose own position is within the tolerance of the outcome",
            "the capability × salience weighted share of actor-issue stakes within the tolerance",
        ),
        _PROCESS,
        "per issue, then over all issues",
    ),
    "tolerance": Term(
        "Tolerance",
        ("Distances are fractions of each issue's scale width; tolerance defaults to 0.1",),
        _PROCESS,
        "how near the outcome a position must be to count for breadth",
    ),
    "forum": Term(
        "Forum",
        ("a list of actor ids, bloc:<id> for all members of a declared bloc, or all",),
        _PROCESS,
    ),
    "outside_weight": Term(
        "Outside weight",
        ("influence kept by actors outside a forum (0-1; default 0)",),
        _PROCESS,
    ),
    # ------------------------------------------------------------------ Monte Carlo
    "draws": Term(
        "Draws",
        (
            "Every capability, position, salience and reservation point (outside option) that "
            "declares a range is drawn from its distribution",
        ),
        _UNCERTAINTY,
    ),
    "seed": Term("Seed", ("Draw d depends only on the seed and d",), _UNCERTAINTY),
    "bloc_correlation": Term(
        "Bloc correlation",
        (
            "correlates, through a Gaussian copula, the same number (same kind, same issue) "
            "across the members of a declared bloc",
        ),
        _UNCERTAINTY,
    ),
    "spread": Term(
        "Spread",
        (
            "gives every number without a range one of ± F × the scale width (positions), ± F "
            "(saliences) or ± F × the value (capabilities), clipped to valid values",
        ),
        _UNCERTAINTY,
    ),
    "mean_median": Term(
        "Mean, median", ("Mean, median, 80% and 95% intervals of the forecast",), _UNCERTAINTY
    ),
    "interval80": Term(
        "80% interval",
        ("the 10-90 % and 2.5-97.5 % quantiles",),
        "src/accord/analysis/montecarlo.py",
        "the first pair: the forecasts of the middle 80% of the draws",
    ),
    "interval95": Term(
        "95% interval",
        ("2.5–97.5% interval",),
        _PROCESS,
        "the forecasts of the middle 95% of the draws",
    ),
    "most_likely": Term(
        "Most likely",
        (
            "the probability that the outcome falls in each labelled region of the scale "
            "(regions are split at the midpoints between anchors)",
        ),
        _UNCERTAINTY,
        "the region with the highest probability",
    ),
    "converged": Term(
        "Converged",
        ("the share of draws in which an iterative model converged",),
        _UNCERTAINTY,
    ),
    # ------------------------------------------------------------------ the bottom line
    "consensus": Term(
        "Expected outcome (consensus)",
        (
            "in each draw the median of the models' forecasts, moved into the zone where there "
            "is one (the settlement) or replaced by the no-deal outcome where there is none, "
            "averaged over the draws",
        ),
        _BOTTOM,
    ),
    "input_uncertainty": Term(
        "95% over the inputs",
        ("the 2.5–97.5% quantiles of the consensus outcome over the draws",),
        _BOTTOM,
    ),
    "model_range": Term(
        "Across models",
        ("each model's own deal-aware expected outcome, and the lowest and highest of them",),
        _BOTTOM,
    ),
    "models_alone": Term(
        "Models alone",
        ("as if a deal were certain, and their median",),
        _BOTTOM,
        "each model's own forecast at the coded values, before the agreement analysis",
    ),
    "drivers": Term(
        "Moves it most",
        (
            "the (up to) three inputs whose low or high end moves the consensus outcome most, "
            "one at a time, and the actors behind the biggest swings",
        ),
        _BOTTOM,
    ),
    "why_sentences": Term(
        "Why",
        ("sentences are built from the analyses, never written by hand",),
        _BOTTOM,
    ),
}
"""Every term the pages explain, by key."""


def terms(*keys: str) -> list[Term]:
    """Return the terms with these keys, in order (an unknown key is a bug: KeyError)."""
    return [TERMS[k] for k in keys]


def as_json() -> dict[str, dict[str, str]]:
    """Return every term as ``{key: {"label", "text", "doc"}}`` for the pages' scripts."""
    return {key: term.to_dict() for key, term in TERMS.items()}
