"""Browser-mode vector env: N contexts of the process's one Chromium, stepped at once.

```python
import gymnasium as gym
import webtwin.envs

envs = gym.make_vec("webtwin/mail-browser-vec-v0", num_envs=4)
observations, infos = envs.reset(seed=0)
observations["screenshot"].shape  # (4, 720, 1280, 3)
observations, rewards, terminated, truncated, infos = envs.step(["noop()"] * 4)
```

Each sub-env is a `WebtwinBrowserEnv` on the shared runtime. A step hands every sub-env's
step to a thread; each blocks on its coroutine in the runtime's loop, so the N pages load,
settle and are captured concurrently in one browser and one server, while the threads decode
screenshots and render page text as their results come in.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from gymnasium.vector import AutoresetMode

from .base_env import DEFAULT_MAX_STEPS, DEFAULT_STEP_SECONDS
from .browser_env import DEFAULT_VIEWPORT, WebtwinBrowserEnv, browser_observation_space
from .browser_runtime import BrowserRuntime, browser_runtime
from .vector import InProcessVectorEnv, batch_config
from .vector_worlds import BatchConfig, Info, Observation, StepTuple, WorldBatch

__all__ = ["BrowserWorldBatch", "WebtwinBrowserVectorEnv", "make_browser_vector_env"]


class BrowserWorldBatch(WorldBatch):
    """`WorldBatch` over browser envs, resetting and stepping them concurrently."""

    def __init__(self, num_envs: int, config: BatchConfig, viewport: tuple[int, int],
                 runtime: BrowserRuntime):
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        self.config = config
        self.envs = [WebtwinBrowserEnv(  # type: ignore[misc]
            config.site_set, task=config.task, max_steps=config.max_steps,
            step_seconds=config.step_seconds, render_mode=config.render_mode,
            viewport=viewport, runtime=runtime) for _ in range(num_envs)]
        self._observations: list[Observation] = [{} for _ in range(num_envs)]
        self._finished = [False] * num_envs
        self._pool = ThreadPoolExecutor(num_envs, thread_name_prefix="webtwin-env")

    def _reset_each(self, chosen: Sequence[int], seeds: Sequence[int | None],
                    options: dict[str, Any] | None) -> list[tuple[Observation, Info]]:
        return list(self._pool.map(
            lambda i: self.envs[i].reset(seed=seeds[i], options=options), chosen))

    def _step_each(self, actions: Sequence[str]) -> list[StepTuple]:
        return list(self._pool.map(self._step_one, range(len(actions)), actions))

    def close(self) -> None:
        super().close()
        self._pool.shutdown(wait=True)


class WebtwinBrowserVectorEnv(InProcessVectorEnv):
    """`num_envs` browser-mode worlds in this process, one context each, stepped concurrently.

    ## Description
    Gymnasium's vector API over `WebtwinBrowserEnv`s sharing the process's server and
    Chromium. Observations batch as in the text vector env (a tuple of str per text key) plus
    `screenshot`, an (num_envs, height, width, 3) uint8 array. Autoreset modes, seeding,
    `call`, `oracles()` and `envs` are those of `WebtwinTextVectorEnv`.

    ## Parameters
    - `num_envs`, `site_set`, `task`, `max_episode_steps`, `step_seconds`, `autoreset_mode`,
      `render_mode`: as for `WebtwinTextVectorEnv`.
    - `viewport`: (width, height) of every page.
    - `runtime`: the server and browser to use (default: the process's).

    ## Registered ids
    `webtwin/<site_set>-browser-vec-v0`: `gym.make_vec(id, num_envs=N)` builds this class.
    `gym.make_vec("webtwin/<site_set>-browser-v0", vectorization_mode="sync" | "async")`
    also works (sync: one context at a time; async: one browser per worker process).
    """

    def __init__(self, num_envs: int = 1, site_set: str = "mail", task: str | None = None,
                 max_episode_steps: int = DEFAULT_MAX_STEPS,
                 step_seconds: int = DEFAULT_STEP_SECONDS,
                 autoreset_mode: str | AutoresetMode = AutoresetMode.NEXT_STEP,
                 render_mode: str | None = None,
                 viewport: tuple[int, int] = DEFAULT_VIEWPORT,
                 runtime: BrowserRuntime | None = None):
        config = batch_config(site_set, task, max_episode_steps, step_seconds, autoreset_mode,
                              render_mode)
        super().__init__(num_envs, config)
        self.metadata = {**WebtwinBrowserEnv.metadata, "autoreset_mode": config.autoreset_mode}
        self.viewport = (int(viewport[0]), int(viewport[1]))
        self.single_observation_space = browser_observation_space(self.viewport)
        self.observation_space = browser_observation_space(self.viewport, batch=num_envs)
        self._keys = tuple(self.single_observation_space.spaces)
        self.batch = BrowserWorldBatch(num_envs, config, self.viewport,
                                       runtime or browser_runtime())

    @property
    def envs(self) -> list[WebtwinBrowserEnv]:
        return self.batch.envs  # type: ignore[return-value]

    def _batch(self, observations: list[dict[str, Any]]) -> dict[str, Any]:
        width, height = self.viewport
        blank = np.zeros((height, width, 3), np.uint8)  # a world not reset yet
        batched: dict[str, Any] = {
            key: tuple(o.get(key, "") for o in observations)
            for key in self._keys if key != "screenshot"}
        batched["screenshot"] = np.stack([o.get("screenshot", blank) for o in observations])
        return batched


def make_browser_vector_env(num_envs: int = 1, **kwargs: Any) -> WebtwinBrowserVectorEnv:
    """The `vector_entry_point` of the browser-mode ids."""
    return WebtwinBrowserVectorEnv(num_envs, **kwargs)
