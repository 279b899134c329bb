"""``accord run --no-bottom-line``: each model's forecast only, the same numbers, nothing else."""

from __future__ import annotations

import json
from typing import Any

CASE = "cases/syria-2017-astana.yaml"


def test_forecasts_only_prints_the_forecast_table_and_no_bottom_line(run_cli: Any) -> None:
    code, out, err = run_cli("run", CASE, "-m", "compromise", "-m", "median", "--no-bottom-line")
    assert code == 0, err
    assert "Bottom line" not in out and "Will they settle" not in out
    assert "compromise" in out and "median" in out


def test_forecasts_only_gives_the_same_forecasts_as_a_full_run(run_cli: Any) -> None:
    args = ("run", CASE, "-m", "compromise", "-m", "median", "--json")
    code, full, _ = run_cli(*args, "--draws", "0")
    assert code == 0
    code, quick, _ = run_cli(*args, "--no-bottom-line")
    assert code == 0
    full_d, quick_d = json.loads(full), json.loads(quick)
    assert "bottom_line" in full_d and "bottom_line" not in quick_d
    assert quick_d["results"] == full_d["results"]


def test_deal_needs_the_bottom_line(run_cli: Any) -> None:
    code, _, err = run_cli("run", CASE, "-m", "compromise", "--no-bottom-line", "--deal")
    assert code == 2
    assert "--deal needs the bottom line" in err
