"""The explanations next to every measure quote the docs, and every one the pages use exists."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import pytest

from accord.web import glossary, views

ROOT = Path(__file__).resolve().parents[2]
MEASURES = (
    "breadth",
    "spoiler_risk",
    "stable",
    "tolerance",
    "p_deal",
    "blockers",
    "expected",
    "interval80",
    "interval95",
    "noise",
    "delta",
    "settlement",
    "all_settle",
)
"""The measures the issue asked to explain, at least."""


def _plain(text: str) -> str:
    """Return text without Markdown emphasis and code marks, its spaces collapsed."""
    return " ".join(text.replace("*", "").replace("`", "").split())


@pytest.mark.parametrize("key", list(glossary.TERMS))
def test_each_explanation_quotes_its_doc(key: str) -> None:
    term = glossary.TERMS[key]
    doc = _plain((ROOT / term.doc).read_text(encoding="utf-8"))
    for part in term.parts:
        assert _plain(part) in doc, f"{key}: not found in {term.doc}: {part!r}"
    assert term.text.startswith(term.parts[0])


def test_the_measures_asked_for_are_explained() -> None:
    assert set(MEASURES) <= set(glossary.TERMS)


def _static(name: str) -> str:
    return importlib.resources.files("accord.web").joinpath(name).read_text(encoding="utf-8")


def test_every_key_the_pages_use_exists() -> None:
    used: set[str] = set()
    for name in ("editor.js", "results.js"):
        for group in re.findall(r"legend\(\[([^\]]*)\]", _static(f"static/{name}")):
            used |= set(re.findall(r'"([a-z0-9_]+)"', group))
    for group in re.findall(r"legend\(\[([^\]]*)\]", _static("templates/editor.html")):
        used |= set(re.findall(r'"([a-z0-9_]+)"', group))
    used |= set(views.COMPARE_LEGEND)
    assert len(used) > 30
    assert used <= set(glossary.TERMS), used - set(glossary.TERMS)


def test_tables_of_a_record_carry_their_legend() -> None:
    record = {"kind": "compare", "results": {"table": [], "model": "nash"}}
    (table,) = views.results_tables(record)
    labels = [t["label"] for t in table["legend"]]
    assert labels[:3] == ["Baseline", "Expected outcome", "P(deal)"]
    assert "Spoiler risk" in labels and "Breadth" in labels
