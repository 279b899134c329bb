"""Write a report as Markdown: the same content as the HTML page, tables as pipe tables.

Markdown cannot hold inline SVG portably, so each chart becomes a standalone ``.svg`` file in a
folder beside the Markdown file (``report.md`` → ``report_files/actor-map.svg``), linked as an
image; with no folder the charts are left out and a note says so.
"""

from __future__ import annotations

from accord.reports import svg
from accord.reports.content import Chart, Items, Paragraph, Report, Table


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _table(t: Table) -> list[str]:
    lines = [f"*{_cell(t.caption)}*", ""] if t.caption else []
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
    out = [f"# {report.title}", "", f"*{report.subtitle}*", ""]
    out += [f"- **{label}:** {_cell(value)}" for label, value in report.facts]
    out.append("")
    notes = list(report.notes)
    if assets is None and report.charts:
        notes.append("Charts are left out of this Markdown report; the HTML report has them.")
    out += [f"> {n}\n" for n in notes]
    out += ["## Contents", ""]
    out += [f"{i}. [{s.title}](#{s.id})" for i, s in enumerate(report.sections, 1)]
    if report.appendix:
        out.append("- Appendix: " + ", ".join(f"[{s.title}](#{s.id})" for s in report.appendix))
    for section in report.all_sections:
        if report.appendix and section is report.appendix[0]:
            out += ["", "# Appendix"]
        out += ["", f'<a id="{section.id}"></a>', "", f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [f"*{block.text}*" if block.note else block.text, ""]
            elif isinstance(block, Items):
                out += [f"- {_cell(item)}" for item in block.items] + [""]
            elif isinstance(block, Table):
                out += [*_table(block), ""]
            elif isinstance(block, Chart) and assets is not None:
                path = f"{assets}/{block.slug}.svg"
                files[path] = svg.standalone(block.svg)
                out += [f"![{block.title}]({path})", "", f"*{block.title}.* {block.caption}", ""]
    out += ["---", "", report.footer, ""]
    return "\n".join(out), files
