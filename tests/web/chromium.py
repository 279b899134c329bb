"""Helpers of the browser tests: Debian's Chromium, screenshots, the editor's state in the address.

Set ``ACCORD_SCREENSHOTS=docs/screenshots`` to also save screenshots of the main pages there.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = os.environ.get("ACCORD_SCREENSHOTS")

MARKS = [
    pytest.mark.browser,
    # Skipped only outside CI: `make test` installs Chromium, so in CI a missing browser fails.
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None and not os.environ.get("CI"),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)",
    ),
]
"""The marks of every browser test module (``pytestmark = MARKS``)."""


def shot(page: Any, name: str, full: bool = True, element: str | None = None) -> None:
    """Save a screenshot under ``$ACCORD_SCREENSHOTS`` when it is set.

    ``element``: only that element (a selector); else the whole page (``full``) or the window.
    """
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    path = str(Path(SHOTS) / name)
    if element is not None:
        page.locator(element).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=full)


def state_of(page: Any) -> dict[str, Any]:
    """Return the editor's state as the page's address holds it (``#s=`` base64url JSON)."""
    fragment = str(page.evaluate("location.hash"))
    assert fragment.startswith("#s="), fragment[:40]
    data = fragment[3:]
    state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return state


def ready(page: Any) -> None:
    """Wait until the page's script has run and the editor's first check has answered."""
    page.wait_for_selector("body[data-ready='true']")
    if page.query_selector("#problems"):
        page.wait_for_selector("#problems:not(:empty)")
