"""Render a matplotlib figure to SVG text that is the same, byte for byte, on every run.

matplotlib's SVG writer stamps a date, a creator and random element ids; here the ids are
hashed with a constant salt, the metadata is dropped, text is kept as ``<text>`` (no embedded
glyph paths, so the output is small and searchable) and the DPI is fixed. Every id is then
prefixed so that several charts can live in one HTML page without their ids colliding. Every
text is drawn as written (:func:`literal_text`): a ``$`` in a name is a dollar sign.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SALT = "accord-report"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
DPI = 72
_ID = re.compile(r'\bid="([^"]+)"')
_DROP = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<!--.*?-->\s*", re.S),
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
)
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
PLAIN_TEXT: dict[str, Any] = {"text.parse_math": False, "text.usetex": False}
"""matplotlib settings under which every text is drawn as written (no math text, no LaTeX)."""


def render(fig: Figure, *, prefix: str = "fig", inline: bool = True) -> str:
    """Return the figure as deterministic SVG text.

    Parameters
    ----------
    fig:
        The figure.
    prefix:
        Prepended to every element id (and every reference to one), e.g. the chart's slug.
    inline:
        True for an ``<svg>`` element to place inside HTML (no XML declaration or namespace
        attributes, which the HTML parser supplies); False for a standalone ``.svg`` file.

    Returns
    -------
    str
        The SVG markup, ending with a newline.

    """
    import matplotlib

    buf = io.StringIO()
    rc: dict[str, Any] = {
        "svg.hashsalt": SALT,
        "svg.fonttype": "none",
        "svg.image_inline": True,
        **PLAIN_TEXT,
    }
    literal_text(fig)
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        fig.savefig(
            buf,
            format="svg",
            dpi=DPI,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buf.getvalue()
    for pattern in _DROP:
        text = pattern.sub("", text)
    head, sep, rest = _prefix_ids(text, prefix).partition(">")
    text = (_XMLNS.sub("", head) + sep + rest).strip() + "\n"
    return text if inline else standalone(text)


def literal_text(fig: Figure) -> None:
    """Make every text of a figure draw as written: a ``$`` is a dollar sign, never math.

    Names, labels and units come from the scenario; matplotlib would read ``$...$`` in them as
    math text (and fail on some, a ``$x^`` say), or hand them to LaTeX with ``usetex``. Texts
    made later while drawing (tick labels) follow :data:`PLAIN_TEXT`, which :func:`render` sets
    while it draws.
    """
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)


def standalone(inline: str) -> str:
    """Return an inline ``<svg>`` element as the text of a standalone ``.svg`` file."""
    head, sep, rest = inline.partition(">")
    head = _XMLNS.sub("", head).replace(
        "<svg", f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"', 1
    )
    return f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n{head}{sep}{rest}'


def _prefix_ids(text: str, prefix: str) -> str:
    """Return ``text`` with every ``id`` and every ``#id`` reference prefixed."""
    ids = set(_ID.findall(text))
    if not ids:
        return text

    def ref(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in ids:
            return match.group(0)
        return f"{match.group(1)}{prefix}-{name}{match.group(3)}"

    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    return re.sub(r'(url\(#|href="#)([^)"]+)(\)|")', ref, text)


def close(fig: Figure) -> None:
    """Release a figure's memory (figures made without pyplot need no global bookkeeping)."""
    fig.clear()
