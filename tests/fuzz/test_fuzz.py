"""The loader and every model, fed mutated scenario files (issue 13.5).

Every input must be loaded or refused with one clear AccordError naming the file; a scenario
that loads must run through every registered model to finite forecasts inside each issue's
scale; each input within 10 s and 500 MB. The slow test runs 10,000 inputs (about a minute on
one core); the quick one 300, in the normal suite. ``pytest -s`` prints the summary.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord import models
from accord.errors import AccordError
from accord.scenario import Scenario
from tests.fuzz import harness
from tests.fuzz.harness import Summary, run_fuzz
from tests.fuzz.mutate import MUTATIONS, make_input, seeds

MAX_SECONDS = 10.0
MAX_MB = 500.0


def check(summary: Summary, count: int) -> None:
    print()
    print(summary.report())
    assert summary.inputs == count
    assert (
        summary.loaded
        + summary.rejected
        + len([t for t in summary.tracebacks if ": loader: " in t])
        == count
    )
    assert summary.tracebacks == []
    assert summary.bad_errors == []
    assert summary.unsafe_scenarios == []
    assert summary.model_refusals == []
    assert summary.non_finite == []
    assert summary.outside_scale == []
    assert summary.slowest_s < MAX_SECONDS, summary.slowest
    assert summary.peak_mb < MAX_MB, summary.peak_input
    assert summary.loaded > 0 and summary.rejected > 0
    assert summary.model_runs >= len(models.names())


def test_inputs_are_reproducible_and_varied() -> None:
    assert make_input(0, 17) == make_input(0, 17)
    assert make_input(0, 17) != make_input(1, 17)
    assert {s.format for s in seeds()} == {"yaml", "csv"}
    assert len(seeds()) >= 5 * 7
    used = {m for i in range(2000) for m in make_input(3, i).mutations}
    assert used == set(MUTATIONS)


def test_the_harness_catches_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    """A traceback, a bad message, a model refusal and a NaN forecast are each counted."""

    def broken_loads(text: str, fmt: str, source: str) -> None:
        if "actors" in text:
            raise ValueError("boom")
        raise AccordError("no file name\nand two lines")

    monkeypatch.setattr(harness, "loads", broken_loads)
    summary = run_fuzz(40, 0)
    assert summary.tracebacks and "loader: ValueError: 'boom'" in summary.tracebacks[0]
    assert summary.bad_errors and "does not start with the file name" in summary.bad_errors[0]
    monkeypatch.undo()

    class Refuses:
        def run(self, scenario: object, rng: int) -> None:
            raise AccordError("refused")

    class NotFinite:
        def run(self, scenario: Scenario, rng: int) -> object:
            class Result:
                forecast = np.full((1, len(scenario.issues)), np.nan)

            return Result()

    for fake, found in ((Refuses, "model_refusals"), (NotFinite, "non_finite")):
        monkeypatch.setattr(harness.models, "get", lambda name, fake=fake: fake())
        summary = run_fuzz(30, 0)
        assert summary.loaded and getattr(summary, found), found
        monkeypatch.undo()


def test_quick_fuzz() -> None:
    check(run_fuzz(300, seed=1), 300)


@pytest.mark.slow
def test_fuzz_10000_inputs() -> None:
    check(run_fuzz(10_000, seed=0), 10_000)
