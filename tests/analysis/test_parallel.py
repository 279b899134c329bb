"""Monte Carlo on Dask: the same numbers on 1 or N workers; clear errors for bad clusters."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import numpy as np
import pytest
from distributed import Client, LocalCluster

from accord import AccordError
from accord.analysis import montecarlo
from accord.analysis.parallel import DaskRunner, check_workers, dask_client
from accord.models import get
from tests.factories import random_scenario

SCENARIO = random_scenario(21, n_actors=7, n_issues=2, blocs=True)
OPTIONS = {"draws": 600, "seed": 7, "chunk": 70, "spread": 0.1, "bloc_correlation": 0.4}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as c,
    ):
        yield c


def test_two_workers_give_the_single_process_numbers(client: Client) -> None:
    bdm = get("bdm", rounds=4)
    here = montecarlo.run(SCENARIO, bdm, **OPTIONS)  # type: ignore[arg-type]
    seen: list[int] = []
    there = montecarlo.run(
        SCENARIO,
        bdm,
        runner=DaskRunner(client),
        progress=seen.append,
        **OPTIONS,  # type: ignore[arg-type]
    )
    np.testing.assert_array_equal(there.forecasts, here.forecasts)
    assert there.to_json() == here.to_json()
    assert seen[-1] == 600 and len(seen) == 9  # one call per chunk, as chunks complete
    # both workers took part
    assert len(client.scheduler_info()["workers"]) == 2


def test_a_stochastic_model_too(client: Client) -> None:
    # SMP with stochastic transitions draws from its generator: one per chunk, seeded from the
    # run's seed and the chunk's index, so the workers change nothing.
    smp = get("smp", state_transition="stochastic")
    kw = {**OPTIONS, "draws": 150, "chunk": 40}
    here = montecarlo.run(SCENARIO, smp, **kw)  # type: ignore[arg-type]
    there = montecarlo.run(SCENARIO, smp, runner=DaskRunner(client), **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(there.forecasts, here.forecasts)


def test_an_interrupted_run_cancels_its_tasks(client: Client) -> None:
    def stop(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        montecarlo.run(
            SCENARIO,
            get("bdm"),
            runner=DaskRunner(client),
            progress=stop,
            **OPTIONS,  # type: ignore[arg-type]
        )
    deadline = time.monotonic() + 10
    while client.processing() and any(client.processing().values()):
        assert time.monotonic() < deadline, "tasks still running after the interruption"
        time.sleep(0.1)
    # the client is still usable
    again = montecarlo.run(SCENARIO, get("median"), runner=DaskRunner(client), **OPTIONS)  # type: ignore[arg-type]
    assert again.forecasts.shape == (600, 2)


def test_unreachable_scheduler_is_a_clear_error() -> None:
    start = time.monotonic()
    with (
        pytest.raises(AccordError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        dask_client(scheduler="tcp://127.0.0.1:9", timeout=1.0),
    ):
        pass
    assert time.monotonic() - start < 15


def test_malformed_scheduler_address() -> None:
    with (
        pytest.raises(AccordError, match="cannot reach the Dask scheduler"),
        dask_client(scheduler="nonsense://", timeout=1.0),
    ):
        pass


@pytest.mark.parametrize(
    ("workers", "scheduler", "match"),
    [
        (2, "tcp://127.0.0.1:9", "either --workers or --scheduler"),
        (0, None, "--workers must be a whole number >= 1, got 0"),
        (-3, None, "--workers"),
        (None, "  ", "--scheduler needs an address"),
    ],
)
def test_bad_worker_options(workers: int | None, scheduler: str | None, match: str) -> None:
    with pytest.raises(AccordError, match=match):
        check_workers(workers, scheduler)
