"""Drive the web app in Debian's Chromium: edit a salience, run, see the forecast move, download.

Set ``ACCORD_SCREENSHOTS=docs/screenshots`` to also save screenshots of the main pages there.
The editor's own features (new scenarios, renames, ranges, problems, export, reloads, charts,
cancel) are driven in ``test_editor_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.web.chromium import MARKS, SHOTS, ready, shot

pytestmark = MARKS


def forecast_cell(page: Any, model: str, issue: str) -> str:
    value = page.get_attribute(f"#fc-{model}-{issue}", "data-value")
    assert value is not None
    return str(value)


def test_edit_a_salience_run_and_download_the_report(
    browser_page: tuple[Any, list[str]], server: str, tmp_path: Path
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/")
    page.click("text=syria-2015-vienna")
    ready(page)
    assert "Vienna" in page.inner_text("#scenario-title")

    page.click("#run-forecast")
    page.wait_for_selector("#fc-compromise-assad")
    before = forecast_cell(page, "compromise", "assad")

    salience = "input[data-field='salience'][data-actor='usa'][data-issue='assad']"
    assert page.input_value(salience) == "75"
    page.fill(salience, "60")
    assert "edited" in (page.get_attribute(salience, "class") or "")
    page.click("#run-forecast")
    page.wait_for_function(
        "old => document.querySelector('#fc-compromise-assad').dataset.value !== old", arg=before
    )
    after = forecast_cell(page, "compromise", "assad")
    assert float(after) < float(before)  # the US cares less about Assad: less pull toward removal
    assert page.inner_text("#fc-compromise-assad .delta").startswith("-")
    page.click("#run-mc")
    page.wait_for_selector("#mc-table")
    assert page.get_attribute("#mc-progress", "value") == "1"
    page.click("#run-compare")
    page.wait_for_selector("#compare-table")
    if SHOTS:  # the edited table
        page.locator("#actors-section").evaluate("s => s.scrollIntoView({block: 'start'})")
        shot(page, "web-editor.png", full=False)

    with page.expect_download() as download_info:
        page.click("#forecast-result .report-link")
    download = download_info.value
    assert re.fullmatch(
        r"accord-report-r-\d{8}-\d{6}-[0-9a-f]{6}\.html", download.suggested_filename
    )
    report = Path(download.path()).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "</html>" in report
    assert f">{after}<" in report  # the edited forecast, in the report's forecast table
    assert "Vienna" in report and "<svg" in report

    page.fill(salience, "140")
    page.click("#run-forecast")
    page.wait_for_selector("#message:not([hidden])")
    message = page.inner_text("#message")
    assert message == "scenario: stances[0] (usa on assad).salience: salience 140 is outside 0-100"

    page.click("#forecast-result .run-link")
    page.wait_for_selector("iframe.report")
    frame = page.frame_locator("iframe.report")
    frame.locator("h1").wait_for()
    assert after in page.inner_text("#run-results table.result")
    assert page.locator("#bottom-line #bottom-line-table tbody tr").count() == 4  # first, per issue
    marks = page.locator("#run-charts svg circle.mark")  # the run page's own chart
    assert marks.count() == 8 * 4  # every model on every issue
    assert (
        page.get_attribute(
            "#run-charts circle[data-model='compromise'][data-issue='assad']", "data-value"
        )
        == after
    )
    shot(page, "web-run.png", full=False)
    if SHOTS:  # the run's own chart, then the report's charts inside the run page
        page.locator("#run-charts-section").evaluate("s => s.scrollIntoView({block: 'start'})")
        shot(page, "web-run-charts.png", full=False)
        page.locator("iframe.report").evaluate("f => f.scrollIntoView({block: 'start'})")
        frame.locator("figure").first.evaluate("f => f.scrollIntoView({block: 'start'})")
        shot(page, "web-run-report.png", full=False)
    assert elsewhere == []


def test_upload_a_file_and_see_its_error(
    browser_page: tuple[Any, list[str]], server: str, tmp_path: Path, vienna_path: Path
) -> None:
    page, elsewhere = browser_page
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        vienna_path.read_text(encoding="utf-8").replace("salience: 75\n", "salience: 140\n", 1),
        encoding="utf-8",
    )
    page.goto(f"{server}/")
    page.set_input_files("input[name='file']", str(bad))
    page.click("form.upload button")
    page.wait_for_selector("#upload-error")
    assert "bad.yaml: line " in page.inner_text("#upload-error")
    assert "salience 140 is outside 0-100" in page.inner_text("#upload-error")
    shot(page, "web-upload-error.png", full=False)
    page.set_input_files("input[name='file']", str(vienna_path))
    page.click("form.upload button")
    ready(page)
    assert page.locator("#stances tbody tr").count() == 17
    assert page.is_visible("#no-designs")

    designs = vienna_path.with_name("syria-2015-vienna.designs.yaml")  # pick designs from a file
    page.set_input_files("#designs-file", str(designs))
    page.wait_for_selector("input[name='design'][value='us-russia-first']")
    page.uncheck("input[name='design'][value='arms-race']")
    page.click("#run-compare")
    page.wait_for_selector("#compare-table")
    rows = page.locator("#compare-table tbody th").all_inner_texts()
    assert rows[:2] == ["baseline", "us-russia-first"] and "arms-race" not in rows
    assert elsewhere == []


def test_will_they_settle_in_the_editor(browser_page: tuple[Any, list[str]], server: str) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    for box in page.locator("input[name='model']").all():
        if box.get_attribute("value") not in ("median", "nash"):
            box.uncheck()
    page.check("#deal")
    page.fill("#deal-draws", "40")
    page.click("#run-forecast")
    page.wait_for_selector("#deal-zones")
    assert page.locator("#deal-zones tbody tr").count() == 4  # one row per issue
    assert page.locator("#deal-expected tbody tr").count() == 4  # 2 models, no deal, P(deal)
    expected = page.get_attribute("#deal-nash-assad", "data-value")
    assert expected is not None and expected != "–"
    assert "%" in page.inner_text("#deal-zones tbody tr:first-child .p-deal")

    page.fill("#compare-draws", "20")
    page.click("#run-compare")
    page.wait_for_selector("#compare-table")
    head = page.locator("#compare-table thead th").all_inner_texts()
    assert head[-4:] == ["All settle", "Stable", "Spoiler risk", "Breadth"]
    assert "P " in page.inner_text("#compare-table tbody tr:first-child td")

    page.select_option("#mc-model", "median")
    page.fill("#mc-draws", "100")
    page.check("#mc-deal")
    page.click("#run-mc")
    page.wait_for_selector("#mc-deal-table")
    assert page.locator("#mc-deal-table tbody tr").count() == 4
    shot(page, "web-deal.png", element="#forecast-result")
    assert elsewhere == []
