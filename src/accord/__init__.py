"""accord: model multilateral negotiations, forecast where they end up, test process designs.

Quick start::

    import accord
    scenario = accord.load_scenario("cases/syria-2015-vienna.yaml")
    result = accord.models.get("bdm").run(scenario)
    print(result.forecast_of("assad"))
"""

from accord._version import __version__
from accord.errors import AccordError

__all__ = ["AccordError", "__version__", "load_scenario", "models", "save_scenario"]


def __getattr__(name: str) -> object:
    # Lazy so that ``import accord`` stays light and import order stays simple.
    if name == "models":
        import accord.models as models

        return models
    if name in ("load_scenario", "save_scenario"):
        from accord import scenario

        return getattr(scenario, name.replace("_scenario", ""))
    raise AttributeError(f"module 'accord' has no attribute {name!r}")
