"""Issue 13.1: ``--json`` with an infinity or a NaN in a result writes null, never fails.

A model can legitimately give non-finite numbers outside its forecasts (an exchange's gain, a
tornado swing over a diverging run); ``json.dumps(..., allow_nan=False)`` refused the whole
document ("Out of range float values are not JSON compliant"). Every JSON accord writes goes
through :mod:`accord.jsonsafe`, which writes them as null (docs/json/README.md).
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord import jsonsafe
from accord.analysis import sensitivity as sens
from accord.models import exchange
from accord.models.base import Event
from accord.scenario import save
from tests.factories import random_scenario

INF, NAN = float("inf"), float("nan")


def strict_load(text: str) -> Any:
    """Parse JSON, refusing the NaN/Infinity tokens Python's json would accept."""

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return save(random_scenario(4, n_actors=5, n_issues=2), tmp_path / "scn.yaml")


def test_dumps_writes_non_finite_numbers_as_null() -> None:
    data = {
        "a": INF,
        "b": [1.5, -INF, NAN, {"c": (NAN, 2)}],
        "d": np.array([1.0, np.inf]),
        "e": np.float64("nan"),
    }
    out = strict_load(jsonsafe.dumps(data))
    assert out == {"a": None, "b": [1.5, None, None, {"c": [None, 2]}], "d": [1.0, None], "e": None}
    # documents without one are written exactly as json.dumps writes them
    plain = {"z": 1, "a": [1.25, "x", None, True]}
    assert jsonsafe.dumps(plain) == json.dumps(plain, indent=2, sort_keys=True)


def test_run_json_with_inf_and_nan_in_exchange_events(
    run_cli, scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = exchange._events

    def with_inf(*args: Any, **kwargs: Any) -> tuple[Event, ...]:
        odd = Event(
            round=1, draw=0, issue="i0", actor="a0", counterpart="a1", kind="exchange",
            accepted=True, position_from=1.0, position_to=2.0,
            detail={"gain": INF, "outcome_from": NAN, "outcome_to": -INF},
        )  # fmt: skip
        return (*real(*args, **kwargs), odd)

    monkeypatch.setattr(exchange, "_events", with_inf)
    code, out, err = run_cli("run", str(scenario_file), "-m", "exchange", "--draws", "0", "--json")
    assert code == 0, err
    assert "Out of range" not in err
    (result,) = strict_load(out)["results"]
    details = [e["detail"] for e in result["events"]]
    assert {"gain": None, "outcome_from": None, "outcome_to": None} in details


def test_sensitivity_json_with_inf_and_nan(
    run_cli, scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sens.tornado

    def diverging(*args: Any, **kwargs: Any) -> sens.Tornado:
        t = real(*args, **kwargs)
        low, high = t.at_low.copy(), t.at_high.copy()
        low[0, 0], high[0, 0] = INF, NAN
        return dataclasses.replace(t, at_low=low, at_high=high, base=np.array([INF, *t.base[1:]]))

    monkeypatch.setattr(sens, "tornado", diverging)
    code, out, err = run_cli(
        "sensitivity",
        str(scenario_file),
        "-m",
        "compromise",
        "--spread",
        "0.1",
        "-k",
        "999",
        "--json",
    )
    assert code == 0, err
    issues = strict_load(out)["issues"]
    assert issues["i0"]["base"] is None
    rows = issues["i0"]["inputs"]
    assert any(r["forecast_low"] is None and r["forecast_high"] is None for r in rows)
    assert all(r["swing"] is None or math.isfinite(r["swing"]) for r in rows)


def test_sobol_json_with_inf_variance(
    run_cli, scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sens.sobol

    def diverging(*args: Any, **kwargs: Any) -> sens.SobolIndices:
        s = real(*args, **kwargs)
        return dataclasses.replace(s, variance=np.full_like(s.variance, np.inf))

    monkeypatch.setattr(sens, "sobol", diverging)
    code, out, err = run_cli(
        "sensitivity", str(scenario_file), "-m", "compromise", "--spread", "0.1",
        "--method", "sobol", "-n", "8", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert all(v["variance"] is None for v in strict_load(out)["issues"].values())


def test_result_to_json_writes_null(scenario_file: Path) -> None:
    from accord import models
    from accord.scenario import load

    result = models.get("compromise").run(load(scenario_file))
    odd = dataclasses.replace(result, diagnostics={"ratio": INF})
    assert strict_load(odd.to_json())["diagnostics"]["ratio"] is None


def test_finite_rounds_only_when_asked_and_keeps_plain_values() -> None:
    import numpy as np

    from accord import jsonsafe

    data = {"x": np.float64(1 / 3), "n": np.int64(4), "b": np.bool_(True), "v": (np.nan, 2.5)}
    assert jsonsafe.finite(data, digits=10) == {
        "x": 0.3333333333,
        "n": 4,
        "b": True,
        "v": [None, 2.5],
    }
    assert jsonsafe.finite(data)["x"] == 1 / 3
