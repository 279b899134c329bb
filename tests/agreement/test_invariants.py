"""Invariants of the agreement analysis: mirrored scales, actor order, the draws of a batch."""

from __future__ import annotations

import numpy as np
import pytest

from accord import agreement, cases
from accord.agreement.concession import concessions
from tests.models.mirroring import mirror_scenario

CASES = cases.names()


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("linked", [False, True])
def test_mirroring_every_scale_mirrors_the_zones(name: str, linked: bool) -> None:
    scn = cases.load(name).scenario
    twin = mirror_scenario(scn)
    tracks = [scn.issue_ids] if linked else None
    a, b = agreement.analyse(scn, tracks), agreement.analyse(twin, tracks)
    lo = np.array([i.scale.min for i in scn.issues])
    hi = np.array([i.scale.max for i in scn.issues])
    np.testing.assert_array_equal(a.exists, b.exists)
    np.testing.assert_allclose(a.centre, lo + hi - b.centre, atol=1e-4)
    for za, zb in zip(a.zones, b.zones, strict=True):
        np.testing.assert_array_equal(za.holdouts, zb.holdouts)
        np.testing.assert_array_equal(za.pivotal, zb.pivotal)
        np.testing.assert_allclose(za.level, zb.level, atol=1e-9)
        k = list(za.index)
        np.testing.assert_allclose(za.span_low, lo[k] + hi[k] - zb.span_high, atol=1e-6)
    point = (0.3 * lo + 0.7 * hi)[None, :]
    sa, sb = a.settle(point), b.settle(lo + hi - point)
    np.testing.assert_allclose(sa.outcome, lo + hi - sb.outcome, atol=1e-4)


@pytest.mark.parametrize("name", CASES[:2])
def test_concessions_do_not_depend_on_which_end_is_zero(name: str) -> None:
    scn = cases.load(name).scenario
    a, b = concessions(scn), concessions(mirror_scenario(scn))
    assert [(c.actors, c.issues, c.alone) for c in a] == [(c.actors, c.issues, c.alone) for c in b]
    for ca, cb in zip(a, b, strict=True):
        if ca.alone:
            assert ca.side_payment == pytest.approx(cb.side_payment, abs=1e-6)
            assert ca.share == pytest.approx(cb.share, abs=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_actor_order_does_not_matter(name: str) -> None:
    scn = cases.load(name).scenario
    order = list(reversed(scn.actor_ids))
    a, b = agreement.analyse(scn), agreement.analyse(scn.subset(actors=order))
    np.testing.assert_array_equal(a.exists, b.exists)
    np.testing.assert_allclose(a.centre, b.centre, atol=1e-6)
    for za, zb in zip(a.zones, b.zones, strict=True):
        np.testing.assert_array_equal(za.holdouts[:, ::-1], zb.holdouts)
        np.testing.assert_array_equal(za.pivotal[:, ::-1], zb.pivotal)


def test_inputs_are_not_changed() -> None:
    scn = cases.load(CASES[0]).scenario
    arrays = scn.to_arrays()
    before = {k: np.array(v) for k, v in arrays.__dict__.items() if isinstance(v, np.ndarray)}
    agreement.analyse(arrays, [scn.issue_ids]).settle(arrays.position[:, 0, :])
    for key, value in before.items():
        np.testing.assert_array_equal(getattr(arrays, key), value)
