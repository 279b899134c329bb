"""The chart functions: the right artists on the axes, stable colours, deterministic SVG."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from accord import models
from accord.analysis import montecarlo, sensitivity
from accord.process import compare
from accord.process.design import Design
from accord.reports import charts, style, svg, uncertainty
from accord.scenario import Scenario

mpl = pytest.importorskip("matplotlib")


def test_importing_the_report_package_does_not_import_matplotlib() -> None:
    code = (
        "import sys\n"
        "import accord.reports, accord.reports.build, accord.reports.charts, accord.reports.html\n"
        "import accord.reports.markdown, accord.reports.svg, accord.reports.files\n"
        "import accord.reports.runs, accord.cli.report_cmds\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_actor_map_has_one_bubble_per_actor_coloured_by_bloc(scenario: Scenario) -> None:
    ax = charts.actor_map(scenario, issue="i1", forecast=42.0)
    (bubbles,) = ax.collections
    offsets = np.asarray(bubbles.get_offsets())
    assert offsets.shape == (len(scenario.actors), 2)
    np.testing.assert_allclose(
        offsets[:, 0], [scenario.stance(a, "i1").position for a in scenario.actor_ids]
    )
    np.testing.assert_allclose(offsets[:, 1], [a.capability for a in scenario.actors])
    colours = style.actor_colours(scenario)
    got = [mpl.colors.to_hex(c) for c in bubbles.get_facecolors()]
    assert got == [colours[a] for a in scenario.actor_ids]
    assert colours["a0"] == colours["a2"] != colours["a1"]  # blocs b0 / b1 alternate
    assert any(np.allclose(line.get_xdata(), 42.0) for line in ax.lines)  # the forecast mark
    sizes = bubbles.get_sizes()
    sal = [scenario.stance(a, "i1").salience for a in scenario.actor_ids]
    assert np.argmax(sizes) == np.argmax(sal)


def test_bloc_colours_follow_first_appearance_and_a_fixed_palette(scenario: Scenario) -> None:
    assert style.bloc_colours(scenario) == {"b0": style.PALETTE[0], "b1": style.PALETTE[1]}


def test_trajectories_draw_one_line_per_actor_and_the_forecast(scenario: Scenario) -> None:
    result = models.get("bdm").run(scenario)
    ax = charts.trajectories(result, issue="i0", scenario=scenario)
    labels = [line.get_label() for line in ax.lines]
    assert labels == [*scenario.actor_ids, "forecast"]
    rounds = result.trajectory.shape[0]
    for a, line in enumerate(ax.lines[:-1]):
        np.testing.assert_allclose(line.get_ydata(), result.trajectory[:, 0, a, 0])
    forecast_line = ax.lines[-1]
    assert len(forecast_line.get_xdata()) == rounds
    assert forecast_line.get_ydata()[-1] == pytest.approx(result.forecast_of("i0"))


def test_trajectories_of_a_one_shot_model_are_flat(scenario: Scenario) -> None:
    result = models.get("compromise").run(scenario)
    ax = charts.trajectories(result)  # no scenario: grey lines, first issue
    assert len(ax.lines) == len(scenario.actors) + 1
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [result.forecast_of("i0")])


def test_a_given_axes_is_drawn_on_and_returned(scenario: Scenario) -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert charts.actor_map(scenario, ax) is ax
    assert fig.axes == [ax]


def test_histogram_of_monte_carlo_draws_shades_both_intervals(scenario: Scenario) -> None:
    mc = montecarlo.run(scenario, models.get("compromise"), draws=200, seed=1)
    ax = charts.histogram(mc, issue="i1", bins=12, scale=(0, 100))
    values = mc.forecasts[:, 1]
    heights = [p.get_height() for p in ax.patches[:12]]
    assert sum(heights) == len(values)
    spans = [p for p in ax.patches if p.get_label().startswith(("80%", "95%"))]
    assert len(spans) == 2 and len(ax.patches) == 12 + 2
    summary = mc.summary_of("i1")
    lo80, hi80 = summary.interval80
    assert any(f"80%: {lo80:.1f}–{hi80:.1f}" == p.get_label() for p in spans)
    (median,) = [line for line in ax.lines if line.get_label().startswith("median")]
    assert median.get_xdata()[0] == pytest.approx(summary.median)


def test_histogram_accepts_plain_draws() -> None:
    ax = charts.histogram(np.arange(100.0), bins=10)
    assert sum(p.get_height() for p in ax.patches[:10]) == 100
    empty = charts.histogram(np.array([np.nan, np.nan]))
    assert not empty.patches and "no finite forecast" in empty.texts[0].get_text()


def test_tornado_draws_two_bars_per_moving_input(scenario: Scenario) -> None:
    result = sensitivity.tornado(scenario, models.get("compromise"))
    ax = charts.tornado(result, issue="i0", top=4)
    moving = uncertainty.ranked(uncertainty.tornado_of(result, "i0"))
    shown = min(4, len(moving))
    assert len(ax.patches) == 2 * shown
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [b.label for b in moving[:shown]][::-1]  # widest at the top
    assert "a0 capability" in {b.label for b in moving}


def test_tornado_leaves_out_inputs_that_move_nothing() -> None:
    t = uncertainty.Tornado(
        "x", 50.0, (uncertainty.Bar("still", 50.0, 50.0), uncertainty.Bar("moves", 40.0, 55.0))
    )
    ax = charts.tornado(t)
    assert [p.get_width() for p in ax.patches] == [-10.0, 5.0]


def test_design_comparison_has_one_bar_per_design_and_issue(scenario: Scenario) -> None:
    designs = [
        Design(id="pair-first", stages=({"forum": ["a0", "a1"]}, {"forum": "all"})),
        Design(id="split-tracks", tracks=(("i0",), ("i1",))),
    ]
    comparison = compare(scenario, designs, models.get("compromise"))
    ax = charts.design_comparison(comparison)
    assert len(ax.patches) == 3 * len(scenario.issues)  # baseline + 2 designs
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "baseline",
        "pair-first",
        "split-tracks",
    ]
    table = comparison.table()
    first = table[(table["design"] == "baseline") & (table["issue"] == "i0")]["forecast"].iloc[0]
    assert ax.patches[0].get_height() == pytest.approx(first)


def test_svg_is_byte_identical_and_free_of_dates_and_links(scenario: Scenario) -> None:
    def draw() -> str:
        ax = charts.trajectories(models.get("bdm").run(scenario), scenario=scenario)
        return svg.render(ax.figure, prefix="t")

    first, second = draw(), draw()
    assert first == second
    assert first.startswith("<svg ") and "<metadata" not in first and "<dc:date" not in first
    assert "http" not in first and "xmlns" not in first
    assert 'id="t-' in first and 'id="' + "m" not in first.replace('id="t-', "")
    alone = svg.standalone(first)
    assert alone.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in alone
