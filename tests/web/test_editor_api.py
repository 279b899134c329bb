"""What the editor needs from the API: every problem at once, exports that round-trip, cancel."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from accord.scenario import Scenario

SCENARIO_LAYOUT = {
    "title": "Border talks",
    "date": "2024-05-01",
    "salience_scale": 100,
    "actors": [
        {"id": "north", "name": "Northland", "capability": 60, "capability_range": [50, 70]},
        {"id": "south", "name": "Southland", "capability": 40, "bloc": "coast"},
        {"id": "east", "capability": 25, "bloc": "coast"},
    ],
    "issues": [
        {
            "id": "border",
            "name": "Where the border runs",
            "scale": {"min": 0, "max": 10, "unit": "km"},
            "status_quo": 5,
            "no_deal": 4,
            "no_deal_range": [3, 6],
            "consent": ["north", "south"],
        },
        {"id": "trade", "name": "Tariffs", "quota": 0.6, "implementers": ["east"]},
    ],
    "stances": [
        {
            "actor": "north",
            "issue": "border",
            "position": 8,
            "salience": 70,
            "position_range": [6, 9],
        },
        {"actor": "south", "issue": "border", "position": 2, "salience": 90, "reservation": 4},
        {"actor": "east", "issue": "border", "position": 5, "salience": 10},
        {"actor": "north", "issue": "trade", "position": 20, "salience": 40},
        {"actor": "south", "issue": "trade", "position": 70, "salience": 35.5},
        {
            "actor": "east",
            "issue": "trade",
            "position": 90,
            "salience": 60,
            "salience_range": [50, 65],
        },
    ],
}
"""A scenario as the editor sends it: saliences on 0-100 and ranges as pairs."""


def test_problems_lists_every_problem_at_its_place(client: TestClient) -> None:
    bad = copy.deepcopy(SCENARIO_LAYOUT)
    bad["stances"][0]["salience"] = 140
    bad["stances"][3]["position"] = "left"
    bad["actors"][1]["capability"] = -5
    bad["issues"][0]["consent"] = ["north", "nobody"]
    answer = client.post("/api/scenarios/problems", json={"scenario": bad})
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] is False and body["summary"] is None
    paths = [p["path"] for p in body["problems"]]
    assert sorted(paths) == sorted(
        [
            "stances[0].salience",
            "stances[3].position",
            "actors[1].capability",
            "issues[0].consent[1]",
        ]
    )
    refused = client.post("/api/scenarios/validate", json={"scenario": bad})
    assert refused.status_code == 422
    assert body["problems"][0]["line"] == refused.json()["detail"]  # the first, as the CLI says
    by_path = {p["path"]: p for p in body["problems"]}
    assert by_path["stances[0].salience"]["message"] == "salience 140 is outside 0-100"
    assert by_path["stances[0].salience"]["loc"] == ["stances", 0, "salience"]
    assert by_path["stances[3].position"]["where"] == "stances[3] (north on trade).position"
    assert by_path["issues[0].consent[1]"]["message"] == "unknown actor 'nobody'"


def test_problems_of_a_valid_scenario_a_case_and_a_file(
    client: TestClient, vienna_path: Path
) -> None:
    fine = client.post("/api/scenarios/problems", json={"scenario": SCENARIO_LAYOUT}).json()
    assert fine["valid"] is True and fine["problems"] == []
    assert (
        fine["summary"]["actors"] == ["north", "south", "east"]
        and len(fine["summary"]["hash"]) == 64
    )
    case = client.post("/api/scenarios/problems", json={"case": "syria-2015-vienna"}).json()
    assert case["valid"] is True
    text = vienna_path.read_text(encoding="utf-8")
    text = text.replace("salience: 75\n", "salience: 140\n", 1).replace(
        "capability: 95\n", "capability: lots\n", 1
    )
    from_file = client.post("/api/scenarios/problems", json={"text": text, "filename": "v.yaml"})
    lines = [p["line"] for p in from_file.json()["problems"]]
    assert len(lines) == 2 and all(line.startswith("v.yaml: line ") for line in lines)
    broken = client.post("/api/scenarios/problems", json={"text": "title: [", "filename": "b.yaml"})
    (only,) = broken.json()["problems"]
    assert only["loc"] == [] and only["line"].startswith("b.yaml: line 1")


def _upload_hash(client: TestClient, name: str, data: bytes) -> str:
    response = client.post("/api/scenarios/upload", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    return str(response.json()["summary"]["hash"])


def test_yaml_export_round_trips(client: TestClient) -> None:
    checked = client.post("/api/scenarios/validate", json={"scenario": SCENARIO_LAYOUT}).json()
    exported = client.post("/api/scenarios/export", json={"scenario": SCENARIO_LAYOUT})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert exported.headers["content-disposition"] == 'attachment; filename="border_talks.yaml"'
    assert exported.headers["x-accord-round-trip"] == "exact"
    assert exported.headers["x-accord-scenario-hash"] == checked["summary"]["hash"]
    assert "title: Border talks" in exported.text and "salience: 0.355" in exported.text
    assert _upload_hash(client, "border_talks.yaml", exported.content) == checked["summary"]["hash"]


def test_csv_export_round_trips_what_a_table_holds(client: TestClient) -> None:
    checked = client.post("/api/scenarios/validate", json={"scenario": SCENARIO_LAYOUT}).json()
    exported = client.post("/api/scenarios/export", json={"scenario": SCENARIO_LAYOUT, "to": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["x-accord-round-trip"] == "exact"
    assert "# scale border: 0 10 km" in exported.text
    assert exported.text.splitlines()[-3].startswith("north,Northland,")
    assert _upload_hash(client, "border_talks.csv", exported.content) == checked["summary"]["hash"]
    vienna = client.post("/api/scenarios/export", json={"case": "syria-2015-vienna", "to": "csv"})
    assert vienna.headers["x-accord-round-trip"] == "lossy"
    dropped = vienna.headers["x-accord-dropped"].split(", ")
    assert {"anchors", "why", "sources"} <= set(dropped)


def test_export_of_a_case_keeps_its_hash(client: TestClient, vienna: dict[str, Any]) -> None:
    exported = client.post("/api/scenarios/export", json={"case": "syria-2015-vienna"})
    case_hash = Scenario.model_validate(vienna).content_hash()
    assert exported.headers["x-accord-scenario-hash"] == case_hash
    assert _upload_hash(client, "v.yaml", exported.content) == case_hash


def test_export_of_a_scenario_with_problems_is_refused(client: TestClient) -> None:
    bad = copy.deepcopy(SCENARIO_LAYOUT)
    bad["stances"][0]["salience"] = 140
    refused = client.post("/api/scenarios/export", json={"scenario": bad, "to": "yaml"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "scenario: stances[0] (north on border).salience: salience 140 is outside 0-100"
    )
    wrong = client.post("/api/scenarios/export", json={"scenario": SCENARIO_LAYOUT, "to": "xls"})
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith("request: to: ")


def test_a_cancelled_monte_carlo_stops_and_stores_nothing(client: TestClient) -> None:
    body = {"case": "syria-2015-vienna", "model": "bdm", "draws": 40_000}
    job = client.post("/api/mc", json=body).json()
    deadline = time.monotonic() + 60
    while client.get(f"/api/jobs/{job['id']}").json()["state"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    asked = time.monotonic()
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] in ("running", "cancelled")
    finished = client.app.state.accord.jobs.wait(job["id"], timeout=60)  # type: ignore[attr-defined]
    stopped_in = time.monotonic() - asked
    assert finished is not None and finished.state == "cancelled"
    assert finished.done < finished.total and finished.result is None
    assert stopped_in < 20  # one chunk of 1,000 draws, not the 40,000
    assert client.get("/api/runs", params={"kind": "mc"}).json() == []
    seen = client.get(f"/api/jobs/{job['id']}").json()
    assert seen["state"] == "cancelled" and seen["cancel_requested"] is True
    assert client.post("/api/jobs/j-0000000000000000/cancel").status_code == 404
    assert client.post("/api/jobs/../cancel").status_code == 404


def test_cancelling_a_finished_job_changes_nothing(client: TestClient) -> None:
    job = client.post("/api/mc", json={"case": "syria-2015-vienna", "model": "median", "draws": 50})
    job_id = job.json()["id"]
    done = client.app.state.accord.jobs.wait(job_id)  # type: ignore[attr-defined]
    assert done is not None and done.state == "done"
    again = client.post(f"/api/jobs/{job_id}/cancel").json()
    assert again["state"] == "done" and again["result"]["run_id"] is not None
