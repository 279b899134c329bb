"""Write a draft as a scenario: YAML that ``accord validate --allow-draft`` reads.

Every suggested value keeps its ``draft`` mark (``draft: [position, salience]`` on a stance,
``draft: [capability]`` on an actor, ``draft: true`` on a suggested issue), its ``why`` (the cue
or "placeholder") and its ``source`` (the article id and sentence number, with the sentence).
``notes`` hold the rest of the evidence: how the actor was named, the sentences that connect an
actor and an issue. A header comment lists the capitalised names the gazetteer did not know.
"""

from __future__ import annotations

from typing import Any

from accord.draft.result import Draft, Evidence

_SOURCE_LIMIT = 200


def cite(evidence: Evidence | None) -> str | None:
    """Return a one-line source: ``a1:12 "the sentence"`` (cut to a few hundred characters)."""
    if evidence is None:
        return None
    text = evidence.text
    if len(text) > _SOURCE_LIMIT:
        text = text[: _SOURCE_LIMIT - 1] + "…"
    return f'{evidence.ref} "{text}"'


def _lines(items: list[Evidence]) -> str:
    return "\n".join(f'{e.ref}: "{e.text}"' for e in items)


def scenario_data(draft: Draft) -> dict[str, Any]:
    """Return the draft as scenario data, with ``draft`` marks, ``why``, sources and notes."""
    sources: list[dict[str, Any]] = [
        {"id": a.id, "citation": f"{a.title} ({a.name})", "url": None} for a in draft.articles
    ]
    if draft.capability_citation:
        sources.append({"id": "cinc", "citation": draft.capability_citation, "url": None})
    actors = []
    for a in draft.actors:
        named = ", ".join(f"{name} ({n})" for name, n in a.names.items())
        notes = f"Mentioned {a.mentions} times: {named}."
        if a.strongest is not None:
            notes += f'\nStrongest sentence: {a.strongest.ref}: "{a.strongest.text}"'
        notes += f"\nGazetteer: {a.gazetteer_source}."
        actors.append(
            {
                "id": a.id,
                "name": a.name,
                "capability": a.capability.value,
                "source": cite(a.first),
                "why": {"capability": a.capability.why},
                "notes": notes,
                "draft": ["capability"],
            }
        )
    issues = []
    for i in draft.issues:
        terms = ", ".join(f"{t} ({n})" for t, n in i.terms.items())
        entry: dict[str, Any] = {
            "id": i.id,
            "name": i.name,
            "description": (
                f"{'Given in the issues file' if i.given else 'Suggested'}; named in the "
                f"articles by: {terms or 'none of its terms'}.\n{_lines(i.sentences)}"
            ).strip(),
            "scale": {"min": i.scale[0], "max": i.scale[1], "unit": i.scale[2]},
            "anchors": dict(i.anchors),
            "source": cite(i.sentences[0]) if i.sentences else None,
        }
        if not i.given:
            entry["draft"] = True
        issues.append(entry)
    stances = []
    for s in draft.stances:
        notes = f"Hint: {s.hint}." if s.hint else "No cue."
        if s.sentences:
            notes += "\n" + _lines(s.sentences)
        evidence = s.position.evidence or (s.sentences[0] if s.sentences else None)
        stances.append(
            {
                "actor": s.actor,
                "issue": s.issue,
                "position": s.position.value,
                "salience": s.salience.value,
                "source": cite(evidence),
                "why": {"position": s.position.why, "salience": s.salience.why},
                "notes": notes,
                "draft": ["position", "salience"],
            }
        )
    country = f" The conflict's country: {draft.country}." if draft.country else ""
    return {
        "title": draft.title[:300],
        "description": (
            f"Drafted by `accord draft` from {len(draft.articles)} article(s).{country} Every "
            "value marked draft is a suggestion or a placeholder: review it, then remove it "
            "from its entry's `draft` mark."
        ),
        "salience_scale": 1,
        "sources": sources,
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }


def draft_yaml(draft: Draft) -> str:
    """Return the draft as YAML: a header comment, then the scenario in accord's layout."""
    from accord.scenario.io_yaml import dump_yaml
    from accord.scenario.model import Scenario

    scenario = Scenario.model_validate(scenario_data(draft))
    head = [
        "# DRAFT written by `accord draft`: every value marked `draft` awaits review.",
        "# `accord validate` and every model refuse this file until no `draft` mark is left",
        "# (or accept it as it is with --allow-draft). Review workflow: docs/draft.md.",
        "# Sources: " + "; ".join(f"{a.id} = {a.name}" for a in draft.articles),
    ]
    if draft.candidates:
        head.append("# Names the gazetteer does not know (perhaps actors; add them by hand):")
        for c in draft.candidates[:40]:
            head.append(f"#   {c.name} ({c.mentions}x, first {c.first.ref})")
    return "\n".join(head) + "\n" + dump_yaml(scenario)
