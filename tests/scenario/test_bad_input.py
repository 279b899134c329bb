"""Each kind of bad input gives one AccordError naming the file, the place and the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from accord.errors import AccordError
from accord.scenario import load

GOOD_YAML = textwrap.dedent(
    """\
    title: Vienna talks
    actors:
      - id: usa
        capability: 100
      - id: rus
        capability: 90
    issues:
      - id: assad
        scale: {min: 0, max: 100}
    stances:
      assad:
        usa: {position: 90, salience: 80}
        rus: {position: 10, salience: 90}
    """
)
GOOD_CSV = "Actor,Capability,Position,Salience\nNetherlands,0.08,4,0.8\nFrance,0.16,10,0.6\n"


def problem(path: Path) -> str:
    """Load ``path`` expecting exactly one AccordError; return its one-line message."""
    with pytest.raises(AccordError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_missing_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ec.csv",
        GOOD_CSV.replace(",Salience", "").replace(",0.8", "").replace(",0.6", ""),
    )
    assert problem(path) == (
        f"{path}: row 1: missing column 'Salience' (a one-issue table needs Actor, Capability, "
        "Position, Salience)"
    )


def test_non_number(tmp_path: Path) -> None:
    path = write(tmp_path, "ec.csv", GOOD_CSV.replace("0.16", "big"))
    assert problem(path) == f"{path}: row 3, column Capability: expected a number, got 'big'"


def test_non_number_in_yaml(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("position: 10,", "position: left,")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'left')} (stances[1] (rus on assad).position): "
        "expected a number, got 'left'"
    )


def test_salience_of_140(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("salience: 90", "salience: 140")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, '140')} (stances[1] (rus on assad).salience): "
        "salience 140 is outside 0-100"
    )


def test_salience_of_140_in_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "ec.csv", GOOD_CSV.replace("0.6", "140"))
    assert problem(path) == (
        f"{path}: row 3, column Salience (stances[1] (france on ec).salience): "
        "salience 140 is outside 0-100"
    )


def test_position_outside_the_scale(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("position: 90", "position: 120")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, '120')} (stances[0] (usa on assad).position): "
        "position 120 is outside the scale of issue 'assad' [0, 100]"
    )


def test_position_outside_a_declared_table_scale(tmp_path: Path) -> None:
    path = write(tmp_path, "ec.csv", "# scale: 0 8 years\n" + GOOD_CSV)
    assert problem(path) == (
        f"{path}: row 4, column Position (stances[1] (france on ec).position): "
        "position 10 is outside the scale of issue 'ec' [0, 8]"
    )


def test_actor_with_no_stance(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("    rus: {position: 10, salience: 90}\n", "")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'id: rus')} (actors[1] (rus)): "
        "actor 'rus' has no stance on issue 'assad'"
    )


def test_duplicate_actor_id(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("id: rus", "id: usa")
    path = write(tmp_path, "v.yaml", text)
    second = [n for n, t in enumerate(text.splitlines(), 1) if "id: usa" in t][1]
    assert problem(path) == (
        f"{path}: line {second} (actors[1] (usa).id): duplicate actor id 'usa'"
    )


def test_duplicate_actor_in_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "ec.csv", GOOD_CSV + "netherlands,0.1,5,0.5\n")
    assert problem(path) == (
        f"{path}: row 4, column Actor: duplicate actor: 'Netherlands' (row 2) and "
        "'netherlands' (row 4) both become the id 'netherlands'"
    )


@pytest.mark.parametrize("name", ["empty.yaml", "empty.csv"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "")
    assert problem(path) == f"{path}: file is empty"
    path.write_text("  \n\n")
    assert problem(path) == f"{path}: file is empty"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert problem(path) == f"{path}: binary file (it contains NUL bytes), not a text scenario"


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(GOOD_CSV.replace("France", "Fran\xe7e").encode("latin-1"))
    assert problem(path) == (
        f"{path}: line 3: not UTF-8 text (byte 0xe7 at offset 62): a binary file, or text "
        "saved in another encoding; save it as UTF-8"
    )


def test_50_mb_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:  # sparse: takes no time and no disk
        handle.truncate(50 * 1024 * 1024)
    assert problem(path) == f"{path}: file is 50.0 MB; the limit is 10 MB"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("salience: 80}", "salience: 80")
    path = write(tmp_path, "v.yaml", text)
    message = problem(path)
    assert message.startswith(f"{path}: line {line_of(text, 'rus: {')}: YAML syntax error: ")
    assert "expected ',' or '}'" in message


def test_yaml_bad_indentation(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("  - id: rus", " - id: rus")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path).startswith(f"{path}: line {line_of(text, ' - id: rus')}: YAML syntax")


def test_unknown_field(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("    capability: 90\n", "    capability: 90\n    colour: red\n")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'colour')} (actors[1] (rus).colour): unknown key 'colour'"
    )


def test_unknown_field_in_a_stance(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("salience: 90}", "salience: 90,\n          weight: 2}")
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'weight')} (stances[1] (rus on assad).weight): "
        "unknown key 'weight'"
    )


def test_unknown_top_level_field(tmp_path: Path) -> None:
    text = "autor: me\n" + GOOD_YAML
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == f"{path}: line 1 (autor): unknown key 'autor'; did you mean 'actors'?"


def test_stance_for_an_unknown_actor(tmp_path: Path) -> None:
    text = GOOD_YAML + "    fra: {position: 50, salience: 50}\n"
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'fra:')} (stances[2] (fra on assad).actor): "
        "unknown actor 'fra'"
    )


def test_stance_for_an_unknown_issue(tmp_path: Path) -> None:
    text = GOOD_YAML + "  oil:\n    usa: {position: 50, salience: 50}\n"
    path = write(tmp_path, "v.yaml", text)
    assert problem(path) == (
        f"{path}: line {line_of(text, 'oil:')} (stances[2] (usa on oil).issue): unknown issue 'oil'"
    )
