"""The HTML pages, static files, security headers and host check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from accord import cases
from accord.web import pages


def embedded(html: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="editor-data">(.*?)</script>', html, re.S
    )
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_index_lists_cases_and_the_upload_form(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in cases.names():
        assert f'href="/cases/{name}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'action="/upload"' in page.text
    assert "No runs saved yet" in page.text


def test_case_page_embeds_the_case_for_the_editor(
    client: TestClient, vienna: dict[str, Any]
) -> None:
    page = client.get("/cases/syria-2015-vienna")
    assert page.status_code == 200
    text = page.text
    data = embedded(text)
    assert data["scenario"] == vienna
    assert data["designs"]["designs"][0]["id"] == "us-russia-first"
    assert (data["case"], data["origin"], data["uploaded"]) == (
        "syria-2015-vienna",
        "case syria-2015-vienna",
        False,
    )
    assert data["glossary"]["breadth"]["text"].startswith("share of total capability")
    for part in ('id="grid"', 'id="issues"', 'id="export-yaml"', 'id="problems"', 'id="cancel-mc"'):
        assert part in text
    assert '<dd data-term="tolerance">' in text  # the options are explained on the page
    assert client.get("/cases/nope").status_code == 404


def test_new_scenario_page(client: TestClient) -> None:
    page = client.get("/edit", params={"title": "Border talks", "date": "2024-05-01"})
    assert page.status_code == 200
    data = embedded(page.text)
    assert data["scenario"]["title"] == "Border talks" and data["scenario"]["date"] == "2024-05-01"
    assert [a["id"] for a in data["scenario"]["actors"]] == ["actor_1"]
    assert [i["id"] for i in data["scenario"]["issues"]] == ["issue_1"]
    assert data["case"] is None and data["designs"] is None
    blank = embedded(client.get("/edit").text)["scenario"]
    assert blank["title"] == "New scenario" and blank["date"] is None
    index = client.get("/").text
    assert 'action="/edit"' in index and 'name="title"' in index


def test_embedded_json_cannot_close_the_script(client: TestClient, vienna_path: Path) -> None:
    text = vienna_path.read_text(encoding="utf-8").replace(
        'title: "', 'title: "</script><script>alert(1)</script> ', 1
    )
    page = client.post("/upload", files={"file": ("v.yaml", text.encode())})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert embedded(page.text)["scenario"]["title"].startswith("</script><script>alert(1)")


def test_upload_page_shows_the_error_on_the_form(client: TestClient) -> None:
    page = client.post("/upload", files={"file": ("x.yaml", b"title: [\n")})
    assert page.status_code == 422
    assert 'id="upload-error"' in page.text and "x.yaml: line " in page.text
    assert 'id="upload-problems"' not in page.text  # a file that cannot be read has one problem


def test_upload_page_lists_every_problem(client: TestClient, vienna_path: Path) -> None:
    text = vienna_path.read_text(encoding="utf-8")
    bad = text.replace("salience: 75\n", "salience: 140\n", 1).replace(
        "capability: 95\n", "capability: lots\n", 1
    )
    page = client.post("/upload", files={"file": ("bad.yaml", bad.encode())})
    assert page.status_code == 422
    first = re.search(r'id="upload-error">([^<]*)<', page.text)
    assert first is not None and "bad.yaml: line " in first.group(1)
    more = re.findall(r"<li>(bad\.yaml: line [^<]*)</li>", page.text)
    assert len(more) == 1 and {"capability", "salience"} == {
        w for w in ("capability", "salience") if w in first.group(1) + more[0]
    }
    upload = client.post("/upload", files={"file": ("v.yaml", text.encode())})
    data = embedded(upload.text)
    assert data["uploaded"] is True and data["origin"] == "uploaded file v.yaml"


def test_run_pages(client: TestClient) -> None:
    body = {"case": "syria-2015-vienna", "models": ["median", "compromise"]}
    run_id = client.post("/api/forecast", json=body).json()["run_id"]
    listing = client.get("/runs")
    assert f'href="/runs/{run_id}"' in listing.text
    assert f'href="/runs/{run_id}"' in client.get("/").text
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200
    assert f'href="/api/report/{run_id}"' in page.text
    assert f'src="/runs/{run_id}/report"' in page.text and "sandbox" in page.text
    assert "<th>median</th>" in page.text
    report = client.get(f"/runs/{run_id}/report")
    assert report.status_code == 200 and "content-disposition" not in report.headers
    assert client.get("/runs/r-20200101-000000-abcdef").status_code == 404
    mc = client.post("/api/mc", json={"case": "syria-2015-vienna", "model": "median", "draws": 50})
    job = client.app.state.accord.jobs.wait(mc.json()["id"])  # type: ignore[attr-defined]
    mc_page = client.get(f"/runs/{job.result['run_id']}")
    assert "80% interval" in mc_page.text
    compare = client.post("/api/compare", json={"case": "syria-2015-vienna"}).json()
    compare_page = client.get(f"/runs/{compare['run_id']}").text
    assert "Spoiler risk" in compare_page
    assert "<dt>Spoiler risk</dt><dd>draws with a deal: the capability × salience" in compare_page
    assert "<dt>Breadth</dt>" in compare_page and "<dt>Tolerance</dt>" in compare_page
    charts = {}
    saved = {"run": run_id, "mc": job.result["run_id"], "compare": compare["run_id"]}
    for kind, saved_id in saved.items():
        match = re.search(
            r'<script type="application/json" id="run-charts-data">(.*?)</script>',
            client.get(f"/runs/{saved_id}").text,
            re.S,
        )
        assert match is not None
        charts[kind] = json.loads(match.group(1))
        assert charts[kind]["kind"] == kind and len(charts[kind]["issues"]) == 4
    assert charts["run"]["issues"][0]["anchors"][0]["label"].startswith("Assad stays")
    assert [r["model"] for r in charts["run"]["record"]["results"]] == ["median", "compromise"]
    assert "trajectory" not in charts["run"]["record"]["results"][0]  # only what charts draw
    assert len(charts["mc"]["record"]["issues"][0]["counts"]) == 20
    assert {r["design"] for r in charts["compare"]["record"]["table"]} >= {"baseline"}


def test_static_files_are_served_from_memory(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "/api/forecast" in js.text
    for module in re.findall(r'from "\./([a-z]+\.js)"', js.text):  # every module it imports
        found = client.get(f"/static/{module}")
        assert found.status_code == 200, module
        assert found.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/static/").status_code == 404


def test_pages_fetch_nothing_from_elsewhere(client: TestClient) -> None:
    scripts = [f"/static/{name}" for name in pages.ASSETS]
    for url in ("/", "/cases/syria-2015-vienna", "/edit", "/runs", *scripts):
        text = client.get(url).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), url
        assert "fetch(`http" not in text and "fetch('http" not in text


def test_security_headers(client: TestClient) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/health").headers["referrer-policy"] == "no-referrer"


def test_only_loopback_host_names_by_default(client: TestClient, make_client: Any) -> None:
    assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
    anyone = make_client(allowed_hosts=None)
    assert anyone.get("/api/health", headers={"Host": "evil.example"}).status_code == 200


def test_index_without_a_case_library(make_client: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("ACCORD_CASES", str(tmp_path / "no-such-folder"))
    page = make_client().get("/")
    assert page.status_code == 200 and "the cases folder" in page.text
    assert 'action="/upload"' in page.text
