"""Write a report as one self-contained HTML file: inline CSS and SVG, no script, no network.

The page is rendered from the Jinja2 template ``templates/report.html.j2`` with autoescaping on;
only the charts' SVG markup, which :mod:`accord.reports.svg` produced, is inserted as is.
"""

from __future__ import annotations

from accord import __version__
from accord.errors import AccordError
from accord.reports.content import Report

TEMPLATE = "report.html.j2"


def render(report: Report) -> str:
    """Return the report as an HTML document (the same text for the same report)."""
    try:
        import jinja2
    except ImportError:  # pragma: no cover - jinja2 ships with accord[web] and accord[all]
        raise AccordError("HTML reports need Jinja2: pip install 'accord[all]'") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("accord.reports", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(TEMPLATE).render(report=report, version=__version__)
