"""Assemble a draft from articles: actors, issues, and a stance per actor and issue.

Every number the draft holds is a :class:`~accord.draft.result.Cell` marked draft: a
capability (from the capability index for a state when a table is given, else a placeholder), a
position and a salience (from a strong cue in a sentence that connects the actor and the issue,
else a placeholder at the middle of the scale and 0.5). Placeholders only make the scenario
complete, so that it loads for review: their ``why`` says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from accord.draft.actors import ActorFinding, ActorScan, find_actors
from accord.draft.capability import CITATION, Capability
from accord.draft.gazetteer import Gazetteer, default_gazetteer
from accord.draft.issues import IssueFinding, IssueSpec, find_issues
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
from accord.draft.stances import Hint, Said
from accord.draft.text import Article, Kind, Sentence, article_from_text, read_article
from accord.errors import AccordError

PLACEHOLDER_CAPABILITY = 1.0
PLACEHOLDER_SALIENCE = 0.5
STRONG_SALIENCE = 0.8
INWARD = 0.15
"""A strong cue places the actor this fraction of the scale inside the end it points to."""
MAX_EVIDENCE = 5
"""Most sentences kept per issue and per stance (the counts are kept whole)."""


def evidence(sentence: Sentence | None, limit: int = 240) -> Evidence | None:
    """Return a sentence as evidence, its text cut to ``limit`` characters."""
    if sentence is None:
        return None
    text = sentence.text if len(sentence.text) <= limit else sentence.text[: limit - 1] + "…"
    return Evidence(sentence.ref, text)


def _hint(
    actor: str,
    finding: IssueFinding,
    k: int,
    scan: ActorScan,
    terms: Mapping[tuple[str, int], list[tuple[int, int, int]]],
    sentences: list[Sentence],
) -> Hint | None:
    """Return the strongest cue of ``actor`` about issue ``k`` in the connecting sentences."""
    found: list[tuple[Said, Sentence]] = []
    for sentence in sentences:
        key = (sentence.article, sentence.index)
        spans = [(s, e) for i, s, e in terms.get(key, ()) if i == k]
        for said in scan.said.get(key, ()):
            lo, hi = said.clause
            if said.actor == actor and any(lo <= s and e <= hi for s, e in spans):
                found.append((said, sentence))
    if not found:
        return None
    strong = [(s, sn) for s, sn in found if s.cue.strength == "strong"]
    pool = strong or found
    directions = {s.cue.direction for s, _ in pool}
    said, sentence = pool[0]
    if len(directions) > 1:
        return Hint(0, "weak", False, None, sentence.ref, sentence.text)
    intense = any(s.cue.intense for s, _ in pool)
    return Hint(
        said.cue.direction, said.cue.strength, intense, said.cue, sentence.ref, sentence.text
    )


def _stance(
    actor: ActorFinding,
    finding: IssueFinding,
    k: int,
    scan: ActorScan,
    terms: Mapping[tuple[str, int], list[tuple[int, int, int]]],
) -> DraftStance:
    spec = finding.spec
    lo, hi, _unit = spec.scale
    mine = {(s.article, s.index) for s in actor.sentences}
    connecting = [s for s in finding.sentences if (s.article, s.index) in mine]
    hint = _hint(actor.id, finding, k, scan, terms, connecting)
    middle = lo + (hi - lo) / 2
    said = (
        f"{len(connecting)} sentence(s) connect them" if connecting else "no sentence connects them"
    )
    position = Cell(
        middle, True, f"placeholder: the articles give no strong cue ({said})", None, True
    )
    salience = Cell(
        PLACEHOLDER_SALIENCE, True, f"placeholder: the articles give no insistent cue ({said})",
        None, True,
    )  # fmt: skip
    if hint is not None and hint.cue is not None and hint.strength == "strong":
        end = spec.support_end
        other = lo if end != lo else hi
        toward, away = (end, other) if hint.direction > 0 else (other, end)
        value = toward + INWARD * (away - toward)
        source = Evidence(hint.sentence_ref, evidence_text(hint.sentence))
        position = Cell(round(value, 6), True, f"cue {hint.cue.describe()}", source)
        if hint.intense:
            salience = Cell(STRONG_SALIENCE, True, f"insistent cue {hint.cue.describe()}", source)
    return DraftStance(
        actor.id,
        spec.id,
        position,
        salience,
        hint.describe() if hint is not None else None,
        [e for s in connecting[:MAX_EVIDENCE] if (e := evidence(s)) is not None],
    )


def evidence_text(text: str, limit: int = 240) -> str:
    """Return a sentence cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draft_articles(
    articles: Sequence[Article],
    *,
    issues: Sequence[IssueSpec] | None = None,
    country: str | None = None,
    capabilities: Mapping[str, Capability] | None = None,
    gazetteer: Gazetteer | None = None,
    min_mentions: int = 1,
) -> Draft:
    """Draft a scenario from articles already read (see :func:`draft_files`)."""
    if not articles:
        raise AccordError("no article to draft from")
    gaz = gazetteer or default_gazetteer()
    if country is not None and country not in gaz.entries:
        raise AccordError(f"unknown country '{country}' (use a state's id, e.g. syria)")
    scan = find_actors(articles, gaz, country=country)
    found_issues, terms = find_issues(articles, issues)
    chosen = [a for a in scan.actors if a.mentions >= min_mentions]
    if len(chosen) < 2:
        names = ", ".join(a.name for a in chosen) or "none"
        raise AccordError(
            f"the articles name fewer than two known actors ({names}); a scenario needs two"
        )
    if not found_issues:
        raise AccordError(
            "no issue recurs in the articles (none of the usual terms appears in two "
            "sentences); give the issues with --issues ISSUES.yaml"
        )
    actors: list[DraftActor] = []
    for a in chosen:
        cap = capabilities.get(a.iso3) if capabilities and a.iso3 and a.kind == "state" else None
        if cap is not None:
            cell = Cell(
                cap.value,
                True,
                f"CINC {cap.cinc:.4g} in {cap.year} (share of world material capability, x100)",
            )
        else:
            cell = Cell(
                PLACEHOLDER_CAPABILITY,
                True,
                "placeholder: set the actor's clout over this negotiation",
                None,
                True,
            )
        name = f"{a.name}: the government" if a.id == scan.country else a.name
        actors.append(
            DraftActor(
                a.id,
                name,
                a.kind,
                a.mentions,
                dict(a.names.most_common()),
                cell,
                evidence(a.first),
                evidence(a.strongest),
                a.source,
            )
        )
    draft_issues = [
        DraftIssue(
            f.spec.id,
            f.spec.name,
            f.spec.given,
            f.spec.scale,
            f.spec.anchor_map(),
            dict(sorted(f.terms.items(), key=lambda kv: -kv[1])),
            [e for s in f.sentences[:MAX_EVIDENCE] if (e := evidence(s)) is not None],
        )
        for f in found_issues
    ]
    stances = [_stance(a, f, k, scan, terms) for k, f in enumerate(found_issues) for a in chosen]
    first = articles[0]
    title = f"Draft: {first.title}" + (
        f" (and {len(articles) - 1} more)" if len(articles) > 1 else ""
    )
    candidates = [
        CandidateName(c.name, c.mentions, e)
        for c in scan.candidates
        if (e := evidence(c.first)) is not None
    ]
    return Draft(
        title=title,
        articles=[ArticleInfo(a.id, a.title, a.name, len(a.sentences)) for a in articles],
        country=scan.country,
        actors=actors,
        issues=draft_issues,
        stances=stances,
        candidates=candidates,
        capability_citation=CITATION if capabilities else None,
    )


def draft_files(
    paths: Sequence[str | Path],
    *,
    issues: Sequence[IssueSpec] | None = None,
    country: str | None = None,
    capabilities: Mapping[str, Capability] | None = None,
    min_mentions: int = 1,
) -> Draft:
    """Draft a scenario from article files (text, Markdown or HTML; several merge).

    Parameters
    ----------
    paths:
        The articles; each becomes a source ``a1``, ``a2`` ... in the order given.
    issues:
        The issues to look for (:func:`accord.draft.issues.load_issues`); default: suggest
        them from the usual contested terms.
    country:
        The id of the country the conflict is in (default: found from the articles).
    capabilities:
        CINC scores by ISO code (:func:`accord.draft.capability.load_cinc`) for default
        capabilities of states.
    min_mentions:
        Leave out actors mentioned fewer times.

    """
    articles = [read_article(p, f"a{k + 1}") for k, p in enumerate(paths)]
    return draft_articles(
        articles,
        issues=issues,
        country=country,
        capabilities=capabilities,
        min_mentions=min_mentions,
    )


def draft_text(
    text: str,
    *,
    kind: Kind = "text",
    name: str = "pasted text",
    issues: Sequence[IssueSpec] | None = None,
    country: str | None = None,
) -> Draft:
    """Draft a scenario from one article given as a string (the web app's pasted text)."""
    if not text.strip():
        raise AccordError("the article is empty")
    return draft_articles(
        [article_from_text(text, "a1", kind=kind, name=name)], issues=issues, country=country
    )
