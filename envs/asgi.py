"""Calling an ASGI app in-process: an HTTP request without a socket.

The text-mode env talks to the same FastAPI app that `webtwin serve` runs under uvicorn,
through this client; one event loop per thread is kept so a request costs no loop start-up.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["AsgiClient", "Response"]


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]


class AsgiClient:
    """Sends HTTP requests straight into an ASGI app."""

    def __init__(self, app: Any):
        self.app = app
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._helper: ThreadPoolExecutor | None = None

    def request(self, method: str, url: str, body: bytes = b"",
                headers: list[tuple[str, str]] | None = None) -> Response:
        scope = _scope(method, url, body, headers or [])
        if _inside_running_loop():
            # A caller already inside an event loop (a notebook, an async agent) cannot nest
            # run_until_complete in its thread: hop to a helper thread with its own loop.
            return self._helper_thread().submit(self._run, scope, body).result()
        return self._run(scope, body)

    def _run(self, scope: dict[str, Any], body: bytes) -> Response:
        return self._loop().run_until_complete(self._call(scope, body))

    def _helper_thread(self) -> ThreadPoolExecutor:
        if self._helper is None:
            self._helper = ThreadPoolExecutor(1, thread_name_prefix="webtwin-asgi")
        return self._helper

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            self._loops.append(loop)
        return loop

    def close(self) -> None:
        """Close the event loops this client opened (one per thread that used it)."""
        if self._helper is not None:
            self._helper.shutdown(wait=True)  # its loop is in self._loops, closed below
            self._helper = None
        for loop in self._loops:
            if not loop.is_closed() and not loop.is_running():
                loop.close()
        self._loops.clear()

    async def _call(self, scope: dict[str, Any], body: bytes) -> Response:
        sent = False
        status = 500
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend((k.decode("latin-1").lower(), v.decode("latin-1"))
                               for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, send)
        except Exception as error:  # Starlette re-raises after it has sent its 500 page
            if not headers:
                return Response(500, [("content-type", "text/plain")],
                                f"Internal Server Error: {type(error).__name__}".encode())
        return Response(status, headers, b"".join(chunks))


def _scope(method: str, url: str, body: bytes, headers: list[tuple[str, str]]
           ) -> dict[str, Any]:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or 80
    raw = [("host", parts.netloc or host), ("content-length", str(len(body))), *headers]
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method.upper(), "scheme": parts.scheme or "http",
        "path": unquote(parts.path or "/"), "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(), "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in raw],
        "client": ("127.0.0.1", 50000), "server": (host, port), "state": {},
    }


def _inside_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
