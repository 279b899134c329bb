"""Backtests of the models against real negotiation outcomes (DEU III).

>>> from accord.backtest import read_deu, run_backtest
>>> bt = run_backtest(read_deu(), models=["compromise", "median"])  # doctest: +SKIP
"""

from accord.backtest.deu import DeuData, DeuIssue, read_deu
from accord.backtest.record import Backtest, run_backtest

__all__ = ["Backtest", "DeuData", "DeuIssue", "read_deu", "run_backtest"]
