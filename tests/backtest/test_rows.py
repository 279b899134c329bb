"""Leaderboard rows: the status_quo baseline, paired differences, duplicates, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord import models
from accord.backtest.deu import read_deu
from accord.backtest.leaderboard import dumps, render_markdown
from accord.backtest.metrics import Resamples, summary
from accord.backtest.record import identical, run_backtest
from accord.backtest.run import BASELINES, run_baseline

# d95341 and n00127 have issues without rp; n99047 mixes rp 0, 90, 100; d99158 and n0062B have
# a single issue (exchange = compromise there)
SUBSET = {"d95341", "n00127", "n99047", "d98191", "d05214", "d99158", "n0062B"}


@pytest.fixture(scope="module")
def data():
    return read_deu().select(SUBSET)


@pytest.fixture(scope="module")
def record(data):
    return run_backtest(data, models=["exchange", "median"], n_boot=300, seed=4).record


def test_status_quo_is_a_baseline_not_a_model(record) -> None:
    assert "status_quo" not in models.names()
    assert "status_quo" not in record["models"]
    assert record["baselines"]["status_quo"]["kind"] == "naive baseline (not a model)"
    assert "nothing changes" in record["baselines"]["status_quo"]["description"]
    assert "status_quo" in record["ranking"]
    assert record["settings"]["naive_baseline"] == "status_quo"
    md = render_markdown(record)
    assert "`status_quo` (baseline: nothing changes, forecast = rp" in md
    assert "is not a model" in md


def test_status_quo_forecasts_and_mae_by_hand(data, record) -> None:
    rows = record["forecasts"]
    for row, issue in zip(rows, data.issues, strict=True):
        assert row["forecast"]["status_quo"] == issue.reference
    pairs = [(i.reference, i.outcome) for i in data.issues if i.outcome is not None]
    both = [(r, y) for r, y in pairs if r is not None]
    assert 0 < len(both) < len(pairs)
    mae = sum(abs(r - y) for r, y in both) / len(both)
    got = record["overall"]["status_quo"]["metrics"]["mae"]
    assert got["value"] == pytest.approx(mae, abs=1e-6)
    assert got["lo"] <= mae <= got["hi"]
    assert record["baselines"]["status_quo"]["missing"] == len(pairs) - len(both)
    # by hand on three issues of n99047: rp 0, 90, 100
    three = [i for i in data.issues if i.proposal == "n99047"]
    assert [i.reference for i in three] == [0.0, 90.0, 100.0]
    run = run_baseline("status_quo", three)
    np.testing.assert_array_equal(run.forecast, [0.0, 90.0, 100.0])
    assert run.baseline


def test_paired_differences_to_both_references(data, record) -> None:
    y = np.array([np.nan if i.outcome is None else i.outcome for i in data.issues])
    ok = np.isfinite(y)
    fc = {n: np.array([np.nan if r["forecast"][n] is None else r["forecast"][n]
                       for r in record["forecasts"]]) for n in record["ranking"]}  # fmt: skip
    sq = np.abs(fc["status_quo"] - y)
    for name in ("compromise", "median"):
        ae = np.abs(fc[name] - y)
        both = ok & np.isfinite(sq)
        expected = (ae[both] - sq[both]).mean()
        diff = record["overall"][name]["vs_status_quo"]["mae"]
        assert diff["value"] == pytest.approx(expected, abs=1e-5)
        assert diff["lo"] <= diff["value"] <= diff["hi"]
    # the same proposal resamples as the metrics: recompute the interval of one difference
    proposals = np.array([i.proposal for i in data.issues])
    rs = Resamples.draw(proposals[ok], 300, [4, 0])
    ae = np.abs(fc["median"] - y)[ok]
    again = summary(ae, rs, base_ae=sq[ok])["mae"]
    got = record["overall"]["median"]["vs_status_quo"]["mae"]
    assert got == pytest.approx({k: round(v, 6) for k, v in again.items()}, abs=1e-6)
    # every row but the reference itself has both differences, overall and per group
    for table in [record["overall"], *record["groups"].values()]:
        for name in record["ranking"] + list(record["duplicates"]):
            assert ("vs_compromise" in table[name]) == (name != "compromise")
            assert ("vs_status_quo" in table[name]) == (name != "status_quo")
    md = render_markdown(record)
    assert "ΔMAE vs compromise [95% CI] | ΔMAE vs status_quo [95% CI] |" in md
    assert "Δsq" in md


def test_identical_rows_are_flagged_not_ranked() -> None:
    single = read_deu().select({"d99158", "n0062B", "d97264"})  # one issue each
    rec = run_backtest(single, models=["exchange", "median"], n_boot=100).record
    # one issue per proposal: exchange has nothing to trade, and so its deal-aware row too;
    # so is the consensus: the median of compromise, exchange (= compromise) and median
    assert rec["duplicates"] == {
        "consensus": "compromise",
        "consensus+deal": "compromise+deal",
        "exchange": "compromise",
        "exchange+deal": "compromise+deal",
    }
    assert "exchange" not in rec["ranking"]
    assert rec["deal_aware"]["exchange+deal"]["identical_to"] == "compromise+deal"
    assert rec["models"]["exchange"]["identical_to"] == "compromise"
    assert "identical_to" not in rec["models"]["median"]
    md = render_markdown(rec)
    assert "| = | `exchange` — identical to `compromise` on every issue, not ranked |" in md
    assert "| `exchange` (= `compromise`) |" in md
    lines = md.splitlines()
    row = next(k for k, t in enumerate(lines) if "| `compromise` |" in t and t.startswith("| "))
    # right under the row they repeat
    assert {"`consensus`", "`exchange`"} <= {
        t.split(" — ")[0].split("| ")[-1] for t in lines[row + 1 : row + 3]
    }


def test_no_duplicates_with_several_issues(record) -> None:
    assert record["duplicates"] == {}
    assert "exchange" in record["ranking"]


def test_identical() -> None:
    a = np.array([1.0, np.nan, 3.0])
    assert identical(a, a + 1e-10)
    assert not identical(a, a + 1e-8)
    assert not identical(a, np.array([1.0, 2.0, 3.0]))


def test_the_record_is_deterministic(data, record) -> None:
    again = run_backtest(data, models=["exchange", "median"], n_boot=300, seed=4).record
    assert dumps(again) == dumps(record)
    assert json.loads(dumps(record))["settings"]["joint_models"]["unit"].startswith("proposal")
    other = run_backtest(data, models=["median", "exchange"], n_boot=300, seed=4).record
    assert dumps(other) == dumps(record)  # the order models are named in does not matter


def test_baseline_names_are_accepted_and_known() -> None:
    assert set(BASELINES) == {"status_quo"}
    data = read_deu().select({"d99158"})
    rec = run_backtest(data, models=["status_quo"], n_boot=100).record
    assert set(rec["models"]) == {"compromise"}
    assert set(rec["baselines"]) == {"status_quo"}
