"""Read and check a DEU III table (tab-separated, one row per controversial issue).

Layout (Arregui & Perarnaud 2021, doi:10.34810/data53, as in the bundled public derivative
``accord/backtest/data/deu3_public.tsv``, linked from the repository's ``data/``): one
header line; optionally a row with empty ``prnr``/``isnr`` giving each actor's GDP in the
position columns; then one row per issue. Columns used: ``prnr`` proposal, ``isnr`` issue,
``proc`` procedure (COD/CNS), ``counvte`` Council voting rule (QMV/Unan), ``intro`` date of
introduction (optional), ``p<actor>``/``s<actor>`` position and salience on 0-100, ``rp``
reference point (status quo), ``out`` outcome. An empty position cell means the actor was not
involved in that issue.

Structural problems (unreadable file, missing columns, nothing usable left) raise
:class:`~accord.errors.AccordError`. A bad row (a non-number, a value outside 0-100, an unknown
voting rule, fewer than two actors, a duplicate issue id, a wrong number of cells) is skipped and
listed in :attr:`DeuData.skipped` with its line number and issue id. A position without a
salience gets the median salience of the other actors on the issue (50 if none has one) and is
listed in :attr:`DeuData.imputed`. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import statistics
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from accord.backtest.dates import parse_intro
from accord.errors import AccordError

DEFAULT_PATH = Path(str(files("accord.backtest") / "data" / "deu3_public.tsv"))
"""The DEU table shipped with accord (package data, also ``data/deu3_public.tsv`` in the repo)."""
REQUIRED = ("prnr", "isnr", "proc", "counvte", "rp", "out")
META_P = frozenset({"prnrnmc", "prnr", "prname", "proc", "proccde"})
"""Columns starting with ``p`` that are not actor positions."""
VOTE_RULES = {"qmv": "QMV", "unan": "unanimity", "unanimity": "unanimity"}
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class DeuIssue:
    """One issue: the involved actors with positions and saliences (0-100)."""

    line: int
    proposal: str
    issue: str
    procedure: str
    rule: str
    intro: dt.date | None
    actors: tuple[str, ...]
    position: tuple[float, ...]
    salience: tuple[float, ...]
    reference: float | None
    outcome: float | None


@dataclass(frozen=True)
class RowNote:
    """A row that was skipped or changed, with why."""

    line: int
    issue: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"line": self.line, "issue": self.issue, "reason": self.reason}


@dataclass(frozen=True)
class DeuData:
    """A checked DEU table."""

    source: str
    actors: tuple[str, ...]
    gdp: dict[str, float] | None
    issues: tuple[DeuIssue, ...]
    skipped: tuple[RowNote, ...] = ()
    imputed: tuple[RowNote, ...] = ()
    undated: tuple[RowNote, ...] = ()

    def select(self, proposals: set[str] | None) -> DeuData:
        """Return the data restricted to some proposals (all when ``None``)."""
        if proposals is None:
            return self
        keep = tuple(i for i in self.issues if i.proposal in proposals)
        return DeuData(
            self.source, self.actors, self.gdp, keep, self.skipped, self.imputed, self.undated
        )


def read_deu(path: str | Path | None = None) -> DeuData:
    """Read and check a DEU table (the bundled public copy by default)."""
    p = Path(path) if path is not None else DEFAULT_PATH
    try:
        if p.stat().st_size > MAX_BYTES:
            raise AccordError(f"file is larger than {MAX_BYTES // 2**20} MB", source=p)
        raw = p.read_bytes()
    except OSError as exc:
        raise AccordError(f"cannot read the file: {exc.strerror or exc}", source=p) from None
    if b"\x00" in raw:
        raise AccordError("binary file, expected tab-separated text", source=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    try:
        return parse_deu(text, source=str(p))
    except AccordError as exc:
        raise exc.located(source=p) from None


def _actor_columns(header: list[str]) -> tuple[str, ...]:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise AccordError(f"missing column(s): {', '.join(missing)}", where="line 1")
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise AccordError(f"duplicate column(s): {', '.join(dup)}", where="line 1")
    actors = [c[1:] for c in header if c.startswith("p") and len(c) > 1 and c not in META_P]
    lonely = [f"s{a}" for a in actors if f"s{a}" not in header]
    if lonely:
        raise AccordError(f"missing salience column(s): {', '.join(lonely)}", where="line 1")
    if len(actors) < 2:
        raise AccordError("fewer than two actor columns (p<actor>/s<actor>)", where="line 1")
    return tuple(actors)


class _BadRow(Exception):
    pass


def _num(cell: str, what: str, lo: float = 0.0, hi: float = 100.0) -> float | None:
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise _BadRow(f"{what} is not a number: {text!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise _BadRow(f"{what} {text} is outside {lo:g}-{hi:g}")
    return value


def _issue(line: int, cells: dict[str, str], actors: tuple[str, ...]) -> tuple[DeuIssue, str]:
    """Return the issue of one row and a note on imputed saliences ('' when none)."""
    rule = VOTE_RULES.get(cells["counvte"].strip().lower())
    if rule is None:
        raise _BadRow(f"unknown voting rule {cells['counvte'].strip()!r} (QMV or Unan)")
    proc = cells["proc"].strip().upper()
    if not proc:
        raise _BadRow("no procedure (proc)")
    ids, pos, sal, no_sal = [], [], [], []
    for a in actors:
        x = _num(cells[f"p{a}"], f"position p{a}")
        s = _num(cells[f"s{a}"], f"salience s{a}")
        if x is None:
            continue
        ids.append(a)
        pos.append(x)
        sal.append(s)
        if s is None:
            no_sal.append(a)
    if len(ids) < 2:
        raise _BadRow(f"{len(ids)} actor(s) with a position; an issue needs two")
    known = [s for s in sal if s is not None]
    fill = statistics.median(known) if known else 50.0
    note = ""
    if no_sal:
        note = f"salience of {', '.join(no_sal)} missing, set to the issue median {fill:g}"
    issue = DeuIssue(
        line=line,
        proposal=cells["prnr"].strip(),
        issue=cells["isnr"].strip(),
        procedure=proc,
        rule=rule,
        intro=parse_intro(cells.get("intro", ""), cells["prnr"]),
        actors=tuple(ids),
        position=tuple(pos),
        salience=tuple(fill if s is None else s for s in sal),
        reference=_num(cells["rp"], "reference point rp"),
        outcome=_num(cells["out"], "outcome out"),
    )
    return issue, note


def _gdp(cells: dict[str, str], actors: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for a in actors:
        try:
            value = _num(cells[f"p{a}"], f"GDP of {a}", 0.0, math.inf)
        except _BadRow as exc:
            raise AccordError(str(exc), where="line 2") from None
        if value is not None:
            out[a] = value
    return out


def parse_deu(text: str, source: str = "<text>") -> DeuData:
    """Parse DEU text (see the module docstring for what is checked)."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise AccordError("empty file")
    header = [c.strip() for c in rows[0]]
    if len(header) < 2:
        raise AccordError("not a tab-separated table (one column in the header)", where="line 1")
    actors = _actor_columns(header)
    gdp: dict[str, float] | None = None
    issues: list[DeuIssue] = []
    skipped: list[RowNote] = []
    imputed: list[RowNote] = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = dict(zip(header, row, strict=False))
        label = cells.get("isnr", "").strip() or f"line {line}"
        if line == 2 and not cells.get("prnr", "").strip() and not cells.get("isnr", "").strip():
            gdp = _gdp(cells, actors)
            continue
        try:
            if len(row) != len(header):
                raise _BadRow(f"{len(row)} cells, the header has {len(header)}")
            if not cells["prnr"].strip() or not cells["isnr"].strip():
                raise _BadRow("no proposal (prnr) or issue (isnr) id")
            if label in seen:
                raise _BadRow("duplicate issue id")
            issue, note = _issue(line, cells, actors)
        except _BadRow as exc:
            skipped.append(RowNote(line, label, str(exc)))
            continue
        seen.add(label)
        issues.append(issue)
        if note:
            imputed.append(RowNote(line, label, note))
    if not issues:
        raise AccordError(
            f"no usable issue ({len(skipped)} row(s) skipped"
            + (f", first: line {skipped[0].line}: {skipped[0].reason})" if skipped else ")")
        )
    undated = tuple(
        RowNote(i.line, i.issue, "no readable intro date") for i in issues if i.intro is None
    )
    return DeuData(source, actors, gdp, tuple(issues), tuple(skipped), tuple(imputed), undated)
