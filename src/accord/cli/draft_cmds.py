"""``accord draft``: a first scenario from articles, offline, each suggestion with its sentence."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("draft")(draft)


def draft(
    articles: list[Path] = typer.Argument(
        ...,
        help="Articles: text, Markdown (.md) or HTML (.html); several merge.",
        show_default=False,
    ),
    output: Path = typer.Option(
        ..., "--output", "-o", help="The draft scenario to write (YAML).", show_default=False
    ),
    issues: Path | None = typer.Option(
        None, "--issues", help="Issues to look for (YAML); default: suggest them."
    ),
    country: str | None = typer.Option(
        None, "--country", help="Id of the country the conflict is in (default: found)."
    ),
    capability_table: Path | None = typer.Option(
        None,
        "--capability-table",
        help="Correlates of War NMC CSV (ccode, year, cinc): default capabilities for states.",
    ),
    year: int | None = typer.Option(
        None, "--year", help="Latest year of the capability table to use (default: latest)."
    ),
    min_mentions: int = typer.Option(
        1, "--min-mentions", min=1, help="Leave out actors mentioned fewer times."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print the draft as JSON, cell by cell with its sentence (the YAML is written too).",
    ),
) -> None:
    """Draft a first scenario from articles: actors, issues, stance hints, each with its sentence.

    Offline: actors come from a shipped gazetteer (states, organisations, armed groups, leaders,
    capitals, demonyms), issues from the issues file or the usual contested terms, stance hints
    from cue words (supports, rejects, insists, is ready to) with negation. Every suggested
    value is marked `draft`: `accord validate` and every model refuse the file until the
    analyst has reviewed each value and removed its mark (or accept it with --allow-draft).

    Examples:
    ```
    accord draft article.txt -o draft.yaml
    accord draft a.md b.html --issues issues.yaml -o draft.yaml
    accord validate draft.yaml --allow-draft
    ```

    """
    from accord.atomic import write_atomic
    from accord.cli import render
    from accord.draft import draft_files, load_cinc, load_issues

    specs = load_issues(issues) if issues is not None else None
    cinc = load_cinc(capability_table, year) if capability_table is not None else None
    result = draft_files(
        articles, issues=specs, country=country, capabilities=cinc, min_mentions=min_mentions
    )
    write_atomic(output, result.to_yaml().encode("utf-8"))
    if as_json:
        typer.echo(render.dumps(result.to_dict()))
        return
    cues = sum(1 for s in result.stances if not s.position.placeholder)
    typer.echo(
        f"{output}: {len(result.actors)} actors, {len(result.issues)} issues, "
        f"{len(result.stances)} stances ({cues} with a position from a strong cue), "
        f"{len(result.candidates)} candidate names; every value is marked draft"
    )
