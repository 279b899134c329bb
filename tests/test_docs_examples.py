"""The Python examples in the README and the docs run as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = ["README.md", "docs/process.md", "docs/agreement.md", "docs/bottom-line.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("name", FILES)
def test_python_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(ROOT / name)
    assert blocks, f"{name} has no Python example"
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, name, "exec"), {"__name__": "__example__"})


def test_readme_names_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
