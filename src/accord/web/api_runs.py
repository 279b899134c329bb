"""The JSON API, part two: Monte Carlo jobs, saved runs and reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse

from accord.errors import AccordError
from accord.forecast import build_lead
from accord.web.api import Ctx
from accord.web.jobs import Progress, QueueFull
from accord.web.schemas import JobView, MonteCarloRequest, ReportRequest
from accord.web.services import JOB_ID, Context, finite, not_found

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
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return HTMLResponse(text, headers=headers)


@router.post("/mc", status_code=202, response_model=JobView, tags=["jobs"])
def start_mc(body: MonteCarloRequest, ctx: Ctx) -> JSONResponse:
    """Start a Monte Carlo run in the background; poll ``GET /api/jobs/{id}`` for progress.

    The finished job's result holds ``MonteCarloResult.to_dict()`` (as ``accord mc --json``
    prints it; with ``deal``, P(deal) and the deal-aware outcome per issue under ``deal``) and
    the id of the saved run.
    """
    from accord.analysis import montecarlo
    from accord.analysis.sampling import check_correlation

    if body.draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")
    chunk = chunk_for(body.draws)
    montecarlo.check_options(body.draws, chunk, body.bins, body.seed)
    check_correlation(body.bloc_correlation)
    scenario = ctx.scenario(body)
    model = build_lead([body.model] if body.model else body.models, body.params, body.rounds)
    save = body.save

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
        job = ctx.jobs.submit("mc", body.draws, work)
    except QueueFull as exc:
        raise HTTPException(status_code=429, detail=str(exc)) from None
    return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.get("/jobs/{job_id}", response_model=JobView, tags=["jobs"])
def get_job(job_id: str, ctx: Ctx) -> dict[str, Any]:
    """Return a job's state and progress, and its result once done."""
    job = ctx.jobs.get(job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise not_found(f"no job '{job_id}' (finished jobs are kept for a while only)")
    return job.to_dict()


@router.post("/jobs/{job_id}/cancel", response_model=JobView, tags=["jobs"])
def cancel_job(job_id: str, ctx: Ctx) -> dict[str, Any]:
    """Stop a job: a queued one at once, a running one after its current chunk of draws.

    The job ends in the state ``cancelled`` and stores nothing; a job that has already finished
    is returned as it is.
    """
    job = ctx.jobs.cancel(job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise not_found(f"no job '{job_id}' (finished jobs are kept for a while only)")
    return job.to_dict()


@router.get("/runs", tags=["runs"])
def list_runs(
    ctx: Ctx,
    kind: Literal["run", "mc", "compare", "backtest"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """List saved runs, newest first (empty when the run store is off)."""
    return [s.to_dict() for s in ctx.runs.list(kind=kind, limit=limit)]


@router.get("/runs/{run_id}", tags=["runs"])
def get_run(run_id: str, ctx: Ctx) -> dict[str, Any]:
    """Return a saved run in full: inputs, parameters, seed, version and results."""
    return finite(ctx.runs.get(run_id).to_dict())


def run_report(ctx: Context, run_id: str) -> str:
    """Return the HTML report of a saved run (404 for an unknown run)."""
    ctx.runs.get(run_id)  # 404 before any work
    assert ctx.runs.location is not None
    return ctx.reports.for_run(run_id, ctx.runs.location, ctx.settings.report_draws)


@router.get(
    "/report/{run_id}", response_class=HTMLResponse, responses=HTML_DOWNLOAD, tags=["reports"]
)
def get_report(run_id: str, ctx: Ctx) -> HTMLResponse:
    """Download the self-contained HTML report of a saved run (its models re-run, same seed)."""
    return report_response(run_report(ctx, run_id), f"accord-report-{run_id}.html")


@router.post("/report", response_class=HTMLResponse, responses=HTML_DOWNLOAD, tags=["reports"])
def post_report(body: ReportRequest, ctx: Ctx) -> HTMLResponse:
    """Download the HTML report of a scenario sent with the request (nothing is saved)."""
    if body.draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")
    scenario = ctx.scenario(body)
    text = ctx.reports.for_scenario(scenario, tuple(body.models), body.seed, body.draws, body.actor)
    return report_response(text, "accord-report.html")
