"""The entry points at the top of the package (``accord.run`` ...) and short reprs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import accord
from accord import models
from accord.analysis.deal import deal_forecast
from accord.api import lead_of, models_of, scenario_of
from accord.errors import AccordError
from accord.scenario import save
from tests.factories import random_scenario

CASE = "syria-2015-vienna"
MAX_REPR = 400


@pytest.fixture(scope="module")
def scn_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "s.yaml"
    save(random_scenario(21, n_actors=4, n_issues=2), path)
    return path


def test_import_accord_loads_no_entry_point() -> None:
    code = (
        "import sys, accord; "
        "print(sorted(m for m in sys.modules if m.startswith('accord')), "
        "'numpy' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # the version too is read when asked for (importlib.metadata is slow to import)
    assert out.stdout.strip() == "['accord', 'accord.errors'] False False"
    assert accord.__version__ == accord._version.__version__
    assert {"run", "mc", "compare", "report", "bottom_line", "load_scenario"} <= set(dir(accord))


def test_scenario_arguments(scn_file: Path) -> None:
    s = accord.load_scenario(scn_file)
    assert scenario_of(s) is s
    assert scenario_of(scn_file) == s and scenario_of(str(scn_file)) == s
    assert scenario_of(CASE).title.startswith("Syria")
    with pytest.raises(AccordError, match="neither a scenario file"):
        scenario_of("no-such-case")
    with pytest.raises(AccordError, match="file not found"):
        scenario_of("missing.yaml")


def test_model_arguments() -> None:
    assert [m.name for m in models_of(None)] == models.names()
    assert [m.name for m in models_of("bdm")] == ["bdm"]
    bdm = models.get("bdm", q=0.5)
    chosen = models_of(["nash", bdm, "median"])
    assert [m.name for m in chosen] == ["nash", "bdm", "median"] and chosen[1] is bdm
    assert [m.name for m in models_of(["nash", "all", "nash"])] == [
        "nash",
        *(n for n in models.names() if n != "nash"),
    ]
    assert lead_of("nash").name == "nash"
    assert lead_of(["nash", "median"]).member_names == ("nash", "median")
    with pytest.raises(AccordError, match="unknown model"):
        models_of("bmd")


def test_run_is_the_forecast_of_every_model_by_default(scn_file: Path) -> None:
    fc = accord.run(scn_file)
    assert fc.models == tuple(models.names())
    two = accord.run(scn_file, ["compromise", "median"], seed=3)
    assert two.models == ("compromise", "median")
    direct = models.get("median").run(accord.load_scenario(scn_file), rng=3)
    np.testing.assert_array_equal(two.result("median").forecast, direct.forecast)
    assert accord.run(scn_file, "bdm", rounds=3).results[0].provenance.params["rounds"] == 3


def test_bottom_line_mc_compare_sensitivity_levers(scn_file: Path) -> None:
    bl = accord.bottom_line(scn_file, ["compromise", "median"], draws=0)
    assert bl.models == ("compromise", "median")
    res = accord.mc(scn_file, ["compromise", "median"], draws=20, spread=0.1, seed=2)
    assert res.provenance.model == "consensus" and res.provenance.draws == 20
    assert res.provenance.params["models"] == ["compromise", "median"]
    cmp = accord.compare(CASE, model="compromise")
    assert cmp.to_frame()["design"].iloc[0] == "baseline" and len(cmp.runs) > 1
    tornado = accord.sensitivity(scn_file, "compromise", spread=0.1)
    assert tornado.model == "compromise"
    lv = accord.levers(scn_file, "a0", "compromise")
    assert lv.actor == "a0"
    with pytest.raises(AccordError, match="no designs given"):
        accord.compare(scn_file, model="compromise")


def test_report_builds_and_writes(scn_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    report = accord.report(scn_file, target, models="compromise", draws=0, charts=False)
    assert target.is_file()
    assert report.title


def test_reprs_are_short_and_say_what_they_hold(scn_file: Path) -> None:
    s = accord.load_scenario(scn_file)
    fc = accord.run(s, ["compromise", "median"])
    res = accord.mc(s, "compromise", draws=30, spread=0.1, deal=True)
    consensus = lead_of(["compromise", "median"]).run(s)
    shown = {
        "scenario": repr(s),
        "result": repr(fc.results[0]),
        "consensus": repr(consensus),
        "forecast": repr(fc),
        "mc": repr(res),
        "tornado": repr(accord.sensitivity(s, "compromise", spread=0.1)),
        "levers": repr(accord.levers(s, "a0", "compromise")),
        "comparison": repr(accord.compare(CASE, model="compromise")),
        "deal": repr(deal_forecast(s, [models.get("compromise")], draws=10, spread=0.1)),
    }
    for what, text in shown.items():
        assert len(text) <= MAX_REPR and "\n" not in text and "array(" not in text, (what, text)
    assert (
        shown["scenario"]
        == f"Scenario('random 21', 4 actors × 2 issues, hash {s.content_hash()[:12]})"
    )
    first = round(float(fc.results[0].forecast[0, 0]), 1)
    assert shown["result"].startswith("Result(model='compromise', draws=1, issues=2, forecast=")
    assert f"'i0': {first}" in shown["result"]
    assert "members=('compromise', 'median')" in shown["consensus"]
    assert shown["mc"].startswith("MonteCarloResult('random 21', model='compromise', draws=30")
    assert "p_deal=" in shown["mc"] and "p_deal=" in shown["deal"]
    assert shown["comparison"].startswith("Comparison('Syria")
    assert str(s) == repr(s)
