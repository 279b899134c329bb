"""Outside options, no-deal outcomes and consent in the scenario formats."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import AccordError
from accord.scenario import Scenario, dumps, loads

YAML = """
title: t
actors:
  - {id: a, capability: 1}
  - {id: b, capability: 2}
  - {id: c, capability: 3}
issues:
  - id: x
    status_quo: 10
    no_deal: 30
    no_deal_range: [20, 40]
    consent: [a, b]
    implementers: c
    quota: 0.6
    source: "the treaty"
    why: {no_deal: "the war goes on", consent: "signatories"}
  - id: y
stances:
  x:
    a: {position: 10, salience: 0.5, reservation: 50, reservation_range: [40, 60],
        why: {reservation: "expects to win"}}
    b: {position: 20, salience: 0.5}
    c: {position: 90, salience: 0.5}
  y:
    a: {position: 10, salience: 0.5}
    b: {position: 20, salience: 0.5}
    c: {position: 90, salience: 0.5}
"""


def test_yaml_fields_and_their_arrays() -> None:
    scn = loads(YAML, "yaml", source="t.yaml")
    x = scn.issue("x")
    assert (x.no_deal, x.no_deal_point, x.quota) == (30, 30, 0.6)
    assert x.consent == ("a", "b")
    assert x.implementers == ("c",)
    assert scn.issue("y").no_deal_point is None
    arrays = scn.to_arrays()
    np.testing.assert_array_equal(arrays.no_deal[0], [30.0, np.nan])
    # a codes its own outside option; the others follow the no-deal outcome
    assert arrays.outside_option[0, :, 0].tolist() == [50.0, 30.0, 30.0]
    assert arrays.consent[:, 0].tolist() == [True, True, False]
    assert arrays.consent[:, 1].tolist() == [True, True, True]  # default: everyone
    assert arrays.implementers[:, 0].tolist() == [False, False, True]
    assert arrays.quota.tolist() == [0.6, 1.0]


@pytest.mark.parametrize("fmt", ["yaml", "wide"])
def test_round_trip(fmt: str) -> None:
    scn = loads(YAML, "yaml")
    back = loads(dumps(scn, fmt), fmt)
    for a, b in zip(scn.issues, back.issues, strict=True):
        assert (a.status_quo, a.no_deal, a.no_deal_range) == (
            b.status_quo,
            b.no_deal,
            b.no_deal_range,
        )
        assert (a.consent, a.implementers, a.quota) == (b.consent, b.implementers, b.quota)
    for st in scn.stances:
        twin = back.stance(st.actor, st.issue)
        assert (st.reservation, st.reservation_range) == (twin.reservation, twin.reservation_range)
    if fmt == "yaml":
        assert back == scn


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("no_deal: 30\n", "no_deal: 130\n"),
        ("consent: [a, b]", "consent: [a, zz]"),
        ("consent: [a, b]", "consent: [a, a]"),
        ("quota: 0.6", "quota: 1.5"),
        ("reservation: 50,", "reservation: 150,"),
        ("reservation_range: [40, 60]", "reservation_range: [55, 60]"),
        ("no_deal_range: [20, 40]", "no_deal_range: [35, 40]"),
    ],
)
def test_bad_fields_are_located(change: str, expected: str) -> None:
    text = YAML.replace(*((change, expected)))
    with pytest.raises(AccordError) as info:
        loads(text, "yaml", source="t.yaml")
    message = str(info.value)
    assert message.startswith("t.yaml: line ")
    assert "\n" not in message


def test_messages_say_what_is_wrong() -> None:
    cases = {
        YAML.replace("consent: [a, b]", "consent: [a, zz]"): "unknown actor 'zz'",
        YAML.replace("no_deal: 30\n", "no_deal: 130\n"): "no-deal outcome 130 lies outside",
        YAML.replace("reservation: 50, reservation_range: [40, 60]", "reservation: 150"): (
            "reservation 150 is outside the scale"
        ),
        YAML.replace("reservation: 50,", "reservation: 150,"): "lies outside its range",
        YAML.replace("    no_deal: 30\n", ""): "a no-deal outcome range needs a no-deal outcome",
        YAML.replace("reservation: 50, ", ""): "a reservation range needs a reservation point",
    }
    for text, expected in cases.items():
        with pytest.raises(AccordError, match=expected):
            loads(text, "yaml", source="t.yaml")


def test_wide_csv_directives_and_columns() -> None:
    text = (
        "# status_quo x: 10\n# no_deal x: 30 20 40\n# consent x: a, b\n# implementers x: c\n"
        "# quota x: 0.6\n"
        "Actor,Capability,x.position,x.salience,x.reservation,x.reservation_low,x.reservation_high\n"
        "a,1,10,0.5,50,40,60\nb,2,20,0.5,,,\nc,3,90,0.5,,,\n"
    )
    scn = loads(text, "wide", source="t.csv")
    x = scn.issue("x")
    assert (x.status_quo, x.no_deal, x.consent, x.implementers, x.quota) == (
        10,
        30,
        ("a", "b"),
        ("c",),
        0.6,
    )
    assert scn.stance("a", "x").reservation == 50
    assert scn.stance("b", "x").reservation is None
    with pytest.raises(AccordError, match=r"t.csv: row 3 .*unknown actor 'zz'"):
        loads(text.replace("consent x: a, b", "consent x: a, zz"), "wide", source="t.csv")
    with pytest.raises(AccordError, match="names an unknown issue"):
        loads(text.replace("quota x:", "quota q:"), "wide", source="t.csv")


def test_subset_keeps_consent_lists_consistent() -> None:
    scn = loads(YAML, "yaml")
    sub = scn.subset(actors=["a", "c"])
    assert sub.issue("x").consent == ("a",)
    assert sub.issue("x").implementers == ("c",)
    assert isinstance(sub, Scenario)
