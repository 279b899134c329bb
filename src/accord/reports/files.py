"""Write a report to disk atomically: HTML as one file, Markdown with its charts beside it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from accord.atomic import write_atomic
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


def check_target(path: str | Path) -> Path:
    """Return the output path if a file can be written there, else raise :class:`AccordError`."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise AccordError("cannot write the report: the folder does not exist", source=target)
    if target.is_dir():
        raise AccordError("cannot write the report: a directory has this name", source=target)
    if not os.access(folder, os.W_OK):
        raise AccordError("cannot write the report: the folder is not writable", source=target)
    return target


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text through a temporary file renamed over ``path`` (all or nothing)."""
    return write_atomic(path, text, what="write the report")


def write(report: Report, path: str | Path, format: str | None = None) -> list[Path]:
    """Write a report and return the files written (the report itself last).

    HTML is one self-contained file. Markdown puts its charts in ``<name>_files/`` beside the
    ``.md`` file (created if needed); each file is written atomically.
    """
    target = check_target(path)
    fmt = format_of(target, format)
    if fmt == "html":
        return [write_text(target, html.render(report))]
    folder = markdown.assets_folder(target.name)
    text, charts = markdown.render(report, folder if report.charts else None)
    written = []
    if charts:
        try:
            (target.parent / folder).mkdir(exist_ok=True)
        except OSError as exc:
            raise AccordError(
                f"cannot create the charts' folder: {exc.strerror or exc}",
                source=target.parent / folder,
            ) from None
        written = [write_text(target.parent / rel, svg) for rel, svg in sorted(charts.items())]
    return [*written, write_text(target, text)]
