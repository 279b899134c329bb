"""Reports: content, self-containment, byte-identical output, Markdown, the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from accord.cli import report_cmds
from accord.errors import AccordError
from accord.forecast import build_models, forecast
from accord.reports import build, files, html, markdown
from accord.scenario import Scenario, save

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

OPTIONS = build.Options(models=("bdm", "compromise"), draws=60, actor="a1")
RESOURCE = re.compile(
    r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.I,
)


@pytest.fixture(scope="module")
def page(scenario: Scenario) -> str:
    return html.render(build.build(scenario, OPTIONS, origin="file small.yaml"))


def cli(*args: str) -> None:
    """Run ``accord report ...`` as the real entry point would, on an app of our own."""
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Root."""

    report_cmds.register(app)
    app(args=list(args), standalone_mode=False)


def test_the_same_inputs_give_the_same_bytes(scenario: Scenario, page: str) -> None:
    assert html.render(build.build(scenario, OPTIONS, origin="file small.yaml")) == page


def test_the_page_is_self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert not RESOURCE.search(page), RESOURCE.search(page)
    assert "<link" not in page and "<img" not in page
    # bottom line, deal, bdm trajectories, histogram, tornado; the actor map (appendix)
    assert page.count("<svg") == 6
    assert "<style>" in page


def test_the_page_holds_the_scenario_sources_and_forecasts(scenario: Scenario, page: str) -> None:
    for actor in scenario.actors:
        assert actor.name in page
    assert "A Citation Of The First Source, 2015" in page
    assert "https://example.org/x" in page  # shown as text, not fetched
    fc = forecast(scenario, build_models(["bdm", "compromise"]))
    for result in fc.results:
        for k in range(len(scenario.issues)):
            assert f">{result.forecast[0, k]:.1f}<" in page
    for section in ("scenario", "sources", "forecast", "trajectories", "uncertainty", "levers"):
        assert f'<section id="{section}"' in page
    assert "Levers for Party A1" in page and "Monte Carlo" in page


def test_html_escapes_the_scenario_text(scenario: Scenario) -> None:
    data = scenario.model_dump(mode="json")
    data["title"] = "Talks <b>& co</b>"
    nasty = Scenario.model_validate(data)
    page = html.render(
        build.build(nasty, build.Options(models=("compromise",), draws=0, charts=False))
    )
    assert "Talks &lt;b&gt;&amp; co&lt;/b&gt;" in page and "<b>&" not in page
    assert "Charts are left out" in page and "<svg" not in page


def test_markdown_writes_tables_and_standalone_charts(scenario: Scenario, tmp_path: Path) -> None:
    report = build.build(scenario, build.Options(models=("bdm",), draws=30))
    written = files.write(report, tmp_path / "small.md")
    md = (tmp_path / "small.md").read_text()
    assert written[-1] == tmp_path / "small.md"
    charts = sorted((tmp_path / "small_files").iterdir())
    assert [p.name for p in charts] == sorted(f"{c.slug}.svg" for c in report.charts)
    assert all(p.read_text().startswith("<?xml") for p in charts)
    assert "![Actor map](small_files/actor-map.svg)" in md
    assert "| Actor | id | Bloc | Capability |" in md and "|---|---|---|---:|" in md
    assert "Party A0" in md and "<svg" not in md
    text, assets = markdown.render(report, None)
    assert not assets and "Charts are left out of this Markdown report" in text


def test_the_command_writes_a_report_from_a_scenario_file(
    scenario: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = save(scenario, tmp_path / "small.yaml")
    out = tmp_path / "r.html"
    cli("report", str(src), "-o", str(out), "-m", "compromise", "--draws", "0", "--no-charts")
    assert f"wrote {out}" in capsys.readouterr().out
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "file small.yaml" in page
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_a_case_report_compares_designs_and_shows_what_happened(tmp_path: Path) -> None:
    out = tmp_path / "vienna.md"
    cli(
        "report",
        "syria-2015-vienna",
        "-o",
        str(out),
        "-m",
        "compromise",
        "--draws",
        "0",
        "--no-charts",
    )
    md = out.read_text()
    assert "## Process designs" in md and "us-russia-first" in md
    if (Path(__file__).parents[2] / "cases" / "syria-2015-vienna.outcome.yaml").is_file():
        assert "## What happened next" in md


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["syria-2015-vienna", "-o", "/no/such/folder/r.html"], "the folder does not exist"),
        (["no-such-case", "-o", "{tmp}/r.html"], "is not a scenario file, a case or a saved run"),
        (["missing.yaml", "-o", "{tmp}/r.html"], "file not found"),
        (["syria-2015-vienna", "-o", "{tmp}/r.html", "-f", "pdf"], "unknown report format"),
        (
            ["syria-2015-vienna", "-o", "{tmp}/r.html", "-a", "nobody", "--no-charts"],
            "unknown actor",
        ),
        (["r-20250101-000000-abcdef", "-o", "{tmp}/r.html", "--store", "{tmp}/runs.db"], "no run"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(AccordError) as info:
        cli("report", *(a.replace("{tmp}", str(tmp_path)) for a in args))
    line = info.value.one_line()
    assert message in line and "\n" not in line
    assert not (tmp_path / "r.html").exists()


def test_a_saved_run_is_reported_with_its_own_models_and_seed(
    scenario: Scenario, tmp_path: Path
) -> None:
    store = pytest.importorskip("accord.store")
    fc = forecast(scenario, build_models(["compromise"]), seed=3)
    run_id = store.save_run("run", fc.to_dict(), scenario=scenario, store=tmp_path / "runs.db")
    assert run_id is not None
    out = tmp_path / "run.md"
    cli(
        "report",
        run_id,
        "-o",
        str(out),
        "-m",
        "bdm",
        "--draws",
        "0",
        "--no-charts",
        "--store",
        str(tmp_path / "runs.db"),
    )
    md = out.read_text()
    assert f"Re-run of saved run {run_id}" in md and "forecasts differ" not in md
    assert "| Issue | compromise |" in md and "- **Seed:** 3" in md
