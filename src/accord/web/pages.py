"""The HTML pages: cases and upload, the scenario editor, saved runs and their reports.

Pages are rendered from the Jinja2 templates in ``templates/`` (autoescaped) and use one CSS
and one script file, served from memory (``/static/app.css``, ``/static/app.js``): a request
never names a file. Each page's data is also available from the JSON API.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any

import jinja2
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from accord import __version__, cases
from accord.errors import AccordError
from accord.models import registry
from accord.process.compare import DEFAULT_MODEL
from accord.scenario.model import Scenario
from accord.web import views
from accord.web.api import Ctx, summary
from accord.web.api_runs import report_response, run_report
from accord.web.limits import human_size, parse_multipart
from accord.web.services import scenario_from_bytes

router = APIRouter(include_in_schema=False)

ASSETS = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
"""The static files, by name: the only ones ever served."""
FORMATS = ("yaml", "csv", "bdm", "wide", "ktab")


@functools.cache
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment of the page templates (autoescaping on)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("accord.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = views.num
    env.filters["size"] = human_size
    env.globals["version"] = __version__
    return env


@functools.cache
def asset(name: str) -> bytes:
    """Return a static file's bytes (read once from the package)."""
    return importlib.resources.files("accord.web").joinpath("static", name).read_bytes()


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page template to a response."""
    return HTMLResponse(environment().get_template(template).render(**context), status_code=status)


def error_page(exc: HTTPException | AccordError) -> HTMLResponse:
    """Render a one-line error as a page (404 or 422)."""
    if isinstance(exc, AccordError):
        return page("error.html", 422, title="Something to fix", message=exc.one_line())
    return page("error.html", exc.status_code, title="Not found", message=str(exc.detail))


@router.get("/static/{name}")
def static(name: str) -> Response:
    """Serve one of the known static files (anything else is 404)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail=f"no static file '{name}'")
    return Response(asset(name), media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


def _index(ctx: Ctx, status: int = 200, error: str | None = None) -> HTMLResponse:
    listed, missing = [], None
    try:
        for name in cases.names():
            case = ctx.case(name)
            listed.append({"id": name, **summary(case.scenario), "designs": case.designs})
    except AccordError as exc:  # no case library here: the rest of the page still works
        missing = exc.one_line()
    runs = [r.to_dict() for r in ctx.runs.list(limit=10)]
    return page(
        "index.html",
        status,
        cases=listed,
        cases_error=missing,
        runs=runs,
        store=ctx.runs.enabled,
        error=error,
        formats=FORMATS,
        limit=ctx.settings.max_upload_bytes,
    )


@router.get("/", response_class=HTMLResponse)
def index(ctx: Ctx) -> HTMLResponse:
    """Show the seed cases, the upload form and the latest runs."""
    return _index(ctx)


def editor(ctx: Ctx, scenario: Scenario, designs: Any, origin: str) -> HTMLResponse:
    """Render the editor for a scenario (and its designs, as JSON, or None)."""
    data = {
        "scenario": scenario.model_dump(mode="json"),
        "designs": designs,
        "models": [info.__dict__ for info in registry.list_models()],
        "store": ctx.runs.enabled,
        "max_draws": ctx.settings.max_draws,
        "compare_model": DEFAULT_MODEL,
    }
    return page(
        "editor.html",
        scenario=scenario,
        grid=views.grid(scenario),
        origin=origin,
        data=data,
        designs=(designs or {}).get("designs", []),
        models=registry.names(),
        compare_model=DEFAULT_MODEL,
        max_draws=ctx.settings.max_draws,
    )


@router.get("/cases/{name}", response_class=HTMLResponse)
def case_page(name: str, ctx: Ctx) -> HTMLResponse:
    """Edit a seed case's scenario in a table, then run, compare or simulate it."""
    try:
        case = ctx.case(name)
    except HTTPException as exc:
        return error_page(exc)
    designs = case.designs.model_dump(mode="json", exclude_defaults=True) if case.designs else None
    return editor(ctx, case.scenario, designs, f"case {name}")


@router.post("/upload", response_class=HTMLResponse)
async def upload_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Check an uploaded scenario file and open it in the editor (errors: back to the form)."""
    try:
        parts = parse_multipart(await request.body(), request.headers.get("content-type", ""))
        part = parts.get("file")
        if part is None or not part.filename:
            raise AccordError("choose a scenario file to upload", source="upload")
        fmt = parts["format"].data.decode("utf-8", "replace").strip() if "format" in parts else ""
        scenario = await run_in_threadpool(
            scenario_from_bytes, part.data, part.filename, fmt or None
        )
    except AccordError as exc:
        return await run_in_threadpool(_index, ctx, 422, exc.one_line())
    return await run_in_threadpool(editor, ctx, scenario, None, "uploaded file")


@router.get("/runs", response_class=HTMLResponse)
def runs_page(ctx: Ctx) -> HTMLResponse:
    """List the saved runs."""
    return page(
        "runs.html", runs=[r.to_dict() for r in ctx.runs.list(limit=200)], store=ctx.runs.enabled
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, ctx: Ctx) -> HTMLResponse:
    """Show a saved run: what went in, its results and its report."""
    try:
        record = ctx.runs.get(run_id)
    except HTTPException as exc:
        return error_page(exc)
    data = record.to_dict()
    return page("run.html", run=data, tables=views.results_tables(data))


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def run_report_page(run_id: str, ctx: Ctx) -> HTMLResponse:
    """Show a saved run's report in the browser (the API's ``/api/report/{id}`` downloads it)."""
    try:
        return report_response(run_report(ctx, run_id), None)
    except HTTPException as exc:
        return error_page(exc)
    except AccordError as exc:
        return error_page(exc)
