"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accord.cli.app import main

CliRunner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Return a function that runs ``accord ARGS...`` in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(autouse=True)
def _no_real_run_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's run store unless a test points somewhere itself."""
    monkeypatch.setenv("ACCORD_STORE", "off")


@pytest.fixture(scope="session", autouse=True)
def _compiled_kernels_ready() -> None:
    """Compile (or load from Numba's cache) every SMP and BDM kernel once, before any test.

    On a clean clone the first use of a kernel compiles it (tens of seconds); doing it here
    keeps that out of the tests that time out, run subprocesses or send signals. Each kernel
    is run on a small scenario, both on one core and split across cores.
    """
    from accord import models
    from accord.models import compiled

    if not compiled.enabled():
        return
    from accord.models.bdm import model as bdm_model
    from accord.models.smp import kernel as smp_kernel
    from tests.factories import random_scenario

    scenario = random_scenario(0, n_actors=5, n_issues=2)
    arrays = scenario.to_arrays()
    smp, bdm = models.get("smp"), models.get("bdm")
    mp = pytest.MonkeyPatch()
    old = smp_kernel.force(True)
    try:
        mp.setattr(bdm_model, "COMPILED_MIN_ACTORS", 0)
        for parallel in (False, True):
            mp.setattr(smp_kernel, "PARALLEL_WORK", 0 if parallel else float("inf"))
            mp.setattr(bdm_model, "PARALLEL_MIN_ENTRIES", 0 if parallel else 1 << 62)
            mp.setattr(bdm_model, "WIDE_ACTORS", 0 if parallel else 1 << 62)
            # both routes of smp kernel.elections: each election on its own core, or each
            # election's sums across cores
            mp.setattr(smp_kernel, "ROWS_PER_CORE", 0 if parallel else 1 << 62)
            for data in (arrays, arrays.take_draws([0, 0, 0])):
                smp.run(data)
                bdm.run(data)
    finally:
        smp_kernel.force(old)
        mp.undo()
