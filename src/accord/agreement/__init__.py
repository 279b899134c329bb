"""Will they settle? Zones of agreement, blockers, concessions and deal-aware forecasts.

>>> from accord import agreement
>>> result = agreement.analyse(scenario)            # doctest: +SKIP
>>> result.p_deal, result.blockers("assad")          # doctest: +SKIP

See ``docs/agreement.md``.
"""

from accord.agreement.analysis import Agreement, Blocker, Settlement, Transfer, analyse
from accord.agreement.zone import EPS, Zone

__all__ = ["EPS", "Agreement", "Blocker", "Settlement", "Transfer", "Zone", "analyse"]
