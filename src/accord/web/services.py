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
from accord.scenario.drafts import refuse_drafts
from accord.scenario.files import decode, format_of, loads
from accord.scenario.model import Scenario
from accord.scenario.validate import RawScenario, build
from accord.web.compute import ComputeGate
from accord.web.cost import Limits
from accord.web.jobs import JobRunner
from accord.web.limits import safe_name
from accord.web.schemas import ScenarioInput

if TYPE_CHECKING:
    from accord.store import RunRecord, RunStore
    from accord.store.records import RunListing

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


def json_bytes(content: Any) -> bytes:
    r"""Return ``content`` as compact UTF-8 JSON: NaN and infinities as null.

    Text UTF-8 cannot hold (a lone surrogate such as ``"\ud800"``, which a JSON request may
    carry) is written as its JSON escape, so every answer can be encoded.
    """
    try:
        text = json.dumps(content, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except ValueError:  # a NaN or infinity somewhere: JSON has none
        content = finite(content)
        text = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: ASCII JSON escapes it
        return json.dumps(content, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Return JSON encoded here, in one pass (results can be a megabyte of nested lists)."""
    return Response(json_bytes(content), status_code, headers, media_type="application/json")


def not_found(what: str) -> HTTPException:
    """Return a 404 with a one-line message."""
    return HTTPException(status_code=404, detail=what)


def unreadable(exc: AccordError) -> HTTPException:
    """Return the 503 of a run store that cannot be read at all (its one-line reason)."""
    return HTTPException(status_code=503, detail=exc.one_line())


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
        """Return a saved run; a malformed or unknown id is a 404.

        A damaged run is its one-line :class:`~accord.store.records.DamagedRunError` (a 422);
        a store that cannot be read at all is a 503 naming it.
        """
        from accord.store.records import DamagedRunError, UnknownRunError

        if not RUN_ID.match(run_id):
            raise not_found(f"no run '{run_id}' (run ids look like r-20240101-120000-abcdef)")
        store = self._open()
        try:
            return store.get(run_id)
        except UnknownRunError:
            raise not_found(f"no run '{run_id}' in the run store") from None
        except DamagedRunError:
            raise
        except AccordError as exc:
            raise unreadable(exc) from None

    def listing(self, kind: str | None = None, limit: int = 50) -> RunListing:
        """Return the newest saved runs and the damaged rows skipped (none: the store is off).

        Raises
        ------
        AccordError
            When the store cannot be read at all (not a store, damaged, newer schema).

        """
        if self.location is None:
            from accord.store.records import RunListing

            return RunListing([], [])
        return self._open().scan(kind=kind, limit=limit)

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
    compute: ComputeGate
    """Where requests compute (parse, validate, run models, build reports): a few slots and a
    short queue; more would only share the same cores and hold more memory at once."""
    limits: Limits = field(default_factory=Limits)
    """The most one request (or job) may cost, estimated before it runs."""
    reports: Reports = field(default_factory=Reports)
    _cases: dict[str, cases.Case] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def stop(self) -> None:
        """Ask every computation and job to stop (the server is shutting down); no waiting."""
        self.compute.cancel_all()
        self.jobs.cancel_all()

    def close(self, timeout: float = 2.0) -> None:
        """Stop everything, wait at most ``timeout`` s for what runs, release the store."""
        self.stop()
        self.compute.shutdown(timeout / 2)
        self.jobs.shutdown(timeout / 2)
        self.runs.close()

    def case(self, name: str) -> cases.Case:
        """Return a seed case by id (404 for anything else, checked before any file is read)."""
        known = cases.names()
        if name not in known:
            raise not_found(f"unknown case '{name}'; cases: {', '.join(known)}")
        with self._lock:
            if name not in self._cases:
                self._cases[name] = cases.load(name)
            return self._cases[name]

    def scenario(self, source: ScenarioInput, allow_draft: bool | None = None) -> Scenario:
        """Return the scenario a request names, or raise one located :class:`AccordError`.

        A value still marked ``draft`` (``accord draft``) is refused, naming the first one in
        the loader's words, unless ``allow_draft``. By default the request's ``allow_draft``
        decides, and an allowed draft is returned with its marks removed (its values taken as
        they are, as ``--allow-draft`` does), ready for the models; ``allow_draft=True`` keeps
        the marks (for the editor's problems and exports).
        Reading a file's text or building a scenario from JSON can be costly: call it inside a
        computation (:meth:`ComputeGate.run`), never on the event loop.
        """
        allow = source.allow_draft if allow_draft is None else allow_draft
        if source.case is not None:
            return self.case(source.case).scenario
        if source.scenario is not None:
            scenario = build(RawScenario(source.scenario), SCENARIO)
            if not allow:
                refuse_drafts(scenario, SCENARIO, _nowhere, source.scenario)
        else:
            assert source.text is not None  # the schema requires one of the three
            scenario = scenario_from_bytes(
                source.text.encode("utf-8", "surrogatepass"),
                source.filename,
                source.format,
                allow_draft=allow,
            )
        return scenario.accept_drafts() if allow_draft is None else scenario


def _nowhere(loc: Any) -> str | None:
    """Return no line: a scenario sent as JSON has none, its places are named by path."""
    return None


def scenario_from_bytes(
    data: bytes, filename: str | None, fmt: str | None = None, *, allow_draft: bool = False
) -> Scenario:
    """Return the scenario in an uploaded file's bytes, checked as ``accord validate`` does.

    ``filename`` only picks the format (by extension, unless ``fmt`` is given) and names the
    upload in messages; ``allow_draft`` accepts values still marked draft.
    """
    name = safe_name(filename)
    if fmt is None:
        fmt = format_of(name) if "." in name else "yaml"
    return loads(decode(data, name), fmt, name, allow_draft=allow_draft)


def designs_text(designs: Any) -> str:
    """Return designs given as JSON as the text of a designs file (YAML reads JSON)."""
    if isinstance(designs, list):
        designs = {"designs": designs}
    return json.dumps(designs, indent=2, ensure_ascii=False)
