"""Run fuzz inputs through the loader and every registered model, and count what happens.

Each input (see :mod:`tests.fuzz.mutate`) is loaded the way a file is: bytes are decoded by
:func:`accord.scenario.files.decode` (as :func:`~accord.scenario.load` does), text goes to
:func:`accord.scenario.loads` with a file name. An :class:`~accord.errors.AccordError` is the
expected refusal; it must be one line, name the file and encode as UTF-8. Anything else raised
is a traceback, a failure. A scenario that loads is run through every registered model (one
run at the coded values, the default seed); its arrays are hashed so that mutations that change
no number (a comment, a name) do not run the models again. A model may not refuse a loaded
scenario (the loader refuses whatever a model would: an AccordError from a model is a failure
too), and every forecast must be finite and inside its issue's scale.

Time is measured per input (load and models). Memory is the peak resident set during the
input above the resident set before it: on Linux the kernel's high-water mark is reset before
each input (``/proc/self/clear_refs``) and read after it (``VmHWM``), which counts NumPy and C
allocations too and costs microseconds; elsewhere the growth of ``ru_maxrss`` is used, which
only sees new peaks of the process.
"""

from __future__ import annotations

import re
import resource
import sys
import time
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from accord import models
from accord.errors import AccordError, ScenarioWarning
from accord.scenario import Scenario, loads
from accord.scenario.files import decode
from accord.scenario.model import MAX_MAGNITUDE
from tests.fuzz.mutate import FuzzInput, make_input

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(key: str) -> float:
    match = re.search(rf"^{key}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _can_reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return _status_mb("VmHWM") > 0
    except OSError:
        return False


class PeakMemory:
    """The peak resident memory an input takes above what the process held before it."""

    def __init__(self) -> None:
        self.exact = sys.platform.startswith("linux") and _can_reset_peak()
        self.before = 0.0

    @staticmethod
    def _maxrss_mb() -> float:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024

    def start(self) -> None:
        if self.exact:
            _CLEAR_REFS.write_text("5")  # the high-water mark falls to the current size
            self.before = _status_mb("VmRSS")
        else:
            self.before = self._maxrss_mb()

    def peak(self) -> float:
        """Return the peak (MB) above the size at :meth:`start`."""
        now = _status_mb("VmHWM") if self.exact else self._maxrss_mb()
        return max(0.0, now - self.before)


@dataclass
class Summary:
    """What the fuzz saw: counts, the worst time and memory, and every failure."""

    inputs: int = 0
    loaded: int = 0
    rejected: int = 0
    model_runs: int = 0
    scenarios_modelled: int = 0
    tracebacks: list[str] = field(default_factory=list)
    bad_errors: list[str] = field(default_factory=list)
    """Refusals that are not one line naming the file (or cannot be encoded)."""
    unsafe_scenarios: list[str] = field(default_factory=list)
    """Loaded scenarios holding what the loader must refuse (control characters, huge numbers)."""
    model_refusals: list[str] = field(default_factory=list)
    non_finite: list[str] = field(default_factory=list)
    outside_scale: list[str] = field(default_factory=list)
    numpy_warnings: list[str] = field(default_factory=list)
    slowest_s: float = 0.0
    slowest: str = ""
    peak_mb: float = 0.0
    peak_input: str = ""
    exact_memory: bool = False
    seconds: float = 0.0
    by_mutation: dict[str, int] = field(default_factory=dict)

    def failures(self) -> list[str]:
        """Return every failure (empty when the fuzz passed)."""
        return [
            *self.tracebacks,
            *self.bad_errors,
            *self.unsafe_scenarios,
            *self.model_refusals,
            *self.non_finite,
            *self.outside_scale,
        ]

    def report(self) -> str:
        """Return the summary as a few lines of text."""
        memory = "high-water mark per input" if self.exact_memory else "ru_maxrss growth"
        lines = [
            f"fuzz: {self.inputs} inputs in {self.seconds:.0f} s: {self.loaded} loaded, "
            f"{self.rejected} rejected with AccordError",
            f"  models: {self.model_runs} runs on {self.scenarios_modelled} distinct scenarios "
            f"({len(models.names())} models each)",
            f"  tracebacks {len(self.tracebacks)}, bad error messages {len(self.bad_errors)}, "
            f"unsafe scenarios loaded {len(self.unsafe_scenarios)}, "
            f"model refusals {len(self.model_refusals)}, non-finite forecasts "
            f"{len(self.non_finite)}, forecasts outside the scale {len(self.outside_scale)}, "
            f"NumPy warnings {len(self.numpy_warnings)}",
            f"  slowest input {self.slowest_s:.2f} s ({self.slowest})",
            f"  peak memory {self.peak_mb:.0f} MB above the process ({memory}; {self.peak_input})",
        ]
        lines += [f"  FAIL {f}" for f in self.failures()[:20]]
        lines += [f"  numpy warning: {w}" for w in self.numpy_warnings[:5]]
        return "\n".join(lines)


def _short(text: str, size: int = 300) -> str:
    text = ascii(text)
    return text if len(text) <= size else text[:size] + "..."


def _check_refusal(exc: AccordError, item: FuzzInput, summary: Summary) -> None:
    line = exc.one_line()
    problems = []
    if "\n" in line or "\r" in line:
        problems.append("spans lines")
    if not line.startswith(item.source):
        problems.append("does not start with the file name")
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("cannot be encoded")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in line):
        problems.append("holds control characters")
    if problems:
        summary.bad_errors.append(f"{item.describe()}: {', '.join(problems)}: {_short(line)}")


_MULTILINE = {"description", "notes", "why"}


def _unsafe(value: object, path: str, multiline: bool = False) -> str | None:
    """Return where a loaded scenario holds a control character or a huge number, if it does."""
    if isinstance(value, str):
        for char in value:
            if multiline and char in "\n\t":
                continue
            if unicodedata.category(char) in ("Cc", "Cs"):
                return f"{path} holds U+{ord(char):04X}"
        return None
    if isinstance(value, float) and not (abs(value) <= MAX_MAGNITUDE):
        return f"{path} = {value!r}"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unsafe(item, f"{path}.{key}", multiline or key in _MULTILINE)
            if found:
                return found
    if isinstance(value, list | tuple):
        for k, item in enumerate(value):
            found = _unsafe(item, f"{path}[{k}]", multiline)
            if found:
                return found
    return None


def _run_models(scenario: Scenario, item: FuzzInput, summary: Summary) -> None:
    lows = np.array([i.scale.min for i in scenario.issues])
    highs = np.array([i.scale.max for i in scenario.issues])
    slack = 1e-9 * (highs - lows)
    for name in models.names():
        summary.model_runs += 1
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = models.get(name).run(scenario, rng=0)
            except AccordError as exc:
                summary.model_refusals.append(f"{item.describe()}: {name}: {exc.one_line()}")
                continue
            except Exception as exc:
                summary.tracebacks.append(
                    f"{item.describe()}: model {name}: {type(exc).__name__}: {_short(str(exc))}"
                )
                continue
        for w in caught:
            if not issubclass(w.category, ScenarioWarning):
                summary.numpy_warnings.append(f"{item.describe()}: {name}: {w.message}")
        forecast = np.asarray(result.forecast, dtype=float).reshape(-1, len(lows))
        if not np.isfinite(forecast).all():
            summary.non_finite.append(f"{item.describe()}: {name}: {forecast.tolist()}")
        elif ((forecast < lows - slack) | (forecast > highs + slack)).any():
            summary.outside_scale.append(
                f"{item.describe()}: {name}: {forecast.tolist()} outside "
                f"{list(zip(lows.tolist(), highs.tolist(), strict=True))}"
            )


def run_fuzz(count: int, seed: int = 0, *, run_models: bool = True) -> Summary:
    """Run ``count`` inputs of fuzz run ``seed`` and return what happened."""
    summary = Summary()
    memory = PeakMemory()
    summary.exact_memory = memory.exact
    seen: set[str] = set()
    started = time.perf_counter()
    for index in range(count):
        item = make_input(seed, index)
        for name in item.mutations:
            summary.by_mutation[name] = summary.by_mutation.get(name, 0) + 1
        memory.start()
        t0 = time.perf_counter()
        summary.inputs += 1
        scenario = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ScenarioWarning)
                data = item.data
                text = decode(data, item.source) if isinstance(data, bytes) else data
                scenario = loads(text, item.format, item.source)
        except AccordError as exc:
            summary.rejected += 1
            _check_refusal(exc, item, summary)
        except Exception as exc:
            summary.tracebacks.append(
                f"{item.describe()}: loader: {type(exc).__name__}: {_short(str(exc))}"
            )
        if scenario is not None:
            summary.loaded += 1
            unsafe = _unsafe(scenario.model_dump(), "scenario")
            if unsafe:
                summary.unsafe_scenarios.append(f"{item.describe()}: loaded, but {unsafe}")
            key = scenario.to_arrays().content_hash()
            if run_models and key not in seen:
                seen.add(key)
                summary.scenarios_modelled += 1
                _run_models(scenario, item, summary)
        elapsed = time.perf_counter() - t0
        peak = memory.peak()
        if elapsed > summary.slowest_s:
            summary.slowest_s, summary.slowest = elapsed, item.describe()
        if peak > summary.peak_mb:
            summary.peak_mb, summary.peak_input = peak, item.describe()
    summary.seconds = time.perf_counter() - started
    return summary
