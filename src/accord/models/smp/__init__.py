"""KTAB's Spatial Model of Politics (SMP), ported to NumPy and batched over draws.

Importing this package registers the model as ``"smp"``. See ``docs/models/smp.md``.
"""

from accord.models.smp.model import SMP, SMPRun, ktab_saliences, simulate
from accord.models.smp.params import KTAB_CODES, SMPParams

__all__ = ["KTAB_CODES", "SMP", "SMPParams", "SMPRun", "ktab_saliences", "simulate"]
