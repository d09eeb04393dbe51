"""What every webtwin env shares, whatever shows it the pages: the episode's world, its task,
the step budget, the verdict, the oracle, snapshots.

A mode (text, browser) subclasses `WebtwinEnvBase` and says how pages are opened, acted on
and observed; the reward, the verdict and the oracle are the same code in every mode.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, SupportsFloat, TypeVar

import gymnasium as gym

from webtwin.seeds import SPLITS
from webtwin.simulators import site_sets, task_families
from webtwin.simulators.core import HostedWorld, TaskFamily, TaskInstance, World, substream
from webtwin.simulators.core.tasks import judge

from .actions import ActionError, ParsedAction, parse_action
from .server import InProcessServer, shared_server
from .textbrowser import ActionOutcome, BrowserState

__all__ = [
    "DEFAULT_MAX_STEPS", "DEFAULT_STEP_SECONDS", "EnvSnapshot", "EpisodeVerdict",
    "WebtwinEnvBase",
]

T = TypeVar("T")
DEFAULT_MAX_STEPS = 50
DEFAULT_STEP_SECONDS = 60
Observation = dict[str, Any]


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


class WebtwinEnvBase(gym.Env[Observation, str]):
    """The episode logic of every mode; subclasses provide the page side.

    Subclasses implement `_attach` (the env got its hosted world), `_open_start_page`,
    `_perform` (one parsed action), `_observe`, `_save_view` / `_load_view` (the page side of
    a snapshot) and `_detach` (close the page side).
    """

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
        self._hosted: HostedWorld | None = None
        self._world_id: str | None = None
        self._steps, self._done, self._last_error = 0, False, ""

    # -- Gymnasium API --------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[Observation, dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        world_seed = seed if seed is not None else int(
            self.np_random.integers(SPLITS["train"].start, SPLITS["train"].stop))
        task_id = options.get("task") or self.task or self._draw_task(world_seed)
        if task_id not in self.families:
            raise ValueError(f"unknown task {task_id!r}; known: {sorted(self.families)}")
        family = self.families[task_id]()
        start = self._server.store.factory.episode(self._specs, world_seed, family)
        self._host(world_seed, family, start.state, start.instance)
        self._steps, self._done = 0, False
        self._last_error = self._open_start_page((self.site_set, world_seed, task_id),
                                                 start.state)
        return self._observe(), self._info()

    def step(self, action: str) -> tuple[Observation, SupportsFloat, bool, bool, dict[str, Any]]:
        hosted = self._require_hosted()
        if self._done:
            self._last_error = "the episode is over; call reset()"
            return self._observe(), 0.0, True, False, self._info()
        self._steps += 1
        self._in_world(hosted.world.advance, self.step_seconds)
        outcome = self._act(action)
        self._last_error = outcome.error
        terminated = outcome.finished
        truncated = not terminated and self.max_steps is not None and self._steps >= self.max_steps
        info = self._info()
        reward = self.conclude(info, outcome.answer) if terminated or truncated else 0.0
        return self._observe(), reward, terminated, truncated, info

    def close(self) -> None:
        self._detach()
        if self._world_id is not None:
            self._in_world(self._server.store.delete, self._world_id)
            self._world_id, self._hosted = None, None
        super().close()

    # -- webtwin API ----------------------------------------------------------------------
    @property
    def world(self) -> World:
        return self._require_hosted().world

    @property
    def instance(self) -> TaskInstance:
        instance = self._require_hosted().instance
        assert instance is not None, "every episode samples a task"
        return instance

    def oracle(self) -> list[str]:
        """Actions that solve the current task from the episode's start state."""
        hosted = self._require_hosted()
        assert hosted.family is not None and hosted.instance is not None
        return hosted.family.solve(hosted.instance)

    def conclude(self, info: dict[str, Any], answer: str | None = None) -> float:
        """Verify the current state (ending the episode); adds `info["verdict"]`."""
        hosted = self._require_hosted()
        family, instance = hosted.family, hosted.instance
        assert family is not None and instance is not None

        verdict = self._in_world(judge, family, instance, hosted.start, hosted.world, answer)
        self._done = True
        info["verdict"] = verdict.to_json()
        return verdict.reward

    def snapshot(self) -> EnvSnapshot:
        """The env at this step, to `restore` later (branching, replaying a bug)."""
        hosted = self._require_hosted()
        assert hosted.family is not None
        return EnvSnapshot(self._in_world(hosted.world.snapshot), self._save_view(),
                           self._steps, self._done, hosted.seed, hosted.family.id,
                           self._last_error)

    def restore(self, snapshot: EnvSnapshot) -> Observation:
        """Go back to a snapshot taken in this env's episode or any other; returns the obs."""
        family = self.families[snapshot.task_id]()
        start = self._server.store.factory.episode(self._specs, snapshot.seed, family)
        hosted = self._host(snapshot.seed, family, start.state, start.instance)
        self._in_world(hosted.world.restore, snapshot.world)
        self._load_view(snapshot.browser)
        self._steps, self._done, self._last_error = (snapshot.steps, snapshot.done,
                                                     snapshot.last_error)
        return self._observe()

    # -- what a mode provides -------------------------------------------------------------
    def _attach(self, world_id: str) -> None:
        """The env's world is hosted under `world_id` (called once, on first use)."""

    def _open_start_page(self, key: tuple[Hashable, ...], state: bytes) -> str:
        raise NotImplementedError

    def _perform(self, action: ParsedAction) -> ActionOutcome:
        raise NotImplementedError

    def _observe(self) -> Observation:
        raise NotImplementedError

    def _save_view(self) -> BrowserState:
        raise NotImplementedError

    def _load_view(self, state: BrowserState) -> None:
        raise NotImplementedError

    def _detach(self) -> None:
        """Release the page side (called by `close`, maybe more than once)."""

    def _in_world(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` on the env's world where the server's handlers run (here: in this thread;
        browser mode: on the server's event loop, so a request never interleaves with it)."""
        return fn(*args)

    # -- internals ------------------------------------------------------------------------
    def _draw_task(self, world_seed: int) -> str:
        ids = sorted(self.families)
        return ids[substream(world_seed, "family").randrange(len(ids))]

    def _host(self, seed: int, family: TaskFamily, state: bytes,
              instance: TaskInstance | None) -> HostedWorld:
        """Point this env's hosted world at a new start state (created on first use)."""
        if self._hosted is None:
            world = World.from_bytes(self._specs, state)
            self._hosted = HostedWorld(world, seed, state, family, instance,
                                       tuple(s.name for s in self._specs))
            self._world_id = self._in_world(self._server.store.add, self._hosted)
            self._attach(self._world_id)
        else:
            self._in_world(self._hosted.world.restore, state)
            self._hosted.seed, self._hosted.start = seed, state
            self._hosted.family, self._hosted.instance = family, instance
        return self._hosted

    def _start_url(self) -> str:
        instance = self.instance
        if instance.start_url:
            return instance.start_url
        site = self._specs[0]
        return f"http://{site.host}{site.start_path}"

    def _act(self, action: str) -> ActionOutcome:
        try:
            parsed = self._parse(action)
        except ActionError as error:
            return ActionOutcome(error=str(error))
        return self._perform(parsed)

    def _parse(self, action: str) -> ParsedAction:
        return parse_action(action)

    def _info(self) -> dict[str, Any]:
        hosted = self._require_hosted()
        assert hosted.family is not None
        return {"task_id": hosted.family.id, "seed": hosted.seed, "step": self._steps}

    def _require_hosted(self) -> HostedWorld:
        if self._hosted is None:
            raise gym.error.ResetNeeded("call reset() before using the env")
        return self._hosted


class EpisodeVerdict(gym.Wrapper[Observation, str, Observation, str],
                     gym.utils.RecordConstructorArgs):
    """Verifies the episode when a `TimeLimit` outside the env truncates it.

    `gym.make` applies `max_episode_steps` with a `TimeLimit` the env cannot see; this wrapper
    sits outside it so a truncated episode is still scored by the task's verifier.
    """

    def __init__(self, env: gym.Env[Observation, str]):
        gym.utils.RecordConstructorArgs.__init__(self)
        gym.Wrapper.__init__(self, env)

    def step(self, action: str) -> tuple[Observation, SupportsFloat, bool, bool, dict[str, Any]]:
        observation, reward, terminated, truncated, info = self.env.step(action)
        if truncated and not terminated and "verdict" not in info:
            reward = self.env.unwrapped.conclude(info)  # type: ignore[attr-defined]
        return observation, reward, terminated, truncated, info
