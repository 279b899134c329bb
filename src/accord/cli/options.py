"""Options shared by several commands, and the defaults that the command signatures show.

This module is imported whenever ``accord`` starts (``--help`` included), so it imports nothing
but typer: the defaults below mirror constants of the heavy modules (the models, the analyses,
the run store, the backtest), which a command imports only when it runs.
``tests/cli/test_startup.py`` checks that each mirror equals its source.
"""

from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_MODELS: tuple[str, ...] = ("all",)
"""Mirrors :data:`accord.forecast.DEFAULT_MODELS`."""
RUN_DRAWS = 200
"""Mirrors :data:`accord.analysis.bottom_line.DEFAULT_DRAWS` (``run --draws``)."""
REPORT_DRAWS = 200
"""Mirrors :data:`accord.reports.build.DEFAULT_DRAWS` (``report --draws``)."""
CASES_REPORT_DRAWS = 500
"""Mirrors :data:`accord.cases.DEFAULT_DRAWS` (``cases report --draws``)."""
MC_CHUNK = 1000
"""Mirrors :data:`accord.analysis.montecarlo.DEFAULT_CHUNK` (``mc --chunk``)."""
MC_BINS = 20
"""Mirrors :data:`accord.analysis.montecarlo.DEFAULT_BINS` (``mc --bins``)."""
SECONDS_WARNING = 60.0
"""Mirrors :data:`accord.models.base.SECONDS_WARNING` (the slow-run warning)."""
STORE_KINDS: tuple[str, ...] = ("run", "mc", "compare", "backtest")
"""Mirrors :data:`accord.store.KINDS` (``runs list --kind``)."""
STORE_ENV = "ACCORD_STORE"
"""Mirrors :data:`accord.store.database.ENV_VAR`."""
STORE_OFF = "off"
"""Mirrors :data:`accord.store.database.OFF`."""
CAPABILITY_SCHEMES: tuple[str, ...] = ("equal", "gdp", "votes")
"""Mirrors :data:`accord.backtest.weights.SCHEMES` (``backtest deu --capability``)."""
DEU_SPLIT = Path(__file__).parent.parent / "backtest" / "data" / "deu3_split.json"
"""Mirrors :data:`accord.backtest.split.DEFAULT_SPLIT` (``backtest deu --split-file``)."""

MODEL_HELP = (
    "Model name (repeatable), or 'all'. Default: every registered model, led by their "
    "consensus (the median of their forecasts). See `accord models`."
)

MODELS = typer.Option(list(DEFAULT_MODELS), "--model", "-m", help=MODEL_HELP)
"""The ``--model/-m`` option: repeatable, every registered model by default."""


ALLOW_DRAFT_HELP = (
    "Run with values still marked draft (written by `accord draft`, not yet reviewed), "
    "taken as they are."
)
ALLOW_DRAFT = typer.Option(False, "--allow-draft", help=ALLOW_DRAFT_HELP)
