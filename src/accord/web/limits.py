"""Request limits: the body size cap, in-memory multipart parsing and safe upload names.

:class:`BodyLimit` reads every request body into memory before the app sees it, counting
bytes as they arrive and refusing the request (422, one line) as soon as the count passes the
limit; a declared ``Content-Length`` above the limit is refused before anything is read. A body
that stops arriving (nothing for ``timeout`` seconds, or not all of it within four times that)
is refused with a 408 and its connection closed, so a stalled client holds nothing for long.
:func:`parse_multipart` splits a ``multipart/form-data`` body held in memory into its parts,
so uploads are never spooled to a temporary file. An upload's file name is used for two things
only, the format (by extension) and the name shown in messages (:func:`safe_name`); it never
becomes a path.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.errors import AccordError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_UPLOAD = 1024 * 1024
"""The largest request body accepted by default (1 MB); scenario files are tens of KB."""
DEFAULT_BODY_TIMEOUT = 15.0
"""Seconds a request body may pause before the request is dropped (408); the whole body must
arrive within four times that."""
MAX_PARTS = 8
"""The most parts a multipart upload may have."""
UPLOAD = "upload"
"""The name messages use for an upload that gives no usable file name."""
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def human_size(n: int) -> str:
    """Return a byte count in words: ``1 MB``, ``1.5 MB``, ``64 KB``, ``300 bytes``."""
    mb, kb = 1024 * 1024, 1024
    if n >= mb:
        return f"{n / mb:.1f} MB".replace(".0 MB", " MB")
    if n >= kb:
        return f"{n / kb:.1f} KB".replace(".0 KB", " KB")
    return f"{n} bytes"


def safe_text(text: str) -> str:
    r"""Return ``text`` with what UTF-8 cannot encode (lone surrogates) written as ``\udXXX``.

    Every message and page the app sends goes through it (or an equivalent), so that a
    request quoting ``"\ud800"`` back in an error gets that error, not a 500.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def ascii_header(text: str) -> str:
    """Return ``text`` fit for an HTTP header value: printable ASCII, anything else escaped."""
    escaped = text.encode("ascii", "backslashreplace").decode("ascii")
    return "".join(c for c in escaped if c.isprintable())


def too_large(limit: int, size: int | None = None) -> AccordError:
    """Return the error for a body over ``limit`` bytes (``size`` when it was declared)."""
    if size is None:
        return AccordError(f"file is larger than the limit of {human_size(limit)}", source=UPLOAD)
    return AccordError(
        f"file is {human_size(size)}; the limit is {human_size(limit)}", source=UPLOAD
    )


class BodyLimit:
    """ASGI middleware: buffer each HTTP request body in memory, refusing it past ``max_bytes``.

    Parameters
    ----------
    app:
        The wrapped ASGI application.
    max_bytes:
        The largest body accepted, in bytes.
    timeout:
        Seconds the body may pause; the whole body must arrive within four times that.

    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = DEFAULT_BODY_TIMEOUT) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection event (anything but HTTP passes through unchanged)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(send, too_large(self.max_bytes, declared))
            return
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + 4 * self.timeout
        while True:
            wait = min(self.timeout, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), max(wait, 0.001))
            except TimeoutError:
                await _refuse(send, stalled(self.timeout, size), status=408)
                return
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, too_large(self.max_bytes))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as usual

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def stalled(timeout: float, size: int) -> AccordError:
    """Return the error for a request body that stopped arriving."""
    got = f" (after {human_size(size)})" if size else ""
    return AccordError(
        f"the request body stopped arriving{got}: a body may pause at most {timeout:g} s and "
        f"must arrive within {4 * timeout:g} s",
        source="request",
    )


async def _refuse(send: Send, error: AccordError, status: int = 422) -> None:
    body = json.dumps({"detail": error.one_line()}).encode("utf-8")  # ASCII: \u escapes
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def safe_name(filename: str | None) -> str:
    r"""Return a file name fit for messages: the last path component, plain characters only.

    ``../../etc/passwd`` gives ``passwd`` and ``C:\data\x.yaml`` gives ``x.yaml``; nothing
    usable gives :data:`UPLOAD`. The result is shown to the user and its extension picks the
    format; it is never opened.
    """
    if not filename:
        return UPLOAD
    last = re.split(r"[\\/]", filename)[-1]
    name = _NAME_CHARS.sub("_", last).strip("._")[:100]
    return name or UPLOAD


@dataclass(frozen=True)
class Part:
    """One part of a multipart body: its field name, file name (if any) and bytes."""

    name: str
    filename: str | None
    data: bytes


def parse_multipart(body: bytes, content_type: str) -> dict[str, Part]:
    """Return the parts of a ``multipart/form-data`` body, by field name (first one wins).

    Raises
    ------
    AccordError
        When the content type is not multipart/form-data, the body is malformed or
        incomplete, or it has more than :data:`MAX_PARTS` parts.

    """
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise AccordError("expected a multipart/form-data upload with a boundary", source=UPLOAD)
    parts: list[Part] = []
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "data": [], "end": False}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["data"].append(data[start:end])

    def on_part_end() -> None:
        if len(parts) >= MAX_PARTS:
            raise AccordError(f"an upload may have at most {MAX_PARTS} parts", source=UPLOAD)
        _, disposition = parse_options_header(state["headers"].get(b"content-disposition"))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        raw = disposition.get(b"filename")
        filename = raw.decode("utf-8", "replace") if raw is not None else None
        parts.append(Part(name, filename, b"".join(state["data"])))
        state["headers"], state["data"] = {}, []

    def on_end() -> None:
        state["end"] = True

    callbacks: MultipartCallbacks = {
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_end": on_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except ValueError as exc:  # python-multipart's parse errors are ValueErrors
        raise AccordError(f"not a valid multipart/form-data body ({exc})", source=UPLOAD) from None
    if not state["end"]:
        raise AccordError("the multipart/form-data body is incomplete", source=UPLOAD)
    out: dict[str, Part] = {}
    for part in parts:
        out.setdefault(part.name, part)
    return out
