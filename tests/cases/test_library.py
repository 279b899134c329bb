"""The case library: every case and design runs; outcomes are never read when forecasting."""

from __future__ import annotations

import builtins
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from accord import cases, models
from accord.errors import AccordError
from accord.process import compare
from accord.scenario import save
from tests.factories import random_scenario

NAMES = cases.names()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the path of every file opened through open() or os.open()."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    return seen


def test_the_five_seed_cases_are_there() -> None:
    assert {
        "syria-2014-geneva2",
        "syria-2015-vienna",
        "syria-2016-coalition",
        "syria-2017-astana",
        "ukraine-2022",
    } <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_case_runs_with_every_model(name: str) -> None:
    case = cases.load(name)
    for model in models.names():
        res = models.get(model).run(case.scenario)
        assert np.all(np.isfinite(res.forecast)), model


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("model", ["compromise", "bdm", "smp"])
def test_every_design_runs(name: str, model: str) -> None:
    case = cases.load(name)
    assert case.designs is not None and case.designs.designs, f"{name} has no designs"
    table = compare(case.scenario, case.designs.designs, models.get(model)).table()
    assert len(table) == (len(case.designs.designs) + 1) * (len(case.scenario.issues) + 1)
    assert table[table["issue"] != "all"]["forecast"].notna().all()


@pytest.mark.parametrize("name", NAMES)
def test_every_number_is_justified_and_sourced(name: str) -> None:
    s = cases.load(name).scenario
    for a in s.actors:
        assert a.source, f"{name}: actor {a.id} has no source"
        assert "capability" in a.why, f"{name}: actor {a.id} capability unjustified"
    for st in s.stances:
        where = f"{name}: {st.actor} on {st.issue}"
        assert st.source, f"{where}: no source"
        assert {"position", "salience"} <= set(st.why), f"{where}: position/salience unjustified"
    for issue in s.issues:
        assert len(issue.anchors) >= 2, f"{name}: issue {issue.id} needs labelled anchors"


@pytest.mark.parametrize("name", NAMES)
def test_outcome_file_exists_and_fits(name: str) -> None:
    case = cases.load(name)
    assert case.has_outcome
    outcome = cases.load_outcome(name, case.scenario)
    assert outcome.case == name
    assert {o.issue for o in outcome.outcomes} == set(case.scenario.issue_ids)
    assert outcome.events


def test_forecasting_never_reads_an_outcome_file(run_cli, opened: list[str]) -> None:
    for name in NAMES:
        case = cases.load(name)
        for model in models.names():
            models.get(model).run(case.scenario)
        assert run_cli("cases", "run", name, "--designs", "-m", "compromise")[0] == 0
    assert opened, "the spy saw no file at all: it is not working"
    assert any(p.endswith(".designs.yaml") for p in opened)
    assert not [p for p in opened if p.endswith(".outcome.yaml")]


def test_the_report_reads_outcomes_only_after_forecasting(opened: list[str]) -> None:
    name = NAMES[0]
    rep = cases.report_case(name, ["compromise"])
    assert opened[-1].endswith(f"{name}.outcome.yaml")
    assert all(not p.endswith(".outcome.yaml") for p in opened[:-1])
    assert rep.verdicts


def make_case(folder: Path, outcome: str) -> None:
    scn = random_scenario(5, n_actors=3, n_issues=1)  # issue i0 on 0-100
    save(scn, folder / "toy.yaml")
    (folder / "toy.outcome.yaml").write_text(outcome)


def test_verdicts_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_CASES", str(tmp_path))
    make_case(tmp_path, "")
    forecast = models.get("compromise").run(cases.load("toy").scenario).forecast_of("i0")
    step = 1 if forecast < 50 else -1  # move toward the middle so the outcome stays on 0-100
    # scale width 100: an error of 5 is right (<= 10%), 20 close (<= 25%), 30 wrong
    for gap, verdict in ((5, "right"), (20, "close"), (30, "wrong")):
        position = forecast + step * gap
        (tmp_path / "toy.outcome.yaml").write_text(
            "case: toy\nas_of: 2020-01-01\nsummary: s\n"
            "events: [{date: 2019-01-01, what: w, source: s}]\n"
            f"outcomes:\n  - {{issue: i0, position: {position}, by: 2019-06-01, why: w, source: s}}\n"
        )
        rows = {v.model: v for v in cases.report_case("toy", ["compromise"]).verdicts}
        assert set(rows) == {"compromise", "compromise+deal", "status_quo"}
        v = rows["compromise"]
        assert v.verdict == verdict
        assert v.error == pytest.approx(gap)
        assert ("wrong" in v.sentence()) == (verdict == "wrong")
        # the naive baseline is the status quo itself; the deal-aware row its own forecast
        scn = cases.load("toy").scenario
        sq = scn.issue("i0").status_quo
        assert rows["status_quo"].forecast == sq
        assert rows["status_quo"].error == pytest.approx(abs(sq - position))
        assert rows["compromise+deal"].p_deal is not None


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ("outcomes: []\n", "no outcome coded for issue 'i0'"),
        (
            "outcomes:\n  - {issue: zz, position: 1, by: 2019-01-01, why: w, source: s}\n",
            "unknown issue 'zz'",
        ),
        (
            "outcomes:\n  - {issue: i0, position: 150, by: 2019-01-01, why: w, source: s}\n",
            "outside the scale",
        ),
        (
            "outcomes:\n  - {issue: i0, position: 5, range: [10, 20], by: 2019-01-01, why: w, source: s}\n",
            "must contain the position",
        ),
    ],
)
def test_bad_outcome_files_are_clear_errors(tmp_path, monkeypatch, outcomes, expected) -> None:
    monkeypatch.setenv("ACCORD_CASES", str(tmp_path))
    make_case(tmp_path, "case: toy\nas_of: 2020-01-01\nsummary: s\n" + outcomes)
    with pytest.raises(AccordError) as info:
        cases.report_case("toy", ["compromise"])
    assert "toy.outcome.yaml" in str(info.value) and expected in str(info.value)


def test_cli_list_show_report(run_cli) -> None:
    code, out, _ = run_cli("cases", "list", "--json")
    assert code == 0
    assert [r["case"] for r in json.loads(out)["cases"]] == NAMES
    code, out, _ = run_cli("cases", "show", NAMES[0])
    assert code == 0 and "Actors" in out and "Issues" in out
    code, out, _ = run_cli("cases", "report", "-m", "compromise", "--json")
    assert code == 0
    data = json.loads(out)
    assert {c["case"] for c in data["cases"]} == set(NAMES)
    assert {r["model"] for r in data["scoreboard"]} == {
        "status_quo",
        "compromise",
        "compromise+deal",
    }
    code, _, err = run_cli("cases", "show", "nope")
    assert code == 2 and "unknown case 'nope'" in err


def test_with_several_models_the_consensus_is_scored_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_CASES", str(tmp_path))
    make_case(
        tmp_path,
        "case: toy\nas_of: 2020-01-01\nsummary: s\n"
        "outcomes:\n  - {issue: i0, position: 40, by: 2019-06-01, why: w, source: s}\n",
    )
    scn = cases.load("toy").scenario
    rows = {
        v.model: v for v in cases.report_case("toy", ["compromise", "median"], draws=20).verdicts
    }
    assert {"consensus", "consensus+deal"} <= set(rows)
    both = [models.get(n).run(scn).forecast_of("i0") for n in ("compromise", "median")]
    assert rows["consensus"].forecast == pytest.approx(sum(both) / 2)  # the median of two
    assert rows["consensus+deal"].p_deal is not None
