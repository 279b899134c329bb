"""Bargaining models behind one API, found by name.

>>> from accord import models
>>> model = models.get("compromise")
"""

from accord.models import (  # noqa: F401  (importing a model module registers it)
    bdm,
    bicameral,
    compromise,
    exchange,
    median,
    nash,
    smp,
)
from accord.models.base import (
    Cost,
    Event,
    Model,
    NonFiniteForecast,
    Params,
    PerIssueModel,
    Provenance,
    Result,
)
from accord.models.consensus import Consensus, ConsensusResult, consensus_of
from accord.models.registry import ModelInfo, get, list_models, model_class, names, register

__all__ = [
    "Consensus",
    "ConsensusResult",
    "Cost",
    "Event",
    "Model",
    "ModelInfo",
    "NonFiniteForecast",
    "Params",
    "PerIssueModel",
    "Provenance",
    "Result",
    "consensus_of",
    "get",
    "list_models",
    "model_class",
    "names",
    "register",
]
