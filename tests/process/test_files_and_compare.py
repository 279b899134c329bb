"""Design files (located errors), outcome measures by hand, and the comparison table/CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from accord import models
from accord.errors import AccordError
from accord.process import compare, declared_blocs, find_blocs, load_designs, loads_designs
from accord.process.compare import FORMAT_VERSION
from accord.process.measures import measure
from accord.process.runner import reentry_forecast, run_design
from accord.scenario import Scenario, load

ROOT = Path(__file__).resolve().parents[2]
VIENNA = ROOT / "cases" / "syria-2015-vienna.yaml"
VIENNA_DESIGNS = ROOT / "cases" / "syria-2015-vienna.designs.yaml"


def small() -> Scenario:
    # three actors on one 0-100 issue; weights c*s = 1, 1, 2
    return Scenario.model_validate(
        {
            "title": "small",
            "actors": [
                {"id": "a", "capability": 1, "bloc": "x"},
                {"id": "b", "capability": 1, "bloc": "x"},
                {"id": "c", "capability": 2},
            ],
            "issues": [{"id": "k"}],
            "stances": [
                {"actor": "a", "issue": "k", "position": 0, "salience": 1},
                {"actor": "b", "issue": "k", "position": 40, "salience": 1},
                {"actor": "c", "issue": "k", "position": 100, "salience": 1},
            ],
        }
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("designs:\n  - id: d\n    stages:\n      - forum: [a, zz]\n", "line 4"),
        ("designs:\n  - id: d\n    stages:\n      - forum: [a, zz]\n", "unknown actor 'zz'"),
        (
            "designs:\n  - id: d\n    shocks:\n      - {type: exit}\n",
            "a 'exit' shock needs 'actor'",
        ),
        (
            "designs:\n  - id: d\n    shocks:\n      - {type: exit, actor: a, stage: 3}\n",
            "stage 3 does not exist",
        ),
        ("designs:\n  - id: d\n    tracks: [[k], [k]]\n", "issue 'k' is in two tracks"),
        ("designs:\n  - id: d\n    coalitions: [nope]\n", "unknown bloc 'nope'"),
        ("designs:\n  - id: d\n    outside_weight: 2\n", "less than or equal to 1"),
        ("designs:\n  - id: baseline\n", "added automatically"),
        ("designs:\n  - id: d\n    colour: red\n", "unknown key 'colour'"),
        ("designs: [\n", "YAML syntax error"),
        (
            "designs:\n  - id: d\n    shocks:\n"
            "      - {type: position, actor: a, issue: k, value: 150}\n",
            "outside the scale",
        ),
    ],
)
def test_design_file_errors_are_located(text: str, expected: str) -> None:
    with pytest.raises(AccordError) as info:
        loads_designs(text, source="d.yaml", scenario=small())
    message = str(info.value)
    assert message.startswith("d.yaml: ")
    assert expected in message
    assert "\n" not in message


def test_measures_by_hand() -> None:
    model = models.get("compromise")
    exit_c = loads_designs("designs:\n  - id: d\n    shocks: [{type: exit, actor: c}]\n").designs[0]
    # Status quo 60; only a and b have a say. Without c the outcome is the mean of a and b, 20.
    data = small().model_dump()
    data["issues"][0].update(status_quo=60, consent=["a", "b"])
    scn = Scenario.model_validate(data)
    run = run_design(scn, exit_c, model)
    assert run.forecast[0, 0] == 20.0
    # a accepts (-60, 60), b accepts (20, 60): 20 lies on the edge of the zone, so it stands.
    assert run.deal[0, 0]
    assert run.outcome[0, 0] == 20.0
    m = measure(run, reentry_forecast(run, model), tolerance=0.2)
    # gaps /100: a .2, b .2, c .8 -> a and b within 0.2; breadth = capability 2 of 4
    assert m.breadth[0, 0] == pytest.approx(0.5)
    assert m.utility[0, :, 0] == pytest.approx([0.8, 0.8, 0.2])
    # c prefers its outside option 60 to 20: a spoiler with weight c*s = 2 of 4
    assert m.spoiler_risk[0, 0] == pytest.approx(0.5)
    # every actor with a say accepts 20 as it is: stable
    assert m.stable[0, 0]
    # c re-enters: everyone at 20 except c at 100 -> (1*20 + 1*20 + 2*100)/4 = 60, shift 40
    assert m.stability_shift[0, 0] == pytest.approx(40.0)
    # With everyone's consent c, which accepts only (60, 140), blocks: no deal, the status quo
    # stays, and there is nothing to spoil.
    data["issues"][0].pop("consent")
    everyone = run_design(Scenario.model_validate(data), exit_c, model)
    assert not everyone.deal[0, 0]
    assert everyone.outcome[0, 0] == 60.0
    m = measure(everyone, reentry_forecast(everyone, model), tolerance=0.2)
    assert not m.stable[0, 0]
    assert np.isnan(m.spoiler_risk[0, 0])


def test_compare_table_has_baseline_and_tidy_rows() -> None:
    scn = load(VIENNA)
    designs = load_designs(VIENNA_DESIGNS, scenario=scn).designs
    result = compare(scn, designs, models.get("compromise"))
    table = result.table()
    assert list(table["design"].unique()) == ["baseline", *(d.id for d in designs)]
    assert len(table) == (len(designs) + 1) * (len(scn.issues) + 1)
    assert set(table.columns) >= {
        "forecast",
        "p_deal",
        "expected",
        "delta",
        "delta_noise",
        "rounds",
        "breadth",
        "spoiler_risk",
        "stable",
    }
    measures = ["breadth", "spoiler_risk", "stable", "p_deal"]
    assert table[measures].dropna().apply(lambda c: c.between(0, 1).all()).all()
    # the boycott design leaves the opposition outside and is the only one whose outcome moves
    # when the excluded come back
    shifts = table[table["issue"] == "all"].set_index("design")["stability_shift"]
    assert shifts["opposition-boycott"] > 0
    assert shifts["baseline"] == pytest.approx(0)
    utilities = result.utilities()
    assert utilities["utility"].between(0, 1).all()


def test_compare_cli(run_cli) -> None:

    code, out, _ = run_cli("compare", str(VIENNA), "-d", str(VIENNA_DESIGNS), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "consensus"  # by default: every model, led by their consensus
    assert data["models"] == models.names()
    assert data["format_version"] == FORMAT_VERSION
    assert data["designs"][0]["id"] == "baseline"
    code, out, _ = run_cli("compare", str(VIENNA), "-d", str(VIENNA_DESIGNS))
    assert code == 0
    assert "us-russia-first" in out
    assert "Spoiler risk" in out
    code, _, err = run_cli("compare", str(VIENNA), "-d", str(VIENNA))
    assert code == 2
    assert err.startswith("error: ")
    code, out, _ = run_cli("blocs", str(VIENNA), "--json")
    assert code == 0
    assert json.loads(out)["declared"]


def test_blocs_declared_and_found() -> None:
    scn = small()
    (bloc,) = declared_blocs(scn)
    assert bloc.members == ("a", "b")
    assert bloc.share == 0.5
    assert bloc.position["k"] == 20.0
    found = find_blocs(scn, threshold=0.4)
    assert [b.members for b in found] == [("a", "b")]
    assert find_blocs(scn, threshold=0.1) == []
    assert np.isclose(found[0].spread, 0.2)
