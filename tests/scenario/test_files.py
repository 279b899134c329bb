"""The dispatcher: file checks before parsing, format choice, atomic saving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import accord
from accord.errors import AccordError
from accord.scenario import Scenario, load, loads, save
from accord.scenario import files as files_module
from accord.scenario.files import MAX_BYTES, format_of, read_text, sniff_csv

TABLE = "Actor,Capability,Position,Salience\na,1,10,0.5\nb,2,20,0.25\n"
YAML = """\
title: t
actors: [{id: a, capability: 1}, {id: b, capability: 2}]
issues: [{id: i}]
stances: {i: {a: {position: 10, salience: 0.5}, b: {position: 20, salience: 0.25}}}
"""


def scenario() -> Scenario:
    return loads(YAML, "yaml")


def test_top_level_aliases() -> None:
    assert accord.load_scenario is load
    assert accord.save_scenario is save


def test_format_by_extension(tmp_path: Path) -> None:
    assert format_of("x.YAML") == "yaml"
    assert format_of("x.yml") == "yaml"
    assert format_of("x.csv") == "csv"
    with pytest.raises(AccordError, match=r"x\.json: unknown file type '\.json'"):
        format_of("x.json")
    (tmp_path / "s.yml").write_text(YAML)
    assert load(tmp_path / "s.yml").title == "t"


def test_csv_sniffing() -> None:
    assert sniff_csv(TABLE) == "bdm"
    assert sniff_csv("# c\nActor,Capability,x.position,x.salience\n") == "wide"
    assert sniff_csv("n,d,3,1\nActor,Description,Power,P Position,P Salience\n") == "ktab"


def test_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "scenario.txt"
    path.write_text(YAML)
    assert load(path, format="yaml").title == "t"
    with pytest.raises(AccordError, match="unknown format 'json'"):
        loads(YAML, "json")


def test_scale_option_is_for_tables_only() -> None:
    with pytest.raises(AccordError, match="only for CSV tables"):
        loads(YAML, "yaml", scale=(0, 10))


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(AccordError) as info:
        load(path)
    assert str(info.value) == f"{path}: file not found"


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.mkdir()
    with pytest.raises(AccordError, match="is a directory"):
        load(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text(YAML)
    path.chmod(0)
    with pytest.raises(AccordError, match="cannot read the file: Permission denied"):
        load(path)


def test_fifo_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    with pytest.raises(AccordError, match="not a regular file"):
        load(path)


def test_large_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(12 * 1024 * 1024)
    read_sizes: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def fileno(self) -> int:
            return self.handle.fileno()  # type: ignore[attr-defined,no-any-return]

        def read(self, n: int = -1) -> bytes:
            read_sizes.append(n)
            return self.handle.read(n)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(files_module, "open", lambda p, m: Spy(real_open(p, m)), raising=False)
    with pytest.raises(AccordError, match=r"file is 12\.0 MB; the limit is 10 MB"):
        read_text(path)
    assert read_sizes == []  # refused on its size, before reading


def test_reads_at_most_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "limit.yaml"
    path.write_bytes(b"title: t\n" + b" " * (MAX_BYTES - 9))
    assert len(read_text(path)) == MAX_BYTES


def test_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TABLE.encode())
    assert load(path).actor_ids == ("a", "b")


def test_windows_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(TABLE.replace("\n", "\r\n").encode())
    assert load(path).actor_ids == ("a", "b")


def test_save_round_trips_each_format(tmp_path: Path) -> None:
    s = scenario()
    for name in ("s.yaml", "s.yml", "s.csv"):
        saved = save(s, tmp_path / name)
        assert load(saved) == s
    save(s, tmp_path / "k.csv", format="ktab")
    assert load(tmp_path / "k.csv").stance("b", "i").salience == pytest.approx(0.25)


def test_save_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("old content\n")
    path.chmod(0o640)
    save(scenario(), path)
    assert load(path) == scenario()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(YAML)

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", broken_replace)
    with pytest.raises(AccordError, match="cannot save: No space left on device"):
        save(scenario(), path)
    assert path.read_text() == YAML
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_save_errors(tmp_path: Path) -> None:
    with pytest.raises(AccordError, match="the folder does not exist"):
        save(scenario(), tmp_path / "no" / "s.yaml")
    with pytest.raises(AccordError, match="unknown file type"):
        save(scenario(), tmp_path / "s.json")
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(AccordError, match="a directory has this name"):
        save(scenario(), tmp_path / "d.yaml")
    two = loads(
        YAML.replace("issues: [{id: i}]", "issues: [{id: i}, {id: j}]").replace(
            "stances: {",
            "stances: {j: {a: {position: 1, salience: 1}, b: {position: 2, salience: 1}}, ",
        ),
        "yaml",
    )
    with pytest.raises(AccordError, match=r"t\.csv: a one-issue table holds one issue"):
        save(two, tmp_path / "t.csv", format="bdm")
