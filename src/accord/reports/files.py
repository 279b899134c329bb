"""Write a report: HTML as one file, Markdown with its charts beside it (files atomically)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from accord.atomic import Target, check_writable, write_atomic
from accord.errors import AccordError
from accord.reports import html, markdown
from accord.reports.content import Report

Format = Literal["html", "md"]
FORMATS: tuple[Format, ...] = ("html", "md")


def format_of(path: str | Path, format: str | None = None) -> Format:
    """Return the format asked for, else the one the extension names (``.md``), else html."""
    if format is None:
        return "md" if Path(path).suffix.lower() in (".md", ".markdown") else "html"
    if format not in FORMATS:
        raise AccordError(f"unknown report format '{format}' (use html or md)")
    return format


def check_target(path: str | Path) -> Target:
    """Return where the report will go if it can be written there, else raise an error.

    ``-`` is standard output; a symbolic link leads to the file it names; a FIFO or a device is
    written directly (see :mod:`accord.atomic`).
    """
    return check_writable(path, what="write the report")


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text through a temporary file renamed over ``path`` (all or nothing)."""
    return write_atomic(path, text, what="write the report")


def charts_left_out(report: Report, path: str | Path, format: str | None = None) -> bool:
    """Return True when a Markdown report's charts have nowhere to go (``-``, a FIFO, a device)."""
    if not report.charts or format_of(path, format) != "md":
        return False
    return not check_target(path).is_file


def write(report: Report, path: str | Path, format: str | None = None) -> list[Path]:
    """Write a report and return the files written (the report itself last).

    HTML is one self-contained file. Markdown puts its charts in ``<name>_files/`` beside the
    ``.md`` file (created if needed; beside the file a symbolic link names, after that file);
    each file is written atomically. Markdown that goes to standard output (``-``), a FIFO or a
    device has no folder beside it: its charts are left out, and a note in it says so.
    """
    target = check_target(path)
    fmt = format_of(path, format)
    if fmt == "html":
        return [write_text(path, html.render(report))]
    if not target.is_file:
        return [write_text(path, markdown.render(report, None)[0])]
    folder = markdown.assets_folder(target.real.name)
    text, charts = markdown.render(report, folder if report.charts else None)
    written = []
    if charts:
        home = target.real.parent
        try:
            (home / folder).mkdir(exist_ok=True)
        except OSError as exc:
            raise AccordError(
                f"cannot create the charts' folder: {exc.strerror or exc}", source=home / folder
            ) from None
        written = [write_text(home / rel, svg) for rel, svg in sorted(charts.items())]
    return [*written, write_text(path, text)]
