"""The JSON bodies of the API: what a request names and what some responses hold.

A request names its scenario in exactly one way: a seed ``case`` name, a structured
``scenario`` (the JSON form of a Scenario, as ``GET /api/cases/{name}`` returns it, saliences
on 0-1 or with ``salience_scale: 100``), or the ``text`` of a scenario file with its
``format`` or a ``filename`` whose extension names it. Values are checked by accord itself,
so errors read as they do on the command line.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from accord.forecast import DEFAULT_MODELS

FormatName = Literal["yaml", "csv", "bdm", "wide", "ktab"]
ParamValue = str | int | float | bool
MAX_SEED = 2**63 - 1


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioInput(_Body):
    """Where the scenario comes from: one of ``case``, ``scenario`` or ``text``."""

    case: str | None = Field(None, max_length=128, description="A seed case id.")
    scenario: dict[str, Any] | None = Field(
        None, description="A scenario as JSON (the layout of GET /api/cases/{name})."
    )
    text: str | None = Field(None, description="The text of a scenario file (YAML or CSV).")
    format: FormatName | None = Field(
        None, description="The format of `text` (default: from `filename`, else yaml)."
    )
    filename: str | None = Field(
        None,
        max_length=255,
        description="The name of the file `text` came from: only its extension and base name "
        "are used (format, messages); it is never opened.",
    )
    allow_draft: bool = Field(
        False,
        description="Accept values still marked `draft` (written by `accord draft`, not yet "
        "reviewed), as `--allow-draft` does; by default such a scenario is refused, naming the "
        "first unreviewed value.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ScenarioInput:
        given = [k for k in ("case", "scenario", "text") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'case', 'scenario' or 'text'"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class ForecastRequest(ScenarioInput):
    """Run one or more models on a scenario (``POST /api/forecast``)."""

    models: list[str] = Field(default_factory=lambda: ["all"], min_length=1, max_length=32)
    params: dict[str, ParamValue] = Field(
        default_factory=dict, description="Model parameters, given to every model that has them."
    )
    rounds: int | None = Field(None, ge=1, le=100_000, description="Most rounds (bdm, smp).")
    seed: int = Field(0, ge=0, le=MAX_SEED)
    save: bool = Field(True, description="Save the run in the run store (when there is one).")
    bottom_line: bool = Field(
        True,
        description="Add the bottom line under `bottom_line` (as `accord run --json`): per issue "
        "the consensus of the models made deal-aware, P(deal), blockers, its 95% interval over "
        "the inputs, the range across models, what moves it most and why.",
    )
    deal: bool = Field(
        False,
        description="Also the agreement analysis in detail under `deal`: P(deal), zones, "
        "blockers, what it would take and each model's expected outcome (as `accord run --deal "
        "--json`).",
    )
    draws: StrictInt | None = Field(
        None,
        ge=0,
        description="Random draws of the uncertain inputs behind the bottom line and the deal "
        "analysis (default 200, as `accord run`; 0: the coded values only; at most the server's "
        "Monte Carlo limit).",
    )
    linked: bool = Field(False, description="All issues as one package (default: one by one).")
    spread: float | None = Field(
        None,
        ge=0,
        description="Give inputs without a range one of ± this × the scale.",
    )

    @model_validator(mode="after")
    def _deal_options(self) -> ForecastRequest:
        given = [k for k in ("draws", "spread") if getattr(self, k) is not None]
        given += ["linked"] if self.linked else []
        if given and not (self.deal or self.bottom_line):
            raise ValueError(f"'{given[0]}' needs 'bottom_line' or 'deal'")
        return self


class DesignsRequest(ScenarioInput):
    """Check a designs file against a scenario (``POST /api/designs/validate``)."""

    designs_text: str = Field(description="The text of a designs file (YAML).")
    designs_filename: str | None = Field(
        None, max_length=255, description="Its file name, for messages only."
    )


class CompareRequest(ScenarioInput):
    """Compare process designs with one model (``POST /api/compare``)."""

    designs: dict[str, Any] | list[dict[str, Any]] | None = Field(
        None, description="Designs as JSON: a designs file's mapping, or a list of designs."
    )
    designs_text: str | None = Field(None, description="The text of a designs file (YAML).")
    designs_filename: str | None = Field(
        None, max_length=255, description="The designs file's name, for messages only."
    )
    pick: list[str] | None = Field(
        None, max_length=64, description="Ids of the designs to compare (default: all)."
    )
    models: list[str] = Field(
        list(DEFAULT_MODELS),  # pydantic copies it for every request
        min_length=1,
        max_length=32,
        description="The models every design runs with: one, or several whose consensus (the "
        "median of their forecasts) is taken; default every registered model, as `accord "
        "compare`.",
    )
    model: str | None = Field(
        None, description="One model instead of `models` (kept for older clients)."
    )
    params: dict[str, ParamValue] = Field(default_factory=dict)
    tolerance: float = Field(0.1, gt=0, le=1)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    save: bool = True
    draws: StrictInt | None = Field(
        None,
        ge=1,
        description="Run every design on the same N random draws of the uncertain inputs "
        "(default: the coded values only; at most the server's Monte Carlo limit).",
    )
    spread: float | None = Field(
        None,
        ge=0,
        description="With `draws`: give inputs without a range one of ± this × the scale.",
    )
    bloc_correlation: float = Field(
        0.0, description="With `draws`: the correlation of draws within a bloc, in [0, 1)."
    )
    background: bool | None = Field(
        None,
        description="Run as a background job (202 and a job, as `POST /api/mc`): `true` always, "
        "`false` never (the request waits for the comparison); default (null): when the "
        "comparison is expected to take more than a few seconds.",
    )

    @model_validator(mode="after")
    def _draw_options(self) -> CompareRequest:
        if self.draws is None and (self.spread is not None or self.bloc_correlation != 0):
            raise ValueError(
                f"'{'spread' if self.spread is not None else 'bloc_correlation'}' needs 'draws'"
            )
        return self


class MonteCarloRequest(ScenarioInput):
    """Start a Monte Carlo job (``POST /api/mc``)."""

    models: list[str] = Field(
        list(DEFAULT_MODELS),
        min_length=1,
        max_length=32,
        description="One model, or several whose consensus (the median of their forecasts) is "
        "drawn; default every registered model, as `accord mc`.",
    )
    model: str | None = Field(
        None, description="One model instead of `models` (kept for older clients)."
    )
    draws: int = Field(1000, ge=1)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    bloc_correlation: float = 0.0
    spread: float | None = None
    rounds: int | None = Field(None, ge=1, le=100_000)
    params: dict[str, ParamValue] = Field(default_factory=dict)
    bins: int = Field(20, ge=1, le=200)
    save: bool = True
    deal: bool = Field(
        False,
        description="Also the agreement analysis of every draw: P(deal), the settlement, the "
        "deal-aware outcome and the blockers per issue (as `accord mc --deal`).",
    )
    linked: bool = Field(
        False, description="With `deal`: all issues as one package (default: one by one)."
    )

    @model_validator(mode="after")
    def _deal_options(self) -> MonteCarloRequest:
        if self.linked and not self.deal:
            raise ValueError("'linked' needs 'deal': true")
        return self


class ReportRequest(ScenarioInput):
    """Build a report straight from a scenario (``POST /api/report``)."""

    models: list[str] = Field(default_factory=lambda: ["all"], min_length=1, max_length=32)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    draws: int = Field(0, ge=0, description="Monte Carlo draws with the lead model (0: none).")
    actor: str | None = Field(None, max_length=64, description="Show this actor's levers.")


class ExportRequest(ScenarioInput):
    """Write a scenario with accord's own writers (``POST /api/scenarios/export``)."""

    to: Literal["yaml", "csv"] = Field(
        "yaml",
        description="`yaml` keeps everything; `csv` is the wide table (the one-issue table for "
        "one issue) and drops anchors, `why`, notes, sources and distributions.",
    )


class ProblemView(BaseModel):
    """One problem of a scenario, at its place (``loc`` into the scenario sent)."""

    loc: list[str | int]
    path: str
    where: str | None
    message: str
    line: str


class DraftCellView(BaseModel):
    """A value still marked draft: its place and its name in the loader's words."""

    loc: list[str | int]
    label: str = Field(description="e.g. `position of the stance of usa on assad`")


class ProblemsView(BaseModel):
    """Every problem of a scenario at once; the summary when there is none."""

    valid: bool
    problems: list[ProblemView]
    summary: dict[str, Any] | None
    drafts: list[DraftCellView] = Field(
        default_factory=list,
        description="The values still marked draft, in the order the loader checks them (the "
        "first is the one it names).",
    )


class CaseSummary(BaseModel):
    """One seed case in the list."""

    id: str
    title: str
    date: str | None
    actors: int
    issues: int
    designs: int


class JobView(BaseModel):
    """A background job's state, progress and (when done) result."""

    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    total: int
    progress: float
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    seconds: float = Field(description="Seconds since it started (queued: since it was made).")
    expected_seconds: float | None = Field(
        None,
        description="How long it should take once running, on this server: its cost estimate "
        "scaled by what the server has measured of earlier jobs (null: no estimate).",
    )
    queue_position: int | None = Field(
        None, description="While queued: 1 for the next job to start, 2 after it, ...; else null."
    )
    eta_seconds: float | None = Field(
        None,
        description="Seconds until it should be done: queued, the wait for a worker plus "
        "`expected_seconds`; running, the time spent scaled by the share still to do (until a "
        "quarter is done, blended with `expected_seconds` less the time spent); null once "
        "finished.",
    )


class Health(BaseModel):
    """Whether the server is up, its version and whether runs are saved."""

    status: Literal["ok"]
    version: str
    store: bool
    max_upload_bytes: int


DraftKind = Literal["text", "markdown", "html"]


class DraftIssueInput(_Body):
    """An issue to look for in the article, as an issues file gives it (docs/draft.md)."""

    id: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=300)
    terms: list[str] | None = Field(
        None, max_length=64, description="Words that name it (default: its name)."
    )
    scale: dict[str, float | str] | None = Field(
        None, description="`{min, max, unit}` (default 0-100 points)."
    )
    anchors: dict[str, str] | None = Field(None, description="Labelled points of the scale.")
    supports: float | None = Field(None, description="Where a cue of support points.")


class DraftRequest(_Body):
    """Draft a scenario from an article's text (``POST /api/draft``), as ``accord draft``."""

    text: str = Field(description="The article: plain text, Markdown or HTML (see `kind`).")
    kind: DraftKind = Field("text", description="How to read `text`.")
    name: str | None = Field(
        None, max_length=255, description="The article's name in sources (e.g. its file name)."
    )
    issues: list[str | DraftIssueInput] | None = Field(
        None,
        max_length=64,
        description="The issues to look for (names, or entries of an issues file); default: "
        "suggested from the usual contested terms.",
    )
    country: str | None = Field(
        None, max_length=64, description="The id of the conflict's country (e.g. `syria`)."
    )
