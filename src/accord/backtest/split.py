"""The committed train/dev split of DEU III proposals.

Proposals, not issues, are split: the issues of one proposal share actors, dossier and
negotiation, so putting some in train and some in dev would leak. The split is stratified by
legislative procedure (COD/CNS, constant within a proposal): within each procedure, in sorted
order, the proposal ids are sorted, shuffled by one ``numpy.random.default_rng(SPLIT_SEED)``
generator and the first ``round(DEV_FRACTION * n)`` go to dev.

The split was generated once, before any model was fitted, and committed as
``data/deu3_split.json`` (shipped as package data, ``accord/backtest/data/deu3_split.json``;
its SHA-256 is in ``docs/backtest.md``). That file, not this code, is
the authority; :func:`generate_split` exists so that a test can check the file is what the
documented seed gives.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np

from accord.errors import AccordError

SPLIT_SEED = 53
"""The seed of the committed split (53, after the dataset's doi:10.34810/data53)."""
DEV_FRACTION = 0.3
"""Share of proposals (per procedure) held out as dev."""
DEFAULT_SPLIT = Path(str(files("accord.backtest") / "data" / "deu3_split.json"))
"""The committed split shipped with accord (package data, ``data/deu3_split.json`` in the repo)."""

SplitName = Literal["all", "train", "dev"]


def generate_split(
    strata: Mapping[str, str], seed: int = SPLIT_SEED, dev_fraction: float = DEV_FRACTION
) -> dict[str, Any]:
    """Return the split record of proposals ``{id: stratum}`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    assignment: dict[str, str] = {}
    for stratum in sorted(set(strata.values())):
        ids = sorted(p for p, s in strata.items() if s == stratum)
        order = rng.permutation(len(ids))
        n_dev = math.floor(dev_fraction * len(ids) + 0.5)
        for rank, k in enumerate(order):
            assignment[ids[k]] = "dev" if rank < n_dev else "train"
    return {
        "dataset": "DEU III public derivative (data/deu3_public.tsv)",
        "unit": "proposal (prnr)",
        "stratified_by": "proc",
        "seed": seed,
        "dev_fraction": dev_fraction,
        "generator": "numpy.random.default_rng(seed).permutation, strata and ids sorted",
        "assignment": dict(sorted(assignment.items())),
    }


def dumps_split(record: Mapping[str, Any]) -> str:
    """Return the split record as the canonical JSON text written to disk."""
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def load_split(path: str | Path = DEFAULT_SPLIT) -> dict[str, str]:
    """Return ``{proposal id: "train" | "dev"}`` from a committed split file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        assignment = data["assignment"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AccordError(f"cannot read the split: {exc}", source=p) from None
    if not isinstance(assignment, dict) or not all(
        v in ("train", "dev") for v in assignment.values()
    ):
        raise AccordError("assignment must map proposal ids to 'train' or 'dev'", source=p)
    return {str(k): str(v) for k, v in assignment.items()}
