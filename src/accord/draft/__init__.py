"""``accord draft``: a first scenario from articles, offline, every suggestion traced to a sentence.

The clerical half of coding a case: who the articles mention (a gazetteer of states,
organisations, armed groups, parties, leaders, capitals and demonyms), on which issues (given,
or suggested from recurring contested terms), saying what (cue words with negation), each with
the sentence it comes from. Every suggested number is marked ``draft`` and must be reviewed:
the scenario loader refuses a file that still holds one unless ``allow_draft=True``.

::

    from accord.draft import draft_files, draft_text
    d = draft_files(["article.txt"])            # a Draft: actors, issues, stances, cells
    d.stance("russia", "transition").position   # Cell(value, draft, why, evidence)
    open("draft.yaml", "w").write(d.to_yaml())

Modules: :mod:`~accord.draft.text` (articles into sentences), :mod:`~accord.draft.gazetteer`,
:mod:`~accord.draft.actors`, :mod:`~accord.draft.issues`, :mod:`~accord.draft.stances`,
:mod:`~accord.draft.capability`, :mod:`~accord.draft.build`, :mod:`~accord.draft.result`,
:mod:`~accord.draft.writer`. See docs/draft.md.
"""

from accord.draft.build import draft_articles, draft_files, draft_text
from accord.draft.capability import Capability, load_cinc
from accord.draft.issues import SUGGESTED, IssueSpec, load_issues
from accord.draft.result import (
    ArticleInfo,
    CandidateName,
    Cell,
    Draft,
    DraftActor,
    DraftIssue,
    DraftStance,
    Evidence,
)
from accord.draft.text import Article, Sentence, article_from_text, read_article

__all__ = [
    "SUGGESTED",
    "Article",
    "ArticleInfo",
    "CandidateName",
    "Capability",
    "Cell",
    "Draft",
    "DraftActor",
    "DraftIssue",
    "DraftStance",
    "Evidence",
    "IssueSpec",
    "Sentence",
    "article_from_text",
    "draft_articles",
    "draft_files",
    "draft_text",
    "load_cinc",
    "load_issues",
    "read_article",
]
