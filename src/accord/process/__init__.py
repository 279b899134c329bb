"""Process designs: who negotiates where, in what order, on which linked issues; what-ifs."""

from accord.process.coalitions import Bloc, blocs_record, declared_blocs, find_blocs
from accord.process.compare import Comparison, compare
from accord.process.design import BASELINE, Design, DesignSet, Forum, Shock, Stage
from accord.process.files import load_designs, loads_designs
from accord.process.measures import Measures, measure
from accord.process.runner import DesignRun, reentry_forecast, run_design, run_designs

__all__ = [
    "BASELINE",
    "Bloc",
    "Comparison",
    "Design",
    "DesignRun",
    "DesignSet",
    "Forum",
    "Measures",
    "Shock",
    "Stage",
    "blocs_record",
    "compare",
    "declared_blocs",
    "find_blocs",
    "load_designs",
    "loads_designs",
    "measure",
    "reentry_forecast",
    "run_design",
    "run_designs",
]
