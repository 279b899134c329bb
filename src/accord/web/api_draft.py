"""The JSON API, part four: a first scenario drafted from an article (``accord draft``).

``POST /api/draft`` reads an article given as text (plain, Markdown or HTML), offline, and
answers with the draft (:meth:`accord.draft.Draft.to_dict`: actors, issues and stances, every
suggested number a cell with its ``draft`` flag, ``why`` and the sentence it comes from), the
scenario as the editor's JSON with its ``draft`` marks, and the same as YAML (what ``accord
draft -o`` writes). It runs in the compute gate like every route that computes; the body's size
limit applies. The editor opens the scenario for review: every value stays marked until the
analyst accepts, edits or deletes it, and until then no model runs on it.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response

from accord.draft import IssueSpec, draft_text
from accord.errors import AccordError
from accord.scenario.io_common import slugify
from accord.scenario.model import Scenario
from accord.web.api import Ctx
from accord.web.compute import CancelToken, computes
from accord.web.limits import safe_name
from accord.web.schemas import DraftIssueInput, DraftRequest
from accord.web.services import json_response

router = APIRouter(prefix="/api")

SOURCE = "draft"
"""The name messages use for a draft request."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""Control characters no article holds (tab, line feed, form feed and return are fine)."""
DRAFT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The draft (`Draft.to_dict()`: title, articles, country, actors, "
        "issues, stances, candidates, capability_citation), plus `scenario` (the scenario as "
        "JSON, `draft` marks kept) and `yaml` (the same as a scenario file)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def check_text(value: str, what: str) -> None:
    """Refuse text with a lone surrogate or a control character (a 422 naming where)."""
    for k, char in enumerate(value):
        if "\ud800" <= char <= "\udfff":
            raise AccordError(
                f"{what} holds a lone surrogate (U+{ord(char):04X}) at character {k + 1}: "
                "send UTF-8 text",
                source=SOURCE,
            )
    found = _CONTROL.search(value)
    if found is not None:
        raise AccordError(
            f"{what} holds a control character (U+{ord(found.group()):04X}) at character "
            f"{found.start() + 1}: send the article's text",
            source=SOURCE,
        )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def issue_specs(items: list[str | DraftIssueInput]) -> list[IssueSpec]:
    """Return the issues a request gives, read as an issues file's entries are."""
    out: list[IssueSpec] = []
    for k, item in enumerate(items):
        where = f"issues[{k}]"
        entry = DraftIssueInput(name=item) if isinstance(item, str) else item
        name = (entry.name or entry.id or "").strip()
        if not name:
            raise AccordError("each issue needs an id or a name", source=SOURCE, where=where)
        issue_id = slugify(entry.id or name) or f"issue{k + 1}"
        terms = [t for t in (entry.terms or [name]) if t.strip()] or [name]
        scale = entry.scale or {}
        try:
            lo, hi = float(scale.get("min", 0)), float(scale.get("max", 100))
            anchors = {float(v): str(t) for v, t in (entry.anchors or {}).items()}
        except (TypeError, ValueError) as exc:
            raise AccordError(f"bad scale or anchors: {exc}", source=SOURCE, where=where) from None
        if not lo < hi:
            raise AccordError(
                f"the scale's min {lo:g} is not below its max {hi:g}", source=SOURCE, where=where
            )
        out.append(
            IssueSpec(
                issue_id,
                name,
                tuple(re.escape(t.strip()).replace(r"\ ", r"\s+") for t in terms),
                f"against: {name}",
                f"for: {name}",
                (lo, hi, str(scale.get("unit", "points"))),
                anchors or None,
                entry.supports,
                given=True,
            )
        )
    ids = [s.id for s in out]
    for issue_id in ids:
        if ids.count(issue_id) > 1:
            raise AccordError(f"two issues have the id '{issue_id}'", source=SOURCE)
    return out


def drafted(body: DraftRequest) -> dict[str, Any]:
    """Draft the request's article; return what ``POST /api/draft`` answers."""
    check_text(body.text, "the article")
    for field in ("name", "country"):
        for text in _strings(getattr(body, field)):
            check_text(text, f"the {field}")
    for k, item in enumerate(body.issues or []):
        for text in _strings(item if isinstance(item, str) else item.model_dump()):
            check_text(text, f"issue {k + 1}")
    if not body.text.strip():
        raise AccordError("the article is empty: paste its text or choose a file", source=SOURCE)
    issues = issue_specs(body.issues) if body.issues else None
    country = (body.country.strip() or None) if body.country else None
    name = safe_name(body.name) if body.name else "pasted text"
    try:
        draft = draft_text(body.text, kind=body.kind, name=name, issues=issues, country=country)
    except AccordError as exc:
        raise exc.located(SOURCE) from None
    scenario = Scenario.model_validate(draft.to_scenario_data())
    return {
        **draft.to_dict(),
        "scenario": scenario.model_dump(mode="json"),
        "yaml": draft.to_yaml(),
    }


@router.post("/draft", tags=["scenarios"], responses=DRAFT_RESPONSE)
@computes
async def draft(body: DraftRequest, request: Request, ctx: Ctx) -> Response:
    """Draft a first scenario from an article, offline, every suggestion traced to a sentence.

    As ``accord draft``: actors from a gazetteer (states, organisations, armed groups, leaders,
    capitals; unknown capitalised names under ``candidates``), issues given in ``issues`` or
    suggested from recurring contested terms, and a stance per actor and issue with the
    sentences that connect them. Every suggested value is marked draft: the scenario is refused
    by every model until each mark is reviewed (or ``allow_draft`` is given). An empty article,
    or one naming fewer than two known actors, is a 422 that says so.
    """

    def work(token: CancelToken) -> Response:
        return json_response(drafted(body))

    return await ctx.compute.run(work, request)
