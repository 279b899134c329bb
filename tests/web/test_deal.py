"""Will they settle, on the web: the API's deal fields, their limits, and the pages that show them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from accord import cases, models
from accord.web import views
from tests.conftest import CliRunner

CASE = "syria-2015-vienna"


def wait_job(client: TestClient, job_id: str) -> dict[str, Any]:
    client.app.state.accord.jobs.wait(job_id, timeout=60)  # type: ignore[attr-defined]
    return dict(client.get(f"/api/jobs/{job_id}").json())


def test_forecast_with_deal_matches_the_cli(
    client: TestClient,
    run_cli: CliRunner,
    vienna_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_STORE", "off")
    body = {"case": CASE, "models": ["nash", "median"], "seed": 4, "deal": True, "draws": 40}
    response = client.post("/api/forecast", json=body)
    assert response.status_code == 200
    payload = response.json()
    code, out, _ = run_cli(
        "run", str(vienna_path), "-m", "nash", "-m", "median", "--seed", "4", "--deal",
        "--draws", "40", "--json",
    )  # fmt: skip
    assert code == 0
    assert payload["forecast"] == json.loads(out)
    deal = payload["forecast"]["deal"]
    assert deal["provenance"]["draws"] == 40 and deal["provenance"]["tracks"] is None
    assert [z["issues"] for z in deal["zones"]] == [[i] for i in deal["scenario"]["issues"]]
    assert {f["model"] for f in deal["forecasts"]} == {"nash", "median"}
    saved = client.get(f"/api/runs/{payload['run_id']}").json()
    assert saved["results"]["deal"] == deal


def test_forecast_without_deal_has_no_deal_key(client: TestClient) -> None:
    payload = client.post("/api/forecast", json={"case": CASE, "models": ["median"]}).json()
    assert "deal" not in payload["forecast"]


def test_linked_issues_make_one_package(client: TestClient) -> None:
    body = {"case": CASE, "models": ["median"], "deal": True, "draws": 5, "linked": True}
    deal = client.post("/api/forecast", json={**body, "save": False}).json()["forecast"]["deal"]
    issues = deal["scenario"]["issues"]
    assert [z["issues"] for z in deal["zones"]] == [issues]
    assert deal["provenance"]["tracks"] == [issues]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"deal": True, "draws": -5}, "request: draws: Input should be greater than or equal to 0"),
        ({"deal": True, "draws": "many"}, "request: draws: Input should be a valid integer"),
        ({"deal": True, "draws": 2.5}, "request: draws: Input should be a valid integer"),
        ({"deal": True, "draws": True}, "request: draws: Input should be a valid integer"),
        ({"deal": True, "draws": 1001}, "--draws must be at most 1,000 here"),
        ({"bottom_line": False, "draws": 10}, "request: 'draws' needs 'bottom_line' or 'deal'"),
        ({"bottom_line": False, "linked": True}, "request: 'linked' needs 'bottom_line' or 'deal'"),
        ({"bottom_line": False, "spread": 0.1}, "request: 'spread' needs 'bottom_line' or 'deal'"),
        ({"deal": "yes please"}, "request: deal: Input should be a valid boolean"),
    ],
)
def test_forecast_deal_fields_are_checked(
    make_client: Any, body: dict[str, Any], detail: str
) -> None:
    client = make_client(max_draws=1000)
    response = client.post("/api/forecast", json={"case": CASE, "models": ["median"], **body})
    assert response.status_code == 422
    got = response.json()["detail"]
    assert got.startswith(detail) and "\n" not in got


def test_default_deal_draws_stay_within_the_limit(make_client: Any) -> None:
    client = make_client(max_draws=30)
    body = {"case": CASE, "models": ["median"], "deal": True, "save": False}
    deal = client.post("/api/forecast", json=body).json()["forecast"]["deal"]
    assert deal["provenance"]["draws"] == 30


def test_compare_on_draws_returns_the_deal_columns_and_warnings(client: TestClient) -> None:
    body = {"case": CASE, "pick": ["us-russia-first", "isis-separate-track"], "draws": 25}
    payload = client.post("/api/compare", json=body).json()
    cmp = payload["comparison"]
    # the default: the consensus of every registered model, as accord compare
    assert cmp["model"] == "consensus" and cmp["draws"] == 25
    assert cmp["params"]["models"] == models.names()
    row = next(r for r in cmp["table"] if r["design"] == "isis-separate-track")
    for column in ("p_deal", "settlement", "expected", "expected_low", "expected_high", "delta"):
        assert column in row
    assert {"delta_noise", "p_deal_delta", "p_deal_noise", "stable", "spoiler_risk"} <= set(row)
    assert isinstance(cmp["warnings"], list)
    staged = client.post(
        "/api/compare", json={**body, "model": "compromise", "save": False}
    ).json()["comparison"]
    assert any(w["design"] == "us-russia-first" for w in staged["warnings"])
    coded = client.post("/api/compare", json={**body, "draws": None, "save": False}).json()
    assert coded["comparison"]["draws"] == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"draws": 0}, "request: draws: Input should be greater than or equal to 1"),
        ({"draws": "x"}, "request: draws: Input should be a valid integer"),
        ({"draws": 1001}, "--draws must be at most 1,000 here"),
        ({"spread": 0.2}, "request: 'spread' needs 'draws'"),
        ({"draws": 5, "bloc_correlation": 1}, "--bloc-correlation must lie in [0, 1), got 1"),
    ],
)
def test_compare_draws_are_checked(make_client: Any, body: dict[str, Any], detail: str) -> None:
    client = make_client(max_draws=1000)
    response = client.post("/api/compare", json={"case": CASE, **body})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


def test_compare_on_draws_needs_something_uncertain(
    client: TestClient, vienna: dict[str, Any]
) -> None:
    plain = json.loads(json.dumps(vienna))
    for st in plain["stances"]:
        for key in ("position_range", "salience_range", "reservation_range"):
            st.pop(key, None)
    for actor in plain["actors"]:
        actor.pop("capability_range", None)
    for issue in plain["issues"]:
        issue.pop("no_deal_range", None)
    designs = client.get(f"/api/cases/{CASE}").json()["designs"]
    body = {"scenario": plain, "designs": designs, "draws": 5}
    response = client.post("/api/compare", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("nothing is uncertain")


def test_monte_carlo_with_deal(client: TestClient) -> None:
    body = {"case": CASE, "model": "median", "draws": 60, "seed": 3, "deal": True}
    job = wait_job(client, client.post("/api/mc", json=body).json()["id"])
    assert job["state"] == "done"
    deals = job["result"]["mc"]["deal"]
    assert [d["issue"] for d in deals] == list(cases.load(CASE).scenario.issue_ids)
    assert all(0 <= d["p_deal"] <= 1 and "expected" in d for d in deals)
    assert job["result"]["mc"]["provenance"]["deal"] is True
    page = client.get(f"/runs/{job['result']['run_id']}")
    assert 'id="mc-deal-table"' in page.text and "Blocked most often by" in page.text
    plain = wait_job(client, client.post("/api/mc", json={**body, "deal": False}).json()["id"])
    assert "deal" not in plain["result"]["mc"]
    bad = client.post("/api/mc", json={"case": CASE, "linked": True})
    assert bad.status_code == 422 and bad.json()["detail"] == "request: 'linked' needs 'deal': true"


def test_run_pages_show_the_deal_tables(client: TestClient) -> None:
    body = {"case": CASE, "models": ["median", "nash"], "deal": True, "draws": 20}
    payload = client.post("/api/forecast", json=body).json()
    page = client.get(f"/runs/{payload['run_id']}").text
    assert 'id="deal-zones"' in page and 'id="deal-expected"' in page
    assert "Will they settle?" in page and "<th>P(deal)</th>" in page
    for c in payload["forecast"]["deal"]["concessions"]:
        assert str(escape(views.settle.concession_words(c))) in page
    cmp = client.post("/api/compare", json={"case": CASE, "model": "compromise", "draws": 10})
    page = client.get(f"/runs/{cmp.json()['run_id']}").text
    for head in ("All settle", "Stable", "Spoiler risk", "Breadth"):
        assert f">{head}</th>" in page
    assert "(noise)" in page and "warning: us-russia-first" in page


def test_deal_tables_read_a_record() -> None:
    record = {
        "scenario": {"issues": ["x"]},
        "provenance": {"draws": 10, "uncertain_inputs": 3},
        "zones": [
            {
                "issues": ["x"],
                "p_deal": 0.05,
                "at_coded_values": {"exists": True, "span": [[20.0, 30.0]], "holdouts": []},
            }
        ],
        "blockers": {"x": [{"actor": "a", "pivotal": 0.0, "holdout": 0.5}]},
        "concessions": [],
        "forecasts": [
            {
                "model": "m",
                "issue": "x",
                "point": 50.0,
                "p_deal": 0.05,
                "settlement": 30.0,
                "expected": 11.0,
                "no_deal": 10.0,
            }
        ],
    }
    zones, expected = views.deal_tables(record)
    assert zones["rows"] == [["x", "5.0%", "yes: x 20.0–30.0", "a (50%)"]]
    assert "10 draws of 3 uncertain inputs" in zones["caption"]
    assert expected["rows"] == [
        ["m", "11.0 (50.0 → 30.0)"],
        ["no deal", "10.0"],
        ["P(deal)", "5.0%"],
    ]


def test_editor_offers_the_deal_options(client: TestClient) -> None:
    text = client.get(f"/cases/{CASE}").text
    assert 'id="deal"' in text and "The bottom line: will they settle" in text
    assert 'id="deal-draws"' in text and 'id="deal-linked"' in text
    assert 'id="compare-draws"' in text and 'id="mc-deal"' in text
    assert '<option value="" selected>consensus of all models</option>' in text


def test_openapi_describes_the_new_fields(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    forecast = schemas["ForecastRequest"]["properties"]
    assert {"deal", "draws", "linked", "spread"} <= set(forecast)
    assert forecast["deal"]["default"] is False
    assert {"draws", "spread", "bloc_correlation"} <= set(schemas["CompareRequest"]["properties"])
    assert schemas["CompareRequest"]["properties"]["models"]["default"] == ["all"]
    assert forecast["bottom_line"]["default"] is True
    assert {"deal", "linked"} <= set(schemas["MonteCarloRequest"]["properties"])
