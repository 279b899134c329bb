"""Reading articles (text, Markdown, HTML) into sentences; default capabilities from CINC."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.draft import article_from_text, draft_text, load_cinc, read_article
from accord.draft.text import split_sentences
from accord.errors import AccordError


def test_sentences_do_not_end_at_abbreviations_or_initials() -> None:
    text = "The U.S. and Russia met on Jan. 22 in Geneva. Andrew J. Tabler disagreed. Why?"
    assert split_sentences(text) == [
        "The U.S. and Russia met on Jan. 22 in Geneva.",
        "Andrew J. Tabler disagreed.",
        "Why?",
    ]


def test_html_loses_scripts_styles_and_tags() -> None:
    a = article_from_text(
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Head</h1>"
        "<p>Russia &amp; Iran agreed.</p><script>alert(1)</script><p>Turkey did not.</p>",
        kind="html",
    )
    assert a.title == "Head"
    assert [s.text for s in a.sentences] == ["Head", "Russia & Iran agreed.", "Turkey did not."]


def test_markdown_loses_its_markup() -> None:
    a = article_from_text(
        "# Title\n\nSome **bold** text with a [link](http://x) and `code`.\n\n- Russia agreed.\n",
        kind="markdown",
    )
    assert a.title == "Title"
    assert [s.text for s in a.sentences] == [
        "Title",
        "Some bold text with a link and code.",
        "Russia agreed.",
    ]


def test_files_are_read_by_extension_and_bad_ones_refused(tmp_path: Path) -> None:
    page = tmp_path / "a.htm"
    page.write_text("<p>Russia agreed.</p>", encoding="utf-8")
    assert read_article(page, "a7").sentences[0].ref == "a7:1"
    with pytest.raises(AccordError, match="not found"):
        read_article(tmp_path / "missing.txt")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01")
    with pytest.raises(AccordError, match="binary"):
        read_article(binary)


NMC = """stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version
USA,2,2015,1,1,1,1,1,1,0.1,6
USA,2,2016,1,1,1,1,1,1,0.2,6
RUS,365,2016,1,1,1,1,1,1,0.05,6
XYZ,9999,2016,1,1,1,1,1,1,0.5,6
"""


def test_capability_defaults_come_from_a_cinc_table(tmp_path: Path) -> None:
    # a made-up table in the National Material Capabilities layout (not real scores)
    table = tmp_path / "nmc.csv"
    table.write_text(NMC, encoding="utf-8")
    cinc = load_cinc(table)
    assert cinc["USA"].cinc == 0.2 and cinc["USA"].year == 2016
    assert load_cinc(table, year=2015)["USA"].cinc == 0.1
    from accord.draft import draft_articles

    d = draft_articles(
        [article_from_text("Russia rejects a ceasefire. The US supports a ceasefire.")],
        capabilities=cinc,
    )
    assert d.actor("usa").capability.value == 20
    assert d.actor("russia").capability.value == 5
    assert d.actor("usa").capability.draft
    assert "cinc" in d.to_yaml()


def test_a_bad_cinc_table_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "nmc.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(AccordError, match="ccode"):
        load_cinc(table)


def test_without_a_table_capabilities_are_placeholders() -> None:
    d = draft_text("Russia rejects a ceasefire. Iran supports a ceasefire.")
    assert all(a.capability.placeholder and a.capability.draft for a in d.actors)
