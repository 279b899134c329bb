"""Write a report as Markdown: the same content as the HTML page, tables as pipe tables.

Markdown cannot hold inline SVG portably, so each chart becomes a standalone ``.svg`` file in a
folder beside the Markdown file (``report.md`` → ``report_files/actor-map.svg``), linked as an
image; with no folder the charts are left out and a note says so.

Every text comes from the scenario or is made from it, and Markdown passes raw HTML through: so
every text is escaped (:func:`text`) — ``&``, ``<`` and ``>`` as entities, so that a name or a
note holding ``<script>`` or ``<img onerror=...>`` is shown, never run; backslashes, pipes
(which would split a table's cells), backticks, stars and a link's closing bracket with a
backslash; and line breaks folded into spaces (a blank line would end a table or a list item).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from accord.reports import svg
from accord.reports.content import Chart, Items, Paragraph, Report, Table

_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
    }
)
_LINK_END = re.compile(r"\](?=[(\[:])")
"""A ``]`` that would close a link's text (``](url)``, ``][ref]``, ``]: url``)."""


def text(value: str) -> str:
    """Return plain text as inline Markdown that shows exactly that text and runs nothing.

    HTML's ``&``, ``<`` and ``>`` become entities; the Markdown characters that could break a
    table, open a code span or emphasise (backslash, pipe, backtick, star) get a backslash, and
    so does a ``]`` that would end a link's text (so no text becomes a link, ``javascript:`` or
    other); all whitespace, line breaks included, becomes single spaces.
    """
    return _LINK_END.sub(r"\\]", " ".join(value.split()).translate(_ESCAPES))


_cell = text


def _label(value: str) -> str:
    """Return :func:`text` for the text of a link or an image: every bracket escaped."""
    return " ".join(value.split()).translate(_ESCAPES).replace("[", "\\[").replace("]", "\\]")


_BLOCK_START = re.compile(r"^(\d+(?=[.)](\s|$))|)([#=+.)-])")


def paragraph(value: str) -> str:
    """Return :func:`text` that cannot start a heading, a list or a rule either."""
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(3)}", text(value), count=1)


def _table(t: Table) -> list[str]:
    lines = [f"*{text(t.caption)}*", ""] if t.caption else []
    lines.append("| " + " | ".join(_cell(c) for c in t.columns) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in t.numeric) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return lines


def assets_folder(name: str) -> str:
    """Return the charts' folder name for a Markdown file name: ``report.md`` → ``report_files``."""
    stem = name[:-3] if name.endswith(".md") else name
    return f"{stem}_files"


def render(report: Report, assets: str | None = None) -> tuple[str, dict[str, str]]:
    """Return the Markdown text and the chart files to write beside it.

    Parameters
    ----------
    report:
        The report.
    assets:
        The folder, relative to the Markdown file, that will hold the charts; None leaves the
        charts out.

    Returns
    -------
    tuple[str, dict[str, str]]
        The Markdown, and a mapping of relative path (``assets/slug.svg``) to SVG text.

    """
    files: dict[str, str] = {}
    out = [f"# {text(report.title)}", "", f"*{text(report.subtitle)}*", ""]
    out += [f"- **{text(label)}:** {text(value)}" for label, value in report.facts]
    out.append("")
    notes = list(report.notes)
    if assets is None and report.charts:
        notes.append("Charts are left out of this Markdown report; the HTML report has them.")
    out += [f"> {text(n)}\n" for n in notes]
    out += ["## Contents", ""]
    out += [f"{i}. [{_label(s.title)}](#{_anchor(s.id)})" for i, s in enumerate(report.sections, 1)]
    if report.appendix:
        out.append(
            "- Appendix: "
            + ", ".join(f"[{_label(s.title)}](#{_anchor(s.id)})" for s in report.appendix)
        )
    for section in report.all_sections:
        if report.appendix and section is report.appendix[0]:
            out += ["", "# Appendix"]
        out += ["", f'<a id="{_anchor(section.id)}"></a>', "", f"## {text(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [f"*{text(block.text)}*" if block.note else paragraph(block.text), ""]
            elif isinstance(block, Items):
                out += [f"- {text(item)}" for item in block.items] + [""]
            elif isinstance(block, Table):
                out += [*_table(block), ""]
            elif isinstance(block, Chart) and assets is not None:
                path = f"{assets}/{_anchor(block.slug)}.svg"
                files[path] = svg.standalone(block.svg)
                out += [
                    f"![{_label(block.title)}]({quote(path)})",
                    "",
                    f"*{text(block.title)}.* {text(block.caption)}",
                    "",
                ]
    out += ["---", "", text(report.footer), ""]
    return "\n".join(out), files


def _anchor(slug: str) -> str:
    """Return a section's or chart's id with only the characters an id and a link need."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in slug)
