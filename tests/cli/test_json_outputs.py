"""Every ``--json`` output: a top-level format_version, its schema in docs/json/, every model used.

Each command runs once (module fixture) with two models named by repeated ``-m`` where it takes
models; the outputs are then checked against their JSON Schemas (draft 2020-12) and for the
models they name.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from accord.cli.app import main
from accord.scenario import save
from tests.backtest.conftest import row, tsv
from tests.factories import random_scenario

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "json"
CASE = "syria-2017-astana"
TWO = ["-m", "compromise", "-m", "median"]
BOTH = ["compromise", "median"]
BOOT = ["--bootstrap", "100", "--json"]
DESIGNS = """\
designs:
  - id: a-first
    name: a0 and a1 settle first
    stages:
      - forum: [a0, a1]
      - forum: [a0, a1, a2, a3]
"""

# output kind -> (schema file, command line with {scn}, {designs}, {deu}, {run1}, {run2} filled in)
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "run": ("run", ["run", "{scn}", *TWO, "--draws", "20", "--deal", "--json"]),
    "run-forecasts-only": ("run", ["run", "{scn}", *TWO, "--no-bottom-line", "--json"]),
    "models": ("models", ["models", "--json"]),
    "validate": ("validate", ["validate", "{scn}", "--json"]),
    "validate-invalid": ("validate", ["validate", "{bad}", "--json"]),
    "compare": (
        "compare",
        ["compare", "{scn}", "-d", "{designs}", *TWO, "-n", "10", "--spread", "0.1", "--json"],
    ),
    "blocs": ("blocs", ["blocs", "{scn}", "--json"]),
    "mc": ("mc", ["mc", "{scn}", *TWO, "-n", "30", "--spread", "0.1", "--deal", "-q", "--json"]),
    "tornado": ("sensitivity-tornado", ["sensitivity", "{scn}", *TWO, "--spread", "0.1", "--json"]),
    "sobol": (
        "sensitivity-sobol",
        ["sensitivity", "{scn}", *TWO, "--spread", "0.1", "--method", "sobol", "-n", "8", "--json"],
    ),
    "levers": ("levers", ["levers", "{scn}", "--actor", "a0", *TWO, "--json"]),
    "cases-list": ("cases-list", ["cases", "list", "--json"]),
    "cases-run": ("cases-run", ["cases", "run", CASE, *TWO, "--designs", "--json"]),
    "cases-report": ("cases-report", ["cases", "report", CASE, *TWO, "-n", "10", "--json"]),
    "backtest": (
        "backtest",
        ["backtest", "deu", "{deu}", "--model", "compromise", "--model", "median", *BOOT],
    ),
    "runs-list": ("runs-list", ["runs", "list", "--json"]),
    "runs-show": ("runs-show", ["runs", "show", "{run1}", "--json"]),
    "runs-diff": ("runs-diff", ["runs", "diff", "{run1}", "{run2}", "--json"]),
}


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, Any]]:
    tmp = tmp_path_factory.mktemp("json")
    scn = tmp / "scn.yaml"
    save(random_scenario(3, n_actors=4, n_issues=2), scn)
    bad = tmp / "bad.yaml"
    bad.write_text(scn.read_text(encoding="utf-8").replace("position:", "positon:", 1))
    designs = tmp / "designs.yaml"
    designs.write_text(DESIGNS, encoding="utf-8")
    deu = tmp / "deu.tsv"
    deu.write_text(tsv([row("x01i1"), row("x02i1", prnr="x02", out="70", pfr="20")]))
    places = {"{scn}": str(scn), "{bad}": str(bad), "{designs}": str(designs), "{deu}": str(deu)}
    found: dict[str, tuple[int, Any]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCORD_STORE", str(tmp / "runs.db"))  # run, mc, compare, backtest save here
        for kind, (_, args) in COMMANDS.items():
            if kind == "runs-show":
                runs = found["runs-list"][1]["runs"]
                places["{run1}"], places["{run2}"] = runs[0]["id"], runs[1]["id"]
            code, out, err = _cli(*(places.get(a, a) for a in args))
            assert out, (kind, code, err)
            found[kind] = (code, json.loads(out))
    return found


@pytest.fixture(scope="module")
def registry() -> Registry:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in DOCS.glob("*.schema.json")]
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((DOCS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


def test_every_schema_is_valid_and_listed_in_the_readme() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    files = sorted(DOCS.glob("*.schema.json"))
    assert {name for name, _ in COMMANDS.values()} | {"bottom-line"} == {
        p.name.removesuffix(".schema.json") for p in files
    }
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{path.name}")
        assert f"({path.name})" in readme, path.name


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_output_matches_its_schema(outputs, registry, kind: str) -> None:
    code, data = outputs[kind]
    assert code == (2 if kind == "validate-invalid" else 0)
    assert isinstance(data, dict) and isinstance(data["format_version"], int)
    schema = _schema(COMMANDS[kind][0])
    errors = list(Draft202012Validator(schema, registry=registry).iter_errors(data))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_schemas_reject_what_they_document_as_required(outputs, registry) -> None:
    data = dict(outputs["mc"][1])
    del data["format_version"]
    assert not Draft202012Validator(_schema("mc"), registry=registry).is_valid(data)
    run = json.loads(json.dumps(outputs["run"][1]))
    run["bottom_line"]["issues"][0]["p_deal"] = "likely"  # checked through the $ref
    assert not Draft202012Validator(_schema("run"), registry=registry).is_valid(run)


def test_validate_verdicts(outputs) -> None:
    _, good = outputs["validate"]
    assert good["valid"] is True and good["problems"] == [] and good["summary"]["actors"] == 4
    _, bad = outputs["validate-invalid"]
    assert bad["valid"] is False and bad["summary"] is None
    (problem,) = bad["problems"]
    assert problem["message"] == "unknown key 'positon'; did you mean 'position'?"
    assert problem["where"].startswith("line ")


@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("mc", ("provenance", "params", "models")),
        ("tornado", ("models",)),
        ("sobol", ("models",)),
        ("levers", ("models",)),
        ("compare", ("models",)),
        ("cases-run", ("designs", "models")),
        ("cases-report", ("models",)),
        ("run", ("bottom_line", "provenance", "models")),
    ],
)
def test_repeated_model_options_use_every_model(outputs, kind: str, where: tuple[str, ...]) -> None:
    node: Any = outputs[kind][1]
    for key in where:
        node = node[key]
    if kind == "cases-report":  # scored one by one (the report may add their consensus)
        assert [m for m in node if m in BOTH] == BOTH
    else:
        assert node == BOTH
    if kind in ("mc", "tornado", "sobol", "levers", "compare"):
        model = outputs[kind][1].get("model") or outputs[kind][1]["provenance"]["model"]
        assert model == "consensus"  # one analysis: the median of both models


def test_repeated_model_options_give_one_row_each(outputs) -> None:
    assert [r["model"] for r in outputs["run"][1]["results"]] == BOTH
    assert [r["model"] for r in outputs["cases-run"][1]["results"]] == BOTH
    assert {r["model"] for r in outputs["cases-report"][1]["scoreboard"]} >= {
        "status_quo",
        *BOTH,
        *(f"{m}+deal" for m in BOTH),
    }
    assert set(BOTH) <= set(outputs["backtest"][1]["models"])  # (and maybe their consensus)
