from __future__ import annotations

import numpy as np
import pytest

from accord import models
from accord.errors import AccordError
from accord.scenario import Scenario
from tests.factories import random_scenario


def scenario(positions: list[float], caps: list[float], sals: list[float]) -> Scenario:
    ids = [f"a{k}" for k in range(len(positions) - 1)] + ["ep"]
    return Scenario.model_validate(
        {
            "title": "t",
            "actors": [{"id": a, "capability": c} for a, c in zip(ids, caps, strict=True)],
            "issues": [{"id": "i"}],
            "stances": [
                {"actor": a, "issue": "i", "position": x, "salience": s}
                for a, x, s in zip(ids, positions, sals, strict=True)
            ],
        }
    )


def test_reduces_to_the_compromise_model() -> None:
    scn = random_scenario(4, n_actors=6, n_issues=3)
    plain = models.get("bicameral", snap=0.0).run(scn).forecast
    np.testing.assert_allclose(plain, models.get("compromise").run(scn).forecast, atol=1e-12)
    absent = models.get("bicameral", co_legislator="nobody", snap=0.0).run(scn)
    np.testing.assert_allclose(absent.forecast, plain)
    assert absent.diagnostics["co_legislator_present"] is False


def test_co_legislator_share_by_hand() -> None:
    scn = scenario([0, 100, 60], [10, 30, 5], [0.5, 0.5, 0.2])
    # others: weights 5 (at 0) and 15 (at 100); ep gets 0.25/0.75 * 20 = 20/3 at 60
    res = models.get("bicameral", co_legislator="ep", share=0.25, snap=0.0).run(scn)
    expected = (15 * 100 + 20 / 3 * 60) / (20 + 20 / 3)
    assert res.forecast[0, 0] == pytest.approx(expected)
    assert res.diagnostics["co_legislator_share"][0, 0] == pytest.approx(0.25)


def test_salience_power_and_snap() -> None:
    scn = scenario([0, 100, 100], [1, 1, 1], [1.0, 0.5, 0.5])
    assert models.get("bicameral", snap=0.0).run(scn).forecast[0, 0] == pytest.approx(50)
    sq = models.get("bicameral", salience_power=2.0, snap=0.0).run(scn).forecast[0, 0]
    assert sq == pytest.approx(100 * 0.5 / 1.5)
    near = scenario([0, 0, 100], [1, 1, 0.2], [1, 1, 1])  # mean 100 * 0.2 / 2.2 = 9.1
    assert models.get("bicameral", snap=0.1).run(near).forecast[0, 0] == 0.0
    assert models.get("bicameral", snap=0.05).run(near).forecast[0, 0] == pytest.approx(
        100 * 0.2 / 2.2
    )


def test_nobody_cares_falls_back_to_capability() -> None:
    scn = scenario([0, 100, 40], [3, 1, 1], [0, 0, 0])
    res = models.get("bicameral", co_legislator="ep", share=0.5, snap=0.0).run(scn)
    # capability weights 3, 1; ep holds half of the weight: (0*3 + 100*1 + 40*4) / 8
    assert res.forecast[0, 0] == pytest.approx(32.5)


def test_bad_parameters() -> None:
    with pytest.raises(AccordError, match="bicameral"):
        models.get("bicameral", share=1.0)
    with pytest.raises(AccordError, match="bicameral"):
        models.get("bicameral", snap=0.7)
