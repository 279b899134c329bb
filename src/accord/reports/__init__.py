"""Analyst reports: charts, and one self-contained HTML (or Markdown) file per scenario or case.

Nothing here imports matplotlib at import time; the chart functions and
:func:`accord.reports.svg.render` import it when they run.
"""
