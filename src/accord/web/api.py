"""The JSON API, part one: models, cases, scenario checks, forecasts and design comparisons.

Every handler is wiring over accord's public API; a user error is an
:class:`~accord.errors.AccordError`, which the app turns into a 422 with its one-line message.
Whatever parses, validates or runs models does it in the app's compute gate
(:meth:`~accord.web.compute.ComputeGate.run`), never on the event loop or the shared thread
pool, and a request's cost is estimated and checked (:mod:`accord.web.cost`) before it runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from accord import __version__, cases
from accord.analysis.sampling import check_correlation
from accord.errors import AccordError
from accord.forecast import build_lead, build_models, forecast
from accord.models import registry
from accord.process import BASELINE, compare, loads_designs
from accord.scenario.model import Scenario
from accord.web.compute import CancelToken, busy_response, computes, watch
from accord.web.cost import calibration_key, estimate, forecast_batches
from accord.web.jobs import Progress, QueueFull
from accord.web.limits import parse_multipart, safe_name
from accord.web.schemas import (
    CaseSummary,
    CompareRequest,
    DesignsRequest,
    ForecastRequest,
    Health,
    ScenarioInput,
)
from accord.web.services import (
    Context,
    designs_text,
    json_response,
    scenario_from_bytes,
)

if TYPE_CHECKING:
    from accord.models.base import Model

router = APIRouter(prefix="/api")

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "format": {
                            "type": "string",
                            "enum": ["yaml", "csv", "bdm", "wide", "ktab"],
                        },
                    },
                }
            }
        },
    }
}
RUN_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The run's id in the store (null when not saved) and its results",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


COMPARE_JOB_SECONDS = 8.0
"""A comparison expected to take longer than this (on this server) runs as a background job."""
JOB_RESPONSE: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Started as a background job: poll `GET /api/jobs/{id}` (see JobView)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def check_draws(ctx: Context, draws: int | None) -> int | None:
    """Return ``draws`` if it is within the server's limit, else raise (a 422)."""
    if draws is not None and draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")
    return draws


async def context(request: Request) -> Context:
    """Return the app's shared :class:`Context` (a FastAPI dependency, on the event loop)."""
    ctx: Context = request.app.state.accord
    return ctx


Ctx = Annotated[Context, Depends(context)]


def summary(scenario: Scenario) -> dict[str, Any]:
    """Return the short description of a scenario that the API and pages show."""
    return {
        "title": scenario.title,
        "date": scenario.date.isoformat() if scenario.date else None,
        "actors": list(scenario.actor_ids),
        "issues": list(scenario.issue_ids),
        "stances": len(scenario.stances),
        "hash": scenario.content_hash(),
    }


@router.get("/health", response_model=Health, tags=["meta"])
async def health(ctx: Ctx) -> Health:
    """Say that the server is up, its version, and whether runs are saved.

    It answers on the event loop, with no thread and no computation: at once, however busy
    the server is.
    """
    return Health(
        status="ok",
        version=__version__,
        store=ctx.runs.enabled,
        max_upload_bytes=ctx.settings.max_upload_bytes,
    )


@router.get("/models", tags=["models"])
def list_models() -> list[dict[str, Any]]:
    """List the registered models: name, summary, reference and default parameters."""
    return [dict(info.__dict__) for info in registry.list_models()]


@router.get("/cases", response_model=list[CaseSummary], tags=["cases"])
def list_cases(ctx: Ctx) -> list[CaseSummary]:
    """List the seed cases."""
    out = []
    for name in cases.names():
        case = ctx.case(name)
        s = case.scenario
        out.append(
            CaseSummary(
                id=name,
                title=s.title,
                date=s.date.isoformat() if s.date else None,
                actors=len(s.actors),
                issues=len(s.issues),
                designs=len(case.designs.designs) if case.designs else 0,
            )
        )
    return out


@router.get("/cases/{name}", tags=["cases"])
def get_case(name: str, ctx: Ctx) -> dict[str, Any]:
    """Return a seed case: its scenario and process designs (never its outcome)."""
    case = ctx.case(name)
    designs = case.designs.model_dump(mode="json", exclude_defaults=True) if case.designs else None
    return {
        "id": name,
        "summary": summary(case.scenario),
        "scenario": case.scenario.model_dump(mode="json"),
        "designs": designs,
    }


def _checked(scenario: Scenario) -> dict[str, Any]:
    return {
        "valid": True,
        "summary": summary(scenario),
        "scenario": scenario.model_dump(mode="json"),
    }


@router.post("/scenarios/validate", tags=["scenarios"])
@computes
async def validate(body: ScenarioInput, request: Request, ctx: Ctx) -> Response:
    """Check a scenario; 422 with the first problem, in the words of ``accord validate``."""

    def work(token: CancelToken) -> Response:
        return json_response(_checked(ctx.scenario(body)))

    return await ctx.compute.run(work, request)


@router.post("/scenarios/upload", tags=["scenarios"], openapi_extra=UPLOAD_BODY)
@computes
async def upload(request: Request, ctx: Ctx) -> Response:
    """Check an uploaded scenario file (multipart field ``file``); it is parsed in memory only."""
    data, content_type = await request.body(), request.headers.get("content-type", "")

    def work(token: CancelToken) -> Response:
        parts = parse_multipart(data, content_type)
        if "file" not in parts:
            raise AccordError("the upload has no 'file' field", source="upload")
        fmt_part = parts.get("format")
        fmt = fmt_part.data.decode("utf-8", "replace").strip() if fmt_part else ""
        part = parts["file"]
        return json_response(_checked(scenario_from_bytes(part.data, part.filename, fmt or None)))

    return await ctx.compute.run(work, request)


def _designs_source(filename: str | None) -> str:
    return safe_name(filename) if filename else "designs"


@router.post("/designs/validate", tags=["scenarios"])
@computes
async def validate_designs(body: DesignsRequest, request: Request, ctx: Ctx) -> Response:
    """Check a designs file against a scenario; 422 with the first problem, as the CLI words it."""

    def work(token: CancelToken) -> Response:
        scenario = ctx.scenario(body, allow_draft=True)  # designs name ids, not values
        found = loads_designs(body.designs_text, _designs_source(body.designs_filename), scenario)
        designs = found.model_dump(mode="json", exclude_defaults=True)
        return json_response({"valid": True, "designs": designs})

    return await ctx.compute.run(work, request)


@router.post("/forecast", tags=["runs"], responses=RUN_RESPONSE)
@computes
async def run_forecast(body: ForecastRequest, request: Request, ctx: Ctx) -> Response:
    """Forecast a scenario with one or more models; the run is saved when the store is on.

    The result is ``{"run_id": ..., "forecast": ...}``, the forecast as ``accord run --json``
    prints it: every model's forecast and, under ``bottom_line``, the bottom line across them
    (the consensus made deal-aware, P(deal), blockers, intervals, drivers, why); with ``deal``
    also, under ``deal``, the agreement analysis in detail, as ``accord run --deal --json``
    (``draws`` at most the server's Monte Carlo limit). A request whose estimated cost is over
    the server's limit is refused with a 422 that says so, before anything runs.
    """
    draws = check_draws(ctx, body.draws)

    def work(token: CancelToken) -> Response:
        from accord.analysis.bottom_line import DEFAULT_DRAWS, bottom_line

        scenario = ctx.scenario(body)
        models = watch(build_models(body.models, body.params, body.rounds), token)
        n_draws = min(DEFAULT_DRAWS, ctx.settings.max_draws) if draws is None else draws
        batches = forecast_batches(
            scenario,
            draws=n_draws,
            bottom_line=body.bottom_line,
            deal=body.deal,
            spread=body.spread,
        )
        ctx.limits.check(estimate(scenario, models, batches))
        record = forecast(scenario, models, seed=body.seed).to_dict()
        if body.bottom_line or body.deal:
            found = bottom_line(
                scenario,
                models,
                draws=n_draws,
                seed=body.seed,
                tracks=[scenario.issue_ids] if body.linked else None,
                spread=body.spread,
                with_drivers=body.bottom_line,
            )
            if body.bottom_line:
                record["bottom_line"] = found.to_dict()
            if body.deal:
                record["deal"] = found.deal.to_dict()
        token.check()  # the client has gone, or the server is stopping: save nothing
        run_id = ctx.runs.save("run", record, scenario, seed=body.seed) if body.save else None
        return json_response({"run_id": run_id, "forecast": record})

    return await ctx.compute.run(work, request)


@router.post("/compare", tags=["runs"], responses={**RUN_RESPONSE, **JOB_RESPONSE})
@computes
async def run_compare(body: CompareRequest, request: Request, ctx: Ctx) -> Response:
    """Compare process designs (a baseline design is always added), as ``accord compare``.

    Every design runs with the consensus of ``models`` (every registered model by default) or
    the one model named.

    The designs are ``designs`` (JSON) or ``designs_text`` (YAML), else the case's own; the
    result is ``{"run_id": ..., "comparison": Comparison.to_dict()}``, the comparison as
    ``accord compare --json`` prints it: per design and issue P(deal), the expected outcome and
    its paired difference to the baseline (with ``draws``, over the same random draws for every
    design), and the warnings for designs the model cannot respond to. A request whose
    estimated cost is over the server's limit is refused with a 422, before anything runs.

    A comparison expected to take more than a few seconds (or any, with ``background: true``)
    runs as a background job instead: the answer is a 202 with the job and
    ``Location: /api/jobs/{id}``, whose progress counts model runs (about two per design and
    track) and whose result, once done, is the same ``{"run_id", "comparison"}``; a job may be
    cancelled, and when the job queue is full the answer is a 503 with ``Retry-After``.
    """
    check_draws(ctx, body.draws)
    if body.draws is not None:
        check_correlation(body.bloc_correlation)
    if body.designs is not None and body.designs_text is not None:
        raise AccordError("give 'designs' or 'designs_text', not both", source="designs")

    def work(token: CancelToken) -> Response | CompareJob:
        scenario = ctx.scenario(body)
        designs = _designs_for(body, ctx, scenario)
        lead = build_lead([body.model] if body.model else body.models, body.params)
        # every design (and the baseline) runs on the draws, a forum's table and then everyone
        cost = estimate(scenario, [lead], [body.draws or 1] * (2 * len(designs) + 1))
        key = calibration_key("compare", [lead])
        background = body.background
        if background is None:
            background = ctx.jobs.calibration.expected(key, cost.seconds) > COMPARE_JOB_SECONDS
        ctx.limits.check(cost, job=background)
        if background:
            return CompareJob(scenario, designs, lead, cost.seconds, key)
        started = time.monotonic()
        model = watch([lead], token)[0]
        record = _compare(ctx, body, scenario, designs, model, token.check)
        ctx.jobs.calibration.learn(key, cost.seconds, time.monotonic() - started)
        return json_response(record)

    found = await ctx.compute.run(work, request)
    if isinstance(found, Response):
        return found
    return _start_compare_job(ctx, body, found)


@dataclass(frozen=True)
class CompareJob:
    """A comparison read and checked in the gate, to run as a background job."""

    scenario: Scenario
    designs: list[Any]
    model: Model
    estimated: float
    key: str


def _compare(
    ctx: Context,
    body: CompareRequest,
    scenario: Scenario,
    designs: list[Any],
    model: Model,
    last_look: Callable[[], None],
) -> dict[str, Any]:
    """Compare the designs and save the comparison; ``last_look`` raises to save nothing."""
    result = compare(
        scenario,
        designs,
        model,
        tolerance=body.tolerance,
        seed=body.seed,
        draws=body.draws,
        spread=body.spread,
        bloc_correlation=body.bloc_correlation,
    )
    record = result.to_dict()
    last_look()  # the client has gone, the job was cancelled, or the server is stopping
    run_id = (
        ctx.runs.save("compare", record, scenario, designs, seed=body.seed) if body.save else None
    )
    return {"run_id": run_id, "comparison": record}


def model_runs(scenario: Scenario, designs: Sequence[Any]) -> int:
    """Return about how many runs of the lead model comparing ``designs`` takes.

    Each design (and the baseline) runs its model once per stage and track on the stage's
    agenda, then once per track for everyone back at one table. Stages split by shocks, and
    tables of one party alone, make it a little more or less: progress is an estimate.
    """
    issue_ids = scenario.issue_ids
    runs = 0
    for design in (BASELINE, *designs):
        tracks = [set(t) for t in design.track_list(issue_ids)]
        for stage in design.stages:
            agenda = set(stage.on_agenda(issue_ids))
            runs += sum(1 for t in tracks if t & agenda)
        runs += len(tracks)
    return max(runs, 1)


def _start_compare_job(ctx: Context, body: CompareRequest, job: CompareJob) -> Response:
    stop = CancelToken()  # the job's: DELETE /api/jobs/{id} (or shutting down) cancels it
    model = watch([job.model], stop)[0]
    total = model_runs(job.scenario, job.designs)

    def work(progress: Progress) -> dict[str, Any]:
        count = 0
        checked = model.run

        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            out = checked(*args, **kwargs)
            count += 1
            progress(min(count, total - 1))  # raises once the job is cancelled
            return out

        model.run = run  # type: ignore[method-assign]
        return _compare(
            ctx, body, job.scenario, job.designs, model, lambda: progress(max(total - 1, 0))
        )

    try:
        started = ctx.jobs.submit(
            "compare", total, work, stop, estimated=job.estimated, key=job.key
        )
    except QueueFull as exc:
        raise busy_response(exc) from None
    return json_response(started.to_dict(), 202, {"Location": f"/api/jobs/{started.id}"})


def _designs_for(body: CompareRequest, ctx: Context, scenario: Scenario) -> list[Any]:
    """Return the designs a comparison request names (``pick``: those only)."""
    if body.designs is not None:
        design_set = loads_designs(designs_text(body.designs), "designs", scenario)
    elif body.designs_text is not None:
        source = _designs_source(body.designs_filename)
        design_set = loads_designs(body.designs_text, source, scenario)
    elif body.case is not None and ctx.case(body.case).designs is not None:
        found = ctx.case(body.case).designs
        assert found is not None
        design_set = found
    else:
        raise AccordError("no designs: give 'designs' or 'designs_text'", source="designs")
    designs = list(design_set.designs)
    if body.pick is not None:
        known = {d.id for d in designs}
        unknown = [p for p in body.pick if p not in known and p != "baseline"]
        if unknown:
            raise AccordError(
                f"unknown design '{unknown[0]}'; designs: {', '.join(sorted(known))}",
                source="designs",
            )
        designs = [d for d in designs if d.id in body.pick]
    return designs
