"""accord: model multilateral negotiations, forecast where they end up, test process designs.

Quick start::

    import accord

    fc = accord.run("cases/syria-2015-vienna.yaml")      # every model (or a case name)
    print(fc.result("bdm").forecast_of("assad"))
    bl = accord.bottom_line("syria-2015-vienna")          # will they settle, where, why
    mc = accord.mc("syria-2015-vienna", "bdm", draws=2000)
    cmp = accord.compare("syria-2015-vienna", draws=200)  # the case's process designs
    accord.report("syria-2015-vienna", "vienna.html")

Every entry point takes a scenario (a :class:`~accord.scenario.model.Scenario`, a file or a case
name) and models (None for all, names or model objects): see :mod:`accord.api`. Importing
``accord`` loads none of them until first used.
"""

from typing import TYPE_CHECKING

from accord.errors import AccordError, ScenarioWarning

if TYPE_CHECKING:
    from accord._version import __version__

_API = ("bottom_line", "compare", "levers", "mc", "report", "run", "sensitivity")

__all__ = [
    "AccordError",
    "ScenarioWarning",
    "__version__",
    "bottom_line",
    "compare",
    "levers",
    "load_scenario",
    "mc",
    "models",
    "report",
    "run",
    "save_scenario",
    "sensitivity",
]


def __getattr__(name: str) -> object:
    # Lazy so that ``import accord`` stays light and import order stays simple: even the version
    # (importlib.metadata takes longer to import than the rest of ``accord --help``).
    if name == "__version__":
        from accord._version import __version__

        globals()["__version__"] = __version__
        return __version__
    if name == "models":
        import accord.models as models

        return models
    if name in ("load_scenario", "save_scenario"):
        from accord import scenario

        return getattr(scenario, name.replace("_scenario", ""))
    if name in _API:
        from accord import api

        return getattr(api, name)
    raise AttributeError(f"module 'accord' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
