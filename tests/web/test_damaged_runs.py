"""A damaged row of the run store never takes a page down: skipped and named, or one line."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

DAMAGES = {
    "created_at": ("created_at = 'yesterday'", "created_at: 'yesterday' is not a date and time"),
    "results": ("results = '{not json'", "results: not valid JSON"),
    "params": ("params = '[1, 2]'", "params: a JSON list, not an object"),
}


def three_runs(client: TestClient) -> list[str]:
    ids = []
    for seed in range(3):
        body = {"case": "syria-2015-vienna", "models": ["median"], "seed": seed}
        response = client.post("/api/forecast", json={**body, "bottom_line": False})
        assert response.status_code == 200
        ids.append(response.json()["run_id"])
    return ids


def damage(store: Path, sql: str, *params: str) -> None:
    with sqlite3.connect(store) as conn:
        conn.execute(sql, params)


@pytest.mark.parametrize("what", DAMAGES)
def test_listings_skip_and_name_a_damaged_run(client: TestClient, store: Path, what: str) -> None:
    setting, problem = DAMAGES[what]
    good, bad, other = three_runs(client)
    damage(store, f"UPDATE runs SET {setting} WHERE id = ?", bad)
    note = f"1 damaged run skipped: {bad} ({problem})"

    home = client.get("/")
    assert home.status_code == 200
    text = html.unescape(home.text)
    assert note in text and good in text and other in text
    runs_page = client.get("/runs")
    assert runs_page.status_code == 200 and note in html.unescape(runs_page.text)
    listed = client.get("/api/runs")
    assert listed.status_code == 200
    assert {r["id"] for r in listed.json()} == {good, other}
    assert listed.headers["x-accord-damaged-runs"] == note

    detail = f"run {bad} is damaged: {problem}"
    api = client.get(f"/api/runs/{bad}")
    assert api.status_code == 422 and api.json()["detail"].endswith(detail)
    page = client.get(f"/runs/{bad}")
    assert page.status_code == 422 and detail in html.unescape(page.text)
    report = client.get(f"/api/report/{bad}")
    assert report.status_code == 422 and report.json()["detail"].endswith(detail)
    assert client.get(f"/runs/{good}").status_code == 200  # the others still open


def test_a_run_whose_results_cannot_be_shown(client: TestClient, store: Path) -> None:
    (run_id, *_) = three_runs(client)
    damage(store, "UPDATE runs SET results = '{\"results\": 3}' WHERE id = ?", run_id)
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 422
    assert "its results cannot be shown" in page.text


def test_a_store_that_cannot_be_read_at_all(make_client: Any, store: Path) -> None:
    three_runs(make_client())
    damage(store, "UPDATE meta SET value = '1.0' WHERE key = 'schema_version'")
    client = make_client()  # a server started on the damaged store
    home = client.get("/")
    assert home.status_code == 200
    text = html.unescape(home.text)
    assert "The run store cannot be read" in text and "schema_version '1.0'" in text
    assert "syria-2015-vienna" in text  # the rest of the page works
    runs_page = client.get("/runs")
    assert runs_page.status_code == 200 and "schema_version" in runs_page.text
    listed = client.get("/api/runs")
    assert listed.status_code == 503
    assert "schema_version '1.0', not a whole number" in listed.json()["detail"]
