"""A 1 MB article drafts (the timing is in benchmarks/bench_draft.py)."""

from __future__ import annotations

from accord.draft import draft_text

PARAGRAPH = (
    "The war in Syria goes on. Russia supports a ceasefire, while Iran rejects any transition "
    "and Tehran is not ready to accept a partition. The Syrian opposition insists on elections; "
    "the regime refuses them. Lavrov and Kerry met in Vienna with the Saudis and the Turkish "
    "foreign minister, and the United Nations called for humanitarian access to Aleppo. "
    "Hezbollah and the Islamic State fought near the border, and the Kremlin said sanctions "
    "would not change its course.\n"
)


def megabyte_article() -> str:
    return PARAGRAPH * (1_048_576 // len(PARAGRAPH) + 1)


def test_a_one_megabyte_article_drafts() -> None:
    text = megabyte_article()
    assert len(text.encode()) >= 1_048_576
    d = draft_text(text)
    assert {"russia", "iran", "syria", "usa", "un", "hezbollah", "isis"} <= {a.id for a in d.actors}
    assert d.actor("russia").mentions > 2000
    assert all(len(s.sentences) <= 5 for s in d.stances)
