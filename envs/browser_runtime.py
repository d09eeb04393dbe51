"""The browser side of one worker process: one uvicorn server and one Chromium for all of its
browser envs.

A background thread runs an asyncio loop that holds both the server (the same app and world
store as text mode, on a free loopback port) and Playwright's async client. Envs call in
with `run(coroutine)`; a vector env runs many envs' coroutines at once on the same loop.
Chromium resolves every simulated host (`mail.localhost`, ...) to that port and no other
name or address at all, so pages keep the same URLs as in text mode
(`http://mail.localhost/inbox`) and cannot reach anything else. The server in front of the
pages (`PageGate`) has no control API: envs reach their worlds in-process, never by HTTP.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import socket
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

import uvicorn

from .server import InProcessServer, shared_server

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

__all__ = ["BrowserRuntime", "BrowserUnavailable", "CHROMIUM_ARGS", "DISABLED_FEATURES", "PageGate",
           "browser_runtime", "chromium_executable"]

T = TypeVar("T")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "WEBTWIN_CHROMIUM"
LAUNCH_TIMEOUT_MS = 60_000
# Playwright adds its own automation switches; these are the ones a closed, deterministic
# worker needs on top (measured necessary with Debian's Chromium 156, run as root).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-smooth-scrolling",  # a wheel scroll lands at once, before the next screenshot
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--force-color-profile=srgb",
    # A repaint of part of a tile rasterises anti-aliased edges a shade differently from a
    # full raster, so the same page could give two screenshots; always raster whole tiles.
    "--disable-partial-raster",
    # Every image loads with its page (before `load`), so a settled page has no request in
    # flight and no picture that appears later.
    "--blink-settings=lazyLoadEnabled=false",
)
# Chromium reads only the last `--disable-features`, so this repeats the features Playwright
# 1.65 disables (its own switch comes first) and adds two a worker is better without:
# - the omnibox popup, a WebUI page with a renderer of its own per window that redraws on
#   every page load (~20 ms of CPU per load, and one renderer process per env fewer);
# - the spare renderer: Chromium keeps one warm process for the context that navigated last,
#   so with several contexts nearly every page load killed one and started another (a process
#   start is ~50 ms of CPU); a context's own renderer serves all its same-site pages anyway.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch",
)
DISABLED_FEATURES = (
    *PLAYWRIGHT_DISABLED_FEATURES,
    "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup", "PreloadTopChromeWebUI",
    "SpareRendererForSitePerProcess",
)
CONTROL_PREFIX = b"/__control__"


class BrowserUnavailable(RuntimeError):
    """Playwright or a Chromium to drive is missing; the message says how to install them."""


def chromium_executable() -> str | None:
    """The Chromium to launch: `$WEBTWIN_CHROMIUM`, else Debian's, else Playwright's own."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured
    return DEBIAN_CHROMIUM if shutil.which(DEBIAN_CHROMIUM) else None


class PageGate:
    """The app as pages see it: no control API, and pages that are never cached.

    `no-store` makes Back and Forward load a page again from the server, as text mode does
    (a cached copy would show a state the world has left). Responses that say how to cache
    themselves (pictures) keep their header.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "").encode("utf-8", "replace").lower()
        if path.startswith(CONTROL_PREFIX):
            await _not_here(send)
            return

        async def no_store(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, no_store)


async def _not_here(send: Any) -> None:
    body = (b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
            b"<p>The control API is not reachable from pages.</p>")
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def host_rules(hosts: frozenset[str], port: int) -> str:
    """`--host-resolver-rules`: the simulated hosts go to our port, every other name fails."""
    rules = [f"MAP {host}:80 127.0.0.1:{port}" for host in sorted(hosts)]
    return ", ".join([*rules, "MAP * ~NOTFOUND"])


class BrowserRuntime:
    """One server and one browser, shared by the browser envs of this process.

    ## Parameters
    - `server`: the app and world store to serve (default: the process's shared one, the
      same that text-mode envs use).
    - `executable`: Chromium to launch (default: `chromium_executable()`).
    """

    def __init__(self, server: InProcessServer | None = None, executable: str | None = None):
        self.server = server or shared_server()
        self.executable = executable if executable is not None else chromium_executable()
        self.pid = os.getpid()
        self.generation = 0  # bumped on every (re)launch, so tabs notice a new browser
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="webtwin-browser")
        self._thread.start()
        self._uvicorn: uvicorn.Server | None = None
        self._serving: asyncio.Task[None] | None = None
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launching: asyncio.Lock | None = None
        self._closed = False
        try:
            self.port = self.run(self._serve())
            self.run(self._start_playwright())
        except BaseException:
            self.close()
            raise

    # -- calling in -----------------------------------------------------------------------
    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the runtime's loop and wait for its result (from any thread)."""
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("BrowserRuntime.run() called from its own loop; await instead")
        if self._closed:
            coroutine.close()
            raise RuntimeError("the browser runtime is closed")
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout)

    # -- the browser ----------------------------------------------------------------------
    async def browser(self, dead: Browser | None = None) -> Browser:
        """The live browser, launched again if it died (all tabs then rebuild their pages).

        `dead`: a browser the caller found unusable (Playwright notices a killed browser
        only a moment later); it is replaced if it is still the current one."""
        if self._launching is None:
            self._launching = asyncio.Lock()
        async with self._launching:
            if self._browser is None or not self._browser.is_connected() or \
                    (dead is not None and dead is self._browser):
                await self._launch()
            assert self._browser is not None
            return self._browser

    async def _launch(self) -> None:
        assert self._playwright is not None
        if self._browser is not None:
            await _quietly(self._browser.close())
        args = [*CHROMIUM_ARGS, f"--disable-features={','.join(DISABLED_FEATURES)}",
                f"--host-resolver-rules={host_rules(self.server.hosts, self.port)}"]
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable, args=args, headless=True,
                timeout=LAUNCH_TIMEOUT_MS)
        except Exception as error:
            raise BrowserUnavailable(
                f"cannot launch Chromium ({error}); run `make install` (Debian: apt-get install "
                "chromium fonts-noto-color-emoji fonts-dejavu-core; elsewhere: python -m "
                "playwright install chromium), or set $WEBTWIN_CHROMIUM") from error
        self.generation += 1

    def browser_pid(self) -> int | None:
        """Process id of the running Chromium (for tests that kill it), if it can be found."""
        for pid in _descendants(os.getpid()):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    argv = handle.read().split(b"\0")
            except OSError:
                continue
            if any(b"--remote-debugging-pipe" in a for a in argv) and not any(
                    a.startswith(b"--type=") for a in argv):
                return pid
        return None

    # -- lifecycle ------------------------------------------------------------------------
    async def _serve(self) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(PageGate(self.server.client.app), log_level="warning",
                                access_log=False, lifespan="off", ws="none")
        self._uvicorn = uvicorn.Server(config)
        self._serving = asyncio.get_running_loop().create_task(
            self._uvicorn.serve(sockets=[sock]))
        while not self._uvicorn.started:  # uvicorn has no start event; poll its flag, once
            if self._serving.done():
                self._serving.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.005)
        return int(sock.getsockname()[1])

    async def _start_playwright(self) -> None:
        try:
            from playwright.async_api import async_playwright
        except ImportError as error:
            raise BrowserUnavailable(
                "browser mode needs Playwright: pip install 'webtwin[browser]'") from error
        self._playwright = await async_playwright().start()
        await self.browser()

    def close(self) -> None:
        """Stop the browser, Playwright and the server; safe to call twice."""
        if self._closed or not self._thread.is_alive():
            self._closed = True
            return
        if os.getpid() == self.pid:
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
            except Exception:  # noqa: BLE001 - closing what is already half gone
                pass
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    async def _shutdown(self) -> None:
        if self._browser is not None:
            await _quietly(self._browser.close())
        if self._playwright is not None:
            await _quietly(self._playwright.stop())
        if self._uvicorn is not None and self._serving is not None:
            self._uvicorn.should_exit = True
            await _quietly(asyncio.wait_for(self._serving, 10))


async def _quietly(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception:  # noqa: BLE001 - the browser may already be gone
        pass


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
            except OSError:
                continue
            found.extend(children)
            pending.extend(children)
    return found


_RUNTIMES: dict[int, BrowserRuntime] = {}
_LOCK = threading.Lock()


def browser_runtime() -> BrowserRuntime:
    """This process's runtime, started on first use (a forked child starts its own)."""
    pid = os.getpid()
    with _LOCK:
        runtime = _RUNTIMES.get(pid)
        if runtime is None or runtime.closed:
            runtime = BrowserRuntime()
            _RUNTIMES.clear()  # a parent's runtime is unusable in a forked child
            _RUNTIMES[pid] = runtime
            atexit.register(runtime.close)
        return runtime
