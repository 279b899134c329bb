"""``POST /api/draft``: a first scenario from an article, each suggestion with its sentence.

And the review around it: the editor's problem list names the first value still marked draft
in the loader's words, runs refuse such a scenario, a YAML export keeps the marks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord.errors import AccordError
from accord.scenario import loads

ARTICLE = """Russia, Iran and Syria: talks on a transition resume

Russia insists that any transition in Syria must keep Assad in power.
Moscow rejects a ceasefire that excludes its air campaign.
Iran supports the transition plan only if the government stays.
Tehran opposes a ceasefire that would freeze the front lines.
Syria's government rejects any transition that removes the president.
Damascus says the ceasefire must cover all rebels.
"""


def draft(client: TestClient, **body: Any) -> Any:
    return client.post("/api/draft", json={"text": ARTICLE, **body})


def test_an_article_drafts_actors_with_their_sentences(client: TestClient) -> None:
    response = draft(client)
    assert response.status_code == 200, response.text
    data = response.json()
    ids = {a["id"] for a in data["actors"]}
    assert {"russia", "iran", "syria"} <= ids
    for actor in data["actors"]:
        assert actor["first"]["ref"].startswith("a1:")
        assert actor["first"]["text"] in ARTICLE
        assert actor["capability"]["draft"] is True
    assert {"transition", "ceasefire"} <= {i["id"] for i in data["issues"]}
    russia = next(
        s for s in data["stances"] if (s["actor"], s["issue"]) == ("russia", "transition")
    )
    assert russia["position"]["draft"] is True
    assert russia["position"]["evidence"]["text"] in ARTICLE
    # the scenario as the editor's JSON, with its marks, sources and reasons
    scenario = data["scenario"]
    actor = next(a for a in scenario["actors"] if a["id"] == "russia")
    assert actor["draft"] == ["capability"]
    assert actor["source"].startswith("a1:")
    stance = next(
        s for s in scenario["stances"] if (s["actor"], s["issue"]) == ("russia", "transition")
    )
    assert stance["draft"] == ["position", "salience"]
    assert "insists" in stance["source"] or "transition" in stance["source"]
    assert data["yaml"].startswith("# DRAFT written by `accord draft`")


def test_the_yaml_loads_only_with_allow_draft(client: TestClient) -> None:
    text = draft(client).json()["yaml"]
    scenario = loads(text, "yaml", "draft.yaml", allow_draft=True)
    assert {"russia", "iran", "syria"} <= set(scenario.actor_ids)
    with pytest.raises(AccordError, match="unreviewed draft value: the capability of the actor"):
        loads(text, "yaml", "draft.yaml")


def test_given_issues_and_country(client: TestClient) -> None:
    issues = ["ceasefire", {"id": "assad", "name": "Assad's role", "terms": ["Assad", "president"]}]
    response = draft(client, issues=issues, country="syria", kind="text", name="../x/talks.txt")
    assert response.status_code == 200, response.text
    data = response.json()
    assert [i["id"] for i in data["issues"]] == ["ceasefire", "assad"]
    assert all(i["given"] for i in data["issues"])
    assert data["country"] == "syria"
    assert data["articles"][0]["name"] == "talks.txt"  # a base name only, never a path
    assert all("draft" not in i for i in data["scenario"]["issues"])  # given: not a suggestion


def test_markdown_and_html(client: TestClient) -> None:
    html = "<html><body><h1>Talks</h1>" + "".join(
        f"<p>{line}</p>" for line in ARTICLE.splitlines()[2:]
    )
    for kind, text in (("html", html), ("markdown", "# Talks\n\n" + ARTICLE)):
        response = client.post("/api/draft", json={"text": text, "kind": kind})
        assert response.status_code == 200, (kind, response.text)
        assert {"russia", "iran", "syria"} <= {a["id"] for a in response.json()["actors"]}


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_a_422(client: TestClient, text: str) -> None:
    response = client.post("/api/draft", json={"text": text})
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "draft: the article is empty: paste its text or choose a file"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"text": "Russia \ud800 and Iran"}, "lone surrogate (U+D800) at character 8"),
        ({"text": ARTICLE, "country": "\udfff"}, "country"),  # refused as the request is read
        ({"text": ARTICLE, "issues": ["cease\ud800fire"]}, "issue 1 holds a lone surrogate"),
        ({"text": "Russia\x00Iran"}, "control character (U+0000) at character 7"),
        ({"text": "Russia \x1b[31m Iran"}, "control character (U+001B)"),
    ],
)
def test_surrogates_and_control_characters_are_a_422(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    response = client.post(
        "/api/draft",
        content=json.dumps(body).encode("ascii"),  # \ud800 as JSON escapes, as clients send it
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    response.content.decode("utf-8")
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"text": "Nothing happened here today. Nobody said anything."}, "fewer than two"),
        ({"text": ARTICLE, "country": "narnia"}, "unknown country 'narnia'"),
        ({"text": ARTICLE, "kind": "pdf"}, "request: kind:"),
        ({"text": ARTICLE, "issues": [{"terms": ["x"]}]}, "each issue needs an id or a name"),
        ({"text": ARTICLE, "issues": ["a", "a"]}, "two issues have the id 'a'"),
    ],
)
def test_what_cannot_be_drafted_is_a_422(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    response = client.post("/api/draft", json=body)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_the_body_limit_applies(make_client: Any) -> None:
    small = make_client(max_upload_bytes=2_000)
    response = small.post("/api/draft", json={"text": ARTICLE * 10})
    assert response.status_code in (413, 422), response.text
    assert response.status_code != 200


def test_review_marks_block_runs_and_survive_export(client: TestClient) -> None:
    scenario = draft(client).json()["scenario"]
    # the problems name the first unreviewed value, as the loader does
    found = client.post("/api/scenarios/problems", json={"scenario": scenario}).json()
    assert not found["valid"]
    [problem] = found["problems"]
    assert problem["loc"] == ["actors", 0, "capability"]
    first = scenario["actors"][0]["id"]
    assert problem["message"].startswith(
        f"unreviewed draft value: the capability of the actor {first} is still marked draft"
    )
    assert len(found["drafts"]) > 1
    assert found["drafts"][0] == {
        "loc": ["actors", 0, "capability"],
        "label": problem["message"].split("the ", 1)[1].split(" is still")[0],
    }
    # a run is refused in the same words; with allow_draft it runs
    run = client.post("/api/forecast", json={"scenario": scenario, "models": ["median"]})
    assert run.status_code == 422
    assert run.json()["detail"] == problem["line"]
    allowed = {"scenario": scenario, "models": ["median"], "save": False, "allow_draft": True}
    assert client.post("/api/forecast", json=allowed).status_code == 200
    # a YAML export keeps every mark; reading it back refuses it unless drafts are allowed
    export = client.post("/api/scenarios/export", json={"scenario": scenario, "to": "yaml"})
    assert export.status_code == 200, export.text
    assert export.headers["X-Accord-Round-Trip"] == "exact"
    back = loads(export.text, "yaml", "x.yaml", allow_draft=True)
    assert sum(1 for s in back.stances if s.draft) == len(scenario["stances"])
    with pytest.raises(AccordError, match="unreviewed draft value"):
        loads(export.text, "yaml", "x.yaml")
    # once every mark is removed, it is a scenario like any other
    for entry in (*scenario["actors"], *scenario["issues"], *scenario["stances"]):
        entry.pop("draft", None)
    clean = client.post("/api/scenarios/problems", json={"scenario": scenario}).json()
    assert clean["valid"] and clean["drafts"] == []
    ran = client.post("/api/forecast", json={"scenario": scenario, "models": ["median"]})
    assert ran.status_code == 200, ran.text
