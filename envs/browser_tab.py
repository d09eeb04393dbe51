"""One browser env's tab: a Playwright context and page, bound to the env's world by cookie.

Everything here runs on the runtime's event loop. The tab knows when the page is settled
without sleeping: Chromium announces every navigation the page requests
(`Page.frameRequestedNavigation`) before it answers the next command, and announces the end
of loading (`Page.frameStoppedLoading`, after the `load` event, or when the navigation was
cancelled); after an input the tab waits exactly for that. Pages cannot leave the simulated
sites: Chromium resolves no other name (a navigation elsewhere shows its error page). A
crashed page or browser is detected and rebuilt; the world, which lives in the server, is
never touched by that.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from playwright.async_api import Browser, BrowserContext, CDPSession, Page, Route
from playwright.async_api import Error as PlaywrightError

from . import browser_js as js
from .element_rules import unreachable
from .page import FieldValue
from .textbrowser import BrowserState

if TYPE_CHECKING:
    from .browser_runtime import BrowserRuntime

__all__ = ["BrowserTab", "Capture", "NAV_TIMEOUT_S", "PageState", "TabBroken"]

T = TypeVar("T")
NAV_TIMEOUT_S = 30.0
GUARD_TIMEOUT_S = 2 * NAV_TIMEOUT_S  # a whole step; past it the tab counts as hung
WORLD_COOKIE = "webtwin_world"
ERROR_PAGE = "chrome-error://"


class TabBroken(RuntimeError):
    """The page or the browser under the tab crashed or went away."""


@dataclass(frozen=True)
class Capture:
    """The page at the end of a step: what the observation is made of."""

    url: str
    status: int
    html: str
    values: dict[str, FieldValue] = field(default_factory=dict)
    png: bytes = b""
    failed: bool = False  # Chromium's error page (an address that does not resolve)


@dataclass
class PageState(BrowserState):
    """A page saved by a browser env's `snapshot`: text mode's state plus what only a screen
    shows (focus, scroll offsets by element index, the pointer)."""

    focus: int = -1
    scrolls: list[list[float]] = field(default_factory=list)
    mouse: tuple[float, float] = (0.0, 0.0)


class BrowserTab:
    """A context and a page of the process's Chromium, bound to one world.

    ## Parameters
    - `runtime`: the process's server and browser.
    - `world_id`: the world the page sees (its `webtwin_world` cookie).
    - `viewport`: (width, height) of the page in CSS pixels.
    """

    def __init__(self, runtime: BrowserRuntime, world_id: str, viewport: tuple[int, int]):
        self.runtime, self.world_id, self.viewport = runtime, world_id, viewport
        self.hosts = runtime.server.hosts
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.cdp: CDPSession | None = None
        self.mouse = (viewport[0] / 2, viewport[1] / 2)
        self.last_url = ""
        self.touched = False
        self._generation = -1
        self._main_frame = ""
        self._building = False
        self._crashed = False
        # Loading is a state of the page (Chromium reports its edges); `_stops` counts its ends,
        # `_stop_target` is the end a requested navigation is waited for.
        self._loading = False
        self._stop_target = self._stops = self._commits = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._requested_url = ""
        self._popups: list[Page] = []
        self._gone: asyncio.Future[None] | None = None  # done when the page or browser dies
        self._clock_script: str | None = None
        self._clock_ms = -1

    # -- health ---------------------------------------------------------------------------
    def broken(self) -> bool:
        return (self.page is None or self.context is None or self._crashed
                or self.page.is_closed() or self._generation != self.runtime.generation
                or not _connected(self.context))

    async def build(self, now_s: int) -> None:
        """A fresh context and page (first use, or after a crash)."""
        await self.close()
        browser = await self.runtime.browser()
        try:
            context = await self._new_context(browser)
        except PlaywrightError:
            browser = await self.runtime.browser(dead=browser)
            context = await self._new_context(browser)
        self._generation = self.runtime.generation
        self._gone = asyncio.get_running_loop().create_future()
        self.context = context
        context.set_default_timeout(NAV_TIMEOUT_S * 1000)
        context.on("close", lambda _: self._on_gone())
        await context.add_init_script(js.INIT_SCRIPT)
        await context.clock.set_fixed_time(now_s)  # installs the fake clock; steps move it
        await context.add_cookies([{"name": WORLD_COOKIE, "value": self.world_id,
                                    "url": f"http://{host}/", "httpOnly": True}
                                   for host in sorted(self.hosts)])
        context.on("page", self._on_page)
        self._building = True
        try:
            self.page = await context.new_page()
        finally:
            self._building = False
        self.page.on("crash", lambda _: self._on_gone())
        await self._attach_cdp(self.page)
        await self._hide_browser_ui()
        await self.page.mouse.move(*self.mouse)  # a new page's pointer is where it was
        self._crashed, self._clock_script, self._clock_ms = False, None, -1

    async def _new_context(self, browser: Browser) -> BrowserContext:
        width, height = self.viewport
        return await browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1,
            locale="en-US", timezone_id="UTC", color_scheme="light", reduced_motion="reduce",
            accept_downloads=False, service_workers="block")

    async def _attach_cdp(self, page: Page) -> None:
        assert self.context is not None
        cdp = await self.context.new_cdp_session(page)
        cdp.on("Page.frameRequestedNavigation", self._on_requested)
        cdp.on("Page.frameStartedLoading", self._on_started)
        cdp.on("Page.frameStoppedLoading", self._on_stopped)
        cdp.on("Page.frameNavigated", self._on_navigated)
        await cdp.send("Page.enable")
        tree = await cdp.send("Page.getFrameTree")
        self._main_frame = tree["frameTree"]["frame"]["id"]
        self._loading, self._stop_target, self._stops = False, 0, 0
        self.cdp = cdp

    async def _hide_browser_ui(self) -> None:
        """Put the tab's window in fullscreen, which hides its tab strip and toolbar.

        Each context is a window of a full browser, whose tab strip and toolbar Chromium lays
        out, paints and composites again on every page load (throbber, title, address), unseen:
        about a tenth of a step's CPU. The page keeps its emulated viewport, so screenshots do
        not change."""
        _, cdp = self._live()
        window = await cdp.send("Browser.getWindowForTarget")
        await cdp.send("Browser.setWindowBounds", {"windowId": window["windowId"],
                                                   "bounds": {"windowState": "fullscreen"}})

    async def evaluate(self, function: str, arg: Any = None) -> Any:
        """`function(arg)` in the page's main world, its result as JSON.

        Straight to Chromium rather than through `Page.evaluate`, which first injects
        Playwright's helper script into every new document (a large script, compiled again
        after each page load)."""
        _, cdp = self._live()
        reply = await cdp.send("Runtime.evaluate", {
            "expression": f"({function})({json.dumps(arg)})", "returnByValue": True})
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            raise PlaywrightError(f"page script failed: {text}")
        return reply["result"].get("value")

    async def guard(self, work: Awaitable[T]) -> T:
        """`await work`, unless the page crashes or the browser dies first (Chromium does not
        answer commands sent to a dead page) or it hangs: then TabBroken."""
        gone = self._gone
        if gone is None or gone.done():
            if asyncio.iscoroutine(work):
                work.close()
            raise TabBroken("the page crashed or the browser went away")
        task = asyncio.ensure_future(work)
        watched: set[asyncio.Future[Any]] = {task, gone}
        done, _ = await asyncio.wait(watched, timeout=GUARD_TIMEOUT_S,
                                     return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        task.cancel()
        try:
            await task
        except BaseException:  # noqa: BLE001 - abandoned work on a dead or hung page
            pass
        self._crashed = True
        raise TabBroken("the page crashed, the browser went away, or the page hung")

    async def close(self) -> None:
        context, self.context, self.page, self.cdp = self.context, None, None, None
        self._fail_waiters()
        if context is not None:
            try:
                await context.close()
            except PlaywrightError:
                pass  # the browser is already gone

    # -- time -----------------------------------------------------------------------------
    async def touch(self, now_ms: int) -> None:
        """About to send input: the page's clock (this document and the next) is the world's."""
        self.touched = True
        if now_ms == self._clock_ms:
            return
        _, cdp = self._live()
        added, _ = await asyncio.gather(
            cdp.send("Page.addScriptToEvaluateOnNewDocument",  # and in this document now
                     {"source": js.clock_script(now_ms), "runImmediately": True}),
            self._drop_clock_script(cdp))
        self._clock_script, self._clock_ms = added["identifier"], now_ms

    async def _drop_clock_script(self, cdp: CDPSession) -> None:
        if self._clock_script is None:
            return
        try:
            await cdp.send("Page.removeScriptToEvaluateOnNewDocument",
                           {"identifier": self._clock_script})
        except PlaywrightError:
            if self.broken():
                raise
            # Chromium forgets a session's scripts when an error page takes over the frame.

    # -- navigation -----------------------------------------------------------------------
    async def settle(self) -> None:
        """Wait until the page has finished loading whatever navigation was asked of it.

        Chromium announces a navigation an input requested before it answers a later command
        (the `Page.enable` round trip) and reports the end of loading after the `load` event,
        or when the navigation was cancelled; so this waits exactly as long as needed.
        """
        _, cdp = self._live()
        await cdp.send("Page.enable")
        await self._wait_loaded()
        if self._popups:
            await self._follow_popups()

    async def goto(self, url: str) -> str:
        page, _ = self._live()
        self._requested_url = url
        try:
            await page.goto(url, wait_until="load")
        except PlaywrightError as error:
            if self.broken():
                raise TabBroken(str(error)) from error
            return f"cannot open {url[:200]!r}: {str(error).splitlines()[0]}"
        return ""

    async def history(self, delta: int) -> str:
        page, cdp = self._live()
        entries = await cdp.send("Page.getNavigationHistory")
        target = entries["currentIndex"] + delta
        if not 0 <= target < len(entries["entries"]):
            return "no page to go " + ("back" if delta < 0 else "forward") + " to"
        if delta < 0:
            await page.go_back(wait_until="load")
        else:
            await page.go_forward(wait_until="load")
        # Chromium would refill the fields typed on that page before; text mode shows the
        # page as the server sends it, and so does the browser env.
        await self.evaluate(js.FORGET_FIELDS)
        return ""

    async def forget_history(self) -> None:
        _, cdp = self._live()
        await cdp.send("Page.resetNavigationHistory")

    async def point(self, x: float, y: float) -> None:
        """Put the mouse pointer at (x, y) (before a page loads, which then hovers there)."""
        page, _ = self._live()
        if (x, y) != self.mouse:
            await page.mouse.move(x, y)
            self.mouse = (x, y)

    def marks(self) -> int:
        """Documents committed so far, to compare after an action."""
        return self._commits

    def navigation_error(self, marks: int, capture: Capture) -> str:
        """What went wrong with the page loaded since `marks`, in text mode's words."""
        if self._commits == marks:
            return ""
        if capture.failed:
            return unreachable(capture.url, self.hosts) or f"cannot open {capture.url[:200]!r}"
        if capture.status >= 400:
            return f"the server answered HTTP {capture.status}"
        return ""

    # -- observation ----------------------------------------------------------------------
    async def capture(self) -> Capture:
        """Screenshot and DOM of the page as it is (call `settle` first)."""
        _, cdp = self._live()
        try:
            observed, shot = await asyncio.gather(self.evaluate(js.OBSERVE), self._screenshot(cdp))
        except PlaywrightError:
            if self.broken():
                raise
            # Chromium swapped the page's frame host (an error page commits in a process of
            # its own) between settling and capturing: settle again, once.
            await self.settle()
            _, cdp = self._live()
            observed, shot = await asyncio.gather(self.evaluate(js.OBSERVE), self._screenshot(cdp))
        url, failed = observed["url"], observed["url"].startswith(ERROR_PAGE)
        if failed:  # Chromium's error page: report the address that failed to load
            url = self._requested_url or url
        self.last_url = url
        return Capture(url, int(observed["status"]), observed["html"],
                       dict(observed["values"]), base64.b64decode(shot["data"]), failed)

    @staticmethod
    async def _screenshot(cdp: CDPSession) -> dict[str, Any]:
        # PNG, because pixels must be exact; the fast encoder, because its "Up" filter is what
        # `png.decode_png` undoes fastest.
        shot: dict[str, Any] = await cdp.send(
            "Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
        return shot

    async def view_state(self, capture: Capture) -> PageState:
        """The page as a snapshot keeps it."""
        view = await self.evaluate(js.VIEW_STATE)
        return PageState(capture.url, capture.status, capture.html, dict(capture.values),
                         focus=int(view["focus"]), scrolls=list(view["scrolls"]),
                         mouse=self.mouse)

    async def show(self, state: BrowserState) -> None:
        """Put a saved page back without asking the server (a GET may change the world)."""
        page, _ = self._live()

        async def fulfil(route: Route) -> None:
            await route.fulfill(status=state.status, body=state.html,
                                content_type="text/html; charset=utf-8")

        def matches(url: str) -> bool:
            return url == state.url

        if isinstance(state, PageState):
            await self.point(*state.mouse)
        await page.route(matches, fulfil, times=1)
        try:
            await page.goto(state.url, wait_until="load")
        finally:
            await page.unroute(matches, fulfil)
        extra = state if isinstance(state, PageState) else PageState()
        await self.evaluate(js.RESTORE_VIEW, [state.values, extra.scrolls, extra.focus])
        await self.forget_history()

    # -- events ---------------------------------------------------------------------------
    def _on_requested(self, params: dict[str, Any]) -> None:
        # A navigation into another tab (a link opened with Ctrl, target=_blank) becomes a
        # popup, followed in `settle`; only one in this tab is waited for here.
        url = str(params.get("url", ""))
        if params.get("frameId") == self._main_frame and \
                params.get("disposition", "currentTab") == "currentTab" and \
                _loads_a_document(url, self.last_url):
            self._stop_target = self._stops + 1
            self._requested_url = url

    def _on_started(self, params: dict[str, Any]) -> None:
        if params.get("frameId") == self._main_frame:
            self._loading = True

    def _on_stopped(self, params: dict[str, Any]) -> None:
        if params.get("frameId") != self._main_frame:
            return
        self._loading = False
        self._stops += 1
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _on_navigated(self, params: dict[str, Any]) -> None:
        frame = params.get("frame", {})
        if not frame.get("parentId") and params.get("type", "Navigation") == "Navigation":
            self._main_frame = frame.get("id", self._main_frame)
            self._commits += 1

    def _on_gone(self) -> None:
        self._crashed = True
        if self._gone is not None and not self._gone.done():
            self._gone.set_result(None)
        self._fail_waiters()

    def _on_page(self, page: Page) -> None:
        if not self._building and page is not self.page:
            self._popups.append(page)

    def _fail_waiters(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(TabBroken("the page crashed or the browser went away"))

    async def _wait_loaded(self) -> None:
        """Until the page is not loading and the awaited navigation has ended."""
        deadline = asyncio.get_running_loop().time() + NAV_TIMEOUT_S
        while self._loading or self._stops < self._stop_target:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                await asyncio.wait_for(waiter, max(remaining, 0.001))
            except TimeoutError:
                raise PlaywrightError(
                    f"the page did not finish loading in {NAV_TIMEOUT_S:.0f} s") from None

    async def _follow_popups(self) -> None:
        """A link that opens a new window opens in this tab instead (one tab per env)."""
        popups, self._popups = self._popups, []
        for popup in popups:
            try:
                await popup.wait_for_load_state("domcontentloaded")
                url = popup.url
            finally:
                await popup.close()
            if url.startswith("http") and not unreachable(url, self.hosts):
                await self.goto(url)

    def _live(self) -> tuple[Page, CDPSession]:
        if self.page is None or self.cdp is None:
            raise TabBroken("the tab has no page")
        return self.page, self.cdp


def _loads_a_document(url: str, current: str) -> bool:
    """Whether a requested navigation loads a page: not `mailto:` and the like (handed to
    no application here), not a jump to an anchor of the same page."""
    if not url.startswith(("http://", "https://")):
        return False
    base, _, fragment = url.partition("#")
    return not (fragment and base == current.partition("#")[0])


def _connected(context: BrowserContext) -> bool:
    browser = context.browser
    return browser is not None and browser.is_connected()
