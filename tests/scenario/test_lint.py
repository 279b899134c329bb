"""Warnings for saliences written on 0-1 in files on 0-100, and unknown keys named with a hint."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from accord.errors import AccordError, ScenarioWarning
from accord.scenario import load

YAML = """\
title: t
{scale}actors:
  - {{id: a, name: A, capability: 1}}
  - {{id: b, name: B, capability: 2}}
  - {{id: c, name: C, capability: 3}}
issues:
  - {{id: x, name: X, scale: {{min: 0, max: 100}}}}
stances:
  x:
    a: {{position: 10, salience: {a}}}
    b: {{position: 20, salience: {b}}}
    c: {{position: 30, salience: {c}}}
"""


def _load(tmp_path: Path, text: str, name: str = "s.yaml") -> tuple[object, list[ScenarioWarning]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = load(path)
    return scenario, [w.message for w in caught if isinstance(w.message, ScenarioWarning)]


def _yaml(scale: str, a: str, b: str, c: str) -> str:
    return YAML.format(scale=f"salience_scale: {scale}\n" if scale else "", a=a, b=b, c=c)


def test_one_cell_on_0_1_among_0_100_is_named(tmp_path: Path) -> None:
    text = _yaml("100", "0.8", "40", "90")
    scenario, found = _load(tmp_path, text)
    (warning,) = found
    line = text.splitlines().index("    a: {position: 10, salience: 0.8}") + 1
    assert warning.source == str(tmp_path / "s.yaml")
    assert warning.where == f"line {line}"
    assert "salience 0.8 of 'a' on 'x'" in warning.message
    assert "did you mean 80?" in warning.message
    assert scenario.stance("a", "x").salience == pytest.approx(0.008)  # a warning, not a fix


def test_the_cell_rule_also_applies_when_0_100_is_inferred(tmp_path: Path) -> None:
    _, found = _load(tmp_path, _yaml("", "0.5", "40", "90"))
    (warning,) = found
    assert "some exceed 1" in warning.message


def test_every_salience_on_0_1_though_declared_0_100_is_one_warning(tmp_path: Path) -> None:
    text = _yaml("100", "0.8", "0.4", "0.9")
    _, found = _load(tmp_path, text)
    (warning,) = found
    assert warning.where == "line 2"  # the declaration
    assert "all 3 are at most 1" in warning.message


@pytest.mark.parametrize(
    ("scale", "values"),
    [
        ("", ("0.8", "0.4", "0.9")),  # a file on 0-1
        ("1", ("0.8", "0.4", "1")),
        ("100", ("80", "0", "1")),  # 0 and 1 mean something on either scale
        ("100", ("37.5", "0.5", "90")),  # fractions on 0-100: a small one may be meant
    ],
)
def test_no_warning_for_consistent_files(
    tmp_path: Path, scale: str, values: tuple[str, ...]
) -> None:
    _, found = _load(tmp_path, _yaml(scale, *values))
    assert found == []


def test_csv_cells_are_named_by_row_and_column(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\nA,1,50,40\nB,1,20,0.5\nC,2,30,90\n"
    _, found = _load(tmp_path, text, "t.csv")
    (warning,) = found
    assert warning.where == "row 3, column Salience"
    assert "'b' on 't'" in warning.message


def test_csv_declared_scale_points_at_its_row(tmp_path: Path) -> None:
    text = "# salience_scale: 100\nActor,Capability,Position,Salience\nA,1,50,0.4\nB,1,20,0.5\n"
    _, found = _load(tmp_path, text, "t.csv")
    (warning,) = found
    assert warning.where == "row 1"


def test_cli_prints_warnings_on_stderr(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(_yaml("100", "0.8", "40", "90"), encoding="utf-8")
    code, out, err = run_cli("validate", str(path))
    assert code == 0 and out.startswith("ok:")
    assert err.startswith(f"warning: {path}: line ") and err.count("\n") == 1
    code, _, err = run_cli("run", str(path), "-m", "compromise", "--draws", "0", "--json")
    assert code == 0
    assert err.count("warning: ") == 1


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "b: {position: 20,",
            "b: {positon: 20,",
            "(stances[1] (b on x).positon): unknown key 'positon'; did you mean 'position'?",
        ),
        ("title: t", "titel: t", "line 1 (titel): unknown key 'titel'; did you mean 'title'?"),
        (
            "{id: a, name: A, capability: 1}",
            "{id: a, name: A, capabilty: 1}",
            "unknown key 'capabilty'; did you mean 'capability'?",
        ),
        ("b: {position: 20,", "b: {position: 20, colour: red,", "unknown key 'colour'"),
    ],
)
def test_unknown_yaml_key_is_named_with_the_closest_valid_one(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = _yaml("100", "80", "40", "90")
    assert old in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(AccordError) as info:
        load(path)
    message = str(info.value)
    assert expected in message
    assert message.endswith(expected) or "did you mean" not in expected
    if "colour" in new:
        assert "did you mean" not in message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Actor,Capability,Positon,Salience", "unknown column 'Positon'; did you mean 'Position'?"),
        (
            "Actor,Capability,x.positon,x.salience",
            "unknown column 'x.positon'; did you mean 'x.position'?",
        ),
        (
            "Actor,Capabilty,x.position,x.salience",
            "unknown column 'Capabilty'; did you mean 'Capability'?",
        ),
        (
            "Actor,Capability,x.position,x.salince",
            "unknown column 'x.salince'; did you mean 'x.salience'?",
        ),
    ],
)
def test_unknown_csv_column_is_named_with_the_closest_valid_one(
    tmp_path: Path, header: str, expected: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{header}\nA,1,50,40\nB,1,20,50\n", encoding="utf-8")
    with pytest.raises(AccordError) as info:
        load(path)
    assert expected in str(info.value)
    assert info.value.where == "row 1"
