"""Draft YAML loads with allow_draft, is refused without it (naming the first cell), round-trips."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from accord.cli import draft_cmds, scenario_cmds
from accord.draft import draft_text
from accord.errors import AccordError
from accord.scenario import Scenario, dumps, load, loads
from accord.scenario.drafts import draft_cells, has_drafts

ARTICLE = (
    "The war in Syria goes on. Iran rejects a ceasefire. Russia supports a ceasefire, and "
    "the opposition insists on a transition. The regime refuses any transition. Turkey is "
    "ready to accept a ceasefire."
)

SMALL = textwrap.dedent(
    """\
    title: t
    actors:
      - {id: a, capability: 1}
      - {id: b, capability: 2, draft: [capability]}
    issues:
      - {id: x}
    stances:
      x:
        a: {position: 10, salience: 0.5}
        b:
          position: 20
          salience: 0.5
          draft: true
    """
)


def app() -> typer.Typer:
    app = typer.Typer()
    draft_cmds.register(app)
    scenario_cmds.register(app)
    return app


def test_the_draft_yaml_loads_with_allow_draft_and_names_its_cells(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(draft_text(ARTICLE).to_yaml(), encoding="utf-8")
    scenario = load(path, allow_draft=True)
    assert {"iran", "russia", "syria", "syria_opposition", "turkey"} <= set(scenario.actor_ids)
    assert {"ceasefire", "transition"} <= set(scenario.issue_ids)
    cells = list(draft_cells(scenario))
    assert cells[0].path == ("actors", 0, "capability")
    # every number is marked: each actor's capability, each suggested issue, each stance
    stance_cells = [c for c in cells if c.path[0] == "stances"]
    assert len(stance_cells) == 2 * len(scenario.stances)


def test_without_allow_draft_the_loader_names_the_first_unreviewed_cell(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(draft_text(ARTICLE).to_yaml(), encoding="utf-8")
    with pytest.raises(AccordError) as err:
        load(path)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "capability:" in text
    )
    assert err.value.source == str(path)
    assert err.value.where is not None
    assert err.value.where.startswith(f"line {line} (actors[0] (")
    assert err.value.where.endswith(").capability)")
    assert "unreviewed draft value" in err.value.message
    assert "--allow-draft" in err.value.message


def test_the_first_cell_is_found_in_file_order() -> None:
    with pytest.raises(AccordError) as err:
        loads(SMALL, "yaml", "small.yaml")
    assert err.value.where == "line 4 (actors[1] (b).capability)"
    assert "(and 2 more)" in err.value.message
    reviewed = SMALL.replace(", draft: [capability]", "")
    with pytest.raises(AccordError) as err:
        loads(reviewed, "yaml", "small.yaml")
    assert err.value.where == "line 11 (stances[1] (b on x).position)"
    clean = reviewed.replace("      draft: true\n", "")
    assert not has_drafts(loads(clean, "yaml"))


def test_draft_values_round_trip() -> None:
    scenario = loads(SMALL, "yaml", allow_draft=True)
    assert scenario.actor("b").draft == ("capability",)
    assert scenario.stance("b", "x").draft is True
    assert scenario.stance("a", "x").draft == ()
    text = dumps(scenario, "yaml")
    assert "draft: [capability]" in text
    assert "draft: true" in text
    again = loads(text, "yaml", allow_draft=True)
    assert again == scenario
    assert dumps(again, "yaml") == text
    # through model_dump too (what replace, subset and the run store use)
    assert Scenario.model_validate(scenario.model_dump()) == scenario


def test_a_scenario_without_drafts_dumps_and_hashes_as_before() -> None:
    scenario = load(Path(__file__).resolve().parents[2] / "cases" / "syria-2015-vienna.yaml")
    assert "draft" not in scenario.model_dump()["actors"][0]
    assert "draft" not in scenario.model_dump()["stances"][0]
    assert "draft:" not in dumps(scenario, "yaml")


def test_a_draft_mark_must_name_values_of_its_entry() -> None:
    bad = SMALL.replace("draft: [capability]", "draft: [capabilty]")
    with pytest.raises(AccordError) as err:
        loads(bad, "yaml", "small.yaml", allow_draft=True)
    assert "capabilty" in err.value.message
    assert err.value.where is not None and err.value.where.startswith("line 4")


def test_tables_refuse_draft_values() -> None:
    scenario = loads(SMALL, "yaml", allow_draft=True)
    with pytest.raises(AccordError, match="draft"):
        dumps(scenario, "csv")


def test_the_command_writes_a_draft_that_validate_refuses_unless_allowed(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# Talks on Syria\n\n" + ARTICLE + "\n", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    runner = CliRunner()
    result = runner.invoke(app(), ["draft", str(article), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "every value is marked draft" in result.output
    refused = runner.invoke(app(), ["validate", str(out)])
    assert isinstance(refused.exception, AccordError)
    assert "unreviewed draft value" in str(refused.exception)
    allowed = runner.invoke(app(), ["validate", str(out), "--allow-draft"])
    assert allowed.exit_code == 0, allowed.output
    verdict = runner.invoke(app(), ["validate", str(out), "--json"])
    assert verdict.exit_code == 2
    assert "unreviewed draft value" in verdict.output
    ok = runner.invoke(app(), ["validate", str(out), "--json", "--allow-draft"])
    assert ok.exit_code == 0, ok.output


def test_several_articles_merge_and_the_json_has_each_cells_sentence(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("The war in Syria goes on. Iran rejects a ceasefire.\n", encoding="utf-8")
    two = tmp_path / "two.html"
    two.write_text(
        "<html><head><title>Two</title><script>var Russia;</script></head><body>"
        "<p>Russia supports a ceasefire.</p><p>Iran rejects a ceasefire again.</p></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app(), ["draft", str(one), str(two), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [a["id"] for a in data["articles"]] == ["a1", "a2"]
    stance = next(
        s for s in data["stances"] if s["actor"] == "russia" and s["issue"] == "ceasefire"
    )
    assert stance["position"]["evidence"] == {"ref": "a2:1", "text": "Russia supports a ceasefire."}
    assert stance["position"]["draft"] is True
    iran = next(a for a in data["actors"] if a["id"] == "iran")
    assert iran["mentions"] == 2


def test_an_issues_file_gives_the_issues(tmp_path: Path) -> None:
    issues = tmp_path / "issues.yaml"
    issues.write_text(
        textwrap.dedent(
            """\
            issues:
              - id: assad
                name: Assad's role
                terms: [transition, Assad]
                anchors: {0: "Assad stays", 100: "Assad goes"}
            """
        ),
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(
        app(), ["draft", str(article), "--issues", str(issues), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    scenario = load(out, allow_draft=True)
    assert scenario.issue_ids == ("assad",)
    assert scenario.issue("assad").draft == ()  # given by the analyst: not a draft
    opposition = scenario.stance("syria_opposition", "assad")
    assert opposition.position == pytest.approx(85)
    assert opposition.source is not None and opposition.source.startswith("a1:3 ")


def test_too_little_to_draft_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AccordError, match="fewer than two"):
        draft_text("Nothing here names anyone. A ceasefire. A ceasefire.")
    with pytest.raises(AccordError, match="--issues"):
        draft_text("Russia met Iran.")
