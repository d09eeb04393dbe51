"""The text-mode environment: a world, an in-process browser, and a task's verifier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, SupportsFloat

import gymnasium as gym
from gymnasium import spaces

from webtwin.seeds import SPLITS
from webtwin.simulators import site_sets, task_families
from webtwin.simulators.core import HostedWorld, TaskFamily, TaskInstance, World, substream

from .actions import MAX_ACTION_CHARS, ActionError, parse_action
from .server import InProcessServer, shared_server
from .spaces import UnicodeText
from .textbrowser import ActionOutcome, BrowserState, TextBrowser

__all__ = [
    "DEFAULT_MAX_STEPS", "EnvSnapshot", "EpisodeVerdict", "WebtwinTextEnv", "text_action_space",
    "text_observation_space",
]

DEFAULT_MAX_STEPS = 50
DEFAULT_STEP_SECONDS = 60
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


@dataclass(frozen=True)
class EnvSnapshot:
    """An env at one step: world state, browser state and episode bookkeeping (a value)."""

    world: bytes
    browser: BrowserState
    steps: int
    done: bool
    seed: int
    task_id: str
    last_error: str


class WebtwinTextEnv(gym.Env[dict[str, str], str]):
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
        if site_set not in site_sets():
            raise ValueError(f"unknown site set {site_set!r}; known: {sorted(site_sets())}")
        self.families = task_families(site_set)
        if task is not None and task not in self.families:
            raise ValueError(f"unknown task {task!r} for {site_set!r}; "
                             f"known: {sorted(self.families)}")
        self.site_set, self.task = site_set, task
        self.max_steps, self.step_seconds, self.render_mode = max_steps, step_seconds, render_mode
        self._server = server or shared_server()
        self._specs = self._server.store.specs(site_sets()[site_set])
        self.action_space = text_action_space()
        self.observation_space = text_observation_space()  # type: ignore[assignment]
        self._hosted: HostedWorld | None = None
        self._world_id: str | None = None
        self._browser: TextBrowser | None = None
        self._steps, self._done, self._last_error = 0, False, ""

    # -- Gymnasium API --------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[dict[str, str], dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        world_seed = seed if seed is not None else int(
            self.np_random.integers(SPLITS["train"].start, SPLITS["train"].stop))
        task_id = options.get("task") or self.task or self._draw_task(world_seed)
        if task_id not in self.families:
            raise ValueError(f"unknown task {task_id!r}; known: {sorted(self.families)}")
        family = self.families[task_id]()
        start = self._server.store.factory.episode(self._specs, world_seed, family)
        browser = self._bind(world_seed, family, start.state, start.instance)
        self._steps, self._done = 0, False
        self._last_error = self._open_start_page(browser, (self.site_set, world_seed, task_id),
                                                 start.state)
        return self._observe(), self._info()

    def step(self, action: str) -> tuple[dict[str, str], SupportsFloat, bool, bool,
                                         dict[str, Any]]:
        browser, hosted = self._require_episode()
        if self._done:
            self._last_error = "the episode is over; call reset()"
            return self._observe(), 0.0, True, False, self._info()
        self._steps += 1
        hosted.world.advance(self.step_seconds)
        outcome = self._act(browser, action)
        self._last_error = outcome.error
        terminated = outcome.finished
        truncated = not terminated and self.max_steps is not None and self._steps >= self.max_steps
        info = self._info()
        reward = self.conclude(info, outcome.answer) if terminated or truncated else 0.0
        return self._observe(), reward, terminated, truncated, info

    def render(self) -> str | None:
        if self.render_mode != "ansi" or self._browser is None:
            return None
        observation = self._observe()
        return f"{observation['url']}\n{observation['page']}"

    def close(self) -> None:
        if self._world_id is not None:
            self._server.store.delete(self._world_id)
            self._world_id, self._hosted, self._browser = None, None, None
        super().close()

    # -- webtwin API ----------------------------------------------------------------------
    @property
    def world(self) -> World:
        return self._require_episode()[1].world

    @property
    def instance(self) -> TaskInstance:
        instance = self._require_episode()[1].instance
        assert instance is not None, "every episode samples a task"
        return instance

    def oracle(self) -> list[str]:
        """Actions that solve the current task from the episode's start state."""
        hosted = self._require_episode()[1]
        assert hosted.family is not None and hosted.instance is not None
        return hosted.family.solve(hosted.instance)

    def conclude(self, info: dict[str, Any], answer: str | None = None) -> float:
        """Verify the current state (ending the episode); adds `info["verdict"]`."""
        hosted = self._require_episode()[1]
        assert hosted.family is not None and hosted.instance is not None
        before = World.from_bytes(self._specs, hosted.start)
        try:
            verdict = hosted.family.verify(hosted.instance, before, hosted.world, answer)
        finally:
            before.close()
        self._done = True
        info["verdict"] = verdict.to_json()
        return verdict.reward

    def snapshot(self) -> EnvSnapshot:
        """The env at this step, to `restore` later (branching, replaying a bug)."""
        browser, hosted = self._require_episode()
        assert hosted.family is not None
        return EnvSnapshot(hosted.world.snapshot(), browser.save(), self._steps, self._done,
                           hosted.seed, hosted.family.id, self._last_error)

    def restore(self, snapshot: EnvSnapshot) -> dict[str, str]:
        """Go back to a snapshot taken in this env's episode or any other; returns the obs."""
        family = self.families[snapshot.task_id]()
        start = self._server.store.factory.episode(self._specs, snapshot.seed, family)
        browser = self._bind(snapshot.seed, family, start.state, start.instance)
        self._require_episode()[1].world.restore(snapshot.world)
        browser.load(snapshot.browser)
        self._steps, self._done, self._last_error = (snapshot.steps, snapshot.done,
                                                     snapshot.last_error)
        return self._observe()

    # -- internals ------------------------------------------------------------------------
    def _draw_task(self, world_seed: int) -> str:
        ids = sorted(self.families)
        return ids[substream(world_seed, "family").randrange(len(ids))]

    def _bind(self, seed: int, family: TaskFamily, state: bytes,
              instance: TaskInstance | None) -> TextBrowser:
        """Point this env's hosted world at a new start state (created on first use)."""
        if self._hosted is None:
            world = World.from_bytes(self._specs, state)
            self._hosted = HostedWorld(world, seed, state, family, instance,
                                       tuple(s.name for s in self._specs))
            self._world_id = self._server.store.add(self._hosted)
            self._browser = TextBrowser(self._server.client, {WORLD_COOKIE: self._world_id},
                                        set(self._server.hosts))
        else:
            self._hosted.world.restore(state)
            self._hosted.seed, self._hosted.start = seed, state
            self._hosted.family, self._hosted.instance = family, instance
        assert self._browser is not None
        return self._browser

    def _open_start_page(self, browser: TextBrowser, key: tuple[object, ...],
                         state: bytes) -> str:
        """Load the episode's first page, from the start-page cache when it is there."""
        url = self._start_url()
        cached = self._server.start_pages.get((*key, url))
        if cached is not None:
            browser.load(cached)
            return ""
        error = browser.open(url)
        if not error and self._require_episode()[1].world.snapshot() == state:
            self._server.start_pages.put((*key, url), browser.save())
        return error

    def _start_url(self) -> str:
        instance = self.instance
        if instance.start_url:
            return instance.start_url
        site = self._specs[0]
        return f"http://{site.host}{site.start_path}"

    def _act(self, browser: TextBrowser, action: str) -> ActionOutcome:
        try:
            parsed = parse_action(action)
        except ActionError as error:
            return ActionOutcome(error=str(error))
        return browser.perform(parsed)

    def _observe(self) -> dict[str, str]:
        browser, _ = self._require_episode()
        page = browser.text()
        if len(page) > MAX_PAGE_CHARS:
            page = page[: MAX_PAGE_CHARS - 40] + "\n[page truncated]"
        return {"url": browser.url, "page": page, "goal": self.instance.instruction,
                "last_action_error": self._last_error}

    def _info(self) -> dict[str, Any]:
        hosted = self._require_episode()[1]
        assert hosted.family is not None
        return {"task_id": hosted.family.id, "seed": hosted.seed, "step": self._steps}

    def _require_episode(self) -> tuple[TextBrowser, HostedWorld]:
        if self._browser is None or self._hosted is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._browser, self._hosted


class EpisodeVerdict(gym.Wrapper[dict[str, str], str, dict[str, str], str],
                     gym.utils.RecordConstructorArgs):
    """Verifies the episode when a `TimeLimit` outside the env truncates it.

    `gym.make` applies `max_episode_steps` with a `TimeLimit` the env cannot see; this wrapper
    sits outside it so a truncated episode is still scored by the task's verifier.
    """

    def __init__(self, env: gym.Env[dict[str, str], str]):
        gym.utils.RecordConstructorArgs.__init__(self)
        gym.Wrapper.__init__(self, env)

    def step(self, action: str) -> tuple[dict[str, str], SupportsFloat, bool, bool,
                                         dict[str, Any]]:
        observation, reward, terminated, truncated, info = self.env.step(action)
        if truncated and not terminated and "verdict" not in info:
            reward = self.env.unwrapped.conclude(info)  # type: ignore[attr-defined]
        return observation, reward, terminated, truncated, info
