"""The deal-aware command line: run --deal, mc --deal, compare --draws, cases report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIENNA = str(ROOT / "cases" / "syria-2015-vienna.yaml")
DESIGNS = str(ROOT / "cases" / "syria-2015-vienna.designs.yaml")


def test_run_deal_json_and_tables(run_cli) -> None:
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "-m", "nash", "--deal", "-n", "200",
                           "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    deal = data["deal"]
    assert deal["provenance"]["draws"] == 200
    issues = data["scenario"]["issues"]
    assert [z["issues"] for z in deal["zones"]] == [[i] for i in issues]  # one by one
    rows = {(f["model"], f["issue"]): f for f in deal["forecasts"]}
    assert set(rows) == {(m, i) for m in ("compromise", "nash") for i in issues}
    for f in rows.values():
        assert 0.0 <= f["p_deal"] <= 1.0
        if f["p_deal"] == 0.0:
            assert f["settlement"] is None
            assert f["expected"] == pytest.approx(f["no_deal"])
    assert set(deal["blockers"]) == set(issues)
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "--deal", "-n", "100")
    assert code == 0
    for words in ("Will they settle?", "P(deal)", "Expected outcome", "What would it take"):
        assert words in out
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "--deal", "--linked", "-n", "50",
                           "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["deal"]["provenance"]["tracks"] == [issues]


def test_run_deal_bad_draws_is_a_usage_error(run_cli) -> None:
    code, _, err = run_cli("run", VIENNA, "-m", "compromise", "--deal", "-n", "-1")
    assert code == 2
    assert err.startswith("error: ") and "--draws" in err


def test_mc_deal(run_cli) -> None:
    code, out, _ = run_cli("mc", VIENNA, "-m", "compromise", "-n", "200", "--deal", "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["issue"] for d in data["deal"]] == [i["issue"] for i in data["issues"]]
    code, out, _ = run_cli("mc", VIENNA, "-m", "compromise", "-n", "200", "--deal", "-q")
    assert code == 0
    assert "P(deal)" in out and "deal-aware outcome" in out


def test_compare_draws(run_cli) -> None:
    code, out, _ = run_cli(
        "compare", VIENNA, "-d", DESIGNS, "-m", "compromise", "-m", "nash", "-n", "60", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "consensus"  # several models: their consensus (median)
    assert data["params"]["models"] == ["compromise", "nash"]  # every -m honoured
    assert data["draws"] == 60
    row = next(r for r in data["table"] if r["design"] == "us-russia-first")
    for key in ("p_deal", "expected", "delta", "delta_low", "delta_high", "delta_noise"):
        assert key in row
    code, out, _ = run_cli("compare", VIENNA, "-d", DESIGNS, "-m", "compromise", "-n", "30")
    assert code == 0
    text = " ".join(out.split())
    assert "warning" in text and "weighted mean of weighted means" in text
    assert "Δ vs base" in out


@pytest.mark.slow
def test_cases_report_has_the_baseline_and_deal_rows(run_cli) -> None:
    code, out, _ = run_cli("cases", "report", "syria-2015-vienna", "-m", "compromise", "-n",
                           "100", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    board = {r["model"]: r for r in data["scoreboard"]}
    assert set(board) == {"status_quo", "compromise", "compromise+deal"}
    assert board["status_quo"]["vs_status_quo"] is None
    for name in ("compromise", "compromise+deal"):
        d = board[name]["vs_status_quo"]
        assert d["lo"] <= d["value"] <= d["hi"]
    verdicts = data["cases"][0]["verdicts"]
    sq = [v for v in verdicts if v["model"] == "status_quo"]
    assert len(sq) == 4 and all(v["p_deal"] is None for v in sq)
    assert all(v["p_deal"] is not None for v in verdicts if v["model"].endswith("+deal"))


def test_run_leads_with_the_bottom_line(run_cli) -> None:
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "-m", "median", "-n", "40")
    assert code == 0
    assert out.index("Bottom line") < out.index("Why") < out.index("Model ")
    assert "consensus of 2 models (median per draw); 40 draws" in out
    for issue in ("assad", "territory", "ceasefire", "counter_isis"):
        assert f"{issue}: " in out  # its why
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "-m", "median", "-n", "40",
                           "--json")  # fmt: skip
    data = json.loads(out)
    bl = data["bottom_line"]
    assert bl["format_version"] == 1
    assert bl["provenance"]["models"] == ["compromise", "median"]
    assert bl["provenance"]["draws"] == 40
    assert [line["issue"] for line in bl["issues"]] == data["scenario"]["issues"]
    for line in bl["issues"]:
        lo, hi = line["interval"]
        assert lo <= line["consensus"] <= hi
        assert line["why"]
    code, out, _ = run_cli("run", VIENNA, "-m", "compromise", "-n", "0", "--json")
    assert code == 0
    assert json.loads(out)["bottom_line"]["provenance"]["draws"] == 1
