"""Who may use the app: the Host allow-list and, off this machine, the access token.

:class:`AccessGuard` checks every request before anything else reads it:

1. its ``Host`` header must name one of the allowed hosts (400 otherwise), so a web page
   elsewhere cannot reach the app through DNS rebinding. IPv6 literals are compared as
   addresses: ``Host: [::1]:8000`` is ``::1``.
2. when the app has a token, the request must carry it (401 otherwise): in the header
   ``Authorization: Bearer TOKEN``, or in the cookie :data:`COOKIE`, which opening any page with
   ``?token=TOKEN`` sets once (the page then loads again without the token in its address).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Iterable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlencode

from accord.web.limits import ASGIApp, Receive, Scope, Send, ascii_header

COOKIE = "accord_token"
"""The cookie that carries the access token after the first visit with ``?token=``."""
ANY_HOST = "*"
"""An allowed host that allows every host (behind a proxy that checks them itself)."""
MIN_TOKEN = 16
"""The fewest characters an access token may have."""


def new_token() -> str:
    """Return a fresh random access token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def normal_host(name: str) -> str:
    """Return a host name or address in the form it is compared in.

    Lower case, no trailing dot, no brackets; an IP address in its canonical form
    (``[0:0:0:0:0:0:0:1]`` and ``::1`` are both ``::1``).
    """
    name = name.strip().lower().rstrip(".")
    bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        return bare


def host_of(header: str) -> str:
    """Return the host a ``Host`` header names, without its port (``[::1]:80`` gives ``::1``)."""
    header = header.strip()
    if header.startswith("["):
        end = header.find("]")
        return normal_host(header[: end + 1] if end > 0 else header)
    name, sep, port = header.rpartition(":")
    if sep and port.isdigit() and ":" not in name:
        return normal_host(name)
    return normal_host(header)


class AccessGuard:
    """ASGI middleware: check the Host header against ``allowed_hosts`` and the access token.

    Parameters
    ----------
    app:
        The wrapped ASGI application.
    allowed_hosts:
        The host names and addresses the app answers to (None, or one of them ``"*"``: any).
    token:
        The access token every request must carry (None: none needed).

    """

    def __init__(
        self, app: ASGIApp, allowed_hosts: Iterable[str] | None, token: str | None = None
    ) -> None:
        hosts = None if allowed_hosts is None else {normal_host(h) for h in allowed_hosts}
        self.app = app
        self.allowed = None if hosts is None or ANY_HOST in hosts else frozenset(hosts)
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on (the app has no websockets: they are closed)."""
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if self.allowed is not None:
            host = host_of(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                detail = (
                    f"Invalid host header: this server answers to {', '.join(sorted(self.allowed))}"
                    " (accord serve --allow-host NAME adds a name)"
                )
                await _answer(send, 400, detail)
                return
        if self.token is None:
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and self._valid(given[-1]):
            if scope.get("method") in ("GET", "HEAD"):
                await self._set_cookie_and_reload(scope, send, query)
                return
            await self.app(scope, receive, send)
            return
        if self._valid(_bearer(headers.get(b"authorization", b""))) or self._valid(
            _cookie(headers.get(b"cookie", b""))
        ):
            await self.app(scope, receive, send)
            return
        detail = (
            "this server needs its access token: open the address `accord serve` printed "
            "(with ?token=...) or send the header 'Authorization: Bearer TOKEN'"
        )
        await _answer(send, 401, detail, [(b"www-authenticate", b'Bearer realm="accord"')])

    def _valid(self, candidate: str | None) -> bool:
        assert self.token is not None
        if not candidate:
            return False
        return hmac.compare_digest(candidate.encode("utf-8"), self.token.encode("utf-8"))

    async def _set_cookie_and_reload(
        self, scope: Scope, send: Send, query: list[tuple[str, str]]
    ) -> None:
        assert self.token is not None
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        path = scope.get("path", "/") or "/"
        location = ascii_header(path + (f"?{rest}" if rest else ""))
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        headers = [
            (b"location", location.encode("ascii")),
            (b"set-cookie", cookie.encode("ascii")),
            (b"cache-control", b"no-store"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _bearer(value: bytes) -> str | None:
    scheme, _, credentials = value.decode("latin-1").strip().partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def _cookie(value: bytes) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(value.decode("latin-1"))
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


async def _answer(
    send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
