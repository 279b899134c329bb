"""The HTML pages, static files, security headers and host check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from accord import cases


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


def test_case_page_has_the_editable_table(client: TestClient, vienna: dict[str, Any]) -> None:
    page = client.get("/cases/syria-2015-vienna")
    assert page.status_code == 200
    text = page.text
    n_actors, n_issues = len(vienna["actors"]), len(vienna["issues"])
    assert text.count('data-field="capability"') == n_actors
    assert text.count('data-field="salience"') == n_actors * n_issues
    # saliences are shown on 0-100, as the case file writes them
    assert re.search(r'data-field="salience" data-actor="usa" data-issue="assad" value="75"', text)
    data = embedded(text)
    assert data["scenario"] == vienna
    assert data["designs"]["designs"][0]["id"] == "us-russia-first"
    assert 'name="design" value="us-russia-first"' in text
    assert client.get("/cases/nope").status_code == 404


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
    assert "Spoiler risk" in client.get(f"/runs/{compare['run_id']}").text


def test_static_files_are_served_from_memory(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "/api/forecast" in js.text
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/static/").status_code == 404


def test_pages_fetch_nothing_from_elsewhere(client: TestClient) -> None:
    for url in ("/", "/cases/syria-2015-vienna", "/runs", "/static/app.js", "/static/app.css"):
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
