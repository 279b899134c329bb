from __future__ import annotations

import json

import numpy as np
import pytest

from accord import models
from accord.backtest.convert import issue_scenario, make_batches
from accord.backtest.deu import read_deu
from accord.backtest.leaderboard import dumps, markers, render_markdown, update_doc
from accord.backtest.record import run_backtest
from accord.backtest.run import run_model
from accord.backtest.weights import all_capabilities

SUBSET = {"d00032", "d99217", "n98109", "d05214", "n04161", "d160231", "n99246", "d98191"}


@pytest.fixture(scope="module")
def small():
    return read_deu().select(SUBSET)


def test_issue_scenario(small) -> None:
    _, caps = all_capabilities(small, "votes")
    scn = issue_scenario(small.issues[0], caps[0])
    assert scn.actor_ids[:2] == ("com", "ep")
    assert scn.issues[0].status_quo == 0.0
    assert scn.stance("com", scn.issue_ids[0]).salience == 0.5


@pytest.mark.parametrize("name", ["compromise", "median", "bicameral", "bdm"])
def test_batches_equal_one_scenario_per_issue(small, name: str) -> None:
    _, caps = all_capabilities(small, "votes")
    issues = small.issues
    run = run_model(name, issues, caps)
    model_cls = models.model_class(name)
    assert not model_cls.joint
    for k, (issue, cap) in enumerate(zip(issues, caps, strict=False)):
        params = {"co_legislator": "ep"} if name == "bicameral" and "ep" in issue.actors else {}
        one = model_cls(**params).run(issue_scenario(issue, cap), rng=0).forecast[0, 0]
        assert run.forecast[k] == pytest.approx(one, abs=1e-9)


def test_batches_cover_every_issue_once(small) -> None:
    _, caps = all_capabilities(small, "votes")
    idx = sorted(k for b in make_batches(small.issues, caps) for k in b.index)
    assert idx == list(range(len(small.issues)))


def test_whole_backtest_on_a_subset(small, tmp_path) -> None:
    bt = run_backtest(small, models=["median", "bicameral"], n_boot=200, seed=3)
    rec = bt.record
    assert rec["ranking"][0] in {"median", "bicameral", "compromise", "consensus"}
    # the baseline added, and the consensus of the three: per issue their median
    assert set(rec["models"]) == {"compromise", "median", "bicameral", "consensus"}
    assert rec["models"]["consensus"]["params"]["models"] == ["bicameral", "compromise", "median"]
    for f in rec["forecasts"]:
        trio = [f["forecast"][n] for n in ("compromise", "median", "bicameral")]
        assert f["forecast"]["consensus"] == pytest.approx(sorted(trio)[1], abs=1e-9)
    assert rec["dataset"]["scored"] == sum(i.outcome is not None for i in small.issues)
    assert set(rec["groups"]) <= {"procedure=COD", "procedure=CNS", "rule=QMV", "rule=unanimity"}
    assert "vs_compromise" in rec["overall"]["median"]
    assert "vs_compromise" not in rec["overall"]["compromise"]
    ys = [f["outcome"] for f in rec["forecasts"] if f["outcome"] is not None]
    fc = [f["forecast"]["compromise"] for f in rec["forecasts"] if f["outcome"] is not None]
    mae = float(np.mean(np.abs(np.array(ys) - np.array(fc))))
    assert rec["overall"]["compromise"]["metrics"]["mae"]["value"] == pytest.approx(mae, abs=1e-6)
    text = dumps(rec)
    assert text == dumps(run_backtest(small, models=["median", "bicameral"], n_boot=200,
                                      seed=3).record)  # fmt: skip
    assert json.loads(text)["settings"]["seed"] == 3
    md = render_markdown(rec)
    assert "| 1 |" in md
    assert "`median`" in md
    assert "procedure=" in md
    doc = tmp_path / "doc.md"
    doc.write_text("# Notes\n\nbefore\n", encoding="utf-8")
    update_doc(doc, md)
    update_doc(doc, md)
    update_doc(doc, "dev table\n", key="dev")
    body = doc.read_text(encoding="utf-8")
    start, end = markers()
    assert body.count(start) == 1
    assert body.count(end) == 1
    assert body.startswith("# Notes")
    assert body.index(end) < body.index(markers("dev")[0])
    assert "dev table" in body


def test_all_registered_models_run_on_a_subset(small) -> None:
    bt = run_backtest(read_deu().select({"d00032", "n98109"}), n_boot=100)
    assert set(bt.record["models"]) == {*models.names(), "consensus"}
    assert all(not m["failures"] and m["missing"] == 0 for m in bt.record["models"].values())
    assert set(bt.seconds) == {*models.names(), "consensus"}


def test_context_parameters_and_model_failures(small) -> None:
    from typing import Literal

    from accord.models.base import IssueBatch, IssueOutput, Params, PerIssueModel, static_output
    from accord.models.registry import _REGISTRY

    class RuleParams(Params):
        decision_rule: Literal["qmv"] = "qmv"

    class RuleModel(PerIssueModel):
        name = "_rule_probe"
        summary = reference = "test"
        Parameters = RuleParams

        def _solve(self, batch: IssueBatch, rng) -> IssueOutput:
            return static_output(batch, batch.position.mean(axis=-1))

    _, caps = all_capabilities(small, "votes")
    _REGISTRY["_rule_probe"] = RuleModel
    try:
        run = run_model("_rule_probe", small.issues, caps)
    finally:
        del _REGISTRY["_rule_probe"]
    unanimity = np.array([i.rule == "unanimity" for i in small.issues])
    assert unanimity.any()
    assert run.context == ("decision_rule",)
    assert np.isnan(run.forecast[unanimity]).all()
    assert np.isfinite(run.forecast[~unanimity]).all()
    (failure,) = run.failures
    assert "unanimity" in failure
