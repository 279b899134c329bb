"""The one exception type for problems a user can fix (bad files, bad options).

Anything else raised inside accord is a bug. The CLI renders an :class:`AccordError` as one
line on stderr and exits with code 2; the web app turns it into a 422 response.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path


def printable(text: str) -> str:
    r"""Return ``text`` safe to print on one terminal line and to encode as UTF-8.

    Control characters other than tab and line ends (``ESC``, ``DEL``, C1 controls ...) and lone
    surrogates (which no encoding can write) are replaced by their escapes (``\x1b``,
    ``\ud800``): a message that quotes a bad value can never clear the screen, move the
    cursor or fail to print. Whitespace is left to :meth:`AccordError.one_line`.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char not in "\t\n\r" and unicodedata.category(char) in ("Cc", "Cs"):
            out.append(ascii(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


def _one_line(source: str | None, where: str | None, message: str) -> str:
    parts = [p for p in (source, where) if p]
    text = " ".join(message.split())
    return ": ".join([*[" ".join(p.split()) for p in parts], text]) if parts else text


class _Located(Exception):
    """A message with the input it is about (``source``) and the place in it (``where``)."""

    def __init__(
        self, message: str, *, source: str | Path | None = None, where: str | None = None
    ) -> None:
        self.message = printable(message)
        self.source = printable(str(source)) if source is not None else None
        self.where = printable(where) if where is not None else None
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return ``source: where: message`` with the parts that are known, on one line."""
        return _one_line(self.source, self.where, self.message)


class AccordError(_Located):
    """A problem with user input, located as precisely as the input allows.

    Parameters
    ----------
    message:
        What is wrong, in plain words.
    source:
        The file (or other named input) the problem is in, if any.
    where:
        Where inside the source: ``"line 12"``, ``"row 4, column Salience"``,
        ``"stances.assad.us.salience"`` ...

    """

    def located(self, source: str | Path | None = None, where: str | None = None) -> AccordError:
        """Return a copy with the source and/or location filled in where still missing."""
        return AccordError(
            self.message,
            source=self.source if self.source is not None else source,
            where=self.where if self.where is not None else where,
        )


class ScenarioWarning(_Located, UserWarning):
    """Something in an input that is probably a mistake, though the input is valid.

    Loaders issue it with :func:`warnings.warn` (e.g. a salience written on 0-1 in a file on
    0-100); the CLI prints it as one ``warning:`` line on stderr and ``accord validate --json``
    lists it. Located like :class:`AccordError`.
    """
