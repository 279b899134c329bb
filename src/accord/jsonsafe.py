"""The one way accord writes JSON: deterministic text, and never a NaN or an infinity.

JSON has no NaN and no infinity, and Python's :func:`json.dumps` either writes them as the
invalid tokens ``NaN``/``Infinity`` or, with ``allow_nan=False``, refuses the whole document. A
model can produce such numbers legitimately (an exchange's gain when a partner has no salience,
a sensitivity swing over a diverging run), so every document accord writes — each command's
``--json``, each result's ``to_json()``, each record the run store keeps — goes through
:func:`dumps`, which writes every non-finite number as ``null`` (documented in
``docs/json/README.md``). :func:`finite` gives the cleaned data itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def finite(obj: Any, digits: int | None = None) -> Any:
    """Return a copy of JSON-like data with every NaN or infinity replaced by None.

    Mappings become dicts (keys as strings), tuples and lists become lists, and NumPy scalars
    and arrays their plain values; strings, booleans, integers and None are kept. Anything else
    is returned unchanged (and :func:`json.dumps` decides what to make of it). ``digits``
    rounds every finite float to that many decimal places (results stored and compared as
    text: 10 places keep them stable across platforms).
    """
    if obj is None or isinstance(obj, bool | str | int):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        return obj if digits is None else round(obj, digits)
    if isinstance(obj, Mapping):
        return {k if isinstance(k, str) else str(k): finite(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v, digits) for v in obj]
    tolist = getattr(obj, "tolist", None)  # NumPy scalars and arrays
    if callable(tolist):
        return finite(tolist(), digits)
    return obj


def _plain(obj: Any) -> Any:
    """``default`` hook of :func:`json.dumps`: NumPy scalars and arrays as plain values."""
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def dumps(
    obj: Any,
    *,
    indent: int | None = 2,
    sort_keys: bool = True,
    compact: bool = False,
    ensure_ascii: bool = True,
) -> str:
    """Return ``obj`` as JSON text with every non-finite number written as ``null``.

    Indented by two spaces with sorted keys by default (the same data, the same text);
    ``compact`` gives one line without spaces. Documents without a NaN or an infinity (the
    usual case) are encoded in one pass; only those with one are copied and cleaned first.
    """
    options: dict[str, Any] = {
        "sort_keys": sort_keys,
        "ensure_ascii": ensure_ascii,
        "allow_nan": False,
        "default": _plain,
    }
    if compact:
        options["separators"] = (",", ":")
    else:
        options["indent"] = indent
    try:
        return json.dumps(obj, **options)
    except ValueError:  # a NaN or an infinity somewhere (or one inside a NumPy array)
        return json.dumps(finite(obj), **options)


__all__ = ["dumps", "finite"]
