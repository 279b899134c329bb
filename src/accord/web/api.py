"""The JSON API, part one: models, cases, scenario checks, forecasts and design comparisons.

Every handler is wiring over accord's public API; a user error is an
:class:`~accord.errors.AccordError`, which the app turns into a 422 with its one-line message.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from accord import __version__, cases
from accord.analysis.sampling import check_correlation
from accord.errors import AccordError
from accord.forecast import build_lead, build_models, forecast
from accord.models import registry
from accord.process import compare, loads_designs
from accord.scenario.model import Scenario
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


def check_draws(ctx: Context, draws: int | None) -> int | None:
    """Return ``draws`` if it is within the server's limit, else raise (a 422)."""
    if draws is not None and draws > ctx.settings.max_draws:
        raise AccordError(f"--draws must be at most {ctx.settings.max_draws:,} here")
    return draws


def context(request: Request) -> Context:
    """Return the app's shared :class:`Context` (a FastAPI dependency)."""
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
def health(ctx: Ctx) -> Health:
    """Say that the server is up, its version, and whether runs are saved."""
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
def validate(body: ScenarioInput, ctx: Ctx) -> dict[str, Any]:
    """Check a scenario; 422 with the first problem, in the words of ``accord validate``."""
    return _checked(ctx.scenario(body))


@router.post("/scenarios/upload", tags=["scenarios"], openapi_extra=UPLOAD_BODY)
async def upload(request: Request) -> dict[str, Any]:
    """Check an uploaded scenario file (multipart field ``file``); it is parsed in memory only."""
    parts = parse_multipart(await request.body(), request.headers.get("content-type", ""))
    if "file" not in parts:
        raise AccordError("the upload has no 'file' field", source="upload")
    fmt_part = parts.get("format")
    fmt = fmt_part.data.decode("utf-8", "replace").strip() if fmt_part else ""
    part = parts["file"]
    scenario = await run_in_threadpool(scenario_from_bytes, part.data, part.filename, fmt or None)
    return _checked(scenario)


def _designs_source(filename: str | None) -> str:
    return safe_name(filename) if filename else "designs"


@router.post("/designs/validate", tags=["scenarios"])
def validate_designs(body: DesignsRequest, ctx: Ctx) -> dict[str, Any]:
    """Check a designs file against a scenario; 422 with the first problem, as the CLI words it."""
    scenario = ctx.scenario(body)
    found = loads_designs(body.designs_text, _designs_source(body.designs_filename), scenario)
    return {"valid": True, "designs": found.model_dump(mode="json", exclude_defaults=True)}


@router.post("/forecast", tags=["runs"], responses=RUN_RESPONSE)
def run_forecast(body: ForecastRequest, ctx: Ctx) -> Response:
    """Forecast a scenario with one or more models; the run is saved when the store is on.

    The result is ``{"run_id": ..., "forecast": ...}``, the forecast as ``accord run --json``
    prints it: every model's forecast and, under ``bottom_line``, the bottom line across them
    (the consensus made deal-aware, P(deal), blockers, intervals, drivers, why); with ``deal``
    also, under ``deal``, the agreement analysis in detail, as ``accord run --deal --json``
    (``draws`` at most the server's Monte Carlo limit).
    """
    draws = check_draws(ctx, body.draws)
    scenario = ctx.scenario(body)
    models = build_models(body.models, body.params, body.rounds)
    with ctx.compute:
        record = forecast(scenario, models, seed=body.seed).to_dict()
        if body.bottom_line or body.deal:
            from accord.analysis.bottom_line import DEFAULT_DRAWS, bottom_line

            found = bottom_line(
                scenario,
                models,
                draws=min(DEFAULT_DRAWS, ctx.settings.max_draws) if draws is None else draws,
                seed=body.seed,
                tracks=[scenario.issue_ids] if body.linked else None,
                spread=body.spread,
                with_drivers=body.bottom_line,
            )
            if body.bottom_line:
                record["bottom_line"] = found.to_dict()
            if body.deal:
                record["deal"] = found.deal.to_dict()
        run_id = ctx.runs.save("run", record, scenario, seed=body.seed) if body.save else None
        return json_response({"run_id": run_id, "forecast": record})


@router.post("/compare", tags=["runs"], responses=RUN_RESPONSE)
def run_compare(body: CompareRequest, ctx: Ctx) -> Response:
    """Compare process designs (a baseline design is always added), as ``accord compare``.

    Every design runs with the consensus of ``models`` (every registered model by default) or
    the one model named.

    The designs are ``designs`` (JSON) or ``designs_text`` (YAML), else the case's own; the
    result is ``{"run_id": ..., "comparison": Comparison.to_dict()}``, the comparison as
    ``accord compare --json`` prints it: per design and issue P(deal), the expected outcome and
    its paired difference to the baseline (with ``draws``, over the same random draws for every
    design), and the warnings for designs the model cannot respond to.
    """
    check_draws(ctx, body.draws)
    if body.draws is not None:
        check_correlation(body.bloc_correlation)
    scenario = ctx.scenario(body)
    if body.designs is not None and body.designs_text is not None:
        raise AccordError("give 'designs' or 'designs_text', not both", source="designs")
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
    model = build_lead([body.model] if body.model else body.models, body.params)
    with ctx.compute:
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
        save = body.save
        run_id = (
            ctx.runs.save("compare", record, scenario, designs, seed=body.seed) if save else None
        )
        return json_response({"run_id": run_id, "comparison": record})
