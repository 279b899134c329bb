"""The JSON API, part two: Monte Carlo jobs, saved runs and reports.

A Monte Carlo request is read and checked (its scenario parsed, its cost estimated) in the
compute gate, then runs as a background job; reports are built in the compute gate.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from accord.errors import AccordError
from accord.forecast import build_lead
from accord.web.api import Ctx
from accord.web.compute import CancelToken, busy_response, computes, watch
from accord.web.cost import Estimate, calibration_key, estimate, forecast_batches
from accord.web.jobs import Progress, QueueFull
from accord.web.limits import ascii_header, safe_text
from accord.web.schemas import JobView, MonteCarloRequest, ReportRequest
from accord.web.services import (
    JOB_ID,
    Context,
    finite,
    json_response,
    not_found,
    unreadable,
)

router = APIRouter(prefix="/api")

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
"""Reports are static documents: inline CSS and SVG, no script, nothing fetched."""
HTML_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "A self-contained HTML file"}
}


def chunk_for(draws: int) -> int:
    """Return a chunk size giving about 20 progress steps (chunks do not change the numbers)."""
    from accord.analysis.montecarlo import DEFAULT_CHUNK

    return min(DEFAULT_CHUNK, max(100, draws // 20))


def report_response(text: str, filename: str | None) -> HTMLResponse:
    """Return report HTML, as a download when ``filename`` is given."""
    headers = {"Content-Security-Policy": REPORT_CSP}
    if filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{ascii_header(filename)}"'
    return HTMLResponse(safe_text(text).encode("utf-8"), headers=headers)


@router.post("/mc", status_code=202, response_model=JobView, tags=["jobs"])
@computes
async def start_mc(body: MonteCarloRequest, request: Request, ctx: Ctx) -> Response:
    """Start a Monte Carlo run in the background; poll ``GET /api/jobs/{id}`` for progress.

    The finished job's result holds ``MonteCarloResult.to_dict()`` (as ``accord mc --json``
    prints it; with ``deal``, P(deal) and the deal-aware outcome per issue under ``deal``) and
    the id of the saved run. The job carries its ``expected_seconds``, its ``queue_position``
    while queued and an ``eta_seconds``. A run whose estimated cost is over the server's limit
    for jobs is refused with a 422; when the job queue is full the answer is a 503 with
    ``Retry-After``.
    """
    from accord.analysis import montecarlo
    from accord.analysis.sampling import check_correlation

    if body.draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")
    chunk = chunk_for(body.draws)
    montecarlo.check_options(body.draws, chunk, body.bins, body.seed)
    check_correlation(body.bloc_correlation)
    save = body.save
    stop = CancelToken()  # the job's: DELETE /api/jobs/{id} (or shutting down) cancels it

    def prepare(token: CancelToken) -> tuple[Any, Any, Estimate]:
        scenario = ctx.scenario(body)
        model = build_lead([body.model] if body.model else body.models, body.params, body.rounds)
        full, rest = divmod(body.draws, chunk)
        cost = estimate(scenario, [model], [chunk] * full + ([rest] if rest else []))
        ctx.limits.check(cost, job=True)
        return scenario, watch([model], stop)[0], cost  # checks before every (member's) run

    scenario, model, cost = await ctx.compute.run(prepare, request)

    def work(progress: Progress) -> dict[str, Any]:
        result = montecarlo.run(
            scenario,
            model,
            draws=body.draws,
            seed=body.seed,
            chunk=chunk,
            bloc_correlation=body.bloc_correlation,
            spread=body.spread,
            bins=body.bins,
            progress=progress,
            deal=body.deal,
            tracks=[scenario.issue_ids] if body.linked else None,
        )
        record = finite(result.to_dict())
        progress(body.draws)  # a last look: a job cancelled by now stores nothing
        run_id = None
        if save:
            run_id = ctx.runs.save(
                "mc",
                record,
                scenario,
                seed=body.seed,
                model=model.name,
                params=record["provenance"]["params"],
                title=result.title,
            )
        return {"run_id": run_id, "mc": record}

    try:
        job = ctx.jobs.submit(
            "mc",
            body.draws,
            work,
            stop,
            estimated=cost.seconds,
            key=calibration_key("mc", [model]),
        )
    except QueueFull as exc:
        raise busy_response(exc) from None
    return json_response(job.to_dict(), 202, {"Location": f"/api/jobs/{job.id}"})


@router.get("/jobs/{job_id}", response_model=JobView, tags=["jobs"])
async def get_job(job_id: str, ctx: Ctx) -> Response:
    """Return a job's state and progress, and its result once done."""
    job = ctx.jobs.get(job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise not_found(f"no job '{job_id}' (finished jobs are kept for a while only)")
    return json_response(job.to_dict())


async def _cancel(job_id: str, ctx: Context) -> Response:
    job = ctx.jobs.cancel(job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise not_found(f"no job '{job_id}' (finished jobs are kept for a while only)")
    return json_response(job.to_dict())


@router.post("/jobs/{job_id}/cancel", response_model=JobView, tags=["jobs"])
async def cancel_job(job_id: str, ctx: Ctx) -> Response:
    """Stop a job: a queued one at once, a running one before its next model run.

    The job ends in the state ``cancelled`` and stores nothing; a job that has already finished
    is returned as it is. ``DELETE /api/jobs/{id}`` does the same.
    """
    return await _cancel(job_id, ctx)


@router.delete("/jobs/{job_id}", response_model=JobView, tags=["jobs"])
async def delete_job(job_id: str, ctx: Ctx) -> Response:
    """Stop a job, as ``POST /api/jobs/{id}/cancel`` does (the job is kept, ``cancelled``)."""
    return await _cancel(job_id, ctx)


@router.get("/runs", tags=["runs"])
def list_runs(
    ctx: Ctx,
    kind: Literal["run", "mc", "compare", "backtest"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """List saved runs, newest first (empty when the run store is off).

    Rows of the store that cannot be read are left out and named in the header
    ``X-Accord-Damaged-Runs`` (``1 damaged run skipped: r-... (results: not valid JSON)``); a
    store that cannot be read at all is a 503 naming the problem.
    """
    try:
        listing = ctx.runs.listing(kind=kind, limit=limit)
    except AccordError as exc:
        raise unreadable(exc) from None
    note = listing.note()
    headers = {"X-Accord-Damaged-Runs": ascii_header(note)} if note else None
    return json_response([s.to_dict() for s in listing.runs], headers=headers)


@router.get("/runs/{run_id}", tags=["runs"])
def get_run(run_id: str, ctx: Ctx) -> Response:
    """Return a saved run in full: inputs, parameters, seed, version and results.

    A damaged run (a row of the store that cannot be read) is a 422 naming what is wrong.
    """
    return json_response(ctx.runs.get(run_id).to_dict())


def run_report(ctx: Context, run_id: str) -> str:
    """Return the HTML report of a saved run (404 for an unknown run); call it in the gate."""
    ctx.runs.get(run_id)  # 404 before any work
    assert ctx.runs.location is not None
    return ctx.reports.for_run(run_id, ctx.runs.location, ctx.settings.report_draws)


@router.get(
    "/report/{run_id}", response_class=HTMLResponse, responses=HTML_DOWNLOAD, tags=["reports"]
)
@computes
async def get_report(run_id: str, request: Request, ctx: Ctx) -> HTMLResponse:
    """Download the self-contained HTML report of a saved run (its models re-run, same seed)."""

    def work(token: CancelToken) -> HTMLResponse:
        return report_response(run_report(ctx, run_id), f"accord-report-{run_id}.html")

    return await ctx.compute.run(work, request)


@router.post("/report", response_class=HTMLResponse, responses=HTML_DOWNLOAD, tags=["reports"])
@computes
async def post_report(body: ReportRequest, request: Request, ctx: Ctx) -> HTMLResponse:
    """Download the HTML report of a scenario sent with the request (nothing is saved).

    A scenario whose report would cost more than the server's limit is refused with a 422.
    """
    if body.draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")

    def work(token: CancelToken) -> HTMLResponse:
        from accord.analysis.bottom_line import DEFAULT_DRAWS
        from accord.forecast import build_models

        scenario = ctx.scenario(body)
        models = build_models(body.models)
        batches = forecast_batches(
            scenario, draws=DEFAULT_DRAWS, bottom_line=True, deal=False, spread=None
        )
        ctx.limits.check(estimate(scenario, models, [*batches, max(body.draws, 1)]))
        text = ctx.reports.for_scenario(
            scenario, tuple(body.models), body.seed, body.draws, body.actor
        )
        return report_response(text, "accord-report.html")

    return await ctx.compute.run(work, request)
