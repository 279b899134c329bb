"""Options shared by several commands, so that they read and default the same everywhere."""

from __future__ import annotations

import typer

from accord.forecast import DEFAULT_MODELS

MODEL_HELP = (
    "Model name (repeatable), or 'all'. Default: every registered model, led by their "
    "consensus (the median of their forecasts). See `accord models`."
)

MODELS = typer.Option(list(DEFAULT_MODELS), "--model", "-m", help=MODEL_HELP)
"""The ``--model/-m`` option: repeatable, every registered model by default."""
