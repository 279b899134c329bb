"""Drive the scenario editor in Chromium: from scratch to an export, renames, ranges, problems,
reloads, charts on every result and a cancelled Monte Carlo.

Set ``ACCORD_SCREENSHOTS=docs/screenshots`` to also save the editor's screenshots there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.web.chromium import MARKS, SHOTS, ready, shot, state_of

pytestmark = MARKS

Page = Any


def set_id(page: Page, bind: str, value: str) -> None:
    """Type a new id and leave the cell (an id is renamed when the cell is left)."""
    field = page.locator(f"input[data-bind='{bind}']")
    field.fill(value)
    field.press("Tab")


def cell(page: Page, field: str, actor: str, issue: str | None = None) -> Any:
    where = f"[data-field='{field}'][data-actor='{actor}']"
    return page.locator(f"input{where}" + (f"[data-issue='{issue}']" if issue else ""))


def range_of(page: Page, field: Any) -> tuple[Any, Any]:
    """Return the low and high inputs of the range that goes with a value's input."""
    bind = str(field.get_attribute("data-bind"))
    path = bind.rsplit(".", 1)
    base = f"{path[0]}.{path[1]}_range"
    return page.locator(f"input[data-bind='{base}.0']"), page.locator(
        f"input[data-bind='{base}.1']"
    )


def no_problems(page: Page) -> None:
    page.wait_for_selector("#problems.ok")


def only_models(page: Page, *keep: str) -> None:
    for box in page.locator("input[name='model']").all():
        if box.get_attribute("value") not in keep:
            box.uncheck()


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_build_run_compare_and_export_a_new_scenario(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/")
    shot(page, "web-home.png")
    page.fill("#new-title", "Border talks")
    page.fill("#new-date", "2024-05-01")
    page.click("#new-scenario button")
    ready(page)
    assert "a scenario needs at least two actors" in page.inner_text("#problems")
    assert page.locator("#stances tbody tr").count() == 1

    # two issues: the first renamed and put on a 0-10 km scale with two anchors
    set_id(page, "issues.0.id", "border")
    page.fill("input[data-bind='issues.0.name']", "Where the border runs")
    page.fill("input[data-bind='issues.0.scale.max']", "10")
    page.fill("input[data-bind='issues.0.scale.unit']", "km")
    page.fill("input[data-bind='issues.0.status_quo']", "5")
    for label in ("the old line", "the river"):
        page.click("[data-action='add-anchor'][data-index='0']")
        page.locator("input.anchor-label").last.fill(label)
    page.click("#add-issue")
    set_id(page, "issues.1.id", "trade")
    page.fill("input[data-bind='issues.1.name']", "Tariffs")

    # four actors: the first renamed, three added and renamed
    set_id(page, "actors.0.id", "north")
    for _ in range(3):
        page.click("#add-actor")
    for k, name in enumerate(("south", "east", "west"), start=1):
        set_id(page, f"actors.{k}.id", name)
    numbers = {  # capability, border position and salience, trade position and salience
        "north": ("60", "8", "70", "20", "40"),
        "south": ("40", "2", "90", "70", "35.5"),
        "east": ("25", "5", "10", "90", "60"),
        "west": ("10", "4", "50", "50", "20"),
    }
    for actor, (cap, bpos, bsal, tpos, tsal) in numbers.items():
        page.fill(f"input[data-bind='actors.{list(numbers).index(actor)}.name']", actor.title())
        cell(page, "capability", actor).fill(cap)
        cell(page, "position", actor, "border").fill(bpos)
        cell(page, "salience", actor, "border").fill(bsal)
        cell(page, "position", actor, "trade").fill(tpos)
        cell(page, "salience", actor, "trade").fill(tsal)
    page.fill("input[data-bind='actors.1.bloc']", "coast")
    page.fill("input[data-bind='actors.2.bloc']", "coast")

    # a range, then a value outside it: the range widens, with a note
    north = cell(page, "position", "north", "border")
    low, high = range_of(page, north)
    low.fill("6")
    high.fill("9")
    north.fill("9.5")
    north.press("Tab")
    note = page.locator("[data-loc='stances.0.position'] .widened")
    assert note.inner_text() == "range widened to [6, 9.5] to include 9.5"
    assert (low.input_value(), high.input_value()) == ("6", "9.5")

    # only north and south must consent to a border deal
    page.check("input[name='consent-0'][value='list']")
    page.uncheck("input[data-list='consent'][data-index='0'][value='east']")
    page.uncheck("input[data-list='consent'][data-index='0'][value='west']")
    no_problems(page)
    shot(page, "web-new.png", element="#editor")

    # run it: one dot per model and issue, on the issue's scale with its anchors
    only_models(page, "median", "nash")
    page.click("#run-forecast")
    page.wait_for_selector("#forecast-chart")
    assert page.locator("#forecast-chart circle.mark").count() == 2 * 2
    anchors = page.locator("#forecast-chart g.anchor").all()
    assert [a.get_attribute("data-value") for a in anchors][:2] == ["0", "10"]

    # two designs made in the editor, compared with the baseline on the same draws
    for design, forum in (
        ("pair-first", ("north", "south")),
        ("trio-first", ("north", "south", "east")),
    ):
        page.fill("#new-design-id", design)
        for actor in forum:
            page.check(f"#forum-choice input[value='{actor}']")
        page.click("#add-design")
        page.wait_for_selector(f"input[name='design'][value='{design}']")
        for actor in forum:
            page.uncheck(f"#forum-choice input[value='{actor}']")
    page.fill("#compare-draws", "30")
    page.click("#run-compare")
    page.wait_for_selector("#compare-table")
    rows = page.locator("#compare-table tbody th").all_inner_texts()
    assert rows == ["baseline", "pair-first", "trio-first"]
    assert page.locator("#compare-chart circle.mark").count() == 3 * 2
    assert page.locator("#compare-chart line.interval").count() == 3 * 2
    assert page.locator("#compare-legend dd[data-term='breadth']").is_visible()
    shot(page, "web-new-designs.png", element="#designs-panel")

    # export YAML with accord's writer; uploading it again gives the same scenario
    hash_shown = page.get_attribute("#scenario-hash", "data-hash")
    with page.expect_download() as info:
        page.click("#export-yaml")
    download = info.value
    assert download.suggested_filename == "border_talks.yaml"
    text = Path(download.path()).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["title"] == "Border talks" and str(data["date"]) == "2024-05-01"
    assert [a["id"] for a in data["actors"]] == ["north", "south", "east", "west"]
    assert [a.get("bloc") for a in data["actors"]] == [None, "coast", "coast", None]
    border = data["issues"][0]
    assert (border["id"], border["scale"]["max"], border["scale"]["unit"]) == ("border", 10, "km")
    assert border["consent"] == ["north", "south"] and border["status_quo"] == 5
    assert border["anchors"] == {0: "the old line", 10: "the river"}
    assert data["stances"]["border"]["north"]["position"] == 9.5
    assert data["stances"]["border"]["north"]["position_range"] == [6, 9.5]
    assert data["stances"]["trade"]["south"]["salience"] == 0.355
    upload = httpx.post(f"{server}/api/scenarios/upload", files={"file": ("b.yaml", text.encode())})
    assert upload.json()["summary"]["hash"] == hash_shown
    assert "uploading it again gives the same scenario" in page.inner_text("#export-note")

    # a reload brings back the scenario and the designs, from the address
    page.reload()
    ready(page)
    assert page.locator("#stances tbody tr").count() == 4
    assert cell(page, "position", "north", "border").input_value() == "9.5"
    designs = page.locator("input[name='design']").all()
    assert [d.get_attribute("value") for d in designs] == ["pair-first", "trio-first"]
    assert page.get_attribute("#scenario-hash", "data-hash") == hash_shown
    assert elsewhere == []


def test_renames_and_removals_reach_every_reference(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    set_id(page, "actors.0.id", "us")
    state = state_of(page)
    s = state["scenario"]
    assert s["actors"][0]["id"] == "us"
    assert sum(st["actor"] == "us" for st in s["stances"]) == 4
    assert "usa" not in strings_in(s["stances"]) + strings_in(s["issues"])
    assert "us" in s["issues"][0]["consent"]
    assert "usa" not in strings_in(state["designs"]) and "us" in strings_in(state["designs"])
    assert cell(page, "salience", "us", "assad").input_value() == "75"
    assert page.is_checked("input[data-list='consent'][data-index='0'][value='us']")

    page.click("tr[data-actor='kurds'] [data-action='remove-actor']")
    state = state_of(page)
    assert page.locator("#stances tbody tr").count() == 16
    assert "kurds" not in strings_in(state["scenario"]["stances"]) + strings_in(state["designs"])
    assert "kurds" not in strings_in(state["scenario"]["issues"])

    page.click("details.issue-card[data-issue='assad'] > summary")
    set_id(page, "issues.0.id", "transition")
    state = state_of(page)
    assert {st["issue"] for st in state["scenario"]["stances"]} == {
        "transition",
        "territory",
        "ceasefire",
        "counter_isis",
    }
    assert "assad" not in strings_in(state["designs"])  # tracks and agendas follow the rename
    assert "transition" in strings_in(state["designs"])
    assert page.locator("#stances thead th.issue").first.inner_text() == "transition"

    set_id(page, "actors.1.id", "Russia Fed")  # not an id: kept as typed, not applied, named
    problem = page.locator("tr[data-actor='russia'] .problem").first
    problem.wait_for()
    assert problem.inner_text().startswith("'Russia Fed' is not a valid id")
    assert state_of(page)["scenario"]["actors"][1]["id"] == "russia"
    assert state_of(page)["pending"] == {"actors.1.id": "Russia Fed"}
    set_id(page, "actors.1.id", "iran")
    page.wait_for_selector("tr[data-actor='russia'] .problem:text('duplicate actor id')")
    set_id(page, "actors.1.id", "russia")
    no_problems(page)
    assert state_of(page)["pending"] == {}
    no_problems(page)
    only_models(page, "median")
    page.click("#run-forecast")  # the renamed scenario runs
    page.wait_for_selector("#fc-median-transition")
    assert elsewhere == []


def test_ranges_widen_and_every_problem_is_shown_at_its_cell(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    capability = cell(page, "capability", "usa")
    low, high = range_of(page, capability)
    assert (capability.input_value(), low.input_value(), high.input_value()) == ("95", "85", "100")
    capability.fill("60")
    note = page.locator("[data-loc='actors.0.capability'] .widened")
    assert note.inner_text() == "range widened to [60, 100] to include 60"
    assert low.input_value() == "60"
    capability.fill("90")  # back inside the range it had: the range is as it was
    assert low.input_value() == "85" and note.count() == 0
    capability.fill("60")
    capability.press("Tab")
    no_problems(page)  # widened instead of refused
    assert state_of(page)["scenario"]["actors"][0]["capability_range"] == [60, 100]

    salience = cell(page, "salience", "usa", "assad")
    salience.fill("140")
    local = page.locator("[data-loc='stances.0.salience'] .problem")
    assert local.first.inner_text() == "salience 140 is outside 0-100"  # at once, in the browser
    cell(page, "position", "russia", "territory").fill("abc")
    page.click("details.issue-card[data-issue='ceasefire'] > summary")
    page.fill("input[data-bind='issues.2.scale.max']", "-5")
    cell(page, "capability", "iran").fill("-3")
    page.wait_for_selector("#problem-list li >> nth=3")
    lines = page.locator("#problem-list li").all_inner_texts()
    assert len(lines) == 4
    expected = {
        "stances[0] (usa on assad).salience: salience 140 is outside 0-100",
        "stances[18] (russia on territory).position: expected a number, got 'abc'",
        "issues[2] (ceasefire).scale: scale max -5 must be greater than min 0",
        "actors[2] (iran).capability: -3: Input should be greater than or equal to 0",
    }
    assert {line.removeprefix("scenario: ") for line in lines} == expected
    assert page.locator("[data-loc='stances.18.position'] .problem").inner_text() == (
        "expected a number, got 'abc'"
    )
    assert "scale max -5" in page.inner_text("details.issue-card[data-issue='ceasefire'] .problem")
    assert page.locator("[data-loc='actors.2.capability'] .problem").is_visible()
    assert "bad" in (salience.get_attribute("class") or "")
    if SHOTS:  # the list at the top, and the table below it
        page.click("details.issue-card[data-issue='ceasefire'] > summary")
        page.locator("#problems").evaluate("p => p.scrollIntoView({block: 'start'})")
        shot(page, "web-problems.png", full=False)
        page.click("details.issue-card[data-issue='ceasefire'] > summary")
    page.locator("#problem-list button").nth(1).click()  # a problem's line leads to its cell
    assert page.evaluate("document.activeElement.dataset.bind") in {
        "stances.18.position",
        "issues.2.scale.min",
        "actors.2.capability",
        "stances.0.salience",
    }
    page.click("#run-forecast")  # a run is refused with the command line's words
    page.wait_for_selector("#message:not([hidden])")
    assert page.inner_text("#message").startswith("scenario: ")
    for field, value in ((salience, "75"), (cell(page, "position", "russia", "territory"), "15")):
        field.fill(value)
    page.fill("input[data-bind='issues.2.scale.max']", "100")
    cell(page, "capability", "iran").fill("70")
    no_problems(page)
    assert page.locator("#editor .problem").count() == 0
    assert elsewhere == []


def test_edits_survive_a_reload_after_a_case_an_upload_and_a_new_scenario(
    browser_page: tuple[Page, list[str]], server: str, vienna_path: Path
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    cell(page, "salience", "usa", "assad").fill("60")
    page.fill("input[data-bind='title']", "Vienna, as I see it")
    page.reload()
    ready(page)
    salience = cell(page, "salience", "usa", "assad")
    assert salience.input_value() == "60" and "edited" in (salience.get_attribute("class") or "")
    assert page.inner_text("#scenario-title") == "Vienna, as I see it"
    page.click("#reset")  # back to the case
    assert salience.input_value() == "75"

    page.goto(f"{server}/")
    page.set_input_files("#upload input[name='file']", str(vienna_path))
    page.click("#upload button")
    ready(page)
    assert page.evaluate("location.pathname") == "/edit"  # a reload opens it, without posting
    assert page.locator("#stances tbody tr").count() == 17
    cell(page, "position", "iran", "ceasefire").fill("33")
    page.reload()
    ready(page)
    assert cell(page, "position", "iran", "ceasefire").input_value() == "33"
    assert "uploaded file syria-2015-vienna.yaml" in page.inner_text("#scenario-origin")

    page.goto(f"{server}/edit?title=Scratch")
    ready(page)
    page.click("#add-actor")
    set_id(page, "actors.1.id", "second")
    page.reload()
    ready(page)
    assert [page.input_value(f"input[data-bind='actors.{k}.id']") for k in (0, 1)] == [
        "actor_1",
        "second",
    ]
    no_problems(page)
    assert elsewhere == []


def test_every_result_has_its_chart_and_its_explanations(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    only_models(page, "median", "nash")
    page.check("#deal")
    page.fill("#deal-draws", "40")
    page.click("#run-forecast")
    page.wait_for_selector("#forecast-chart")
    assert page.locator("#forecast-chart circle.mark").count() == 2 * 4
    assert page.locator("#forecast-chart .mark-expected").count() == 2 * 4
    assert page.locator("#forecast-chart g.anchor").count() == 5 * 4
    value = page.get_attribute("#fc-nash-assad", "data-value")
    dot = "#forecast-chart circle[data-model='nash'][data-issue='assad']"
    assert page.get_attribute(dot, "data-value") == value
    blockers = page.locator("#deal-zones-legend dd[data-term='blockers']")
    assert blockers.is_visible() and "pivotal" in blockers.inner_text()
    # the bottom line comes first: one consensus mark per issue, each model alone per issue
    first = page.locator("#forecast-result > section").first
    assert first.get_attribute("id") == "bottom-line"
    assert page.locator("#bottom-line-chart circle.mark").count() == 4
    assert page.locator("#bottom-line-chart circle.mark-own").count() == 2 * 4
    assert page.locator("#bottom-line-table tbody tr").count() == 4
    for term in ("consensus", "input_uncertainty", "model_range", "drivers"):
        assert page.locator(f"#bottom-line-legend dd[data-term='{term}']").is_visible(), term
    assert page.locator("#bottom-line .why li").count() >= 4
    shot(page, "web-bottom-line.png", element="#bottom-line")

    page.select_option("#mc-model", "median")
    page.fill("#mc-draws", "200")
    page.check("#mc-deal")
    page.click("#run-mc")
    page.wait_for_selector("#mc-chart")
    assert page.locator("#mc-chart rect.bar").count() == 20 * 4
    assert page.locator("#mc-chart rect.bar-deal").count() == 20 * 4
    assert page.locator("#mc-legend dd[data-term='interval95']").is_visible()

    page.select_option("#compare-model", "median")  # one model: quick (the default is all)
    page.fill("#compare-draws", "20")
    page.click("#run-compare")
    page.wait_for_selector("#compare-chart")
    designs = page.locator("#compare-table tbody tr").count()
    assert page.locator("#compare-chart circle.mark").count() == designs * 4
    assert page.locator("#compare-chart line.interval").count() == designs * 4
    for term in ("spoiler_risk", "stable", "breadth", "tolerance", "noise", "delta"):
        assert page.locator(f"#compare-legend dd[data-term='{term}']").is_visible(), term
    shot(page, "web-charts.png", element="#mc-result")

    links = {
        kind: page.get_attribute(f"#{kind}-result .run-link", "href")
        for kind in ("forecast", "mc", "compare")
    }
    expected = {
        "forecast": ("circle.mark", 2 * 4),
        "mc": ("rect.bar", 20 * 4),
        "compare": ("circle.mark", designs * 4),
    }
    for kind, href in links.items():
        page.goto(f"{server}{href}")
        page.wait_for_selector("#run-charts svg")
        mark, count = expected[kind]
        assert page.locator(f"#run-charts svg {mark}").count() == count, kind
        assert page.locator("#run-results dl.legend").first.is_visible()
        if kind == "forecast":  # the saved run's page opens with its bottom line
            assert (
                page.locator("#run-sections > section").first.get_attribute("id") == "bottom-line"
            )
            assert page.locator("#bottom-line-chart circle.mark").count() == 4
        if kind == "compare":
            assert "Spoiler risk" in page.inner_text("#run-results dl.legend")
    page.go_back()
    page.go_back()
    page.go_back()
    ready(page)  # the editor comes back from its address
    assert page.locator("#stances tbody tr").count() == 17
    assert elsewhere == []


def test_a_long_monte_carlo_can_be_cancelled(
    browser_page: tuple[Page, list[str]], server: str
) -> None:
    page, elsewhere = browser_page
    page.goto(f"{server}/cases/syria-2015-vienna")
    ready(page)
    page.select_option("#mc-model", "bdm")
    page.fill("#mc-draws", "40000")
    page.click("#run-mc")
    page.wait_for_selector("#cancel-mc:not([hidden])")
    page.wait_for_function(
        "() => document.querySelector('#mc-progress-text').textContent.startsWith('running')"
    )
    # how far it is and how long it should still take, next to the bar and the cancel button
    running = page.inner_text("#mc-progress-text")
    assert re.fullmatch(
        r"running — \d+% — (about \d+ (s|min) left|nearly done) \([\d,]+ of 40,000 draws\)",
        running,
    ), running
    page.click("#cancel-mc")
    page.wait_for_function(
        "() => document.querySelector('#mc-progress-text').textContent.startsWith('Cancelled')"
    )
    text = page.inner_text("#mc-progress-text")
    assert text.endswith("of 40,000 draws: nothing was saved.")
    assert page.is_hidden("#cancel-mc") and page.is_enabled("#run-mc")
    saved = json.loads(httpx.get(f"{server}/api/runs", params={"kind": "mc"}).text)
    assert saved == []
    assert page.inner_text("#mc-result") == ""
    shot(page, "web-cancel.png", element="#mc-panel")

    # a comparison expected to take long runs as a job too: the same bar, estimate and cancel
    page.select_option("#compare-model", "bdm")
    page.fill("#compare-draws", "1000")
    page.click("#run-compare")
    page.wait_for_selector("#cancel-compare:not([hidden])")
    page.wait_for_function(
        "() => /^(queued|running) — .*about \\d+ (s|min)/"
        ".test(document.querySelector('#compare-progress-text').textContent)"
    )
    page.click("#cancel-compare")
    page.wait_for_function(
        "() => document.querySelector('#compare-progress-text').textContent.startsWith('Cancelled')"
    )
    assert page.inner_text("#compare-progress-text").endswith("model runs: nothing was saved.")
    assert page.is_hidden("#cancel-compare") and page.is_enabled("#run-compare")
    assert page.inner_text("#compare-result") == ""
    assert json.loads(httpx.get(f"{server}/api/runs", params={"kind": "compare"}).text) == []
    assert elsewhere == []
