"""The JSON API, part three: what the scenario editor needs beyond running models.

``POST /api/scenarios/problems`` lists every problem of a scenario at once, each at its place
(:func:`accord.scenario.problems.problems`: the validator's own words, the first one the
problem ``accord validate`` names); ``POST /api/scenarios/export`` writes a scenario with
accord's own writers (YAML, or the CSV table), as a download; a YAML export keeps the values
still marked ``draft`` (a CSV table cannot mark them, and says so).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from accord.errors import AccordError
from accord.scenario.drafts import draft_cells, refuse_drafts
from accord.scenario.files import dumps, format_of, loads, parse
from accord.scenario.io_common import slugify
from accord.scenario.model import Scenario
from accord.scenario.problems import Problem, problems
from accord.scenario.validate import RawScenario
from accord.web.api import Ctx, summary
from accord.web.compute import CancelToken, computes
from accord.web.limits import ascii_header, safe_name
from accord.web.schemas import ExportRequest, ProblemsView, ScenarioInput
from accord.web.services import SCENARIO, json_response

router = APIRouter(prefix="/api")

MEDIA = {"yaml": "application/yaml; charset=utf-8", "csv": "text/csv; charset=utf-8"}
EXPORT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The scenario file, as a download. `X-Accord-Scenario-Hash` is the "
        "scenario's hash; `X-Accord-Round-Trip` is `exact` when reading the file back gives "
        "the same scenario, else `lossy`, with what the format cannot hold in "
        "`X-Accord-Dropped`.",
        "content": {"application/yaml": {}, "text/csv": {}},
    }
}


def _problem(exc: AccordError) -> Problem:
    """Return a problem found before the scenario could be read at all (one, with no path)."""
    return Problem((), exc.where, exc.message, exc.source)


def _all_problems(body: ScenarioInput, first: AccordError) -> list[Problem]:
    """Return every problem of the scenario a request names (``first``: what build said)."""
    found: list[Problem] = []
    if body.scenario is not None:
        found = problems(RawScenario(body.scenario), SCENARIO)
    elif body.text is not None:
        name = safe_name(body.filename)
        try:
            fmt = body.format or (format_of(name) if "." in name else "yaml")
            found = problems(parse(body.text.removeprefix("\ufeff"), fmt, name), name)
        except AccordError:
            found = []
    if not found or found[0].one_line() != first.one_line():
        return [_problem(first)]  # read before validation (or by another route): as said
    return found


def _draft_problem(body: ScenarioInput, scenario: Scenario) -> list[Problem]:
    """Return the loader's refusal of a scenario still marked draft, at its first draft value."""
    cells = draft_cells(scenario)
    first = next(cells, None)
    if first is None:
        return []
    try:
        refuse_drafts(scenario, SCENARIO, lambda loc: None, body.scenario)
    except AccordError as exc:
        return [Problem(first.path, exc.where, exc.message, exc.source)]
    return []  # pragma: no cover - refuse_drafts raises whenever a cell is marked


@router.post("/scenarios/problems", response_model=ProblemsView, tags=["scenarios"])
@computes
async def scenario_problems(body: ScenarioInput, request: Request, ctx: Ctx) -> Response:
    """List every problem of a scenario at once, each with its place (``loc`` and ``path``).

    ``valid`` is true and ``problems`` empty when there is none (then ``summary`` holds the
    scenario's title, ids and hash). A scenario that reads but still holds values marked
    ``draft`` has one problem, at the first of them, in the loader's words (none with
    ``allow_draft``); ``drafts`` lists every such value. Each problem's ``line`` is what
    ``accord validate`` would print for it; the first is the one ``/api/scenarios/validate``
    refuses with. The answer is a 200 either way: the problems are the result.
    """

    def work(token: CancelToken) -> Response:
        try:
            scenario = ctx.scenario(body, allow_draft=True)
        except AccordError as exc:
            found = _all_problems(body, exc)
            listed = [p.to_dict() for p in found]
            return json_response({"valid": False, "problems": listed, "summary": None})
        cells = list(draft_cells(scenario))
        drafts = [{"loc": list(c.path), "label": c.label()} for c in cells]
        listed = [] if body.allow_draft else [p.to_dict() for p in _draft_problem(body, scenario)]
        return json_response(
            {
                "valid": not listed,
                "problems": listed,
                "summary": summary(scenario),
                "drafts": drafts,
            }
        )

    return await ctx.compute.run(work, request)


def _field(path: tuple[str | int, ...]) -> str:
    """Return the field a path is in: ``("actors", 0, "why", "bloc")`` is in ``why``."""
    for k, part in enumerate(path):
        if isinstance(part, int):
            return str(path[k + 1]) if k + 1 < len(path) else str(path[0])
    return str(path[0]) if path else "scenario"


def _differing(a: Any, b: Any, path: tuple[str | int, ...], out: set[str]) -> None:
    """Add the fields whose values differ between two JSON values to ``out``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            _differing(a.get(k), b.get(k), (*path, k if isinstance(k, str) else 0), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _differing(x, y, (*path, k), out)
    elif a != b:
        out.add(_field(path))


@router.post(
    "/scenarios/export", tags=["scenarios"], responses=EXPORT_RESPONSE, response_class=Response
)
@computes
async def export(body: ExportRequest, request: Request, ctx: Ctx) -> Response:
    """Write a scenario as a file with accord's writers: ``yaml`` (everything) or ``csv``.

    Uploading the file again gives the same scenario (the same hash) whenever
    ``X-Accord-Round-Trip`` says ``exact``; a CSV table cannot hold anchors, ``why``, notes,
    sources or distributions, and ``X-Accord-Dropped`` names what it left out.
    """

    def work(token: CancelToken) -> Response:
        return _export(ctx.scenario(body, allow_draft=True), body.to)

    return await ctx.compute.run(work, request)


def _export(scenario: Scenario, to: str) -> Response:
    """Return a scenario written as a ``to`` file, with the round-trip headers."""
    text = dumps(scenario, to)
    name = f"{slugify(scenario.title)[:60].rstrip('_.-') or 'scenario'}.{to}"
    back = loads(text, to, name, allow_draft=True)
    dropped: set[str] = set()
    before, after = scenario.model_dump(mode="json"), back.model_dump(mode="json")
    for data in (before, after):  # stances compared by actor and issue; their order below
        data["stances"] = {(s["actor"], s["issue"]): s for s in data["stances"]}
    _differing(before, after, (), dropped)
    if not dropped and back.content_hash() != scenario.content_hash():
        dropped.add("the order of stances")
    headers = {
        "Content-Disposition": f'attachment; filename="{ascii_header(name)}"',
        "X-Accord-Scenario-Hash": scenario.content_hash(),
        "X-Accord-Round-Trip": "lossy" if dropped else "exact",
    }
    if dropped:
        headers["X-Accord-Dropped"] = ascii_header(", ".join(sorted(dropped)))
    content = text.encode("utf-8", "backslashreplace")
    return Response(content, media_type=MEDIA[to], headers=headers)
