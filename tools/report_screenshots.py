"""Regenerate the report screenshots in docs/screenshots/ (headless Chromium, 1280 px wide).

    .venv/bin/python tools/report_screenshots.py [--chromium /usr/bin/chromium]

Writes the Vienna 2015 report (every model, 200 draws, levers for the United States) to a
temporary file and photographs the first screen and each section. Needs Playwright and a
Chromium (the one the browser tests use).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from accord.reports import build, files

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SHOTS = {
    "vienna-1-overview.png": None,  # the first screen
    "vienna-0-settle.png": "bottom-line",
    "vienna-2-actor-map.png": "fig-actor-map",
    "vienna-3-forecast.png": "forecast",
    "vienna-4-trajectories.png": "trajectories",
    "vienna-5-uncertainty.png": "uncertainty",
    "vienna-6-levers.png": "levers",
    "vienna-7-designs.png": "designs",
    "vienna-8-outcome.png": "outcome",
}
TALLEST = 2400
"""Element shots are cut to this many pixels."""


def main() -> None:
    """Write every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    report = build.build_case("syria-2015-vienna", build.Options(actor="usa"))
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "vienna.html"
        files.write(report, page_file)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(page_file.as_uri())
            for name, element in SHOTS.items():
                target = OUT / name
                if element is None:
                    page.screenshot(path=str(target))
                    continue
                box = page.locator(f"#{element}").bounding_box()
                assert box is not None, element
                clip = {**box, "height": min(box["height"], TALLEST)}
                page.screenshot(path=str(target), clip=clip, full_page=True)
                print(f"wrote {target.relative_to(ROOT)}")
            browser.close()


if __name__ == "__main__":
    main()
