"""Where the server listens and who may use it (issue 13, defect 15).

``--host ::1`` answers requests whose Host is ``[::1]:PORT``; a non-loopback bind needs an
access token (made up and printed at start when none is given), sent as
``Authorization: Bearer``, as ``?token=`` (which sets a cookie) or in that cookie; and the Host
allow-list still holds with the token (no DNS rebinding).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from accord.cli import web_cmds
from accord.errors import AccordError
from accord.web.access import COOKIE, MIN_TOKEN, host_of, new_token, normal_host
from accord.web.app import LOOPBACK_HOSTS
from tests.web.server import process_server

TOKEN = "test-token-0123456789abcdef"
QUICK = {"case": "syria-2015-vienna", "models": ["median"], "bottom_line": False, "save": False}


def has_ipv6_loopback() -> bool:
    """Return whether this machine can listen on ::1."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ 15a: IPv6 loopback
def test_host_headers_are_compared_as_addresses() -> None:
    assert host_of("[::1]:8000") == "::1"
    assert host_of("[::1]") == "::1"
    assert host_of("[0:0:0:0:0:0:0:1]:80") == "::1"
    assert host_of("LocalHost.:8000") == "localhost"
    assert host_of("127.0.0.1:8000") == "127.0.0.1"
    assert host_of("evil.example") == "evil.example"
    assert normal_host("[::1]") == normal_host("::1") == "::1"


def test_the_ipv6_loopback_host_is_allowed_by_default(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(store_url="off")
    for host in ("[::1]:8123", "[::1]", "localhost:8123", "127.0.0.1:8123"):
        assert client.get("/api/health", headers={"Host": host}).status_code == 200, host
    refused = client.get("/api/health", headers={"Host": "evil.example:8123"})
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("Invalid host header: this server answers to ")
    assert "--allow-host" in refused.json()["detail"]


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_serve_on_ipv6_loopback_answers_its_own_address(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with process_server(tmp_path / "runs.db", log, host="::1", connect="[::1]") as (url, _):
        health = httpx.get(f"{url}/api/health", timeout=10)  # Host: [::1]:PORT
        forecast = httpx.post(f"{url}/api/forecast", json=QUICK, timeout=30)
        rebound = httpx.get(f"{url}/api/health", headers={"Host": "evil.example"}, timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert forecast.status_code == 200
    assert rebound.status_code == 400
    assert "access token" not in log.read_text()  # loopback: no token needed, none printed


# ------------------------------------------------------------------ 15b: the access token
def test_the_allowed_hosts_of_each_bind() -> None:
    local = web_cmds.allowed_hosts("::1")
    assert set(LOOPBACK_HOSTS) <= set(local)
    anywhere = web_cmds.allowed_hosts("0.0.0.0", ["accord.example.org"])
    assert set(LOOPBACK_HOSTS) <= set(anywhere)
    assert "accord.example.org" in anywhere and socket.gethostname() in anywhere
    assert "0.0.0.0" not in anywhere and "evil.example" not in anywhere
    assert "192.0.2.7" in web_cmds.allowed_hosts("192.0.2.7")


@pytest.fixture
def guarded(make_client: Callable[..., TestClient]) -> TestClient:
    """Return a client of an app set up as ``accord serve --host 0.0.0.0 --token TOKEN``."""
    hosts = web_cmds.allowed_hosts("0.0.0.0", ["accord.example.org"])
    return make_client(store_url="off", allowed_hosts=hosts, token=TOKEN)


def test_without_the_token_every_route_is_401(guarded: TestClient) -> None:
    for path in ("/api/health", "/", "/api/cases", "/openapi.json"):
        refused = guarded.get(path)
        assert refused.status_code == 401, path
        assert refused.headers["www-authenticate"] == 'Bearer realm="accord"'
        assert "needs its access token" in refused.json()["detail"]
    assert guarded.post("/api/forecast", json=QUICK).status_code == 401
    wrong = {"Authorization": "Bearer " + "x" * len(TOKEN)}
    assert guarded.get("/api/health", headers=wrong).status_code == 401
    assert guarded.get("/api/health", params={"token": "nope"}).status_code == 401
    assert guarded.get("/api/health", headers={"Cookie": f"{COOKIE}=nope"}).status_code == 401


def test_a_bearer_header_opens_every_route(guarded: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/api/health", headers=bearer).status_code == 200
    assert guarded.get("/", headers=bearer).status_code == 200
    assert guarded.post("/api/forecast", json=QUICK, headers=bearer).status_code == 200


def test_token_in_the_address_sets_a_cookie(guarded: TestClient) -> None:
    first = guarded.get("/", params={"token": TOKEN, "x": "1"}, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/?x=1"  # the token leaves the address
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # the client keeps the cookie: the page and the API answer without the token now
    assert guarded.get("/").status_code == 200
    assert guarded.get("/api/health").status_code == 200
    assert guarded.post("/api/forecast", json=QUICK).status_code == 200
    guarded.cookies.clear()
    assert guarded.get("/api/health").status_code == 401
    # a POST with ?token= is served as it is (no redirect)
    posted = guarded.post("/api/forecast", params={"token": TOKEN}, json=QUICK)
    assert posted.status_code == 200


def test_the_host_allow_list_holds_with_the_token(guarded: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    evil = guarded.get("/api/health", headers={**bearer, "Host": "evil.example"})
    assert evil.status_code == 400
    assert evil.json()["detail"].startswith("Invalid host header")
    named = guarded.get("/api/health", headers={**bearer, "Host": "accord.example.org:8000"})
    assert named.status_code == 200
    # the host is checked first: a rebinding page learns nothing about the token
    assert guarded.get("/api/health", headers={"Host": "evil.example"}).status_code == 400


def test_tokens_are_long_and_random() -> None:
    made = {new_token() for _ in range(20)}
    assert len(made) == 20 and all(len(t) >= 32 for t in made)
    with pytest.raises(AccordError, match=f"at least {MIN_TOKEN} characters"):
        web_cmds.run_server("0.0.0.0", 0, "off", token="short")


def test_serve_off_loopback_prints_a_new_token_and_requires_it(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with process_server(tmp_path / "runs.db", log, host="0.0.0.0", up=(401,)) as (url, _):
        printed = log.read_text()
        found = re.search(r"\?token=([A-Za-z0-9_-]+) \(a new access token", printed)
        assert found is not None, printed
        token = found.group(1)
        assert f"Authorization: Bearer {token}" in printed
        anonymous = httpx.get(f"{url}/api/health", timeout=10)
        bearer = httpx.get(
            f"{url}/api/health", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        with httpx.Client(base_url=url, follow_redirects=True, timeout=10) as browser:
            opened = browser.get("/", params={"token": token})  # 303, cookie, then the page
            cookie = browser.cookies.get(COOKIE)
            again = browser.get("/api/health")
        evil = httpx.get(
            f"{url}/api/health",
            headers={"Authorization": f"Bearer {token}", "Host": "evil.example"},
            timeout=10,
        )
    assert len(token) >= 32
    assert anonymous.status_code == 401
    assert bearer.status_code == 200
    assert opened.status_code == 200 and str(opened.url) == f"{url}/"
    assert cookie == token and again.status_code == 200
    assert evil.status_code == 400


def test_the_access_log_never_shows_the_token() -> None:
    import logging

    from accord.cli.web_cmds import RedactToken

    token = "s3cret-token-abcdefgh"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", f"/?token={token}", "1.1", 303),
        None,
    )
    assert RedactToken(token).filter(record)
    assert token not in record.getMessage() and "/?token=***" in record.getMessage()
