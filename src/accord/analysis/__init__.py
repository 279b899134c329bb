"""Analyses over many runs of a model: Monte Carlo, sensitivity and levers.

:mod:`accord.analysis.inputs` names the uncertain numbers of a scenario and writes sampled
values into batched arrays; every analysis builds on it. The heavier modules (Monte Carlo with
its Dask runner, sensitivity) are imported from their own modules so that ``import
accord.analysis`` stays light.
"""

from accord.analysis.inputs import Input, InputKind, apply_values, uncertain_inputs

__all__ = ["Input", "InputKind", "apply_values", "uncertain_inputs"]
