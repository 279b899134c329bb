"""The command line: output, JSON, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accord import models
from accord.scenario import save
from tests.factories import random_scenario

ROOT = Path(__file__).resolve().parents[2]
EC = ROOT / "data" / "ec_emissions_1994.csv"


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scn.yaml"
    save(random_scenario(9, n_actors=5, n_issues=2), path)
    return path


def test_models_lists_every_registered_model(run_cli) -> None:
    code, out, _ = run_cli("models", "--json")
    assert code == 0
    listed = [m["name"] for m in json.loads(out)["models"]]
    assert listed == models.names()
    code, out, _ = run_cli("models")
    assert code == 0
    assert all(name in out for name in models.names())


def test_run_table_and_json(run_cli, scenario_file: Path) -> None:
    code, out, _ = run_cli("run", str(scenario_file))
    assert code == 0
    assert "Issue 0" in out
    assert "compromise" in out
    code, out, _ = run_cli("run", str(scenario_file), "--model", "compromise", "--json")
    assert code == 0
    data = json.loads(out)
    (result,) = data["results"]
    assert result["model"] == "compromise"
    assert set(result["forecast"]) == {"i0", "i1"}
    assert result["provenance"]["input_hash"] == data["scenario"]["hash"]


def test_run_json_is_deterministic(run_cli, scenario_file: Path) -> None:
    first = run_cli("run", str(scenario_file), "--json")[1]
    second = run_cli("run", str(scenario_file), "--json")[1]
    assert first == second


def test_run_bdm_on_ec_csv_with_rounds(run_cli) -> None:
    code, out, _ = run_cli("run", str(EC), "-m", "bdm", "-r", "8", "-p", "variant=scholz", "--json")
    assert code == 0
    (result,) = json.loads(out)["results"]
    assert result["provenance"]["params"]["rounds"] == 8
    (issue,) = result["issues"]
    # Scholz et al. (2011) replication: the median after round 1 is 8.42 (see test_bdm.py)
    assert round(result["series"]["median"][issue][1], 2) == 8.42


def test_validate_ok(run_cli, scenario_file: Path) -> None:
    code, out, _ = run_cli("validate", str(scenario_file))
    assert code == 0
    assert out.startswith("ok: 'random 9'")
    assert "5 actors, 2 issues" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "missing.yaml"], "missing.yaml"),
        (["run", "{scn}", "--model", "bmd"], "unknown model 'bmd' (did you mean 'bdm'?)"),
        (["run", "{scn}", "--param", "nonsense"], "not of the form key=value"),
        (["run", "{scn}", "--param", "colour=red"], "parameter 'colour' is not used"),
        (
            ["run", "{scn}", "-m", "bdm", "--param", "variant=wrong"],
            "bad parameter for model 'bdm'",
        ),
        (["run", "{scn}", "--rounds", "0"], "--rounds must be at least 1"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(run_cli, scenario_file: Path, args, expected) -> None:
    args = [a.replace("{scn}", str(scenario_file)) for a in args]
    code, _out, err = run_cli(*args)
    assert code == 2
    assert expected in err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_scenario_file_exit_code_2_via_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,50,140\nB,1,20,50\n")
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "bad.csv" in proc.stderr
    assert "140" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_help_everywhere(run_cli) -> None:
    for args in ([], ["run"], ["models"], ["validate"]):
        code, out, _ = run_cli(*args, "--help")
        assert code == 0
        assert "Usage" in out
    assert "Examples" in run_cli("run", "--help")[1]


def test_run_smp_on_ktab_csv(run_cli) -> None:
    # KTAB's own run of SOE-Pol-Comp has 28 states = 27 turns (its reference log)
    path = ROOT / "data" / "ktab" / "ktab_SOE-Pol-Comp.csv"
    code, out, err = run_cli("run", str(path), "-m", "smp", "--json")
    assert code == 0, err
    (result,) = json.loads(out)["results"]
    assert result["issues"] == ["policy", "competitive"]
    assert set(result["rounds"].values()) == {27}
    code, out, _ = run_cli("run", str(path), "-m", "smp", "-m", "compromise")
    assert code == 0
    smp_row = next(line for line in out.splitlines() if line.startswith("│ smp"))
    assert smp_row.rstrip(" │").endswith("27")  # the Rounds column
    assert "policy: Policy Position" in out


@pytest.mark.parametrize(
    "args", [["run"], ["run", "a.yaml", "extra"], ["nonsense"], ["run", "--rounds", "x", "a.yaml"]]
)
def test_usage_errors_exit_2_without_traceback(run_cli, args) -> None:
    code, _out, err = run_cli(*args)
    assert code == 2
    assert "Usage" in err
    assert "Traceback" not in err


def test_runs_are_saved_in_the_store_and_listed(
    run_cli, scenario_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "runs.db"
    code, out, err = run_cli("run", str(scenario_file), "-m", "compromise", "--store", str(db))
    assert code == 0
    run_id = err.strip().removeprefix("saved as ")
    assert run_id.startswith("r-")
    code, out, _ = run_cli("runs", "list", "--store", str(db), "--json")
    assert code == 0
    (listed,) = json.loads(out)["runs"]
    assert listed["id"] == run_id
    assert listed["kind"] == "run"
    code, out, _ = run_cli("runs", "show", run_id, "--store", str(db), "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["results"]["results"][0]["model"] == "compromise"
