"""Fixtures of the draft tests: the seed articles, read where the project keeps them.

The five seed articles are in the project's shared folder (``../shared/seeds/`` beside the
repository, as on every developer's machine and in CI); they are not copied into the repository
(the shared folder's README asks that their prose not be). ``ACCORD_SEEDS`` may point elsewhere.
Tests that need them are skipped, with the reason, where they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def seeds_dir() -> Path | None:
    """Return the folder of the seed articles, or None when it is not there."""
    candidates = [os.environ.get("ACCORD_SEEDS"), ROOT.parent / "shared" / "seeds"]
    for c in candidates:
        if c and Path(c, "000_074fe2b4aba91ca2.txt").is_file():
            return Path(c)
    return None


@pytest.fixture
def seeds() -> Path:
    found = seeds_dir()
    if found is None:
        pytest.skip("the seed articles (../shared/seeds/ or $ACCORD_SEEDS) are not here")
    return found
