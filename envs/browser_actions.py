"""Actions in a real page: the element-id actions of text mode and the pixel-level ones.

Element-id actions are checked on the page's HTML first, with text mode's rules and messages
(`element_rules`), and only then sent to Chromium: a click is a real mouse click at the
element's centre when that point hits it, else the element's own `click()`. Every input is
followed by `BrowserTab.settle`: the navigation it requested, if any, has finished loading
before the page is observed. Nothing here raises for a bad action: the outcome carries the
message. The episode-level coroutines (`start`, `act`, `show`) also rebuild a crashed tab.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from playwright.async_api import Error as PlaywrightError

from webtwin.simulators.core import World

from . import browser_js as js
from . import element_rules as rules
from .actions import ParsedAction
from .browser_tab import BrowserTab, Capture, TabBroken
from .page import Page
from .pixel_actions import MOUSE_BUTTONS
from .textbrowser import ActionOutcome, BrowserState

__all__ = ["ActionRunner", "act", "show", "start"]

CONTROL_PREFIX = "/__control__"
CRASHED = ("the browser crashed; the page was loaded again from its URL (the world is kept; "
           "values typed into fields are lost)")
DRAG_STEPS = 5
MODIFIERS = ("Shift", "Control", "Alt", "Meta")


async def start(tab: BrowserTab, url: str, world: World) -> tuple[str, Capture]:
    """A reset: the existing page goes to the episode's start URL with a fresh history.

    Like every coroutine here it reads the world on the server's loop, between requests."""
    now_s = world.now

    async def go() -> tuple[str, Capture]:
        await tab.touch(now_s * 1000)
        await tab.point(tab.viewport[0] / 2, tab.viewport[1] / 2)  # every episode alike
        marks = tab.marks()
        error = await tab.goto(url)
        await tab.forget_history()
        await tab.settle()
        capture = await tab.capture()
        return error or tab.navigation_error(marks, capture), capture

    if tab.broken():
        await tab.build(now_s)
    try:
        return await tab.guard(go())
    except (PlaywrightError, TabBroken):
        await tab.build(now_s)  # a page or a browser died under the reset: once more
        return await tab.guard(go())


async def act(tab: BrowserTab, action: ParsedAction, view: Page, world: World
              ) -> tuple[ActionOutcome, Capture | None]:
    """Perform one action; the capture is None when the action never reached the page."""
    now_s = world.now
    if tab.broken():
        return await _recovered(tab, now_s)
    tab.touched = False
    marks = tab.marks()

    async def perform() -> tuple[ActionOutcome, Capture | None]:
        outcome = await ActionRunner(tab, view, now_s * 1000).perform(action)
        if not tab.touched:
            return outcome, None
        await tab.settle()
        capture = await tab.capture()
        return replace(outcome, error=outcome.error or tab.navigation_error(marks, capture)
                       ), capture

    try:
        return await tab.guard(perform())
    except (PlaywrightError, TabBroken) as error:
        if tab.broken() or isinstance(error, TabBroken):
            return await _recovered(tab, now_s)
        # A live page that refused (e.g. a navigation that never ended): say so, observe.
        return ActionOutcome(error=_first_line(error)), await tab.guard(tab.capture())


async def show(tab: BrowserTab, state: BrowserState, world: World) -> Capture:
    """Put a saved page (`BrowserState`) back, for `restore`."""
    now_s = world.now

    async def go() -> Capture:
        await tab.touch(now_s * 1000)
        await tab.show(state)
        await tab.settle()
        return await tab.capture()

    if tab.broken():
        await tab.build(now_s)
    return await tab.guard(go())


async def _recovered(tab: BrowserTab, now_s: int) -> tuple[ActionOutcome, Capture]:
    """A new context and page where the dead one was, at its last URL; the world untouched."""
    url = tab.last_url

    async def go() -> Capture:
        await tab.touch(now_s * 1000)
        if url.startswith("http"):
            await tab.goto(url)
        await tab.settle()
        return await tab.capture()

    await tab.build(now_s)
    return ActionOutcome(error=CRASHED), await tab.guard(go())


class ActionRunner:
    """Runs one parsed action against a tab; `view` is the page as last observed."""

    def __init__(self, tab: BrowserTab, view: Page, now_ms: int):
        self.tab, self.view, self.now_ms = tab, view, now_ms

    async def perform(self, action: ParsedAction) -> ActionOutcome:
        handler = getattr(self, f"_do_{action.name}")
        try:
            result: ActionOutcome | str = await handler(*action.args)
        except LookupError as error:
            return ActionOutcome(error=str(error.args[0]))
        return result if isinstance(result, ActionOutcome) else ActionOutcome(error=result)

    # -- element-id actions ---------------------------------------------------------------
    async def _do_click(self, bid: str) -> str:
        node = rules.element(self.view, bid)
        href = node.attrs.get("href") if node.tag == "a" else None
        if href:
            error = rules.unreachable(urljoin(self.view.url, href), self.tab.hosts)
            if error:
                return error
        return await self._click_element(bid)

    async def _do_fill(self, bid: str, text: str) -> str:
        node = rules.element(self.view, bid)
        error = rules.fill_error(node, bid, text)
        if error:
            return error
        await self._begin()
        taken = await self.tab.evaluate(js.FILL, [bid, text])
        if taken is None:
            return f'no element with id "{bid}" on this page'
        if taken != text:
            kind = rules.kind_of(node) or node.tag
            return (f'"{bid}" is a {kind} field and did not take {text[:80]!r} as it is; '
                    f'it now holds {str(taken)[:80]!r}')
        return ""

    async def _do_select_option(self, bid: str, option: str) -> str:
        value = rules.option_value(rules.element(self.view, bid), bid, option)
        await self._begin()
        await self.tab.evaluate(js.SELECT, [bid, value])
        return ""

    async def _do_check(self, bid: str) -> str:
        return await self._set_checked(bid, True)

    async def _do_uncheck(self, bid: str) -> str:
        return rules.uncheck_error(rules.element(self.view, bid), bid) or (
            await self._set_checked(bid, False))

    async def _set_checked(self, bid: str, checked: bool) -> str:
        error = rules.checkbox_error(rules.element(self.view, bid))
        if error:
            return error
        await self._begin()
        if await self.tab.evaluate(js.IS_CHECKED, bid) == checked:
            return ""
        return await self._click_element(bid)

    async def _do_press(self, bid: str, key: str) -> str:
        rules.element(self.view, bid)
        await self._begin()
        await self.tab.evaluate(js.FOCUS, bid)
        return await self._press(key)

    async def _do_goto(self, url: str) -> str:
        target = urljoin(self.view.url, url.strip())
        error = rules.unreachable(target, self.tab.hosts)
        if error:
            return error
        parts = urlsplit(target)
        if _is_control(parts.path):
            return f"cannot open {target[:200]!r}: the control API is not reachable from pages"
        await self._begin()
        return await self.tab.goto(urlunsplit(parts._replace(scheme="http", fragment="")))

    async def _do_go_back(self) -> str:
        await self._begin()
        return await self.tab.history(-1)

    async def _do_go_forward(self) -> str:
        await self._begin()
        return await self.tab.history(+1)

    async def _do_noop(self) -> str:
        await self._begin()  # time passed: observe the page again
        return ""

    async def _do_stop(self, answer: str) -> ActionOutcome:
        return ActionOutcome(finished=True, answer=answer)

    async def _do_send_msg_to_user(self, text: str) -> ActionOutcome:
        return ActionOutcome(finished=True, answer=text)

    # -- pixel actions --------------------------------------------------------------------
    async def _do_mouse_click(self, x: float, y: float, button: str = "left") -> str:
        return await self._pointer(x, y, button, clicks=1)

    async def _do_mouse_dblclick(self, x: float, y: float, button: str = "left") -> str:
        return await self._pointer(x, y, button, clicks=2)

    async def _do_mouse_move(self, x: float, y: float) -> str:
        error = self._outside(x, y)
        if error:
            return error
        page = await self._begin()
        await page.mouse.move(x, y)
        self.tab.mouse = (x, y)
        return ""

    async def _do_mouse_drag(self, x1: float, y1: float, x2: float, y2: float) -> str:
        error = self._outside(x1, y1) or self._outside(x2, y2)
        if error:
            return error
        page = await self._begin()
        if await self.tab.evaluate(js.HIT_TEST, [x1, y1]) is None:
            return f"no element at ({x1:g}, {y1:g})"
        await page.mouse.move(x1, y1)
        await page.mouse.down()
        try:
            await page.mouse.move(x2, y2, steps=DRAG_STEPS)
        finally:
            await page.mouse.up()
        self.tab.mouse = (x2, y2)
        return ""

    async def _do_keyboard_type(self, text: str) -> str:
        page = await self._begin()
        if not await self.tab.evaluate(js.FOCUSED):
            return "nothing has the keyboard focus: click a text field first"
        for i, line in enumerate(text.split("\n")):
            if i:
                error = await self._press("Enter")
                if error:
                    return error
            if line:
                await page.keyboard.insert_text(line)
        return ""

    async def _do_keyboard_press(self, key_combo: str) -> str:
        await self._begin()
        return await self._press(key_combo)

    async def _do_scroll(self, dx: float, dy: float) -> str:
        page = await self._begin()
        await page.mouse.wheel(dx, dy)
        return ""

    # -- helpers --------------------------------------------------------------------------
    async def _begin(self) -> Any:
        """About to touch the page: set its clock to the world's; returns the page."""
        await self.tab.touch(self.now_ms)
        return self.tab._live()[0]

    async def _click_element(self, bid: str) -> str:
        page = await self._begin()
        spot = await self.tab.evaluate(js.POINT_AT, bid)
        if spot.get("missing"):
            return f'no element with id "{bid}" on this page'
        if "x" in spot:
            await page.mouse.click(spot["x"], spot["y"])
            self.tab.mouse = (spot["x"], spot["y"])
        else:  # hidden or covered: the element's own click does what a click would
            await self.tab.evaluate(js.ELEMENT_CLICK, bid)
        return ""

    async def _pointer(self, x: float, y: float, button: str, clicks: int) -> str:
        if button not in MOUSE_BUTTONS:
            return f"button must be one of {', '.join(MOUSE_BUTTONS)}; got {button!r}"
        error = self._outside(x, y)
        if error:
            return error
        page = await self._begin()
        if await self.tab.evaluate(js.HIT_TEST, [x, y]) is None:
            return f"no element at ({x:g}, {y:g})"
        if clicks == 2:
            await page.mouse.dblclick(x, y, button=button)
        else:
            await page.mouse.click(x, y, button=button)
        self.tab.mouse = (x, y)
        return ""

    async def _press(self, key: str) -> str:
        page = self.tab._live()[0]
        try:
            await page.keyboard.press(key)
        except PlaywrightError as error:
            if self.tab.broken():
                raise
            for modifier in MODIFIERS:  # "Control+Nope" pressed Control before failing
                await page.keyboard.up(modifier)
            return f"cannot press {key[:50]!r}: {_first_line(error)}"
        await self.tab.settle()
        return ""

    def _outside(self, x: float, y: float) -> str:
        width, height = self.tab.viewport
        if 0 <= x < width and 0 <= y < height:
            return ""
        return f"({x:g}, {y:g}) is outside the {width}x{height} page"


def _is_control(path: str) -> bool:
    return unquote(path).lower().startswith(CONTROL_PREFIX)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
