from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.backtest.conftest import HEADER, row, tsv


@pytest.fixture
def small(write) -> Path:
    rows = [row("x01i1"), row("x01i2", pde="zz"), row("x02i1", prnr="x02", out="70", pfr="20"),
            row("x03i1", prnr="x03", proc="CNS", counvte="Unan", out="")]  # fmt: skip
    return write(tsv(rows))


def test_json_record(run_cli, small: Path) -> None:
    code, out, err = run_cli("backtest", "deu", str(small), "-m", "median", "--json",
                         "--bootstrap", "100")  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["dataset"]["skipped"] == [
        {"line": 4, "issue": "x01i2", "reason": "position pde is not a number: 'zz'"}
    ]
    assert rec["dataset"]["no_outcome"] == ["x03i1"]
    assert rec["dataset"]["scored"] == 2
    assert set(rec["models"]) == {"compromise", "median"}
    assert set(rec["baselines"]) == {"status_quo"}
    assert "status_quo" in rec["ranking"]


def test_markdown_out_and_doc(run_cli, small: Path, tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    code, out, err = run_cli("backtest", "deu", str(small), "-m", "compromise,median",
                         "--out", str(tmp_path / "res"), "--doc", str(doc),
                         "--bootstrap", "100", "-c", "gdp")  # fmt: skip
    assert code == 0, err
    assert "| rank | model |" in out
    assert "| `status_quo` (baseline: nothing changes, forecast = rp) |" in out
    assert "ΔMAE vs status_quo" in out
    assert "seconds per model" in err
    assert (tmp_path / "res" / "deu-all.json").is_file()
    assert (tmp_path / "res" / "deu-all.md").read_text(encoding="utf-8") in doc.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capability", "size"], "--capability must be one of"),
        (["--split", "test"], "--split must be all, train or dev"),
        (["--split", "dev"], "no issue of the data is in the 'dev' split"),
        (["-m", "nosuchmodel"], "unknown model 'nosuchmodel'"),
        (["--seed", "-1"], "--seed must be >= 0"),
        (["--bootstrap", "5"], "at least 100 bootstrap"),
    ],
)
def test_option_errors_are_one_line(run_cli, small: Path, args: list[str], message: str) -> None:
    code, _out, err = run_cli("backtest", "deu", str(small), *args)
    assert code == 2
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_file_errors_are_one_line(run_cli, write, tmp_path: Path) -> None:
    code, _, err = run_cli("backtest", "deu", str(tmp_path / "missing.tsv"))
    assert code == 2
    assert "cannot read the file" in err
    assert err.count("\n") == 1
    bad = write(tsv([row()], header=[c for c in HEADER if c not in ("rp", "out")]))
    code, _, err = run_cli("backtest", "deu", str(bad))
    assert code == 2
    assert err == f"error: {bad}: line 1: missing column(s): rp, out\n"


def test_bundled_split_dev_runs(run_cli) -> None:
    code, out, err = run_cli("backtest", "deu", "--split", "dev", "-m", "compromise",
                         "--json", "--bootstrap", "100")  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["split"]["name"] == "dev"
    assert rec["split"]["not_in_split"] == []
    assert rec["dataset"]["proposals_scored"] == 30
