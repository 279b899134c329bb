"""Process designs do not depend on which end of a scale is 0.

Mirroring every issue's scale (x -> min + max - x for positions, ranges, status quo, anchors)
and every value a design writes on a scale (a ``bound`` shock's min and max swap and mirror, a
``position`` shock's value mirrors and its delta changes sign) must mirror every stage's
forecast, for every registered model with its default parameters, in every design of the seed
cases (plus the baseline).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from accord import cases, models
from accord.process import BASELINE, Design, run_design
from accord.scenario import Scenario
from tests.models.mirroring import mirror_scenario, mirror_value, scale_bounds

CASES = (
    "syria-2015-vienna",
    "syria-2014-geneva2",
    "syria-2016-coalition",
    "syria-2017-astana",
    "ukraine-2022",
)


def mirror_design(design: Design, scenario: Scenario) -> Design:
    """Return the design with every scale value its shocks name mirrored."""
    data = design.model_dump()
    scales = {i.id: (i.scale.min, i.scale.max) for i in scenario.issues}
    for shock in data["shocks"]:
        if shock["issue"] is None:
            continue
        lo, hi = scales[shock["issue"]]
        if shock["type"] == "bound":
            low, high = shock["min"], shock["max"]
            shock["min"] = None if high is None else mirror_value(high, lo, hi)
            shock["max"] = None if low is None else mirror_value(low, lo, hi)
        elif shock["type"] == "position":
            if shock["value"] is not None:
                shock["value"] = mirror_value(shock["value"], lo, hi)
            if shock["delta"] is not None:
                shock["delta"] = -shock["delta"]
    return Design.model_validate(data)


@cache
def case_designs(name: str) -> tuple[Scenario, Scenario, dict[str, Design]]:
    """Return a case's scenario, its mirror image and its designs by id (baseline first)."""
    case = cases.load(name)
    assert case.designs is not None
    designs = {BASELINE.id: BASELINE, **{d.id: d for d in case.designs.designs}}
    return case.scenario, mirror_scenario(case.scenario), designs


def runner_keeps_lone_positions() -> bool:
    """Return whether the process runner hands a one-actor group its own position, exactly.

    Averaging a lone member's position as (c s x) / (c s) can leave it 1 ulp off x (54 with
    c = 86, s = 0.03 becomes 53.99999999999999), differently on a scale and on its mirror.
    """
    scn = Scenario.model_validate(
        {
            "title": "probe",
            "actors": [{"id": "a", "capability": 86}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": [
                {"actor": "a", "issue": "x", "position": 54, "salience": 0.03},
                {"actor": "b", "issue": "x", "position": 0, "salience": 1.0},
            ],
        }
    )
    result = run_design(scn, BASELINE, models.get("compromise")).records[0].result
    assert result is not None
    return bool(result.trajectory[0, 0, 0, 0] == 54.0)


NEEDS_EXACT_LONE_POSITIONS = {("syria-2014-geneva2", "support-neither", "bdm")}
"""Runs that mirror only when one-actor groups keep their positions exactly (see the reason)."""

ROUNDING_REASON = (
    "cause outside accord.models: accord.process.runner._merge recomputes a one-actor group's "
    "position as (c s x) / (c s), 1 ulp off x differently on the two scales; bdm's utility "
    "2 - 4 (0.5 - 0.5 d)^r has infinite slope at d = 1 when r < 1 (actors at both ends of the "
    "scale), so 1e-14 grows to 5e-8 in this design (capability shocks of factor 0.67)"
)


def _params() -> list[Any]:
    exact = runner_keeps_lone_positions()
    out = []
    for name in CASES:
        for design_id in case_designs(name)[2]:
            for model in models.names():
                marks = []
                if not exact and (name, design_id, model) in NEEDS_EXACT_LONE_POSITIONS:
                    marks = [pytest.mark.xfail(reason=ROUNDING_REASON, strict=True)]
                out.append(
                    pytest.param(
                        name, design_id, model, id=f"{name}-{design_id}-{model}", marks=marks
                    )
                )
    return out


def test_mirrored_designs_mirror_the_scale_values() -> None:
    scn, _, designs = case_designs("syria-2015-vienna")
    bound = mirror_design(designs["partition-off-table"], scn).shocks[0]
    assert (bound.min, bound.max) == (50.0, None)  # "at most 50" becomes "at least 50"
    scn, _, designs = case_designs("ukraine-2022")  # every scale here is 0..100
    pairs = [
        (s, m)
        for d in designs.values()
        for s, m in zip(d.shocks, mirror_design(d, scn).shocks, strict=True)
    ]
    bounds = {(s.min, s.max): (m.min, m.max) for s, m in pairs if s.type == "bound"}
    assert bounds == {(50.0, 75.0): (25.0, 50.0), (50.0, None): (None, 50.0)}
    values = {s.value: m.value for s, m in pairs if s.type == "position" and s.value is not None}
    assert values == {25.0: 75.0}


@pytest.mark.parametrize(("case", "design_id", "name"), _params())
def test_mirroring_the_scales_mirrors_every_stage(case: str, design_id: str, name: str) -> None:
    scn, mirrored, designs = case_designs(case)
    design = designs[design_id]
    lo, hi = scale_bounds(scn)
    model = models.get(name)
    a = run_design(scn, design, model)
    b = run_design(mirrored, mirror_design(design, scn), model)
    np.testing.assert_allclose(a.forecast, lo + hi - b.forecast, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    assert a.excluded == b.excluded
    assert len(a.records) == len(b.records)
    for ra, rb in zip(a.records, b.records, strict=True):
        assert (ra.stage, ra.track, ra.seated) == (rb.stage, rb.track, rb.seated)
        idx = [scn.issue_ids.index(i) for i in ra.track]
        np.testing.assert_allclose(ra.forecast, lo[idx] + hi[idx] - rb.forecast, atol=1e-9)


def test_us_russia_first_median_mirrors() -> None:
    # The defect that started this: with the lower weighted median, the US-Russia stage of
    # us-russia-first (two actors, an even split) forecast Assad at 25 on the original scale
    # and 75 on the mirrored one. Now both give the midpoint of the two positions.
    scn, mirrored, designs = case_designs("syria-2015-vienna")
    design = designs["us-russia-first"]
    median = models.get("median")
    a = run_design(scn, design, median)
    b = run_design(mirrored, mirror_design(design, scn), median)
    k = scn.issue_ids.index("assad")
    assert a.forecast[0, k] == pytest.approx(100 - b.forecast[0, k], abs=1e-9)
    usa, russia = scn.stance("usa", "assad").position, scn.stance("russia", "assad").position
    assert a.records[0].forecast[0, k] == pytest.approx((usa + russia) / 2, abs=1e-9)
