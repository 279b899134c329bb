"""Draft marks reach every command and model: refused until reviewed, or taken with --allow-draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import accord
from accord import models
from accord.draft.build import draft_text
from accord.errors import AccordError
from accord.scenario import loads
from accord.scenario.drafts import has_drafts

ARTICLE = (
    "Russia backs the government of Syria on the ceasefire. The opposition rejects the "
    "ceasefire. Iran insists on the transition. Turkey is ready to accept the transition."
)


@pytest.fixture
def draft_file(tmp_path: Path) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(draft_text(ARTICLE).to_yaml(), encoding="utf-8")
    return path


def test_accord_draft_is_a_command(run_cli: Any, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.yaml"
    code, _, err = run_cli("draft", str(article), "-o", str(out))
    assert code == 0, err
    assert has_drafts(loads(out.read_text(encoding="utf-8"), "yaml", str(out), allow_draft=True))


@pytest.mark.parametrize(
    "command",
    [
        ["run", "-m", "compromise", "--no-bottom-line"],
        ["run", "-m", "compromise", "--draws", "0"],
        ["mc", "-m", "compromise", "-n", "20", "--spread", "0.1", "-q"],
        ["sensitivity", "-m", "compromise", "--spread", "0.1"],
        ["blocs"],
    ],
)
def test_commands_refuse_drafts_unless_allowed(
    run_cli: Any, draft_file: Path, command: list[str]
) -> None:
    name, *rest = command
    code, _, err = run_cli(name, str(draft_file), *rest)
    assert code == 2
    assert "unreviewed draft value" in err and str(draft_file) in err
    code, _, err = run_cli(name, str(draft_file), *rest, "--allow-draft")
    assert code == 0, err
    assert "unreviewed draft values taken as they are (--allow-draft)" in err


def test_models_and_the_api_refuse_a_scenario_with_draft_marks(draft_file: Path) -> None:
    scn = loads(draft_file.read_text(encoding="utf-8"), "yaml", str(draft_file), allow_draft=True)
    assert has_drafts(scn)
    for name in models.names():
        with pytest.raises(AccordError, match="unreviewed draft value"):
            models.get(name).run(scn)
    with pytest.raises(AccordError, match=r"scenario\.accept_drafts\(\)"):
        accord.run(scn, models="compromise")
    accepted = scn.accept_drafts()
    assert not has_drafts(accepted)
    assert accepted.actor_ids == scn.actor_ids
    assert models.get("compromise").run(accepted).forecast.shape == (1, len(scn.issues))


def test_accepting_drafts_keeps_every_value_and_a_reviewed_scenario_as_it_is(
    draft_file: Path,
) -> None:
    scn = loads(draft_file.read_text(encoding="utf-8"), "yaml", str(draft_file), allow_draft=True)
    accepted = scn.accept_drafts()
    assert accepted.to_arrays().capability.tolist() == scn.to_arrays().capability.tolist()
    assert accepted.accept_drafts() is accepted
