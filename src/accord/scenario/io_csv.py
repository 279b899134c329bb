"""Scenario tables in CSV: the one-issue BDM/Predictioneer table and the wide multi-issue table.

One-issue table (one row per actor)::

    # scale: 4 10 years
    Actor,Capability,Position,Salience
    Netherlands,0.08,4,0.8

Wide table (one row per actor, two or more columns per issue)::

    Actor,Capability,assad.position,assad.salience,ceasefire.position,ceasefire.salience
    usa,100,90,80,70,40

Lines starting with ``#`` are comments; a few of them are directives (``# title: ...``,
``# date: ...``, ``# description: ...``, ``# salience_scale: 100``, ``# issue <id>: <name>``,
``# scale [<id>]: <min> <max> [unit]``). Header names are case-insensitive and ignore spaces,
``_`` and ``-``. Rows are line numbers in the file: the header is row 1 when it is the first line.
See ``docs/scenario-format.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.errors import AccordError
from accord.scenario.io_common import (
    Places,
    ScaleArg,
    SourceName,
    number_text,
    parse_number,
    scale_of,
    slugify,
    split_lines,
    title_from,
    validation_message,
)
from accord.scenario.model import Scale, Scenario
from accord.scenario.validate import RawScenario

# ---------------------------------------------------------------------------- reading tables
_DIRECTIVE = re.compile(
    r"^#\s*(title|date|description|salience_scale|issue|scale|status_quo|no_deal|consent"
    r"|implementers|quota)(?:\s+([^\s:]+))?\s*:(.*)$",
    re.IGNORECASE,
)
_PER_ISSUE = ("issue", "scale", "status_quo", "no_deal", "consent", "implementers", "quota")
"""Directives that may name an issue (``# scale assad: ...``); the others take no id."""


@dataclass
class _Meta:
    """What the ``#`` directive lines of a table declare."""

    title: str | None = None
    title_row: int | None = None
    date: dt.date | None = None
    description: str | None = None
    description_row: int | None = None
    salience_scale: int | None = None
    salience_scale_row: int | None = None
    issue_names: dict[str, tuple[int, str]] = field(default_factory=dict)
    scales: dict[str | None, tuple[int, Scale]] = field(default_factory=dict)
    agreement: dict[str, dict[str | None, tuple[int, Any]]] = field(default_factory=dict)
    """``agreement[field][issue id or None] = (row, value)`` for status_quo, no_deal, ..."""


@dataclass
class _Table:
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    meta: _Meta


def _key(name: str) -> str:
    """Return a header name normalised for matching: lowercase, no spaces, ``_`` or ``-``."""
    return re.sub(r"[\s_-]+", "", name.strip().lower())


def _cells(line: str, row: int, source: SourceName) -> list[str]:
    try:
        cells = next(csv.reader([line], strict=True))
    except csv.Error as exc:
        raise AccordError(f"malformed CSV: {exc}", source=source, where=f"row {row}") from None
    return [c.strip() for c in cells]


def _directive(meta: _Meta, row: int, match: re.Match[str], source: SourceName) -> None:
    key, target, value = match.group(1).lower(), match.group(2), match.group(3).strip()
    where = f"row {row}"

    def fail(message: str) -> AccordError:
        return AccordError(message, source=source, where=where)

    if key not in _PER_ISSUE and target is not None:
        raise fail(f"'# {key}:' takes no issue id")
    if key in ("status_quo", "no_deal", "consent", "implementers", "quota"):
        slot = target.lower() if target is not None else None
        seen = meta.agreement.setdefault(key, {})
        if slot in seen:
            raise fail(f"a second '# {key}' line for the same issue")
        seen[slot] = (row, _agreement_value(key, value, fail))
        return
    if key == "title":
        if meta.title is not None:
            raise fail("a second '# title:' line")
        meta.title = value
        meta.title_row = row
    elif key == "description":
        meta.description = value if meta.description is None else f"{meta.description} {value}"
        meta.description_row = meta.description_row or row
    elif key == "date":
        try:
            meta.date = dt.date.fromisoformat(value)
        except ValueError:
            raise fail(f"'# date:' needs a date written YYYY-MM-DD, got {value!r}") from None
    elif key == "salience_scale":
        if value not in ("1", "100"):
            raise fail(f"'# salience_scale:' must be 1 or 100, got {value!r}")
        meta.salience_scale = int(value)
        meta.salience_scale_row = row
    elif key == "issue":
        if target is None:
            raise fail("write '# issue <id>: <name>'")
        if target.lower() in meta.issue_names:
            raise fail(f"a second '# issue {target}:' line")
        meta.issue_names[target.lower()] = (row, value)
    else:  # scale
        parts = value.split(None, 2)
        try:
            low, high = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            raise fail(
                f"write '# scale: <min> <max> [unit]' with min < max, got {value!r}"
            ) from None
        try:
            scale = Scale(min=low, max=high, unit=parts[2] if len(parts) > 2 else "points")
        except ValueError as exc:
            raise fail(
                f"write '# scale: <min> <max> [unit]' with min < max, got {value!r} "
                f"({validation_message(exc)})"
            ) from None
        slot = target.lower() if target is not None else None
        if slot in meta.scales:
            raise fail("a second '# scale' line for the same issue")
        meta.scales[slot] = (row, scale)


def _agreement_value(key: str, value: str, fail: Any) -> Any:
    """Return the value of an agreement directive (numbers, or a list of actor ids)."""
    if key in ("consent", "implementers"):
        names = [n for n in re.split(r"[,\s]+", value) if n]
        ids = [slugify(n) for n in names]
        if any(not i for i in ids):
            raise fail(f"'# {key}:' lists a name that cannot be an actor id: {value!r}")
        return ids
    parts = value.split()
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if key == "no_deal" and len(numbers) in (1, 3) and len(parts) == len(numbers):
        return numbers
    if key != "no_deal" and len(numbers) == 1 and len(parts) == 1:
        return numbers
    shape = "<value> [<low> <high>]" if key == "no_deal" else "<value>"
    raise fail(f"write '# {key}: {shape}' with numbers, got {value!r}")


def _read_table(text: str, source: SourceName) -> _Table:
    meta = _Meta()
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[str]]] = []
    for row, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            match = _DIRECTIVE.match(stripped)
            if match:
                _directive(meta, row, match, source)
            continue
        cells = _cells(line, row, source)
        if not any(cells):
            continue
        if header is None:
            header, header_row = cells, row
            continue
        rows.append((row, cells))
    if header is None:
        raise AccordError(
            "no header row (expected e.g. Actor,Capability,Position,Salience)", source=source
        )
    while header and not header[-1]:
        header.pop()
    for col, name in enumerate(header, start=1):
        if not name:
            raise AccordError(
                f"column {col} of the header has no name", source=source, where=f"row {header_row}"
            )
    seen: dict[str, str] = {}
    for name in header:
        if _key(name) in seen:
            raise AccordError(
                f"columns '{seen[_key(name)]}' and '{name}' are the same column",
                source=source,
                where=f"row {header_row}",
            )
        seen[_key(name)] = name
    if not rows:
        raise AccordError("the table has a header but no actor rows", source=source)
    return _Table(header_row, header, rows, meta)


def _fit_rows(table: _Table, source: SourceName) -> None:
    """Give every row as many cells as the header: pad short rows, refuse non-empty extras."""
    width = len(table.header)
    fitted: list[tuple[int, list[str]]] = []
    for row, cells in table.rows:
        if len(cells) > width:
            if any(cells[width:]):
                raise AccordError(
                    f"{len(cells)} cells but the header has {width} columns",
                    source=source,
                    where=f"row {row}",
                )
            cells = cells[:width]
        fitted.append((row, cells + [""] * (width - len(cells))))
    table.rows = fitted


# ---------------------------------------------------------------------------- columns
_ACTOR_COLUMNS = (
    "actor",
    "name",
    "bloc",
    "source",
    "capability",
    "capabilitylow",
    "capabilityhigh",
)
_STANCE_COLUMNS = (
    "position",
    "salience",
    "positionlow",
    "positionhigh",
    "saliencelow",
    "saliencehigh",
    "reservation",
    "reservationlow",
    "reservationhigh",
)


_WIDE_SUFFIXES = (
    "position",
    "salience",
    "position_low",
    "position_high",
    "salience_low",
    "salience_high",
    "reservation",
    "reservation_low",
    "reservation_high",
)
_WIDE_FIXED = ("Actor", "Capability", "Name", "Bloc", "Source", "CapabilityLow", "CapabilityHigh")


def _did_you_mean(key: str, names: Sequence[str], prefix: str = "") -> str:
    """Return ``"; did you mean 'Position'?"`` for the known column nearest to ``key``, or ''."""
    by_key = {_key(n): n for n in names}
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return f"; did you mean '{prefix}{by_key[close[0]]}'?" if close else ""


@dataclass
class _IssueColumns:
    id: str
    name: str
    cols: dict[str, int]


def looks_wide(header: Sequence[str]) -> bool:
    """Return whether a header names per-issue columns such as ``assad.position``."""
    return any("." in h and _key(h.rpartition(".")[2]) == "position" for h in header)


def sniff_wide(text: str) -> bool:
    """Return whether a CSV table's header (first non-comment row) is the wide layout."""
    for line in split_lines(text):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            try:
                cells = next(csv.reader([line]))
            except (csv.Error, StopIteration):
                return False
            if any(c.strip() for c in cells):
                return looks_wide(cells)
    return False


def _need(
    cols: dict[str, int], names: Iterable[str], what: str, header_row: int, source: SourceName
) -> None:
    for name in names:
        if name not in cols:
            raise AccordError(
                f"missing column '{_DISPLAY[name]}' {what}",
                source=source,
                where=f"row {header_row}",
            )


_DISPLAY = {
    "actor": "Actor",
    "capability": "Capability",
    "position": "Position",
    "salience": "Salience",
}


def _one_issue_columns(
    table: _Table, title: str, source: SourceName
) -> tuple[dict[str, int], list[_IssueColumns]]:
    fixed: dict[str, int] = {}
    stance: dict[str, int] = {}
    allowed = (
        "Actor, Capability, Position, Salience, Name, Bloc, Source, CapabilityLow, "
        "CapabilityHigh, PositionLow, PositionHigh, SalienceLow, SalienceHigh, Reservation, "
        "ReservationLow, ReservationHigh"
    )
    for col, name in enumerate(table.header):
        key = _key(name)
        if key in _ACTOR_COLUMNS:
            fixed[key] = col
        elif key in _STANCE_COLUMNS:
            stance[key] = col
        else:
            prefix, dot, suffix = name.rpartition(".")
            hint = (  # 'assad.positon': a wide table's column, mistyped (so not sniffed as wide)
                _did_you_mean(_key(suffix), _WIDE_SUFFIXES, prefix=f"{prefix}.")
                if dot and prefix.strip()
                else _did_you_mean(key, allowed.split(", "))
            )
            raise AccordError(
                f"unknown column '{name}'{hint} (known columns: {allowed})",
                source=source,
                where=f"row {table.header_row}",
            )
    what = "(a one-issue table needs Actor, Capability, Position, Salience)"
    _need(fixed, ("actor", "capability"), what, table.header_row, source)
    _need(stance, ("position", "salience"), what, table.header_row, source)
    names = table.meta.issue_names
    if len(names) > 1:
        row = sorted(r for r, _ in names.values())[1]
        raise AccordError(
            "a one-issue table declares one '# issue' at most", source=source, where=f"row {row}"
        )
    if names:
        issue_id, (_, issue_name) = next(iter(names.items()))
    else:
        issue_id, issue_name = slugify(title) or "issue", title
    return fixed, [_IssueColumns(issue_id, issue_name or issue_id, stance)]


def _wide_columns(table: _Table, source: SourceName) -> tuple[dict[str, int], list[_IssueColumns]]:
    fixed: dict[str, int] = {}
    issues: dict[str, _IssueColumns] = {}
    prefixes: dict[str, str] = {}
    for col, name in enumerate(table.header):
        key = _key(name)
        if key in _ACTOR_COLUMNS:
            fixed[key] = col
            continue
        prefix, dot, suffix = name.rpartition(".")
        field_name = _key(suffix)
        if not dot or not prefix.strip() or field_name not in _STANCE_COLUMNS:
            hint = (
                _did_you_mean(field_name, _WIDE_SUFFIXES, prefix=f"{prefix}.")
                if dot and prefix.strip()
                else _did_you_mean(key, _WIDE_FIXED)
            )
            raise AccordError(
                f"unknown column '{name}'{hint} (per-issue columns are <issue>.position, "
                "<issue>.salience and optionally <issue>.position_low/_high, "
                "<issue>.salience_low/_high, <issue>.reservation, "
                "<issue>.reservation_low/_high; other columns: Actor, Capability, Name, Bloc, "
                "Source, CapabilityLow, CapabilityHigh)",
                source=source,
                where=f"row {table.header_row}",
            )
        issue_id = slugify(prefix)
        if not issue_id:
            raise AccordError(
                f"cannot make an issue id from '{prefix.strip()}'",
                source=source,
                where=f"row {table.header_row}",
            )
        if issue_id in prefixes and prefixes[issue_id] != prefix.strip():
            raise AccordError(
                f"issues '{prefixes[issue_id]}' and '{prefix.strip()}' both become the id "
                f"'{issue_id}'",
                source=source,
                where=f"row {table.header_row}",
            )
        prefixes[issue_id] = prefix.strip()
        issue = issues.setdefault(issue_id, _IssueColumns(issue_id, prefix.strip(), {}))
        issue.cols[field_name] = col
    what = "(a wide table needs Actor and Capability)"
    _need(fixed, ("actor", "capability"), what, table.header_row, source)
    if not issues:
        raise AccordError(
            "no issue columns (write <issue>.position and <issue>.salience)",
            source=source,
            where=f"row {table.header_row}",
        )
    for issue in issues.values():
        for needed in ("position", "salience"):
            if needed not in issue.cols:
                raise AccordError(
                    f"issue '{issue.name}' has no '{issue.name}.{needed}' column",
                    source=source,
                    where=f"row {table.header_row}",
                )
    for target, (row, _) in table.meta.issue_names.items():
        if target not in issues:
            raise AccordError(
                f"'# issue {target}:' names an issue with no columns",
                source=source,
                where=f"row {row}",
            )
        issues[target].name = table.meta.issue_names[target][1] or issues[target].name
    return fixed, list(issues.values())


def _check_pairs(
    cols: dict[str, int], header: list[str], header_row: int, source: SourceName
) -> None:
    """Require range columns to come in low/high pairs."""
    for base in ("capability", "position", "salience", "reservation"):
        low, high = f"{base}low", f"{base}high"
        if (low in cols) != (high in cols):
            have, missing = (low, high) if low in cols else (high, low)
            raise AccordError(
                f"column '{header[cols[have]]}' needs a matching "
                f"'{missing.replace(base, base + '_')}' column",
                source=source,
                where=f"row {header_row}",
            )


# ---------------------------------------------------------------------------- building
def _range(
    cells: list[str],
    cols: dict[str, int],
    low: str,
    high: str,
    header: list[str],
    row: int,
    source: SourceName,
) -> list[float] | None:
    if low not in cols or high not in cols:
        return None
    lo_cell, hi_cell = cells[cols[low]], cells[cols[high]]
    if not lo_cell and not hi_cell:
        return None
    values = []
    for name, cell in ((low, lo_cell), (high, hi_cell)):
        where = f"row {row}, column {header[cols[name]]}"
        if not cell:
            raise AccordError(
                "a range needs both its low and its high value", source=source, where=where
            )
        values.append(parse_number(cell, source, where))
    return values


def _span_scale(values: list[float]) -> dict[str, Any]:
    """Return the scale an undeclared issue gets: the span of the positions written for it.

    It is raw data, checked with the rest of the scenario (a span too narrow to be a scale is
    reported at the issue's position column).
    """
    low, high = min(values), max(values)
    if low == high:
        low, high = min(0.0, low), max(100.0, high)
    return {"min": low, "max": high, "unit": "points"}


def _build(
    table: _Table,
    fixed: dict[str, int],
    issues: list[_IssueColumns],
    title: str,
    source: SourceName,
    scale: ScaleArg,
) -> RawScenario:
    header = table.header
    _check_pairs(fixed, header, table.header_row, source)
    for issue in issues:
        _check_pairs(issue.cols, header, table.header_row, source)
    _fit_rows(table, source)
    places = Places()

    def col_where(row: int, key: str, cols: dict[str, int]) -> str:
        return f"row {row}, column {header[cols[key]]}"

    places.add(("actors",), f"column {header[fixed['capability']]}")
    actors: list[dict[str, Any]] = []
    ids: dict[str, tuple[int, str]] = {}
    for j, (row, cells) in enumerate(table.rows):
        written = cells[fixed["actor"]]
        where = col_where(row, "actor", fixed)
        if not written:
            raise AccordError("missing actor name", source=source, where=where)
        actor_id = slugify(written)
        if not actor_id:
            raise AccordError(
                f"cannot make an id from {written!r} (it needs a letter or digit)",
                source=source,
                where=where,
            )
        if actor_id in ids:
            first_row, first = ids[actor_id]
            raise AccordError(
                f"duplicate actor: {first!r} (row {first_row}) and {written!r} (row {row}) "
                f"both become the id '{actor_id}'",
                source=source,
                where=where,
            )
        ids[actor_id] = (row, written)
        name = cells[fixed["name"]] if "name" in fixed and cells[fixed["name"]] else written
        actor: dict[str, Any] = {
            "id": actor_id,
            "name": name,
            "capability": parse_number(
                cells[fixed["capability"]], source, col_where(row, "capability", fixed)
            ),
        }
        cap_range = _range(cells, fixed, "capabilitylow", "capabilityhigh", header, row, source)
        if cap_range is not None:
            actor["capability_range"] = cap_range
            places.add(("actors", j, "capability_range"), col_where(row, "capabilitylow", fixed))
        if "bloc" in fixed and cells[fixed["bloc"]]:
            bloc = slugify(cells[fixed["bloc"]])
            if not bloc:
                raise AccordError(
                    f"cannot make a bloc id from {cells[fixed['bloc']]!r}",
                    source=source,
                    where=col_where(row, "bloc", fixed),
                )
            actor["bloc"] = bloc
            places.add(("actors", j, "bloc"), col_where(row, "bloc", fixed))
        if "source" in fixed and cells[fixed["source"]]:
            actor["source"] = cells[fixed["source"]]
        actors.append(actor)
        places.add(("actors", j), f"row {row}")
        places.add(("actors", j, "id"), where)
        places.add(("actors", j, "capability"), col_where(row, "capability", fixed))
        if "name" in fixed:
            places.add(("actors", j, "name"), col_where(row, "name", fixed))

    forced = scale_of(scale)
    issue_data: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    known = {i.id for i in issues}
    directives: list[tuple[str, dict[str | None, tuple[int, Any]]]] = [
        ("scale", dict(table.meta.scales)),
        *table.meta.agreement.items(),
    ]
    for key, given in directives:
        unknown = {t for t in given if t is not None} - known
        if unknown:
            target = sorted(unknown)[0]
            raise AccordError(
                f"'# {key} {target}:' names an unknown issue",
                source=source,
                where=f"row {given[target][0]}",
            )
    for i, issue in enumerate(issues):
        cols = issue.cols
        values: list[float] = []
        for j, (row, cells) in enumerate(table.rows):
            stance: dict[str, Any] = {
                "actor": actors[j]["id"],
                "issue": issue.id,
                "position": parse_number(
                    cells[cols["position"]], source, col_where(row, "position", cols)
                ),
                "salience": parse_number(
                    cells[cols["salience"]], source, col_where(row, "salience", cols)
                ),
            }
            values.append(stance["position"])
            k = len(stances)
            places.add(("stances", k), f"row {row}")
            for key in ("position", "salience"):
                places.add(("stances", k, key), col_where(row, key, cols))
            if "reservation" in cols and cells[cols["reservation"]]:
                stance["reservation"] = parse_number(
                    cells[cols["reservation"]], source, col_where(row, "reservation", cols)
                )
                places.add(("stances", k, "reservation"), col_where(row, "reservation", cols))
            for key in ("position", "salience", "reservation"):
                rng = _range(cells, cols, f"{key}low", f"{key}high", header, row, source)
                if rng is not None:
                    stance[f"{key}_range"] = rng
                    if key == "position":
                        values.extend(rng)
                    places.add(("stances", k, f"{key}_range"), col_where(row, f"{key}low", cols))
            stances.append(stance)
        declared = table.meta.scales.get(issue.id) or table.meta.scales.get(None)
        column = f"row {table.header_row}, column {header[cols['position']]}"
        issue_scale: dict[str, Any]
        if forced is not None:
            issue_scale = forced.model_dump()
        elif declared is not None:
            issue_scale = declared[1].model_dump()
            column = f"row {declared[0]}"
        else:
            issue_scale = _span_scale(values)
        places.add(("issues", i), column)
        places.add(("issues", i, "scale"), column)
        if issue.id in table.meta.issue_names:
            places.add(("issues", i), f"row {table.meta.issue_names[issue.id][0]}")
        entry: dict[str, Any] = {
            "id": issue.id,
            "name": issue.name,
            "scale": issue_scale,
        }
        for key, given in table.meta.agreement.items():
            found = given.get(issue.id) or given.get(None)
            if found is None:
                continue
            row, value = found
            places.add(("issues", i, key), f"row {row}")
            if key in ("consent", "implementers"):
                entry[key] = value
            elif key == "no_deal" and len(value) == 3:
                entry["no_deal"], entry["no_deal_range"] = value[0], value[1:]
                places.add(("issues", i, "no_deal_range"), f"row {row}")
            else:
                entry[key] = value[0]
        issue_data.append(entry)
    data: dict[str, Any] = {
        "title": table.meta.title or title,
        "actors": actors,
        "issues": issue_data,
        "stances": stances,
    }
    if table.meta.title_row is not None:
        places.add(("title",), f"row {table.meta.title_row}")
    if table.meta.date is not None:
        data["date"] = table.meta.date
    if table.meta.description:
        data["description"] = table.meta.description
        places.add(("description",), f"row {table.meta.description_row}")
    if table.meta.salience_scale is not None:
        data["salience_scale"] = table.meta.salience_scale
        places.add(("salience_scale",), f"row {table.meta.salience_scale_row}")
    return RawScenario(data, places)


def parse_table(text: str, source: SourceName = None, *, scale: ScaleArg = None) -> RawScenario:
    """Read a one-issue BDM/Predictioneer table (``Actor,Capability,Position,Salience``).

    Parameters
    ----------
    text:
        The CSV text.
    source:
        The file it came from (for messages; its stem is the default title).
    scale:
        A scale to force on the issue, overriding any ``# scale:`` line. Without either, the
        scale is the span of the positions written in the table.

    Returns
    -------
    RawScenario
        Raw data for :func:`accord.scenario.validate.build`, with row/column locations.

    """
    table = _read_table(text, source)
    title = table.meta.title or title_from(source)
    fixed, issues = _one_issue_columns(table, title, source)
    return _build(table, fixed, issues, title, source, scale)


def parse_wide(text: str, source: SourceName = None, *, scale: ScaleArg = None) -> RawScenario:
    """Read a wide table: one row per actor, ``<issue>.position``/``<issue>.salience`` columns.

    Parameters
    ----------
    text:
        The CSV text.
    source:
        The file it came from (for messages; its stem is the default title).
    scale:
        A scale to force on every issue, overriding ``# scale`` lines.

    Returns
    -------
    RawScenario
        Raw data for :func:`accord.scenario.validate.build`, with row/column locations.

    """
    table = _read_table(text, source)
    fixed, issues = _wide_columns(table, source)
    return _build(table, fixed, issues, table.meta.title or title_from(source), source, scale)


# ---------------------------------------------------------------------------- writing
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dump(scenario: Scenario, wide: bool) -> str:
    out = io.StringIO()
    out.write(f"# title: {_one_line(scenario.title)}\n")
    if scenario.date is not None:
        out.write(f"# date: {scenario.date.isoformat()}\n")
    if scenario.description.strip():
        out.write(f"# description: {_one_line(scenario.description)}\n")
    for issue in scenario.issues:
        target = f" {issue.id}" if wide else ""
        out.write(f"# issue {issue.id}: {_one_line(issue.name)}\n")
        scale = issue.scale
        out.write(
            f"# scale{target}: {number_text(scale.min)} {number_text(scale.max)} "
            f"{_one_line(scale.unit) or 'points'}\n"
        )
        if issue.status_quo is not None:
            out.write(f"# status_quo{target}: {number_text(issue.status_quo)}\n")
        if issue.no_deal is not None:
            rng = issue.no_deal_range
            extra = f" {number_text(rng.low)} {number_text(rng.high)}" if rng else ""
            out.write(f"# no_deal{target}: {number_text(issue.no_deal)}{extra}\n")
        if issue.consent is not None:
            out.write(f"# consent{target}: {', '.join(issue.consent)}\n")
        if issue.implementers:
            out.write(f"# implementers{target}: {', '.join(issue.implementers)}\n")
        if issue.quota != 1:
            out.write(f"# quota{target}: {number_text(issue.quota)}\n")
    actors = scenario.actors
    has_bloc = any(a.bloc for a in actors)
    has_source = any(a.source for a in actors)
    has_cap_range = any(a.capability_range for a in actors)
    header = (
        ["Actor", "Name"]
        + (["Bloc"] if has_bloc else [])
        + (["Source"] if has_source else [])
        + ["Capability"]
        + (["CapabilityLow", "CapabilityHigh"] if has_cap_range else [])
    )
    with_ranges: list[tuple[bool, bool, bool, bool]] = []
    for issue in scenario.issues:
        st = [scenario.stance(a.id, issue.id) for a in actors]
        pos_r = any(s.position_range for s in st)
        sal_r = any(s.salience_range for s in st)
        res = any(s.reservation is not None for s in st)
        res_r = any(s.reservation_range for s in st)
        with_ranges.append((pos_r, sal_r, res, res_r))
        names = (
            ["position", "salience"]
            + (["position_low", "position_high"] if pos_r else [])
            + (["salience_low", "salience_high"] if sal_r else [])
            + (["reservation"] if res else [])
            + (["reservation_low", "reservation_high"] if res_r else [])
        )
        if wide:
            header += [f"{issue.id}.{n}" for n in names]
        else:
            header += ["".join(p.capitalize() for p in n.split("_")) for n in names]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for a in actors:
        row = [a.id, _one_line(a.name)]
        row += [a.bloc or ""] if has_bloc else []
        row += [_one_line(a.source or "")] if has_source else []
        row.append(number_text(a.capability))
        if has_cap_range:
            r = a.capability_range
            row += [number_text(r.low), number_text(r.high)] if r else ["", ""]
        for issue, (pos_r, sal_r, res, res_r) in zip(scenario.issues, with_ranges, strict=True):
            s = scenario.stance(a.id, issue.id)
            row += [number_text(s.position), number_text(s.salience)]
            for wanted, rng in ((pos_r, s.position_range), (sal_r, s.salience_range)):
                if wanted:
                    row += [number_text(rng.low), number_text(rng.high)] if rng else ["", ""]
            if res:
                row.append("" if s.reservation is None else number_text(s.reservation))
            if res_r:
                rng = s.reservation_range
                row += [number_text(rng.low), number_text(rng.high)] if rng else ["", ""]
        writer.writerow(row)
    return out.getvalue()


def dump_table(scenario: Scenario) -> str:
    """Return a one-issue scenario as a BDM/Predictioneer table with ``#`` directives.

    The table holds the title, date, description, the issue's id, name and scale, and per actor
    the id, name, bloc, source, capability (and range), position, salience and their ranges.
    Sources lists, anchors, status quo, ``why``, notes and distributions are not written.
    """
    if len(scenario.issues) != 1:
        raise AccordError(
            f"a one-issue table holds one issue; this scenario has {len(scenario.issues)} "
            "(save it as a wide CSV or as YAML)"
        )
    return _dump(scenario, wide=False)


def dump_wide(scenario: Scenario) -> str:
    """Return a scenario as a wide table (the same content as :func:`dump_table`, any issues)."""
    return _dump(scenario, wide=True)
