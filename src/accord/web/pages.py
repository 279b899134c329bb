"""The HTML pages: cases and upload, the scenario editor, saved runs and their reports.

Pages are rendered from the Jinja2 templates in ``templates/`` (autoescaped) and use one CSS
and one script file, served from memory (``/static/app.css``, ``/static/app.js``): a request
never names a file. Each page's data is also available from the JSON API.
"""

from __future__ import annotations

import datetime
import functools
import importlib.resources
from typing import Any

import jinja2
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from accord import __version__, cases
from accord.errors import AccordError
from accord.models import registry
from accord.web import glossary, views
from accord.web.api import Ctx, summary
from accord.web.api_runs import report_response, run_report
from accord.web.compute import CancelToken, computes
from accord.web.limits import human_size, parse_multipart, safe_name, safe_text
from accord.web.services import scenario_from_bytes

router = APIRouter(include_in_schema=False)

CONSENSUS_CHOICE = ""
"""The editor's default choice of model for designs: the consensus of every registered model
(the default of every command); the API then gets no ``model``."""

_JS = "text/javascript; charset=utf-8"
ASSETS = {
    "app.css": "text/css; charset=utf-8",
    **{
        f"{name}.js": _JS
        for name in (
            "app",
            "util",
            "state",
            "editor",
            "grid",
            "issues",
            "problems",
            "results",
            "charts",
            "designs",
            "montecarlo",
            "jobs",
            "bottomline",
            "review",
        )
    },
}
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
    env.globals["term"] = glossary.TERMS.__getitem__
    return env


@functools.cache
def asset(name: str) -> bytes:
    """Return a static file's bytes (read once from the package)."""
    return importlib.resources.files("accord.web").joinpath("static", name).read_bytes()


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page template to a response (text UTF-8 cannot hold is escaped, never a 500)."""
    text = environment().get_template(template).render(**context)
    return HTMLResponse(safe_text(text).encode("utf-8"), status_code=status)


def error_page(exc: HTTPException | AccordError) -> HTMLResponse:
    """Render a one-line error as a page (404, 422 or 503)."""
    if isinstance(exc, AccordError):
        return page("error.html", 422, title="Something to fix", message=exc.one_line())
    title = "Not found" if exc.status_code == 404 else "Not available"
    return page("error.html", exc.status_code, title=title, message=str(exc.detail))


def saved_runs(ctx: Ctx, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Return the newest saved runs for a page, and a line about what could not be read.

    Damaged rows are skipped and named (``1 damaged run skipped: ...``); a store that cannot be
    read at all gives no runs and its one-line reason: the rest of the page still works.
    """
    try:
        listing = ctx.runs.listing(limit=limit)
    except AccordError as exc:
        return [], f"The run store cannot be read: {exc.one_line()}"
    return [r.to_dict() for r in listing.runs], listing.note()


@router.get("/static/{name}")
def static(name: str) -> Response:
    """Serve one of the known static files (anything else is 404)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail=f"no static file '{name}'")
    return Response(asset(name), media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


def _index(
    ctx: Ctx, status: int = 200, error: str | None = None, problems: list[str] | None = None
) -> HTMLResponse:
    listed, missing = [], None
    try:
        for name in cases.names():
            case = ctx.case(name)
            listed.append({"id": name, **summary(case.scenario), "designs": case.designs})
    except AccordError as exc:  # no case library here: the rest of the page still works
        missing = exc.one_line()
    runs, runs_note = saved_runs(ctx, 10)
    return page(
        "index.html",
        status,
        cases=listed,
        cases_error=missing,
        runs=runs,
        runs_note=runs_note,
        store=ctx.runs.enabled,
        error=error,
        problems=problems or [],
        formats=FORMATS,
        limit=ctx.settings.max_upload_bytes,
        today=datetime.date.today().isoformat(),
    )


@router.get("/", response_class=HTMLResponse)
def index(ctx: Ctx) -> HTMLResponse:
    """Show the seed cases, the new-scenario and upload forms and the latest runs."""
    return _index(ctx)


def blank_scenario(title: str, date: str) -> dict[str, Any]:
    """Return a new scenario to start from: one actor, one issue on 0-100, one stance.

    It is not valid yet (a scenario needs two actors): the editor says so and offers to add
    them. Saliences are on 0-1, as the API's scenarios write them.
    """
    return {
        "title": title.strip()[:300] or "New scenario",
        "date": date.strip()[:10] or None,
        "actors": [{"id": "actor_1", "name": "Actor 1", "capability": 100}],
        "issues": [
            {"id": "issue_1", "name": "Issue 1", "scale": {"min": 0, "max": 100, "unit": "points"}}
        ],
        "stances": [{"actor": "actor_1", "issue": "issue_1", "position": 50, "salience": 0.5}],
    }


def editor(
    ctx: Ctx,
    seed: dict[str, Any],
    designs: Any,
    origin: str,
    case: str | None = None,
    uploaded: bool = False,
) -> HTMLResponse:
    """Render the editor for a scenario given as JSON (and its designs as JSON, or None).

    ``uploaded``: the page answers a form post; its script moves the address to ``/edit`` with
    the state in it, so that a reload opens the same scenario instead of posting again.
    """
    data = {
        "scenario": seed,
        "designs": designs,
        "origin": origin,
        "case": case,
        "uploaded": uploaded,
        "models": [info.__dict__ for info in registry.list_models()],
        "store": ctx.runs.enabled,
        "max_draws": ctx.settings.max_draws,
        "compare_model": CONSENSUS_CHOICE,
        "glossary": glossary.as_json(),
    }
    return page(
        "editor.html",
        title=str(seed.get("title") or "Scenario"),
        origin=origin,
        data=data,
        models=registry.names(),
        compare_model=CONSENSUS_CHOICE,
        max_draws=ctx.settings.max_draws,
    )


@router.get("/edit", response_class=HTMLResponse)
def edit_page(ctx: Ctx, title: str = "", date: str = "") -> HTMLResponse:
    """Edit a new scenario (or, with ``#s=...`` in the address, the one the address holds)."""
    return editor(ctx, blank_scenario(title, date), None, "new scenario")


@router.get("/cases/{name}", response_class=HTMLResponse)
def case_page(name: str, ctx: Ctx) -> HTMLResponse:
    """Edit a seed case's scenario in a table, then run, compare or simulate it."""
    try:
        case = ctx.case(name)
    except HTTPException as exc:
        return error_page(exc)
    designs = case.designs.model_dump(mode="json", exclude_defaults=True) if case.designs else None
    return editor(ctx, case.scenario.model_dump(mode="json"), designs, f"case {name}", name)


def _upload_problems(data: bytes, filename: str, fmt: str | None, first: str) -> list[str]:
    """Return every problem of an uploaded file after the first (none when it cannot be read)."""
    from accord.scenario.files import decode, format_of, parse
    from accord.scenario.problems import problems

    name = safe_name(filename)
    try:
        fmt = fmt or (format_of(name) if "." in name else "yaml")
        found = [p.one_line() for p in problems(parse(decode(data, name), fmt, name), name)]
    except AccordError:
        return []
    return found[1:] if found and found[0] == first else []


@router.post("/upload", response_class=HTMLResponse)
@computes
async def upload_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Check an uploaded scenario file and open it in the editor (errors: back to the form).

    A file with problems comes back with the first one as ``accord validate`` prints it, and
    the others below it. The file is parsed in the compute gate, like every scenario.
    """
    data, content_type = await request.body(), request.headers.get("content-type", "")

    def work(token: CancelToken) -> HTMLResponse:
        part, fmt = None, ""
        try:
            parts = parse_multipart(data, content_type)
            part = parts.get("file")
            if part is None or not part.filename:
                raise AccordError("choose a scenario file to upload", source="upload")
            fmt = (
                parts["format"].data.decode("utf-8", "replace").strip() if "format" in parts else ""
            )
            # a draft (``accord draft``) opens for review: the editor marks its values
            scenario = scenario_from_bytes(part.data, part.filename, fmt or None, allow_draft=True)
        except AccordError as exc:
            more: list[str] = []
            if part is not None and part.filename:
                more = _upload_problems(part.data, part.filename, fmt or None, exc.one_line())
            return _index(ctx, 422, exc.one_line(), more)
        origin = f"uploaded file {safe_name(part.filename)}"
        return editor(ctx, scenario.model_dump(mode="json"), None, origin, None, True)

    return await ctx.compute.run(work, request)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(ctx: Ctx) -> HTMLResponse:
    """List the saved runs (damaged rows skipped and named)."""
    runs, note = saved_runs(ctx, 200)
    return page("runs.html", runs=runs, runs_note=note, store=ctx.runs.enabled)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, ctx: Ctx) -> HTMLResponse:
    """Show a saved run: what went in, its results and its report."""
    try:
        record = ctx.runs.get(run_id)
    except (HTTPException, AccordError) as exc:
        return error_page(exc)
    data = record.to_dict()
    try:
        tables, charts = views.results_tables(data), views.chart_data(data)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        problem = f"its results cannot be shown ({type(exc).__name__}: {exc})"
        return error_page(AccordError(problem, source=f"run {run_id}"))
    return page("run.html", run=data, tables=tables, charts=charts)


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
@computes
async def run_report_page(run_id: str, request: Request, ctx: Ctx) -> HTMLResponse:
    """Show a saved run's report in the browser (the API's ``/api/report/{id}`` downloads it)."""

    def work(token: CancelToken) -> HTMLResponse:
        try:
            return report_response(run_report(ctx, run_id), None)
        except (HTTPException, AccordError) as exc:
            return error_page(exc)

    return await ctx.compute.run(work, request)
