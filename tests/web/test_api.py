"""The JSON API: every route, its schema, its errors and its determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord import cases
from accord.analysis import montecarlo
from accord.analysis.bottom_line import bottom_line
from accord.forecast import build_models, forecast
from accord.models import registry
from accord.store import RunStore
from tests.conftest import CliRunner

API_ROUTES = {
    ("GET", "/api/health"),
    ("GET", "/api/models"),
    ("GET", "/api/cases"),
    ("GET", "/api/cases/{name}"),
    ("POST", "/api/scenarios/validate"),
    ("POST", "/api/scenarios/upload"),
    ("POST", "/api/scenarios/problems"),
    ("POST", "/api/scenarios/export"),
    ("POST", "/api/draft"),
    ("POST", "/api/designs/validate"),
    ("POST", "/api/forecast"),
    ("POST", "/api/compare"),
    ("POST", "/api/mc"),
    ("GET", "/api/jobs/{job_id}"),
    ("POST", "/api/jobs/{job_id}/cancel"),
    ("DELETE", "/api/jobs/{job_id}"),
    ("GET", "/api/runs"),
    ("GET", "/api/runs/{run_id}"),
    ("GET", "/api/report/{run_id}"),
    ("POST", "/api/report"),
}


def forecasts(payload: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {r["model"]: r["forecast"] for r in payload["forecast"]["results"]}


def wait_job(client: TestClient, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = client.app.state.accord.jobs.wait(job_id, timeout=60).to_dict()  # type: ignore[attr-defined]
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 200
    assert response.json()["state"] == job["state"]
    return dict(response.json())


def test_openapi_lists_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    listed = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert listed == API_ROUTES
    upload = schema["paths"]["/api/scenarios/upload"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert "ForecastRequest" in schema["components"]["schemas"]
    # no interactive docs: they would load scripts from a CDN
    assert client.get("/docs").status_code == 404


def test_health_models_and_cases(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["store"] is True
    assert [m["name"] for m in client.get("/api/models").json()] == registry.names()
    listed = client.get("/api/cases").json()
    assert [c["id"] for c in listed] == cases.names()
    vienna = next(c for c in listed if c["id"] == "syria-2015-vienna")
    assert vienna["actors"] == 17 and vienna["issues"] == 4 and vienna["designs"] > 0


def test_case_has_scenario_and_designs_but_no_outcome(client: TestClient) -> None:
    body = client.get("/api/cases/syria-2015-vienna").json()
    assert body["summary"]["hash"] == cases.load("syria-2015-vienna").scenario.content_hash()
    assert body["designs"]["designs"]
    assert "outcome" not in json.dumps(sorted(body))
    assert client.get("/api/cases/no-such-case").status_code == 404


def test_validate_accepts_case_json_and_rejects_bad_values(
    client: TestClient, vienna: dict[str, Any]
) -> None:
    ok = client.post("/api/scenarios/validate", json={"scenario": vienna})
    assert ok.status_code == 200 and ok.json()["valid"] is True
    # the editor sends saliences on 0-100, as files write them
    bad = json.loads(json.dumps(vienna))
    bad["salience_scale"] = 100
    for st in bad["stances"]:
        st["salience"] = round(st["salience"] * 100, 9)
        st.pop("salience_range", None)
    assert client.post("/api/scenarios/validate", json={"scenario": bad}).status_code == 200
    bad["stances"][2]["salience"] = 140
    response = client.post("/api/scenarios/validate", json={"scenario": bad})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "scenario: stances[2] (iran on assad).salience: salience 140 is outside 0-100"
    }
    on_one = json.loads(json.dumps(vienna))
    on_one["stances"][2]["salience"] = 1.4  # the JSON form declares saliences on 0-1
    detail = client.post("/api/scenarios/validate", json={"scenario": on_one}).json()["detail"]
    assert detail.startswith("scenario: stances[2] (iran on assad).salience: 1.4")
    neither = client.post("/api/scenarios/validate", json={})
    assert neither.status_code == 422
    assert neither.json()["detail"] == ("request: give exactly one of 'case', 'scenario' or 'text'")


def test_forecast_matches_the_cli_and_is_saved(
    client: TestClient,
    run_cli: CliRunner,
    vienna_path: Path,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_STORE", "off")
    text = vienna_path.read_text(encoding="utf-8")
    body = {"text": text, "filename": "vienna.yaml", "models": ["bdm", "compromise"], "seed": 3}
    response = client.post("/api/forecast", json=body)
    assert response.status_code == 200
    payload = response.json()
    code, out, _ = run_cli(
        "run", str(vienna_path), "-m", "bdm", "-m", "compromise", "--seed", "3", "--json"
    )
    assert code == 0
    assert payload["forecast"] == json.loads(out)
    with RunStore(store) as runs:
        saved = runs.get(payload["run_id"])
    assert saved.kind == "run" and saved.results == payload["forecast"]
    assert saved.inputs["scenario_hash"] == payload["forecast"]["scenario"]["hash"]


def test_forecast_is_deterministic_and_seeded(client: TestClient, vienna: dict[str, Any]) -> None:
    body = {"scenario": vienna, "models": ["smp", "exchange"], "seed": 11, "save": False}
    one, two = (client.post("/api/forecast", json=body).json() for _ in range(2))
    assert one == two and one["run_id"] is None
    scenario = cases.load("syria-2015-vienna").scenario
    chosen = build_models(["smp", "exchange"])
    direct = forecast(scenario, chosen, seed=11)
    record = dict(one["forecast"])
    bottom = record.pop("bottom_line")
    assert record == json.loads(json.dumps(direct.to_dict()))
    # the bottom line, as accord run makes it: 200 draws by default
    expected = bottom_line(scenario, chosen, draws=200, seed=11)
    assert bottom == json.loads(json.dumps(expected.to_dict()))


def test_forecast_errors_are_one_line(client: TestClient) -> None:
    cases_ = {
        "unknown model": {"case": "syria-2015-vienna", "models": ["bmd"]},
        "bad parameter": {"case": "syria-2015-vienna", "models": ["bdm"], "params": {"q": "x"}},
        "negative seed": {"case": "syria-2015-vienna", "seed": -1},
        "unknown field": {"case": "syria-2015-vienna", "colour": "red"},
    }
    for what, body in cases_.items():
        response = client.post("/api/forecast", json=body)
        assert response.status_code == 422, what
        detail = response.json()["detail"]
        assert isinstance(detail, str) and "\n" not in detail, what
    unknown = client.post("/api/forecast", json=cases_["unknown model"]).json()["detail"]
    assert unknown.startswith("unknown model 'bmd' (did you mean 'bdm'?)")


def test_json_endpoints_refuse_other_content_types(client: TestClient) -> None:
    # a form on another site can post text/plain without a preflight; it must not run anything
    response = client.post(
        "/api/forecast",
        content=json.dumps({"case": "syria-2015-vienna"}),
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 422


def test_compare_with_case_designs_and_picked_json_designs(client: TestClient) -> None:
    case = client.get("/api/cases/syria-2015-vienna").json()
    all_designs = client.post("/api/compare", json={"case": "syria-2015-vienna"})
    assert all_designs.status_code == 200
    ids = [d["id"] for d in all_designs.json()["comparison"]["designs"]]
    assert ids[0] == "baseline" and len(ids) == len(case["designs"]["designs"]) + 1
    picked = client.post(
        "/api/compare",
        json={
            "scenario": case["scenario"],
            "designs": case["designs"],
            "pick": ["us-russia-first"],
            "model": "median",
        },
    ).json()
    assert [d["id"] for d in picked["comparison"]["designs"]] == ["baseline", "us-russia-first"]
    assert picked["comparison"]["model"] == "median"
    with RunStore(client.app.state.accord.runs.location) as runs:  # type: ignore[attr-defined]
        assert runs.get(picked["run_id"]).kind == "compare"


def test_design_errors_name_the_line(client: TestClient) -> None:
    text = "designs:\n  - id: x\n    stages:\n      - {forum: [usa, nobody]}\n"
    body = {"case": "syria-2015-vienna", "designs_text": text, "designs_filename": "d.yaml"}
    response = client.post("/api/designs/validate", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("d.yaml: line 4")
    assert "nobody" in response.json()["detail"]
    ok = client.post(
        "/api/designs/validate",
        json={**body, "designs_text": "designs:\n  - {id: x, name: X}\n"},
    )
    assert ok.status_code == 200 and ok.json()["designs"]["designs"][0]["id"] == "x"
    unknown = client.post("/api/compare", json={"case": "syria-2015-vienna", "pick": ["zzz"]})
    assert unknown.status_code == 422 and "unknown design 'zzz'" in unknown.json()["detail"]


def test_monte_carlo_job_reports_progress_and_is_deterministic(client: TestClient) -> None:
    body = {"case": "syria-2015-vienna", "model": "compromise", "draws": 400, "seed": 5}
    started = client.post("/api/mc", json=body)
    assert started.status_code == 202
    assert started.headers["location"] == f"/api/jobs/{started.json()['id']}"
    assert started.json()["total"] == 400
    first = wait_job(client, started.json()["id"])
    assert first["state"] == "done" and first["done"] == 400 and first["progress"] == 1.0
    second = wait_job(client, client.post("/api/mc", json=body).json()["id"])
    assert first["result"]["mc"] == second["result"]["mc"]
    scenario = cases.load("syria-2015-vienna").scenario
    direct = montecarlo.run(scenario, build_models(["compromise"])[0], draws=400, seed=5)
    assert first["result"]["mc"]["issues"] == json.loads(json.dumps(direct.to_dict()["issues"]))
    run = client.get(f"/api/runs/{first['result']['run_id']}").json()
    assert run["kind"] == "mc" and run["model"] == "compromise" and run["seed"] == 5


def test_monte_carlo_limits_and_failures(make_client: Any, vienna: dict[str, Any]) -> None:
    client = make_client(max_draws=1000)
    too_many = client.post("/api/mc", json={"case": "syria-2015-vienna", "draws": 1001})
    assert too_many.status_code == 422 and "at most 1,000" in too_many.json()["detail"]
    bad_rho = client.post("/api/mc", json={"case": "syria-2015-vienna", "bloc_correlation": 1})
    assert bad_rho.json()["detail"] == "--bloc-correlation must lie in [0, 1), got 1"
    plain = json.loads(json.dumps(vienna))
    for st in plain["stances"]:
        st.pop("position_range", None)
        st.pop("salience_range", None)
    for actor in plain["actors"]:
        actor.pop("capability_range", None)
    job = client.post("/api/mc", json={"scenario": plain, "draws": 10}).json()
    failed = wait_job(client, job["id"])
    assert failed["state"] == "failed" and failed["error"].startswith("nothing is uncertain")
    assert client.get("/api/jobs/j-0000000000000000").status_code == 404
    assert client.get("/api/jobs/not-a-job").status_code == 404


def test_runs_list_get_and_report(client: TestClient) -> None:
    assert client.get("/api/runs").json() == []
    run_id = client.post(
        "/api/forecast", json={"case": "syria-2015-vienna", "models": ["compromise"]}
    ).json()["run_id"]
    listed = client.get("/api/runs").json()
    assert [r["id"] for r in listed] == [run_id]
    assert client.get("/api/runs", params={"kind": "mc"}).json() == []
    assert client.get("/api/runs", params={"kind": "nope"}).status_code == 422
    record = client.get(f"/api/runs/{run_id}").json()
    assert record["results"]["results"][0]["model"] == "compromise"
    report = client.get(f"/api/report/{run_id}")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert (
        report.headers["content-disposition"]
        == f'attachment; filename="accord-report-{run_id}.html"'
    )
    assert "script-src" not in report.headers["content-security-policy"]
    value = record["results"]["results"][0]["forecast"]["assad"]
    assert report.text.startswith("<!DOCTYPE html>") and f"{value:.1f}" in report.text
    assert client.get("/api/runs/r-20200101-000000-abcdef").status_code == 404
    assert client.get("/api/report/r-20200101-000000-abcdef").status_code == 404


def test_report_from_a_posted_scenario(client: TestClient, vienna: dict[str, Any]) -> None:
    response = client.post("/api/report", json={"scenario": vienna, "models": ["median"]})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="accord-report.html"'
    assert "<svg" in response.text and vienna["title"].split(":")[0] in response.text
    bad = client.post("/api/report", json={"scenario": vienna, "actor": "nobody"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("unknown actor 'nobody'")


def test_store_off_saves_nothing(make_client: Any) -> None:
    client = make_client(store_url="off")
    assert client.get("/api/health").json()["store"] is False
    payload = client.post(
        "/api/forecast", json={"case": "syria-2015-vienna", "models": ["median"]}
    ).json()
    assert payload["run_id"] is None
    assert client.get("/api/runs").json() == []
    assert client.get("/api/runs/r-20200101-000000-abcdef").status_code == 409
