from __future__ import annotations

import hashlib
import re

from accord.backtest.deu import read_deu
from accord.backtest.split import (
    DEFAULT_SPLIT,
    DEV_FRACTION,
    SPLIT_SEED,
    dumps_split,
    generate_split,
    load_split,
)
from tests.backtest.conftest import ROOT


def test_committed_split_is_what_the_seed_gives() -> None:
    data = read_deu()
    strata = {i.proposal: i.procedure for i in data.issues}
    record = generate_split(strata, SPLIT_SEED, DEV_FRACTION)
    assert dumps_split(record) == DEFAULT_SPLIT.read_text(encoding="utf-8")


def test_split_covers_every_proposal_once() -> None:
    split = load_split()
    props = {i.proposal for i in read_deu().issues}
    assert set(split) == props
    dev = [p for p, s in split.items() if s == "dev"]
    assert len(dev) == 30
    assert len(split) - len(dev) == 69


def test_split_is_stable_under_reordering_and_seeded() -> None:
    strata = {f"p{k:03d}": "COD" if k % 3 else "CNS" for k in range(40)}
    a = generate_split(strata, 7)
    b = generate_split(dict(reversed(list(strata.items()))), 7)
    assert a == b
    assert a != generate_split(strata, 8)


def test_docs_name_the_split_hash() -> None:
    digest = hashlib.sha256(DEFAULT_SPLIT.read_bytes()).hexdigest()
    doc = (ROOT / "docs" / "backtest.md").read_text(encoding="utf-8")
    assert digest in re.findall(r"[0-9a-f]{64}", doc)
