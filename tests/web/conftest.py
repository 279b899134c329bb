"""Fixtures of the web tests: an app on a temporary run store, a client, the Vienna case."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web app needs the 'web' extra")

with warnings.catch_warnings():  # starlette's note that its test client prefers httpx2
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from accord import cases
from accord.web import create_app

BASE = "http://127.0.0.1"
"""The test client's base URL: a loopback host name, as the app accepts by default."""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Return the path of a fresh SQLite run store (not created yet)."""
    return tmp_path / "store" / "runs.db"


@pytest.fixture
def make_client(store: Path) -> Iterator[Callable[..., TestClient]]:
    """Return a factory of test clients over ``create_app(store, **kwargs)``; closed after."""
    opened: list[TestClient] = []

    def make(**kwargs: Any) -> TestClient:
        kwargs.setdefault("store_url", str(store))
        kwargs.setdefault("report_draws", 0)
        client = TestClient(create_app(**kwargs), base_url=BASE)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """Return a test client of an app with default settings and a fresh run store."""
    return make_client()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Serve a fresh app (its own run store) on a loopback port; yield its base URL."""
    from tests.web.server import thread_server

    app = create_app(str(tmp_path / "runs.db"), report_draws=100)
    with thread_server(app) as url:
        yield url


@pytest.fixture
def browser_page(tmp_path: Path, server: str) -> Iterator[tuple[Any, list[str]]]:
    """Yield a Chromium page (fresh profile) and the list of requests that left the server."""
    from tests.web.chromium import CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    elsewhere: list[str] = []
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1400, "height": 900},
        )

        def only_here(route: Any) -> None:
            url = route.request.url
            if url.startswith(server) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                elsewhere.append(url)
                route.abort()

        context.route("**/*", only_here)
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page, elsewhere
        finally:
            context.close()
        assert errors == [], errors  # no script error on any page


@pytest.fixture(scope="session")
def vienna() -> dict[str, Any]:
    """Return the Vienna case's scenario as JSON (the layout of GET /api/cases/{name})."""
    data: dict[str, Any] = cases.load("syria-2015-vienna").scenario.model_dump(mode="json")
    return data


@pytest.fixture(scope="session")
def vienna_path() -> Path:
    """Return the Vienna case's scenario file."""
    return cases.cases_dir() / "syria-2015-vienna.yaml"


# ---------------------------------------------------------------------- file-system auditing
FILE_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.remove",
        "os.rename",
        "os.mkdir",
        "os.rmdir",
        "os.truncate",
        "os.symlink",
        "os.link",
        "os.chmod",
        "os.utime",
        "shutil.copyfile",
        "shutil.rmtree",
    }
)
_recording: list[tuple[str, tuple[Any, ...]]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording is not None and event in FILE_EVENTS:
        _recording.append((event, args))


_installed = False


@contextlib.contextmanager
def file_events() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Record every file-system audit event (PEP 578) of any thread while the block runs."""
    global _recording, _installed
    if not _installed:
        sys.addaudithook(_audit)  # a hook cannot be removed; it records only inside this block
        _installed = True
    events: list[tuple[str, tuple[Any, ...]]] = []
    _recording = events
    try:
        yield events
    finally:
        _recording = None
