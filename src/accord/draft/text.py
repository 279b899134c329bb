"""Articles in, sentences out: plain text, Markdown or HTML read offline into numbered sentences.

HTML is read with the standard library's :mod:`html.parser` (scripts, styles and templates are
dropped; block elements end paragraphs); Markdown loses its markup (headings, emphasis, links,
code fences, list markers); text is kept as it is. Each paragraph is split into sentences at
``.``, ``!`` or ``?`` followed by a capital, a digit or a quote, except after abbreviations
(``Mr.``, ``Jan.``, ``U.S.``) and initials (``Andrew J. Tabler``). A sentence keeps its article
id and its number there (``a1:12``, from 1), which is what every suggestion of the draft cites.
Photo captions and credits (``REUTERS/``, ``Getty Images``, ``(Photo by ...)``) are marked as
such: the draft counts no actor from them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from accord.errors import AccordError

Kind = Literal["text", "markdown", "html"]

MAX_ARTICLE_BYTES = 20 * 1024 * 1024
"""The largest article read (20 MB); a 1 MB article drafts in about a second."""

_SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, with where it stands."""

    article: str
    """The article's id (``a1``, ``a2`` ... in the order given)."""
    index: int
    """Its number in the article, from 0 (cited from 1: ``a1:1`` is the first)."""
    text: str
    paragraph: int
    caption: bool = False
    """A photo caption or credit: no actor is counted from it."""

    @property
    def ref(self) -> str:
        """Return the citation ``a1:12`` (article id, sentence number from 1)."""
        return f"{self.article}:{self.index + 1}"


@dataclass
class Article:
    """An article read into sentences."""

    id: str
    title: str
    name: str
    """Where it came from (a file name, or ``pasted text``)."""
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the article's sentences joined (one paragraph per line)."""
        lines: list[str] = []
        last = -1
        for s in self.sentences:
            if s.paragraph != last and lines:
                lines.append("\n")
            elif lines:
                lines.append(" ")
            lines.append(s.text)
            last = s.paragraph
        return "".join(lines)


# ---------------------------------------------------------------------------- HTML
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "title",
    ]
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False
        self.h1: list[str] = []
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIP:
            self.skipping += 1
        if tag == "h1":
            self.in_h1 = True
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        if tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)
            if self.in_h1:
                self.h1.append(data)


def html_to_text(source: str) -> tuple[str, str]:
    """Return the text of an HTML document (paragraphs on lines of their own) and its title."""
    parser = _TextOfHtml()
    parser.feed(source)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    title = " ".join("".join(parser.h1 or parser.title).split())
    return text, title


# ---------------------------------------------------------------------------- Markdown
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}(?:```|~~~).*?^\s{0,3}(?:```|~~~)\s*$", re.M | re.S), "\n"),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$", re.M), ""),
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M), r"\n\1\n"),
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M), "\n"),
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.M), "\n"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"<[^>\n]+>"), ""),
)


def markdown_to_text(source: str) -> tuple[str, str]:
    """Return the text of a Markdown document without its markup, and its first heading."""
    heading = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", source, re.M)
    text = source
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return html.unescape(text), heading.group(1).strip() if heading else ""


# ---------------------------------------------------------------------------- sentences
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cpt",
        "maj",
        "adm",
        "sen",
        "rep",
        "gov",
        "pres",
        "st",
        "mt",
        "ft",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "fig",
        "vol",
        "ed",
        "eds",
        "al",
        "approx",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "cf",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "e.u",
    ]
)
_END = re.compile(r"""[.!?]+["”’')\]]*\s+(?=["“‘'(\[]?[A-Z0-9À-Ý])""")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.?$")
_CAPTION = re.compile(
    r"\b(?:REUTERS|AFP PHOTO|Getty Images|Photo by|Photo credit|Photo Credit|AP Photo|"
    r"EPA|Anadolu Agency|Shutterstock|via Flickr)\b|/(?:Getty|AFP|AP|Reuters)\b"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences (abbreviations and initials do not end one)."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(paragraph):
        before = paragraph[start : m.start() + 1]
        word = _LAST_WORD.search(before)
        if word is not None and paragraph[m.start()] == ".":
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or (len(w) == 1 and word.group(1)[0].isupper()):
                continue
        piece = paragraph[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return out


def paragraphs(text: str) -> Iterable[str]:
    """Yield the paragraphs of plain text: each non-empty line (articles put one per line)."""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(line.split())
        if line:
            yield line


def article_from_text(
    text: str, article_id: str = "a1", *, kind: Kind = "text", name: str = "pasted text"
) -> Article:
    """Read an article given as a string (``kind``: text, markdown or html)."""
    if kind == "html":
        text, title = html_to_text(text)
    elif kind == "markdown":
        text, title = markdown_to_text(text)
    else:
        title = ""
    text = _CONTROL.sub(" ", text)
    sentences: list[Sentence] = []
    for p, para in enumerate(paragraphs(text)):
        caption = bool(_CAPTION.search(para))
        for piece in split_sentences(para):
            sentences.append(Sentence(article_id, len(sentences), piece, p, caption))
    if not title:
        title = next((s.text for s in sentences if not s.caption), name)
    title = " ".join(title.split())[:200]
    return Article(article_id, title, name, sentences)


def kind_of(path: str | Path) -> Kind:
    """Return how to read a file from its extension (text unless Markdown or HTML)."""
    return _SUFFIXES.get(Path(path).suffix.lower(), "text")


def read_article(path: str | Path, article_id: str = "a1", *, kind: Kind | None = None) -> Article:
    """Read an article file (text, Markdown or HTML by extension, or ``kind``)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise AccordError("file not found", source=source) from None
    except IsADirectoryError:
        raise AccordError("is a directory, not an article", source=source) from None
    except OSError as exc:
        raise AccordError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise AccordError(
            f"the article is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB", source=source
        )
    if b"\x00" in data:
        raise AccordError("binary file (it contains NUL bytes), not an article", source=source)
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise AccordError("the article is empty", source=source)
    return article_from_text(text, article_id, kind=kind or kind_of(path), name=Path(path).name)
