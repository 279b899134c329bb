"""The seed case library.

>>> import accord.cases
>>> case = accord.cases.load("syria-2015-vienna")
>>> case.scenario.title
"""

from accord.cases.library import Case, cases_dir, load, load_outcome, names
from accord.cases.outcome import Outcome
from accord.cases.report import (
    DEFAULT_DRAWS,
    STATUS_QUO,
    CaseReport,
    IssueVerdict,
    report_all,
    report_case,
    scoreboard,
)

__all__ = [
    "DEFAULT_DRAWS",
    "STATUS_QUO",
    "Case",
    "CaseReport",
    "IssueVerdict",
    "Outcome",
    "cases_dir",
    "load",
    "load_outcome",
    "names",
    "report_all",
    "report_case",
    "scoreboard",
]
