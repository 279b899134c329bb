"""The seed cases and the DEU data are package data; the repository paths are links to them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import accord
from accord.backtest.deu import DEFAULT_PATH
from accord.backtest.split import DEFAULT_SPLIT
from accord.cases import library

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(accord.__file__).resolve().parent
CASES = [
    "syria-2014-geneva2",
    "syria-2015-vienna",
    "syria-2016-coalition",
    "syria-2017-astana",
    "ukraine-2022",
]


def test_the_defaults_are_inside_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(library.ENV, raising=False)
    assert library.cases_dir() == PACKAGE / "cases" / "bundled"
    assert library.names() == CASES
    assert DEFAULT_PATH == PACKAGE / "backtest" / "data" / "deu3_public.tsv"
    assert DEFAULT_SPLIT == PACKAGE / "backtest" / "data" / "deu3_split.json"
    assert DEFAULT_PATH.is_file() and DEFAULT_SPLIT.is_file()


@pytest.mark.skipif(
    not (ROOT / ".git").exists() or PACKAGE != ROOT / "src" / "accord",
    reason="needs the source tree",
)
def test_the_repository_paths_are_links_to_the_one_copy() -> None:
    assert (ROOT / "cases").is_symlink()
    assert os.readlink(ROOT / "cases") == "src/accord/cases/bundled"
    assert (ROOT / "cases").resolve() == PACKAGE / "cases" / "bundled"
    for name in ("deu3_public.tsv", "deu3_split.json"):
        link = ROOT / "data" / name
        assert link.is_symlink()
        assert os.readlink(link) == f"../src/accord/backtest/data/{name}"
        assert link.resolve() == PACKAGE / "backtest" / "data" / name
    assert (ROOT / "cases" / "syria-2015-vienna.yaml").is_file()


def test_accord_cases_overrides_the_bundled_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine.yaml").write_text("", encoding="utf-8")
    (tmp_path / "mine.outcome.yaml").write_text("", encoding="utf-8")
    monkeypatch.setenv(library.ENV, str(tmp_path))
    assert library.cases_dir() == tmp_path
    assert library.names() == ["mine"]


def test_a_missing_bundled_folder_is_a_one_line_error(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(library.ENV, raising=False)
    monkeypatch.setattr(library, "bundled_dir", lambda: tmp_path / "gone")
    code, out, err = run_cli("cases", "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: the cases folder {tmp_path / 'gone'} shipped with accord")
    assert "ACCORD_CASES" in err


def test_a_missing_user_folder_names_it(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(library.ENV, str(tmp_path / "nope"))
    code, _, err = run_cli("cases", "list")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: the cases folder {tmp_path / 'nope'} does not exist")
