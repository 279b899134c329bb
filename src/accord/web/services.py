"""What the routes share: settings, the run store, the job runner, reports and the seed cases.

This is wiring only. Scenarios are built by :mod:`accord.scenario` (``decode``, ``loads``,
``validate.build``), cases come from :mod:`accord.cases`, runs are kept by
:class:`accord.store.RunStore` and reports made by :mod:`accord.reports`; nothing here touches
the file system with anything a request supplied.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Response

from accord import cases
from accord.errors import AccordError
from accord.scenario.files import decode, format_of, loads
from accord.scenario.model import Scenario
from accord.scenario.validate import RawScenario, build
from accord.web.jobs import JobRunner
from accord.web.limits import safe_name
from accord.web.schemas import ScenarioInput

if TYPE_CHECKING:
    from accord.store import RunRecord, RunStore, RunSummary

RUN_ID = re.compile(r"^r-\d{8}-\d{6}-[0-9a-f]{6}$")
"""The shape of a run id (see ``accord.store.schema.new_run_id``)."""
JOB_ID = re.compile(r"^j-[0-9a-f]{16}$")
SCENARIO = "scenario"
"""The name messages use for a scenario sent as JSON."""


def finite(obj: Any) -> Any:
    """Return a copy of JSON-like data with non-finite floats as None (JSON has no NaN)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def json_response(content: Any, status_code: int = 200) -> Response:
    """Return JSON encoded here, in one pass (results can be a megabyte of nested lists)."""
    try:
        text = json.dumps(content, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except ValueError:  # a NaN or infinity somewhere: JSON has none
        text = json.dumps(finite(content), separators=(",", ":"), ensure_ascii=False)
    return Response(text.encode("utf-8"), status_code, media_type="application/json")


def not_found(what: str) -> HTTPException:
    """Return a 404 with a one-line message."""
    return HTTPException(status_code=404, detail=what)


@dataclass(frozen=True)
class Settings:
    """How the app was configured (fixed at start)."""

    store: str | None
    max_upload_bytes: int
    max_draws: int
    report_draws: int


class Runs:
    """The run store, shared by every request; None location: runs are not saved."""

    def __init__(self, location: str | None) -> None:
        self.location = location
        self._store: RunStore | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Return whether runs are saved."""
        return self.location is not None

    def _open(self) -> RunStore:
        if self.location is None:
            raise HTTPException(status_code=409, detail="the run store is turned off")
        with self._lock:
            if self._store is None:
                from accord.store import RunStore

                self._store = RunStore(self.location)
            return self._store

    def save(
        self,
        kind: str,
        results: dict[str, Any],
        scenario: Scenario,
        designs: Any = None,
        **more: Any,
    ) -> str | None:
        """Save a run with its scenario (None when the store is off); writes are serialised."""
        if self.location is None:
            return None
        from accord.store import record_inputs

        inputs = record_inputs(scenario, designs)
        store = self._open()
        with self._lock:
            return store.save(kind, results=results, inputs=inputs, **more)

    def get(self, run_id: str) -> RunRecord:
        """Return a saved run; a malformed or unknown id is a 404."""
        if not RUN_ID.match(run_id):
            raise not_found(f"no run '{run_id}' (run ids look like r-20240101-120000-abcdef)")
        store = self._open()
        try:
            return store.get(run_id)
        except AccordError:
            raise not_found(f"no run '{run_id}' in the run store") from None

    def list(self, kind: str | None = None, limit: int = 50) -> list[RunSummary]:
        """Return the newest saved runs (none when the store is off)."""
        if self.location is None:
            return []
        return self._open().list(kind=kind, limit=limit)

    def close(self) -> None:
        """Release the store's connections."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


class Reports:
    """Build report HTML one at a time (chart drawing is not thread-safe) and cache a few."""

    def __init__(self, keep: int = 8) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, str] = OrderedDict()

    def for_run(self, run_id: str, store: str, draws: int) -> str:
        """Return the HTML report of a saved run (re-run with its own models and seed)."""
        from accord.reports import html
        from accord.reports.build import Options
        from accord.reports.runs import build_run, load_run

        key = f"{run_id}:{draws}"
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            text = html.render(build_run(load_run(run_id, store, Options(draws=draws))))
            self._cache[key] = text
            while len(self._cache) > self._keep:
                self._cache.popitem(last=False)
            return text

    def for_scenario(
        self, scenario: Scenario, models: tuple[str, ...], seed: int, draws: int, actor: str | None
    ) -> str:
        """Return the HTML report of a scenario (not cached)."""
        from accord.reports import html
        from accord.reports.build import Options, build

        options = Options(models=models, seed=seed, draws=draws, actor=actor)
        with self._lock:
            return html.render(build(scenario, options, origin="web upload"))


@dataclass
class Context:
    """Everything a request handler may use; one per app."""

    settings: Settings
    runs: Runs
    jobs: JobRunner
    compute: threading.BoundedSemaphore
    """Slots for model runs in request threads: more would only share the same cores and
    hold more memory at once."""
    reports: Reports = field(default_factory=Reports)
    _cases: dict[str, cases.Case] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def case(self, name: str) -> cases.Case:
        """Return a seed case by id (404 for anything else, checked before any file is read)."""
        known = cases.names()
        if name not in known:
            raise not_found(f"unknown case '{name}'; cases: {', '.join(known)}")
        with self._lock:
            if name not in self._cases:
                self._cases[name] = cases.load(name)
            return self._cases[name]

    def scenario(self, source: ScenarioInput) -> Scenario:
        """Return the scenario a request names, or raise one located :class:`AccordError`."""
        if source.case is not None:
            return self.case(source.case).scenario
        if source.scenario is not None:
            return build(RawScenario(source.scenario), SCENARIO)
        assert source.text is not None  # the schema requires one of the three
        return scenario_from_bytes(
            source.text.encode("utf-8", "surrogatepass"), source.filename, source.format
        )


def scenario_from_bytes(data: bytes, filename: str | None, fmt: str | None = None) -> Scenario:
    """Return the scenario in an uploaded file's bytes, checked as ``accord validate`` does.

    ``filename`` only picks the format (by extension, unless ``fmt`` is given) and names the
    upload in messages.
    """
    name = safe_name(filename)
    if fmt is None:
        fmt = format_of(name) if "." in name else "yaml"
    return loads(decode(data, name), fmt, name)


def designs_text(designs: Any) -> str:
    """Return designs given as JSON as the text of a designs file (YAML reads JSON)."""
    if isinstance(designs, list):
        designs = {"designs": designs}
    return json.dumps(designs, indent=2, ensure_ascii=False)
