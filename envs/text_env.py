"""The text-mode environment: a world, an in-process browser, and a task's verifier."""

from __future__ import annotations

from collections.abc import Hashable

import gymnasium as gym
from gymnasium import spaces

from .actions import MAX_ACTION_CHARS, ParsedAction
from .base_env import (
    DEFAULT_MAX_STEPS,
    DEFAULT_STEP_SECONDS,
    EnvSnapshot,
    EpisodeVerdict,
    Observation,
    WebtwinEnvBase,
)
from .server import InProcessServer
from .spaces import UnicodeText
from .textbrowser import ActionOutcome, BrowserState, TextBrowser

__all__ = [
    "DEFAULT_MAX_STEPS", "DEFAULT_STEP_SECONDS", "EnvSnapshot", "EpisodeVerdict",
    "WebtwinTextEnv", "text_action_space", "text_observation_space",
]

MAX_PAGE_CHARS = 1_000_000
WORLD_COOKIE = "webtwin_world"


def text_observation_space() -> spaces.Dict:
    """The observation space of one text-mode env (vector envs batch it without an env)."""
    return spaces.Dict({
        "url": UnicodeText(4096), "page": UnicodeText(MAX_PAGE_CHARS),
        "goal": UnicodeText(10_000), "last_action_error": UnicodeText(10_000)})


def text_action_space() -> UnicodeText:
    """The action space of one text-mode env: an action-language string."""
    return UnicodeText(MAX_ACTION_CHARS)


def clip_page(page: str) -> str:
    """The page text as observed: at most `MAX_PAGE_CHARS` characters."""
    if len(page) > MAX_PAGE_CHARS:
        return page[: MAX_PAGE_CHARS - 40] + "\n[page truncated]"
    return page


class WebtwinTextEnv(WebtwinEnvBase):
    """A webtwin world in text mode: pages as text with element ids, actions as strings.

    ## Description
    Each episode gets its own world (restored from a cached template in well under a
    millisecond) and a task sampled in it. The env talks to the real FastAPI app in-process,
    renders pages as text and performs actions the way a browser would. Every step advances
    the world's virtual clock by `step_seconds`.

    ## Goal
    `obs["goal"]` states the task, e.g. "Star the email from Ana Lima about the Q3 budget."

    ## Parameters
    - `site_set`: which sites the world holds (`"mail"`, ...; see `webtwin.envs.list_tasks`).
    - `task`: a task id like `"mail/star_thread"`, or None to draw a family from the seed.
    - `max_steps`: step budget of the env itself (`gym.make` applies `max_episode_steps`).
    - `step_seconds`: virtual seconds per step.

    ## Success criteria
    The episode ends with `stop(answer)` / `send_msg_to_user(text)` (terminated) or when the
    step budget runs out (truncated). Then the task's verifier compares the final state with
    the start state: reward 1.0 if every required change is there and nothing else changed,
    else 0.0; `info["verdict"]` holds the checks.

    ## Registered ids
    `webtwin/<site_set>-text-v0` for every site set.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(self, site_set: str = "mail", task: str | None = None,
                 max_steps: int | None = None, step_seconds: int = DEFAULT_STEP_SECONDS,
                 render_mode: str | None = None, server: InProcessServer | None = None):
        super().__init__(site_set, task, max_steps, step_seconds, render_mode, server)
        self.action_space = text_action_space()
        self.observation_space = text_observation_space()
        self._browser: TextBrowser | None = None

    def render(self) -> str | None:
        if self.render_mode != "ansi" or self._browser is None:
            return None
        observation = self._observe()
        return f"{observation['url']}\n{observation['page']}"

    # -- the page side --------------------------------------------------------------------
    def _attach(self, world_id: str) -> None:
        self._browser = TextBrowser(self._server.client, {WORLD_COOKIE: world_id},
                                    set(self._server.hosts))

    def _detach(self) -> None:
        self._browser = None

    def _open_start_page(self, key: tuple[Hashable, ...], state: bytes) -> str:
        """Load the episode's first page, from the start-page cache when it is there."""
        browser = self._require_browser()
        url = self._start_url()
        cached = self._server.start_pages.get((*key, url))
        if cached is not None:
            browser.load(*cached)
            return ""
        error = browser.open(url)
        if not error and self._require_hosted().world.snapshot() == state:
            self._server.start_pages.put((*key, url), (browser.save(), browser.page))
        return error

    def _perform(self, action: ParsedAction) -> ActionOutcome:
        return self._require_browser().perform(action)

    def _observe(self) -> Observation:
        browser = self._require_browser()
        return {"url": browser.url, "page": clip_page(browser.text()),
                "goal": self.instance.instruction, "last_action_error": self._last_error}

    def _save_view(self) -> BrowserState:
        return self._require_browser().save()

    def _load_view(self, state: BrowserState) -> None:
        self._require_browser().load(state)

    def _require_browser(self) -> TextBrowser:
        if self._browser is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._browser
