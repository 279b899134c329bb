"""The deal-aware parts of reports: 'Will they settle?' first, designs and outcome with P(deal)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from accord import cases
from accord.analysis.deal import deal_forecast
from accord.forecast import build_models
from accord.models import Consensus, registry
from accord.reports import build, charts, html, markdown, settle
from accord.reports.content import pct
from accord.scenario import Scenario

mpl = pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

MODELS = ("bdm", "compromise")
CASE = "syria-2015-vienna"


def section_of(md: str, title: str) -> str:
    """Return one section of a Markdown report, up to the next section."""
    start = md.index(f"## {title}")
    end = md.find("\n## ", start + 3)
    return md[start : end if end > 0 else None]


@pytest.fixture(scope="module")
def case_md() -> str:
    """A case report with one model, a few draws and no charts (quick), as Markdown."""
    options = build.Options(models=("compromise",), draws=20, charts=False)
    text, _ = markdown.render(build.build_case(CASE, options))
    return text


def test_the_bottom_line_then_will_they_settle_come_first(scenario: Scenario) -> None:
    report = build.build(scenario, build.Options(models=MODELS, draws=40, charts=False))
    ids = [s.id for s in report.sections]
    assert ids[:2] == ["bottom-line", "settle"]
    assert [s.id for s in report.appendix] == ["reading", "scenario", "sources"]
    text, _ = markdown.render(report)
    part = section_of(text, "Will they settle?")
    df = deal_forecast(scenario, build_models(list(MODELS)), draws=40, seed=0)
    assert "on 40 draws of the " in part and "the same draws for every model" in part
    for zone in df.zones():
        assert f"| {pct(zone['p_deal'])} |" in part
    for d in df.issue_deals():  # every model's expected outcome, own forecast and no-deal row
        assert f"{d.expected:.1f} ({d.point:.1f} → " in part
    assert "| no deal |" in part and "| P(deal) |" in part
    for c in df.concessions:
        assert settle.what_it_takes(c, scenario) in part


def test_without_draws_the_section_says_coded_values_only(scenario: Scenario) -> None:
    report = build.build(scenario, build.Options(models=("compromise",), draws=0, charts=False))
    text, _ = markdown.render(report)
    part = section_of(text, "Will they settle?")
    assert "at the coded values only: Monte Carlo draws are set to 0" in part
    assert re.search(r"\| (0|100)% \|", part)  # P(deal) is 0 or 1


def test_the_settle_section_is_deterministic_with_its_chart(scenario: Scenario) -> None:
    options = build.Options(models=MODELS, draws=30, charts=True)
    one = html.render(build.build(scenario, options))
    two = html.render(build.build(scenario, options))
    assert one == two
    assert 'id="fig-deal"' in one
    assert one.index('<section id="bottom-line">') < one.index('<section id="settle">')
    assert one.index('<section id="settle">') < one.index(
        '<section id="scenario" class="appendix">'
    )


def test_concessions_in_plain_words() -> None:
    base: dict[str, Any] = {
        "actors": ["a"],
        "issues": ["x"],
        "alone": True,
        "compromise": [40.0],
        "side_payment": 0.042,
        "others_gain": 0.361,
        "affordable": True,
        "share": 0.2,
    }
    assert settle.concession_words(base, lambda a: a.upper()) == (
        "x: A holds out. A deal at the others' compromise (x 40.0) would take side payments "
        "worth 0.042 in utility, which the others can afford (they gain 0.361); or A moving 20% "
        "of the way from its position toward it."
    )
    two = {**base, "actors": ["a", "b", "c"], "affordable": False, "share": 0.0002}
    words = settle.concession_words(two)
    assert "a, b and c hold out" in words and "more than the others gain" in words
    assert "<0.1% of the way from their positions" in words
    alone = settle.concession_words({**base, "alone": False, "issues": ["x", "y"]})
    assert alone.startswith("x + y: a cannot open a zone by giving way alone")


def test_deal_chart_draws_each_model_and_the_no_deal_outcome(scenario: Scenario) -> None:
    df = deal_forecast(scenario, build_models(list(MODELS)), draws=30, seed=0)
    ax = charts.deal_outcomes(df, issue="i1")
    by_label = {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections}
    deals = [d for d in df.issue_deals() if d.issue == "i1"]
    own = by_label["model's own forecast"]
    np.testing.assert_allclose(own[:, 0], [d.point for d in deals])
    expected = by_label["expected outcome"]
    np.testing.assert_allclose(expected[:, 0], [d.expected for d in deals])
    assert list(own[:, 1]) == [1.0, 0.0]  # the first model on top
    no_deal = [line for line in ax.lines if line.get_label() == "no deal"]
    assert len(no_deal) == 1 and np.allclose(no_deal[0].get_xdata(), deals[0].no_deal)
    assert ax.get_title().endswith(f"P(deal) {pct(deals[0].p_deal)}")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(MODELS)


def test_designs_section_shows_p_deal_expected_delta_and_warnings(case_md: str) -> None:
    part = section_of(case_md, "Process designs")
    assert "Every design is run with 'compromise' on the same 20 draws" in part
    assert "| Design | All settle | Stable | Spoiler risk | Breadth |" in part
    assert "| Design | Forecast | P(deal) | Δ P(deal) | Settlement | Expected [95%] |" in part
    assert "Δ vs baseline" in part and "(noise)" in part and "(baseline)" in part
    comparison = build.compare_designs(
        cases.load(CASE).scenario,
        cases.load(CASE).designs.designs,  # type: ignore[union-attr]
        build_models(["compromise"])[0],
        build.Options(models=("compromise",), draws=20),
    )[0]
    assert comparison.warnings  # compromise cannot see staging
    for design, message in comparison.warnings:
        assert f"- {design}: {message}" in part
    overall = comparison.table()
    row = overall[(overall["design"] == "isis-separate-track") & (overall["issue"] == "all")]
    assert f"| isis-separate-track | {pct(float(row['p_deal'].iloc[0]))} |" in part


def test_designs_are_compared_with_the_lead_model() -> None:
    # The consensus of the report's models (every registered one by default), or the one model.
    lead = build.design_model(build.Options())
    assert isinstance(lead, Consensus) and lead.member_names == tuple(registry.names())
    two = build.design_model(build.Options(models=("bdm", "smp")))
    assert isinstance(two, Consensus) and two.member_names == ("bdm", "smp")
    assert build.design_model(build.Options(models=("median",))).name == "median"
    tuned = build.Options(models=("nash",), params={"nash": {"max_iter": 7}})
    assert build.design_model(tuned).params.model_dump()["max_iter"] == 7


def test_outcome_section_has_the_baseline_the_deal_rows_and_the_paired_difference(
    case_md: str,
) -> None:
    if not cases.load(CASE).has_outcome:
        pytest.skip("the case has no outcome file")
    part = section_of(case_md, "What happened next")
    assert "| Forecaster |" in part and "| vs status_quo |" in part
    assert "| status_quo |" in part and "(baseline)" in part
    assert "| compromise |" in part and "| compromise+deal |" in part
    report = cases.report_case(CASE, ["compromise"], seed=0, draws=20)
    board = {r["model"]: r for r in cases.scoreboard([report], seed=0)}
    vs = board["compromise+deal"]["vs_status_quo"]
    assert f"{100 * vs['value']:+.1f} [" in part.split("| compromise+deal |")[1].split("\n")[0]
    assert f"{100 * board['status_quo']['mean_error_share']:.1f}%" in part


def test_outcome_section_without_draws_leaves_the_deal_rows_out() -> None:
    if not cases.load(CASE).has_outcome:
        pytest.skip("the case has no outcome file")
    options = build.Options(models=("compromise",), draws=0, charts=False)
    text, _ = markdown.render(build.build_case(CASE, options))
    part = section_of(text, "What happened next")
    assert "| status_quo |" in part and "| compromise |" in part and "+deal" not in part
    assert "The deal-aware rows need Monte Carlo draws" in part
    designs = section_of(text, "Process designs")
    assert "at the coded values (one draw" in designs and "[95%]" not in designs


def test_a_saved_comparison_is_reported_on_its_own_draws(tmp_path: Any) -> None:
    store = pytest.importorskip("accord.store")
    from accord.process import compare
    from accord.reports import runs

    case = cases.load(CASE)
    assert case.designs is not None
    picked = case.designs.designs[:1]
    result = compare(case.scenario, picked, build_models(["median"])[0], draws=8, seed=2)
    run_id = store.save_run(
        "compare",
        result.to_dict(),
        scenario=case.scenario,
        designs=list(picked),
        seed=2,
        store=tmp_path / "runs.db",
    )
    assert run_id is not None
    options = build.Options(draws=0, charts=False)
    saved = runs.load_run(run_id, str(tmp_path / "runs.db"), options)
    assert saved.compare_draws == 8 and saved.options.models == ("median",)
    text, _ = markdown.render(runs.build_run(saved))
    assert "Every design is run with 'median' on the same 8 draws" in text
