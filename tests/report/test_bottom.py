"""The report opens with the bottom line, speaks to readers, and keeps a saved run's draws."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from accord import cases
from accord.analysis import montecarlo
from accord.analysis.bottom_line import bottom_line
from accord.cases.outcome import Event
from accord.forecast import build_models
from accord.reports import build, html, markdown, sections
from accord.reports.content import num
from accord.scenario import Scenario
from tests.report.test_report import cli

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

MODELS = ("compromise", "median", "nash")
CLI_OR_REPO = re.compile(
    r"\baccord (run|mc|report|compare|cases|models|serve|validate)\b|--[a-z]|docs/|cases/|"
    r"\.ya?ml\b|pip install|README"
)


def test_the_bottom_line_section_shows_the_bottom_line_numbers(scenario: Scenario) -> None:
    options = build.Options(models=MODELS, draws=40, charts=False)
    report = build.build(scenario, options)
    assert report.sections[0].id == "bottom-line"
    text, _ = markdown.render(report)
    part = text[text.index("## The bottom line") : text.index("## Will they settle?")]
    bl = bottom_line(scenario, build_models(list(MODELS)), draws=40, seed=0)
    for line in bl.issues:
        assert f"| {line.name} |" in part
        assert f"expected outcome {num(line.consensus)}" in part
        assert f"Why — {line.name}" in part
        for sentence in line.why:
            assert sentence.split(" (")[0] in part


def test_the_first_screen_is_the_answer(scenario: Scenario) -> None:
    page = html.render(build.build(scenario, build.Options(models=MODELS, draws=30)))
    first = page.index('<section id="bottom-line">')
    assert first < page.index('<section id="settle">') < page.index('class="appendix"')
    assert 'id="fig-bottom-line"' in page[first : page.index('<section id="settle">')]
    assert "@media print" in page and "break-before: page" in page


@pytest.mark.parametrize("case", ["syria-2015-vienna"])
def test_a_report_names_no_command_file_or_repository(case: str) -> None:
    options = build.Options(models=("compromise", "nash"), draws=20, charts=False, actor="usa")
    text, _ = markdown.render(build.build_case(case, options))
    found = [m.group(0) for m in CLI_OR_REPO.finditer(text)]
    assert not found, found


def test_events_after_the_coded_date_are_set_apart() -> None:
    report = cases.report_case("syria-2015-vienna", ["compromise"], seed=0, draws=1)
    out = report.outcome
    section = sections.outcome_section(report, deal_rows=False)
    table = next(
        b
        for b in section.blocks
        if getattr(b, "columns", ()) == ("Date", "What happened", "Source")
    )
    dates = [date.fromisoformat(row[0]) for row in table.rows]
    assert dates and max(dates) <= out.as_of
    later = [e for e in out.events if e.date > out.as_of]
    assert later  # the case lists Assad's fall in 2024, after the coded window
    note = next(b for b in section.blocks if getattr(b, "text", "").startswith("Later, after"))
    assert all(e.date.isoformat() in note.text for e in later)
    assert isinstance(later[0], Event)


def test_a_saved_monte_carlo_run_keeps_its_own_draws(scenario: Scenario, tmp_path: Path) -> None:
    store = pytest.importorskip("accord.store")
    model = build_models(["compromise"])[0]
    mc = montecarlo.run(scenario, model, draws=90, seed=4)
    run_id = store.save_run("mc", mc.to_dict(), scenario=scenario, store=tmp_path / "runs.db")
    assert run_id is not None
    out = tmp_path / "mc.md"
    cli("report", run_id, "-o", str(out), "--no-charts", "--store", str(tmp_path / "runs.db"))
    md = out.read_text()
    assert "- **Random draws:** 90" in md  # not the default 200, and never fewer
    assert "Monte Carlo of the saved run: 'compromise' on 90 draws" in md
    for s in mc.summaries:  # the stored numbers, as stored
        assert f"| {s.name} | {num(s.mean)} | {num(s.median)} |" in md
