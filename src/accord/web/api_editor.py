"""The JSON API, part three: what the scenario editor needs beyond running models.

``POST /api/scenarios/problems`` lists every problem of a scenario at once, each at its place
(:func:`accord.scenario.problems.problems`: the validator's own words, the first one the
problem ``accord validate`` names); ``POST /api/scenarios/export`` writes a scenario with
accord's own writers (YAML, or the CSV table), as a download.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from accord.errors import AccordError
from accord.scenario.files import dumps, format_of, loads, parse
from accord.scenario.io_common import slugify
from accord.scenario.problems import Problem, problems
from accord.scenario.validate import RawScenario
from accord.web.api import Ctx, summary
from accord.web.limits import safe_name
from accord.web.schemas import ExportRequest, ProblemsView, ScenarioInput
from accord.web.services import SCENARIO

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


@router.post("/scenarios/problems", response_model=ProblemsView, tags=["scenarios"])
def scenario_problems(body: ScenarioInput, ctx: Ctx) -> dict[str, Any]:
    """List every problem of a scenario at once, each with its place (``loc`` and ``path``).

    ``valid`` is true and ``problems`` empty when there is none (then ``summary`` holds the
    scenario's title, ids and hash). Each problem's ``line`` is what ``accord validate`` would
    print for it; the first is the one ``/api/scenarios/validate`` refuses with. The answer is a
    200 either way: the problems are the result.
    """
    try:
        scenario = ctx.scenario(body)
    except AccordError as exc:
        found = _all_problems(body, exc)
        return {"valid": False, "problems": [p.to_dict() for p in found], "summary": None}
    return {"valid": True, "problems": [], "summary": summary(scenario)}


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
def export(body: ExportRequest, ctx: Ctx) -> Response:
    """Write a scenario as a file with accord's writers: ``yaml`` (everything) or ``csv``.

    Uploading the file again gives the same scenario (the same hash) whenever
    ``X-Accord-Round-Trip`` says ``exact``; a CSV table cannot hold anchors, ``why``, notes,
    sources or distributions, and ``X-Accord-Dropped`` names what it left out.
    """
    scenario = ctx.scenario(body)
    text = dumps(scenario, body.to)
    name = f"{slugify(scenario.title)[:60].rstrip('_.-') or 'scenario'}.{body.to}"
    back = loads(text, body.to, name)
    dropped: set[str] = set()
    before, after = scenario.model_dump(mode="json"), back.model_dump(mode="json")
    for data in (before, after):  # stances compared by actor and issue; their order below
        data["stances"] = {(s["actor"], s["issue"]): s for s in data["stances"]}
    _differing(before, after, (), dropped)
    if not dropped and back.content_hash() != scenario.content_hash():
        dropped.add("the order of stances")
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Accord-Scenario-Hash": scenario.content_hash(),
        "X-Accord-Round-Trip": "lossy" if dropped else "exact",
    }
    if dropped:
        headers["X-Accord-Dropped"] = ", ".join(sorted(dropped))
    return Response(text.encode("utf-8"), media_type=MEDIA[body.to], headers=headers)
