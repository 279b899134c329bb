"""Lone surrogates ("\\ud800") in a request: a 4xx with an encodable message, never a 500.

JSON may carry a lone surrogate (``"\\ud800"``), which no UTF-8 text can hold; every error
message that quotes it back (a model name, a parameter key, an id) must still be sent. Each
route is asked with one, as JSON text written with ASCII escapes (as any client sends it).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

LONE = "\ud800"
ESCAPED = "\\ud800"
"""How a message shows the lone surrogate: its escape, as text."""

SCENARIO_WITH_LONE_ID = {
    "title": "t",
    "actors": [{"id": LONE, "capability": 1}, {"id": "b", "capability": 1}],
    "issues": [{"id": "x"}],
    "stances": [
        {"actor": LONE, "issue": "x", "position": 10, "salience": 0.5},
        {"actor": "b", "issue": "x", "position": 20, "salience": 0.5},
    ],
}


def post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    """POST ``body`` as JSON with ASCII escapes (a lone surrogate as \\ud800)."""
    return client.post(
        path, content=json.dumps(body).encode("ascii"), headers={"Content-Type": "application/json"}
    )


def assert_refused_in_words(response: Any, *, quoted: bool = True) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    response.content.decode("utf-8")  # the answer is UTF-8 (strict)
    detail: str = response.json()["detail"]
    assert isinstance(detail, str) and detail
    detail.encode("utf-8")  # and what it says can be written anywhere
    if quoted:
        assert ESCAPED in detail, detail
    return detail


CASE = {"case": "syria-2015-vienna"}
ROUTES = [
    ("/api/forecast", {**CASE, "models": [LONE]}),
    ("/api/forecast", {**CASE, "models": ["median"], "params": {LONE: 1}}),
    ("/api/compare", {**CASE, "models": [LONE]}),
    ("/api/compare", {**CASE, "model": "median", "params": {LONE: 1}}),
    ("/api/compare", {**CASE, "model": "median", "pick": [LONE]}),
    ("/api/mc", {**CASE, "models": [LONE], "draws": 10}),
    ("/api/mc", {**CASE, "model": "median", "draws": 10, "params": {LONE: 1}}),
    ("/api/scenarios/validate", {"scenario": SCENARIO_WITH_LONE_ID}),
    ("/api/forecast", {"scenario": SCENARIO_WITH_LONE_ID, "models": ["median"]}),
    ("/api/designs/validate", {**CASE, "designs_text": f"designs: [{{id: x, name: {LONE}}}]"}),
    ("/api/scenarios/export", {"scenario": SCENARIO_WITH_LONE_ID}),
    ("/api/report", {**CASE, "models": [LONE]}),
]


@pytest.mark.parametrize(("path", "body"), ROUTES, ids=[f"{p} {sorted(b)}" for p, b in ROUTES])
def test_a_lone_surrogate_is_quoted_back_not_a_500(
    client: TestClient, path: str, body: dict[str, Any]
) -> None:
    assert_refused_in_words(post(client, path, body), quoted="designs_text" not in body)


def test_text_fields_with_a_lone_surrogate(client: TestClient) -> None:
    # a file's text: read as UTF-8 bytes, which cannot hold it
    detail = assert_refused_in_words(
        post(client, "/api/scenarios/validate", {"text": f"title: {LONE}\n"}), quoted=False
    )
    assert "UTF-8" in detail
    # a field the request schema reads as a string
    assert_refused_in_words(post(client, "/api/scenarios/validate", {"case": LONE}), quoted=False)
    assert_refused_in_words(post(client, "/api/forecast", {**CASE, LONE: 1}), quoted=False)


def test_every_problem_of_a_scenario_with_a_lone_surrogate(client: TestClient) -> None:
    response = post(client, "/api/scenarios/problems", {"scenario": SCENARIO_WITH_LONE_ID})
    assert response.status_code == 200
    found = response.json()
    assert found["valid"] is False
    assert any(ESCAPED in p["line"] or LONE in p["line"] for p in found["problems"])


def test_uploads_with_bytes_of_a_surrogate(client: TestClient) -> None:
    surrogate = "\ud800".encode("utf-8", "surrogatepass")  # ED A0 80: not UTF-8
    for name in (b"a" + surrogate + b".yaml", b"a.yaml"):
        body = (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="'
            + name
            + b'"\r\n\r\ntitle: '
            + surrogate
            + b'\r\n--b\r\nContent-Disposition: form-data; name="format"\r\n\r\nyaml'
            + surrogate
            + b"\r\n--b--\r\n"
        )
        headers = {"Content-Type": "multipart/form-data; boundary=b"}
        api = client.post("/api/scenarios/upload", content=body, headers=headers)
        assert_refused_in_words(api, quoted=False)
        page = client.post("/upload", content=body, headers=headers)
        assert page.status_code == 422
        assert "not UTF-8" in page.content.decode("utf-8") or "format" in page.text


def test_a_yaml_escape_of_a_lone_surrogate(client: TestClient) -> None:
    """YAML can write one too (``"\ud800"`` in double quotes): the page and the API say so."""
    data = f'title: t\nactors:\n  - id: "{ESCAPED}"\n'.encode("ascii")
    page = client.post("/upload", files={"file": ("s.yaml", data)})
    assert page.status_code == 422
    page.content.decode("utf-8")
    api = client.post("/api/scenarios/upload", files={"file": ("s.yaml", data)})
    assert_refused_in_words(api, quoted=False)


def test_encodable_answers_even_when_the_message_holds_a_surrogate(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever produced the message (here a raw surrogate in an error), it is escaped."""
    from accord.errors import AccordError
    from accord.web import services

    def refuse(*args: Any, **kwargs: Any) -> Any:
        error = AccordError("x")
        error.message = f"bad {LONE}"  # past any cleaning the error itself does
        raise error

    monkeypatch.setattr(services, "build", refuse)
    response = post(client, "/api/scenarios/validate", {"scenario": {"title": "t"}})
    assert_refused_in_words(response)
    problems = post(client, "/api/scenarios/problems", {"scenario": {"title": "t"}})
    assert problems.status_code == 200
    problems.content.decode("utf-8")
