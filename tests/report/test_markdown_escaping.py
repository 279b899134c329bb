"""Issue 13.4: Markdown reports escape HTML (and what would break a table or make a link).

The Markdown report copied ``<script>`` and ``<img onerror=...>`` from a scenario's texts
verbatim, and a Markdown renderer passes raw HTML through. Every text from the scenario is now
escaped: ``&``, ``<`` and ``>`` as entities, pipes and a link's closing bracket with a
backslash.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from accord.reports import build, markdown
from accord.scenario import Scenario, save
from tests.report.conftest import scenario_with_ranges

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](javascript:alert(1))"


def hostile_scenario() -> Scenario:
    data: dict[str, Any] = scenario_with_ranges().model_dump(mode="json")
    data["title"] = f"Talks {SCRIPT} & co"
    data["description"] = f"About {IMG}"
    for a in data["actors"]:
        a["name"] = f"Party | {a['id']} {IMG}"
        a["why"] = {"capability": f"because {SCRIPT} and {IMG} {LINK}"}
    for i in data["issues"]:
        i["name"] = f"Issue {SCRIPT}"
        i["why"] = {"status_quo": f"{IMG} | pipe"}
        i["anchors"] = [
            {"value": i["scale"]["min"], "label": f"low {SCRIPT}"},
            {"value": i["scale"]["max"], "label": f"high {LINK}"},
        ]
    for s in data["stances"]:
        s["why"] = {"position": f"{SCRIPT}\n\n# not a heading\n{IMG}"}
    data["sources"][0]["citation"] = f"Cited {SCRIPT} {IMG}"
    return Scenario.model_validate(data)


def check(md: str) -> None:
    lower = md.lower()
    assert "<script" not in lower
    assert "<img" not in lower
    assert not re.search(r"(?<!\\)\]\(javascript:", lower)  # no link: its "]" is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    # the only raw HTML left is the section anchors accord writes itself
    tags = {line.split()[0] for line in md.splitlines() if line.startswith("<")}
    assert tags <= {"<a"}
    assert "\n# not a heading" not in md


def test_markdown_render_escapes_every_text() -> None:
    report = build.build(hostile_scenario(), build.Options(models=("compromise",), draws=0))
    text, _ = markdown.render(report, None)
    check(text)
    # a pipe in an actor's name stays inside its cell
    rows = [line for line in text.splitlines() if line.startswith("| Party \\| a0")]
    assert rows
    header = next(
        line for line in text.splitlines() if line.startswith("| Actor | id | Bloc | Capability")
    )
    unescaped = lambda line: line.replace("\\|", "").count("|")  # noqa: E731
    assert unescaped(rows[0]) == unescaped(header)


def test_accord_report_markdown_is_escaped(run_cli, tmp_path: Path) -> None:
    src = save(hostile_scenario(), tmp_path / "hostile.yaml")
    out = tmp_path / "hostile.md"
    code, _out, err = run_cli(
        "report", str(src), "-o", str(out), "-m", "compromise", "--draws", "5", "--no-charts"
    )
    assert code == 0, err
    md = out.read_text()
    check(md)
    assert "because &lt;script&gt;" in md  # the why is there, escaped


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("x | y", "x \\| y"),
        ("back\\slash", "back\\\\slash"),
        ("[x](javascript:1)", "[x\\](javascript:1)"),
        ("[-0.4, +13.4]", "[-0.4, +13.4]"),
        ("two\n\nlines", "two lines"),
    ],
)
def test_text(raw: str, shown: str) -> None:
    assert markdown.text(raw) == shown
