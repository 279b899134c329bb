"""Drive "start from an article" in Chromium: paste, draft, review each marked value, run.

Set ``ACCORD_SCREENSHOTS=docs/screenshots`` to also save the review's screenshots there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.web.chromium import MARKS, ready, shot, state_of
from tests.web.test_editor_browser import cell, no_problems, only_models

pytestmark = MARKS

Page = Any

ARTICLE = """Russia, Iran and Syria: talks on a transition resume

Russia insists that any transition in Syria must keep Assad in power.
Moscow rejects a ceasefire that excludes its air campaign.
Iran supports the transition plan only if the government stays.
Tehran opposes a ceasefire that would freeze the front lines.
Syria's government rejects any transition that removes the president.
Damascus says the ceasefire must cover all rebels.
The Southern Front Alliance said it would watch the ceasefire closely.
"""


def box(page: Page, field: str, actor: str, issue: str | None = None) -> Any:
    """Return the cell (value, range, badge) of an input of the table."""
    where = f"[data-field='{field}'][data-actor='{actor}']" + (
        f"[data-issue='{issue}']" if issue else ""
    )
    return page.locator(f".cell:has(> input{where})")


def stance(state: dict[str, Any], actor: str, issue: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in state["scenario"]["stances"] if (s["actor"], s["issue"]) == (actor, issue)
    )
    return found


def actor_of(state: dict[str, Any], actor: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in state["scenario"]["actors"] if a["id"] == actor)
    return found


def test_draft_review_and_run(
    browser_page: tuple[Page, list[str]], server: str, tmp_path: Path
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/")
    page.fill("#article-text", ARTICLE)
    page.click("#draft-button")
    page.wait_for_url("**/edit#s=*")
    ready(page)
    page.wait_for_selector("#draft-review:not([hidden])")

    # every drafted value is marked, with its reason and sentence on hover
    for actor in ("russia", "iran", "syria"):
        assert page.locator(f"#stances tr[data-actor='{actor}']").count() == 1
        assert "draft" in (box(page, "capability", actor).get_attribute("class") or "")
    russia = box(page, "position", "russia", "transition")
    assert "draft" in (russia.get_attribute("class") or "")
    assert russia.locator(".draft-tag").inner_text().lower() == "draft"
    hover = russia.get_attribute("title") or ""
    assert "a1:2" in hover and "Russia insists that any transition" in hover, hover
    assert "cue 'insists'" in hover or "cue" in hover
    marked = page.locator("#stances .cell.draft").count()
    assert marked >= 3 * 5  # a capability per actor, a position and a salience per stance
    assert "still marked draft" in page.inner_text("#draft-count")
    first = page.inner_text("#draft-first")
    assert "unreviewed draft value: the capability of the actor syria" in first
    assert page.locator("details.issue-card.draft").count() == 2
    assert "Southern Front" in page.inner_text("#draft-candidates")
    page.evaluate("document.getElementById('actors-section').scrollIntoView()")
    shot(page, "web-draft-review.png", full=False)

    # accept one: the mark goes, the value stays
    box(page, "capability", "russia").locator("[data-draft='accept']").click()
    assert "draft" not in (box(page, "capability", "russia").get_attribute("class") or "")
    state = state_of(page)
    assert "draft" not in actor_of(state, "russia")
    assert actor_of(state, "russia")["capability"] == 1

    # edit one: typing a value accepts it
    iran = cell(page, "position", "iran", "transition")
    iran.fill("70")
    iran.press("Tab")
    assert "draft" not in (box(page, "position", "iran", "transition").get_attribute("class") or "")
    state = state_of(page)
    assert stance(state, "iran", "transition")["position"] == 70
    assert stance(state, "iran", "transition")["draft"] == ["salience"]

    # delete a value: back to the editor's default, unmarked; delete an actor: its row goes
    box(page, "salience", "syria_rebels", "ceasefire").locator("[data-draft='delete']").click()
    state = state_of(page)
    assert stance(state, "syria_rebels", "ceasefire")["salience"] == 50
    assert stance(state, "syria_rebels", "ceasefire")["draft"] == ["position"]
    wrong = [a["id"] for a in state["scenario"]["actors"]]
    victim = "nato" if "nato" in wrong else wrong[-1]
    page.click(f"#stances tr[data-actor='{victim}'] [data-action='remove-actor']")
    assert page.locator(f"#stances tr[data-actor='{victim}']").count() == 0

    # a candidate name becomes an actor (or is ignored)
    page.click(
        "#draft-candidates li[data-candidate='Southern Front Alliance'] [data-candidate-action='add']"
    )
    page.wait_for_selector("#stances tr[data-actor='southern_front_alliance']")
    assert page.locator("#draft-candidates").count() == 0
    assert actor_of(state_of(page), "southern_front_alliance")["source"].startswith("a1:8")

    # everything survives a reload
    before = state_of(page)
    page.reload()
    ready(page)
    assert state_of(page)["scenario"] == before["scenario"]
    assert "draft" not in (box(page, "capability", "russia").get_attribute("class") or "")
    assert "draft" in (box(page, "capability", "syria").get_attribute("class") or "")

    # no model runs until every mark is reviewed: the loader's words name the first
    only_models(page, "median")
    page.click("#run-forecast")
    page.wait_for_selector("#message:not([hidden])")
    message = page.inner_text("#message")
    assert message.startswith(
        "scenario: actors[0] (syria).capability: unreviewed draft value: the capability of "
        "the actor syria is still marked draft"
    ), message
    assert page.inner_text("#forecast-result") == ""

    # an exported YAML file keeps the marks that are left
    with page.expect_download() as download:
        page.click("#export-yaml")
    path = tmp_path / "draft.yaml"
    download.value.save_as(path)
    data = yaml.safe_load(path.read_text("utf-8"))
    assert next(a for a in data["actors"] if a["id"] == "syria")["draft"] == ["capability"]
    assert "draft" not in next(a for a in data["actors"] if a["id"] == "russia")

    # accept the rest, then it runs
    page.click("#accept-all")
    page.wait_for_selector("#draft-count:text('Every drafted value is reviewed.')")
    assert page.locator("#stances .cell.draft").count() == 0
    assert page.locator("details.issue-card.draft").count() == 0
    no_problems(page)
    page.click("#run-forecast")
    page.wait_for_selector("#forecast-chart")
    assert page.locator("#message").is_hidden()
    assert elsewhere == []


def test_a_file_is_read_in_the_browser_and_errors_are_shown(
    browser_page: tuple[Page, list[str]], server: str, tmp_path: Path
) -> None:
    page, _ = browser_page
    page.goto(f"{server}/")
    ready(page)
    page.click("#draft-button")  # nothing pasted: the server's words, on the page
    page.wait_for_selector("#draft-error:not([hidden])")
    assert "the article is empty" in page.inner_text("#draft-error")
    html = tmp_path / "talks.html"
    html.write_text(
        "<html><head><title>Talks</title></head><body>"
        + "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines()[2:])
        + "</body></html>",
        "utf-8",
    )
    page.set_input_files("#article-file", str(html))
    # a function, not an expression: Playwright polls an expression with eval(), which the
    # page's Content-Security-Policy (script-src 'self') rightly refuses
    page.wait_for_function("() => document.getElementById('article-text').value.includes('<p>')")
    assert page.input_value("#article-kind") == "html"
    page.click("#draft-button")
    page.wait_for_url("**/edit#s=*")
    ready(page)
    assert "draft from talks.html" in page.inner_text("#scenario-origin")
    assert page.locator("#stances .cell.draft").count() > 0
