"""Load and save scenario files: pick the format, check the file first, write atomically.

``load(path)`` refuses missing, unreadable, empty, binary and oversized files before any parsing
(reading at most ``MAX_BYTES + 1`` bytes), chooses the format by extension (``.csv`` is sniffed:
KTAB, wide or one-issue table) and returns a validated :class:`Scenario` or raises one
:class:`AccordError`. ``save`` writes a temporary file beside the target, syncs it and renames
it over the target, so a crash never leaves a half-written scenario.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from accord.atomic import write_atomic
from accord.errors import AccordError
from accord.scenario.drafts import has_drafts, refuse_drafts
from accord.scenario.io_common import ScaleArg
from accord.scenario.io_csv import (
    dump_table,
    dump_wide,
    parse_table,
    parse_wide,
    sniff_wide,
)
from accord.scenario.io_ktab import dump_ktab, parse_ktab
from accord.scenario.io_ktab import sniff as sniff_ktab
from accord.scenario.io_yaml import dump_yaml, parse_yaml
from accord.scenario.lint import salience_warnings
from accord.scenario.model import Scenario
from accord.scenario.validate import RawScenario, build

Format = Literal["yaml", "csv", "bdm", "wide", "ktab"]
"""``yaml``; ``bdm`` (one-issue table), ``wide`` or ``ktab``; ``csv`` sniffs among the three."""

FORMATS: tuple[str, ...] = ("yaml", "csv", "bdm", "wide", "ktab")
MAX_BYTES = 10 * 1024 * 1024
"""The largest scenario file accepted (10 MB)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: text decoded from a file never holds one, but a string passed in may."""

_EXTENSIONS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
_WRITERS: dict[str, Callable[[Scenario], str]] = {
    "yaml": dump_yaml,
    "bdm": dump_table,
    "wide": dump_wide,
    "ktab": dump_ktab,
}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_text(path: str | Path) -> str:
    """Return a scenario file's text after checking it is a readable, small, UTF-8 text file.

    Raises
    ------
    AccordError
        When the file is missing, a directory or other non-regular file, unreadable, empty,
        larger than :data:`MAX_BYTES`, binary (NUL bytes) or not UTF-8.

    """
    source = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise AccordError("file not found", source=source) from None
    except OSError as exc:
        raise AccordError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if stat.S_ISDIR(info.st_mode):
        raise AccordError("is a directory, not a scenario file", source=source)
    if not stat.S_ISREG(info.st_mode):
        raise AccordError("is not a regular file", source=source)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise AccordError(
                    f"file is {_megabytes(size)}; the limit is {MAX_BYTES // (1024 * 1024)} MB",
                    source=source,
                )
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AccordError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if len(data) > MAX_BYTES:  # grew since fstat, or a file system that reports no size
        raise AccordError(
            f"file is larger than the limit of {MAX_BYTES // (1024 * 1024)} MB", source=source
        )
    return decode(data, source)


def decode(data: bytes, source: str | Path | None = None) -> str:
    """Return the UTF-8 text of a scenario file's bytes (a BOM is dropped).

    Raises
    ------
    AccordError
        When the data is empty, contains NUL bytes or is not UTF-8.

    """
    if not data.strip():
        raise AccordError("file is empty", source=source)
    if b"\x00" in data:
        raise AccordError("binary file (it contains NUL bytes), not a text scenario", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AccordError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): a binary "
            "file, or text saved in another encoding; save it as UTF-8",
            source=source,
            where=f"line {line}",
        ) from None
    return text


def format_of(path: str | Path) -> Format:
    """Return the format a file name implies (``.yaml``/``.yml`` or ``.csv``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise AccordError(
            f"unknown file type '{suffix or '(none)'}': use .yaml, .yml or .csv",
            source=str(path),
        )
    return _EXTENSIONS[suffix]


def sniff_csv(text: str) -> Literal["bdm", "wide", "ktab"]:
    """Return which CSV layout ``text`` uses: KTAB, the wide table or the one-issue table."""
    if sniff_ktab(text):
        return "ktab"
    return "wide" if sniff_wide(text) else "bdm"


def parse(
    text: str, format: str, source: str | Path | None = None, *, scale: ScaleArg = None
) -> RawScenario:
    """Return the raw, not yet validated scenario in ``text`` (see :func:`loads`)."""
    if format not in FORMATS:
        raise AccordError(
            f"unknown format '{format}' (use one of {', '.join(FORMATS)})", source=source
        )
    if format == "csv":
        format = sniff_csv(text)
    if scale is not None and format in ("yaml", "ktab"):
        raise AccordError(
            f"a scale can be given only for CSV tables, not for {format} files "
            "(they declare their scales)",
            source=source,
        )
    if format == "yaml":
        return parse_yaml(text, source)
    if format == "ktab":
        return parse_ktab(text, source)
    if format == "wide":
        return parse_wide(text, source, scale=scale)
    return parse_table(text, source, scale=scale)


def loads(
    text: str,
    format: str,
    source: str | Path | None = None,
    *,
    scale: ScaleArg = None,
    allow_draft: bool = False,
) -> Scenario:
    """Return the scenario written in ``text``.

    Parameters
    ----------
    text:
        The file's content.
    format:
        ``yaml``, ``bdm`` (one-issue table), ``wide``, ``ktab``, or ``csv`` to sniff among the
        three CSV layouts.
    source:
        What to call the input in messages (a file name); a table's default title is its stem.
    scale:
        For CSV tables only: a scale ``(min, max)`` or :class:`Scale` forced on every issue.
    allow_draft:
        Accept values still marked ``draft`` (written by ``accord draft``, not yet reviewed);
        by default they are refused, naming the first one.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    AccordError
        For any problem with the text, naming the source, the place and the problem.

    Warns
    -----
    ScenarioWarning
        For values that are valid but probably mistaken (see :mod:`accord.scenario.lint`).

    """
    if not text.strip():
        raise AccordError("file is empty", source=source)
    if "\x00" in text:
        raise AccordError(
            "binary data (it contains NUL characters), not a text scenario", source=source
        )
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise AccordError(
            f"text is larger than the limit of {MAX_BYTES // (1024 * 1024)} MB", source=source
        )
    bad = _SURROGATE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise AccordError(
            f"character U+{ord(bad.group()):04X} is a lone surrogate, not valid Unicode text",
            source=source,
            where=f"line {line}" if format in ("yaml", "yml") else f"row {line}",
        )
    text = text.removeprefix("\ufeff")
    raw = parse(text, format, source, scale=scale)
    for warning in salience_warnings(raw, source):
        warnings.warn(warning, stacklevel=3)
    scenario = build(raw, source)
    if not allow_draft:
        refuse_drafts(scenario, source, raw.locate, raw.data)
    return scenario


def load(
    path: str | Path,
    *,
    format: str | None = None,
    scale: ScaleArg = None,
    allow_draft: bool = False,
) -> Scenario:
    """Return the scenario in a file; the format comes from the extension unless given.

    Parameters
    ----------
    path:
        A ``.yaml``/``.yml`` or ``.csv`` file (KTAB, wide or one-issue table, sniffed).
    format:
        Force a format (see :func:`loads`).
    scale:
        For CSV tables only: a scale forced on every issue.
    allow_draft:
        Accept values still marked ``draft`` (see :func:`loads`).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    AccordError
        For a missing, unreadable, empty, binary or oversized file or any problem inside it,
        and for a value still marked draft unless ``allow_draft``.

    """
    fmt = format if format is not None else format_of(path)
    return loads(read_text(path), fmt, str(path), scale=scale, allow_draft=allow_draft)


def dumps(scenario: Scenario, format: str) -> str:
    """Return a scenario as text: ``yaml``, ``bdm`` (one issue), ``wide``, ``ktab`` or ``csv``.

    ``csv`` means the one-issue table for a scenario with one issue and the wide table
    otherwise.
    """
    if format == "csv":
        format = "bdm" if len(scenario.issues) == 1 else "wide"
    if format not in _WRITERS:
        raise AccordError(f"unknown format '{format}' (use one of {', '.join(FORMATS)})")
    if format != "yaml" and has_drafts(scenario):
        raise AccordError(
            "the scenario holds values still marked draft, which a table cannot mark: review "
            "them first, or save it as YAML"
        )
    return _WRITERS[format](scenario)


def save(scenario: Scenario, path: str | Path, format: str | None = None) -> Path:
    """Write a scenario to a file atomically and return its path.

    The format comes from the extension unless given (``.csv`` writes the one-issue table for
    one issue, the wide table otherwise). The text goes to a temporary file in the same
    directory, is flushed to disk and then renamed over ``path``: readers see the old file or
    the new one, never a half-written one.
    """
    target = Path(path)
    fmt = format if format is not None else format_of(target)
    try:
        payload = dumps(scenario, fmt).encode("utf-8")
    except AccordError as exc:
        raise exc.located(source=str(target)) from None
    return write_atomic(target, payload)
