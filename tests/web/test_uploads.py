"""Uploads: size limit, the CLI's one-line errors, nothing on disk, no path from a request."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from accord import cases
from tests.conftest import CliRunner
from tests.web.conftest import file_events

BAD_FILES: dict[str, bytes] = {
    "binary": b"title: x\n\x00\x01\x02",
    "not utf-8": b"title: caf\xe9\n",
    "empty": b"  \n",
    "bad yaml": b"title: [unclosed\nactors: 3\n",
    "not a mapping": b"- just\n- a list\n",
}


def salience_140(vienna_path: Path) -> bytes:
    text = vienna_path.read_text(encoding="utf-8")
    assert "      salience: 75\n" in text
    return text.replace("      salience: 75\n", "      salience: 140\n", 1).encode("utf-8")


def cli_error(run_cli: CliRunner, folder: Path, name: str, data: bytes) -> str:
    """Return the one line ``accord validate NAME`` prints for these bytes (without 'error: ')."""
    (folder / name).write_bytes(data)
    code, _, err = run_cli("validate", name)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    return err.removeprefix("error: ").strip()


@pytest.mark.parametrize("what", [*BAD_FILES, "salience 140"])
def test_bad_uploads_get_the_cli_message(
    what: str,
    client: TestClient,
    run_cli: CliRunner,
    vienna_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = salience_140(vienna_path) if what == "salience 140" else BAD_FILES[what]
    monkeypatch.chdir(tmp_path)
    expected = cli_error(run_cli, tmp_path, "bad.yaml", data)
    upload = client.post("/api/scenarios/upload", files={"file": ("bad.yaml", data)})
    assert upload.status_code == 422
    assert upload.json() == {"detail": expected}
    if what == "salience 140":
        assert "salience 140 is outside 0-100" in expected and "line " in expected
    if what != "not utf-8":  # the same text sent as JSON gets the same message
        text = data.decode("utf-8")
        body = {"text": text, "filename": "bad.yaml", "models": ["median"]}
        response = client.post("/api/forecast", json=body)
        assert (response.status_code, response.json()) == (422, {"detail": expected})


def test_csv_upload_and_the_format_field(client: TestClient, vienna_path: Path) -> None:
    from accord.scenario import dumps, load

    wide = dumps(load(vienna_path), "wide").encode("utf-8")
    response = client.post("/api/scenarios/upload", files={"file": ("v.csv", wide)})
    assert response.status_code == 200
    assert response.json()["summary"]["actors"][0] == "usa"
    forced = client.post(
        "/api/scenarios/upload", files={"file": ("v.txt", wide)}, data={"format": "wide"}
    )
    assert forced.status_code == 200
    unknown = client.post("/api/scenarios/upload", files={"file": ("v.txt", wide)})
    assert unknown.json()["detail"] == "v.txt: unknown file type '.txt': use .yaml, .yml or .csv"


def test_too_big_is_refused_whether_declared_or_streamed(
    make_client: Any, vienna_path: Path
) -> None:
    client = make_client(max_upload_bytes=64 * 1024)
    data = vienna_path.read_bytes()
    assert len(data) > 64 * 1024
    response = client.post("/api/scenarios/upload", files={"file": ("big.yaml", data)})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("upload: file is ")
    assert response.json()["detail"].endswith("; the limit is 64 KB")

    def chunks() -> Any:  # no Content-Length: counted while it arrives
        for _ in range(100):
            yield b"x" * 1024

    streamed = client.post(
        "/api/forecast", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 422
    assert streamed.json() == {"detail": "upload: file is larger than the limit of 64 KB"}
    small = client.post("/api/forecast", json={"case": "syria-2015-vienna", "models": ["median"]})
    assert small.status_code == 200


def test_malformed_multipart_is_a_clear_error(client: TestClient) -> None:
    boundary = "xyz"
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.yaml"\r\n\r\ntitle'
    response = client.post(
        "/api/scenarios/upload",
        content=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("upload: ")
    no_file = client.post("/api/scenarios/upload", files={"other": ("a.yaml", b"x")})
    assert no_file.json()["detail"] == "upload: the upload has no 'file' field"


def test_uploads_are_never_written_to_disk(client: TestClient, vienna_path: Path) -> None:
    data = vienna_path.read_bytes()
    client.get("/api/health")  # warm up outside the recording
    with file_events() as events:
        ok = client.post("/api/scenarios/upload", files={"file": ("v.yaml", data)})
        bad = client.post("/api/scenarios/upload", files={"file": ("b.yaml", b"a: [\x00")})
        page = client.post("/upload", files={"file": ("v.yaml", data)})
    assert (ok.status_code, bad.status_code, page.status_code) == (200, 422, 200)
    assert [args for event, args in events if _writes(event, args)] == []


READ_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


def _writes(event: str, args: tuple[Any, ...]) -> bool:
    """Return whether a file-system audit event changes anything on disk."""
    if event != "open":
        return event not in READ_EVENTS
    _, mode, flags = (*args, None, None)[:3]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))


def test_the_audit_hook_sees_writes(tmp_path: Path) -> None:
    with file_events() as events:
        (tmp_path / "x.txt").write_text("1", encoding="utf-8")
    assert any(_writes(e, a) and str(tmp_path) in str(a[0]) for e, a in events)


@pytest.fixture
def sentinel(tmp_path: Path, vienna_path: Path) -> Path:
    """A valid scenario file outside the app's reach, with a title that must never leak."""
    folder = tmp_path / "sentinel-dir"
    folder.mkdir()
    path = folder / "secret.yaml"
    text = vienna_path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: SENTINEL-7f3c ", 1), encoding="utf-8")
    return path


def test_no_path_from_a_request_reaches_the_file_system(
    client: TestClient, sentinel: Path, vienna: dict[str, Any], store: Path
) -> None:
    secret = str(sentinel)
    relative = os.path.relpath(sentinel, cases.cases_dir()).removesuffix(".yaml")
    outcome = str(cases.cases_dir() / "syria-2015-vienna.outcome.yaml")
    names = [secret, relative, "../../../../etc/passwd", "/etc/passwd", outcome, "..", "."]
    with_source = json.loads(json.dumps(vienna))
    with_source["sources"][0]["url"] = f"file://{secret}"
    with_source["stances"][0]["source"] = secret
    client.get("/api/health")
    with file_events() as events:
        responses = []
        for name in names:
            q = quote(name, safe="")
            for url in (
                f"/api/cases/{q}",
                f"/cases/{q}",
                f"/api/runs/{q}",
                f"/runs/{q}",
                f"/runs/{q}/report",
                f"/api/report/{q}",
                f"/api/jobs/{q}",
                f"/static/{q}",
            ):
                responses.append(client.get(url))
            for body in (
                {"case": name},
                {"text": "title: [", "filename": name},
                {"case": "syria-2015-vienna", "models": [name]},
                {"case": "syria-2015-vienna", "format": name},
            ):
                responses.append(client.post("/api/forecast", json=body))
            responses.append(
                client.post("/api/scenarios/upload", files={"file": (name, b"title: [")})
            )
            for body in ({"text": "title: [", "filename": name}, {"case": name}):
                responses.append(client.post("/api/scenarios/problems", json=body))
                responses.append(client.post("/api/scenarios/export", json=body))
            responses.append(client.post(f"/api/jobs/{quote(name, safe='')}/cancel"))
            responses.append(client.get("/edit", params={"title": name, "date": name}))
            responses.append(
                client.post(
                    "/api/compare",
                    json={"case": "syria-2015-vienna", "designs_text": f"!include {name}"},
                )
            )
        responses.append(client.get("/static/..%2F..%2Fapi.py"))
        responses.append(client.get("/static/%2e%2e/app.py"))
        responses.append(
            client.post("/api/forecast", json={"scenario": with_source, "models": ["median"]})
        )
    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 404, 405, 409, 422}, statuses
    assert responses[-1].status_code == 200  # the paths in it are just text
    for r in responses:
        assert "SENTINEL-7f3c" not in r.text
        assert "root:" not in r.text
    touched = [str(args[0]) for _, args in events if args]
    assert any(str(cases.cases_dir()) in p for p in touched)  # the recording works
    forbidden = (str(sentinel.parent), "passwd", ".outcome.yaml")
    assert [p for p in touched if any(f in p for f in forbidden)] == []
    store_dir = str(store.parent)
    written = [a for e, a in events if _writes(e, a) and store_dir not in str(a[0])]
    assert written == []
