"""The browser-mode environment: the same worlds and tasks as text mode, seen and driven
through a real Chromium."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import batch_space

from .actions import MAX_ACTION_CHARS, ParsedAction, parse_action
from .base_env import DEFAULT_STEP_SECONDS, Observation, WebtwinEnvBase
from .browser_actions import act, show, start
from .browser_runtime import BrowserRuntime, browser_runtime
from .browser_tab import BrowserTab, Capture
from .page import Page, parse_page, render_text
from .pixel_actions import BROWSER_ACTIONS
from .png import decode_png
from .spaces import UnicodeText
from .text_env import clip_page, text_observation_space
from .textbrowser import ActionOutcome, BrowserState

__all__ = ["DEFAULT_VIEWPORT", "WebtwinBrowserEnv", "browser_action_space",
           "browser_observation_space"]

DEFAULT_VIEWPORT = (1280, 720)
T = TypeVar("T")


class ImageSpace(spaces.Box):
    """A uint8 image `Box` whose bounds take no memory.

    A `Box(0, 255, (720, 1280, 3), uint8)` holds its bounds as four full arrays (11 MB per
    env, N times that batched); here they are zero-stride views of one 0 and one 255.
    """

    def __init__(self, shape: tuple[int, ...]):
        super().__init__(0, 255, (1,) * len(shape), np.uint8)
        self._shape = tuple(shape)
        self.low = np.broadcast_to(np.uint8(0), self._shape)
        self.high = np.broadcast_to(np.uint8(255), self._shape)
        self.bounded_below = np.broadcast_to(np.True_, self._shape)
        self.bounded_above = np.broadcast_to(np.True_, self._shape)
        self.low_repr, self.high_repr = "0", "255"

    def sample(self, mask: Any = None, probability: Any = None) -> np.ndarray:
        return self.np_random.integers(0, 256, size=self._shape, dtype=np.uint8)


def browser_observation_space(viewport: tuple[int, int] = DEFAULT_VIEWPORT,
                              batch: int | None = None) -> spaces.Dict:
    """Text mode's keys plus `screenshot`, an (height, width, 3) uint8 RGB image (with
    `batch`: the spaces of a vector env of that many envs)."""
    width, height = viewport
    text = text_observation_space().spaces
    space: dict[str, spaces.Space[Any]] = (
        dict(text) if batch is None else {k: batch_space(v, batch) for k, v in text.items()})
    lead = () if batch is None else (batch,)
    space["screenshot"] = ImageSpace((*lead, height, width, 3))
    return spaces.Dict(space)


def browser_action_space() -> UnicodeText:
    """An action-language string (text-mode actions plus mouse and keyboard ones)."""
    return UnicodeText(MAX_ACTION_CHARS)


class WebtwinBrowserEnv(WebtwinEnvBase):
    """A webtwin world in a real browser: screenshots, page text, element and pixel actions.

    ## Description
    The world and its task are those of text mode (same seeds, same verifier, same oracle).
    Pages come from the process's uvicorn server and are shown in a context of the process's
    Chromium, bound to the env's world by cookie; a reset restores the world and sends the
    same page to the start URL (the browser is never relaunched). Every step advances the
    world's virtual clock, which is also the page's clock (`Date.now()`).

    ## Observation
    `url`, `page` (the live DOM as text, with the element ids of text mode), `goal`,
    `last_action_error`, and `screenshot`: an (height, width, 3) uint8 RGB array.

    ## Actions
    Every text-mode action (`click("compose")`, `fill("to", "...")`, ...) works the same, and
    pixel-level ones: `mouse_click(x, y, button)`, `mouse_dblclick`, `mouse_move`,
    `mouse_drag(x1, y1, x2, y2)`, `keyboard_type(text)`, `keyboard_press(key_combo)`,
    `scroll(dx, dy)`; see `describe_actions(BROWSER_ACTIONS)`. An action that misses gives an
    error in `obs["last_action_error"]`, never an exception.

    ## Parameters
    - `site_set`, `task`, `max_steps`, `step_seconds`, `render_mode`: as in text mode
      (`render_mode="rgb_array"` renders the screenshot).
    - `viewport`: (width, height) of the page and the screenshot.
    - `runtime`: the process's server and browser (default: started on first use).

    ## Success criteria
    As in text mode: the task's verifier compares the final world with the start.

    ## Registered ids
    `webtwin/<site_set>-browser-v0` for every site set; `webtwin/<site_set>-browser-vec-v0`
    for the vector env that steps many contexts of one browser at once.
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 1}

    def __init__(self, site_set: str = "mail", task: str | None = None,
                 max_steps: int | None = None, step_seconds: int = DEFAULT_STEP_SECONDS,
                 render_mode: str | None = None,
                 viewport: tuple[int, int] = DEFAULT_VIEWPORT,
                 runtime: BrowserRuntime | None = None):
        self.runtime = runtime or browser_runtime()
        super().__init__(site_set, task, max_steps, step_seconds, render_mode,
                         self.runtime.server)
        self.viewport = (int(viewport[0]), int(viewport[1]))
        self.action_space = browser_action_space()
        self.observation_space = browser_observation_space(self.viewport)
        self._tab: BrowserTab | None = None
        self._capture: Capture | None = None
        self._view: Page | None = None

    def render(self) -> Any:
        if self._capture is None:
            return None
        if self.render_mode == "rgb_array":
            return self._screenshot()
        if self.render_mode == "ansi":
            return f"{self._capture.url}\n{self._page_text()}"
        return None

    def screenshot_png(self) -> bytes:
        """The current screenshot as the PNG bytes Chromium encoded (what `obs["screenshot"]`
        decodes): for storing frames without decoding and re-encoding them."""
        return self._require_capture().png

    # -- the page side --------------------------------------------------------------------
    def _attach(self, world_id: str) -> None:
        self._tab = BrowserTab(self.runtime, world_id, self.viewport)

    def _detach(self) -> None:
        tab, self._tab = self._tab, None
        if tab is not None and not self.runtime.closed:
            self.runtime.run(tab.close())
        self._capture = self._view = None

    def _in_world(self, fn: Callable[..., T], *args: Any) -> T:
        if self.runtime.closed:
            return fn(*args)
        return self.runtime.run(_call(fn, *args))

    def _parse(self, action: str) -> ParsedAction:
        return parse_action(action, BROWSER_ACTIONS)

    def _open_start_page(self, key: tuple[Hashable, ...], state: bytes) -> str:
        error, capture = self.runtime.run(start(self._require_tab(), self._start_url(),
                                                self.world))
        self._show(capture)
        return error

    def _perform(self, action: ParsedAction) -> ActionOutcome:
        outcome, capture = self.runtime.run(
            act(self._require_tab(), action, self._require_view(), self.world))
        if capture is not None:
            self._show(capture)
        return outcome

    def _observe(self) -> Observation:
        capture = self._require_capture()
        return {"url": capture.url, "page": clip_page(self._page_text()),
                "goal": self.instance.instruction, "last_action_error": self._last_error,
                "screenshot": self._screenshot()}

    def _save_view(self) -> BrowserState:
        return self.runtime.run(self._require_tab().view_state(self._require_capture()))

    def _load_view(self, state: BrowserState) -> None:
        self._show(self.runtime.run(show(self._require_tab(), state, self.world)))

    # -- observation parts ----------------------------------------------------------------
    def _show(self, capture: Capture) -> None:
        previous = self._view
        self._capture = capture
        if previous is not None and previous.html == capture.html and \
                previous.url == capture.url and previous.status == capture.status:
            return  # same document: keep its parse and its last rendering
        self._view = parse_page(capture.url, capture.status, capture.html)

    def _page_text(self) -> str:
        return render_text(self._require_view(), self._require_capture().values)

    def _screenshot(self) -> np.ndarray:
        """Decoded on demand, a new array every time: callers keep (and may modify) what they
        get, and an env keeps only the PNG (~0.2 MB, against 2.7 MB of pixels)."""
        return decode_png(self._require_capture().png)

    def _require_tab(self) -> BrowserTab:
        if self._tab is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._tab

    def _require_capture(self) -> Capture:
        if self._capture is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._capture

    def _require_view(self) -> Page:
        if self._view is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._view


async def _call(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on the runtime's loop: between two requests, never during one."""
    return fn(*args)
