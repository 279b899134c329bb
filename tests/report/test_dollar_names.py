"""Issue 13.2: a ``$`` in a name, a label, a unit or a title never breaks a report's charts.

matplotlib reads ``$...$`` as math text: "Smith $ Co: $x^$" failed with a ParseFatalException
(a ValueError) while drawing, so `accord report` and /api/report failed. Every text given to
matplotlib is now drawn as written.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from accord.reports import charts
from accord.scenario import Scenario, save
from tests.report.conftest import scenario_with_ranges

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

ACTORS = ("Smith $ Co", "$x$", "a\\b$", "$\\frac{$", "Dollar $$ sign")
ISSUES = ("Smith $ Co: $x^$", "a\\b$ and $\\frac{$ over $x$")
UNIT = "$bn (a\\b$)"


def dollar_scenario() -> Scenario:
    data: dict[str, Any] = scenario_with_ranges().model_dump(mode="json")
    data["title"] = "Costs in $: $x^$ and a\\b$"
    for actor, name in zip(data["actors"], ACTORS, strict=True):
        actor["name"] = name
    for issue, name in zip(data["issues"], ISSUES, strict=True):
        issue["name"] = name
        issue["scale"]["unit"] = UNIT
        issue["anchors"] = [
            {"value": issue["scale"]["min"], "label": "$x^$ low"},
            {"value": issue["scale"]["max"], "label": "a\\b$ high"},
        ]
    return Scenario.model_validate(data)


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("suffix", ["html", "md"])
def test_report_with_dollars_in_names(run_cli, tmp_path: Path, suffix: str) -> None:
    src = save(dollar_scenario(), tmp_path / "dollars.yaml")
    out = tmp_path / f"report.{suffix}"
    code, _out, err = run_cli(
        "report", str(src), "-o", str(out), "-m", "compromise", "--draws", "5"
    )
    assert code == 0, err
    if suffix == "html":
        svg = out.read_text()
    else:
        files = sorted((tmp_path / "report_files").glob("*.svg"))
        assert files
        svg = "".join(p.read_text() for p in files)
    texts = svg_texts(svg)
    # drawn as written, not as math (math text would be glyph runs without the dollars)
    for name in ISSUES:
        assert any(name in t for t in texts), name
    assert any(UNIT in t for t in texts)
    report = out.read_text()
    assert "Smith $ Co" in report and "$x$" in report


def test_a_chart_drawn_directly_keeps_dollars() -> None:
    ax = charts.actor_map(dollar_scenario(), issue="i0")
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as <text>, to read it back
        ax.figure.savefig(buf, format="svg")  # the caller's own savefig: no math text either
    texts = svg_texts(buf.getvalue())
    assert ISSUES[0] in texts
    assert f"position on 'i0' ({UNIT})" in texts
