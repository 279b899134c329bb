"""Read the introduction dates of DEU proposals, written in several formats.

The public derivative mixes three forms in its ``intro`` column:

* ``dd-mm-yy`` (``26-01-00`` = 26 January 2000; two-digit years below 50 are 20xx),
* ``dd-mm-yyyy`` (``13-09-2017``),
* ``yyyy-mm-dd`` that is really ``dd-mm-yy`` mangled by a spreadsheet: ``2014-07-04`` is
  14 July 2004 and ``1930-06-05`` is 30 June 2005 (the spreadsheet read ``14-07-04`` as
  year-month-day and widened the "year" 14 to 2014, or 30 to 1930).

The third form is ambiguous with a genuine ISO date, so both readings are tried and the one whose
year agrees with the proposal id is kept: DEU ids carry the year of the Commission document
(``d04218`` is COM(2004) 218, ``d170228`` is COM(2017) 228). Without a year in the id the
mangled reading is preferred, because that is what the known files contain. ``999``, an empty
cell or anything unreadable gives ``None``.
"""

from __future__ import annotations

import datetime as dt
import re

_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ID_YEAR = re.compile(r"[a-z](\d{2})", re.IGNORECASE)


def _year2(yy: int) -> int:
    return 2000 + yy if yy < 50 else 1900 + yy


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def id_year(proposal: str) -> int | None:
    """Return the year encoded in a DEU proposal id (``d04218`` -> 2004), or None."""
    m = _ID_YEAR.match(proposal.strip())
    return _year2(int(m.group(1))) if m else None


def parse_intro(text: str, proposal: str = "") -> dt.date | None:
    """Return the date written in ``text`` (see the module docstring), or None."""
    t = text.strip()
    m = _DMY.fullmatch(t)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return _date(year if len(m.group(3)) == 4 else _year2(year), month, day)
    m = _YMD.fullmatch(t)
    if not m:
        return None
    a, month, c = (int(g) for g in m.groups())
    iso = _date(a, month, c)
    mangled = _date(_year2(c), month, a % 100)
    hint = id_year(proposal)
    candidates = [d for d in (mangled, iso) if d is not None]
    if not candidates:
        return None
    if hint is not None:
        return min(candidates, key=lambda d: abs(d.year - hint))
    return candidates[0]
