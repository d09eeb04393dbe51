"""Text-mode vector envs: many worlds per step call, in this process or sharded over workers.

```python
import gymnasium as gym
import webtwin.envs

envs = gym.make_vec("webtwin/mail-text-vec-v0", num_envs=1000)  # in this process
envs = gym.make_vec("webtwin/mail-text-vec-v0", num_envs=1000, num_workers=2)  # 2 workers
observations, infos = envs.reset(seed=0)
observations, rewards, terminated, truncated, infos = envs.step(["noop()"] * envs.num_envs)
plans = envs.oracles()  # each sub-env's oracle actions
```
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from .heap import collector_paused, settle_heap
from .server import InProcessServer
from .text_env import (
    DEFAULT_MAX_STEPS,
    DEFAULT_STEP_SECONDS,
    WebtwinTextEnv,
    text_action_space,
    text_observation_space,
)
from .vector_worlds import BatchConfig, ResetResult, StepResult, WorldBatch

__all__ = ["InProcessVectorEnv", "TextVectorEnvBase", "WebtwinTextVectorEnv", "batch_config",
           "make_text_vector_env"]

BatchObservation = dict[str, tuple[str, ...]]
SeedArg = int | Sequence[int | None] | None


def batch_config(site_set: str = "mail", task: str | None = None,
                 max_episode_steps: int = DEFAULT_MAX_STEPS,
                 step_seconds: int = DEFAULT_STEP_SECONDS,
                 autoreset_mode: str | AutoresetMode = AutoresetMode.NEXT_STEP,
                 render_mode: str | None = None) -> BatchConfig:
    """The worlds' settings, validated once in the parent (before any worker starts)."""
    if max_episode_steps < 1:
        raise ValueError(f"max_episode_steps must be at least 1, got {max_episode_steps}")
    return BatchConfig(site_set, task, max_episode_steps, step_seconds,
                       AutoresetMode(autoreset_mode), render_mode)


class TextVectorEnvBase(VectorEnv[BatchObservation, tuple[str, ...], np.ndarray]):
    """Gymnasium's vector API over a `WorldBatch`, wherever its worlds live.

    Subclasses say how a batch is reset, stepped and called; this class checks the arguments
    and batches the per-world results into Gymnasium's formats (tuples of str per observation
    key, float64/bool arrays, infos as `info[key]` arrays with `info["_key"]` masks).
    """

    def __init__(self, num_envs: int, config: BatchConfig):
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        self.num_envs, self.config = num_envs, config
        self.autoreset_mode = config.autoreset_mode
        self.metadata = {**WebtwinTextEnv.metadata, "autoreset_mode": config.autoreset_mode}
        self.render_mode = config.render_mode
        self.single_observation_space: spaces.Dict = text_observation_space()
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = text_action_space()
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._keys = tuple(self.single_observation_space.spaces)

    # -- Gymnasium vector API -------------------------------------------------------------
    def reset(self, *, seed: SeedArg = None, options: dict[str, Any] | None = None
              ) -> tuple[BatchObservation, dict[str, Any]]:
        """Reset all worlds, or those in `options["reset_mask"]`; an int seed gives seed + i."""
        seeds = self._seeds(seed)
        options, mask = self._split_mask(options)
        result = self._reset_batch(seeds, options, mask)
        infos: dict[str, Any] = {}
        for i, info in enumerate(result.infos):
            if info is not None:
                infos = self._add_info(infos, info, i)
        return self._batch(result.observations), infos

    def step(self, actions: Sequence[str] | np.ndarray
             ) -> tuple[BatchObservation, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        result = self._step_batch(self._actions(actions))
        infos: dict[str, Any] = {}
        for i, info in enumerate(result.infos):
            infos = self._add_info(infos, info, i)
        return (self._batch(result.observations), np.asarray(result.rewards, dtype=np.float64),
                np.asarray(result.terminated, dtype=np.bool_),
                np.asarray(result.truncated, dtype=np.bool_), infos)

    def render(self) -> tuple[Any, ...]:
        """Each sub-env's render (`"ansi"`: its URL and page text)."""
        return self.call("render")

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Call a method of every sub-env (or read an attribute), in sub-env order."""
        return tuple(self._call_batch(name, args, kwargs))

    def get_attr(self, name: str) -> tuple[Any, ...]:
        return self.call(name)

    def set_attr(self, name: str, values: list[Any] | tuple[Any, ...] | Any) -> None:
        """Set an attribute of every sub-env: one value each, or the same value for all."""
        if not isinstance(values, list | tuple):
            values = [values] * self.num_envs
        if len(values) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} values, got {len(values)}")
        self._set_attr_batch(name, list(values))

    # -- webtwin API ----------------------------------------------------------------------
    def oracles(self) -> tuple[list[str], ...]:
        """Each sub-env's oracle actions for its current task, from its episode start."""
        return self.call("oracle")

    # -- what subclasses provide ----------------------------------------------------------
    def _reset_batch(self, seeds: list[int | None], options: dict[str, Any] | None,
                     mask: list[bool] | None) -> ResetResult:
        raise NotImplementedError

    def _step_batch(self, actions: list[str]) -> StepResult:
        raise NotImplementedError

    def _call_batch(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
                    ) -> list[Any]:
        raise NotImplementedError

    def _set_attr_batch(self, name: str, values: list[Any]) -> None:
        raise NotImplementedError

    # -- argument checks and batching -----------------------------------------------------
    def _seeds(self, seed: SeedArg) -> list[int | None]:
        if seed is None:
            return [None] * self.num_envs
        if isinstance(seed, int | np.integer):
            return [int(seed) + i for i in range(self.num_envs)]
        seeds = list(seed)
        if len(seeds) != self.num_envs:
            raise ValueError(f"seed is a list of {len(seeds)}; it must have num_envs="
                             f"{self.num_envs} entries (or be an int or None)")
        return seeds

    def _split_mask(self, options: dict[str, Any] | None
                    ) -> tuple[dict[str, Any] | None, list[bool] | None]:
        """Take `reset_mask` out of a copy of the options (the caller's dict stays intact)."""
        if options is None or "reset_mask" not in options:
            return options, None
        options = dict(options)
        mask = options.pop("reset_mask")
        if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
            raise TypeError(f"options['reset_mask'] must be a numpy bool array, got {mask!r}")
        if mask.shape != (self.num_envs,) or not mask.any():
            raise ValueError(f"options['reset_mask'] must have shape ({self.num_envs},) and "
                             f"at least one True, got {mask!r}")
        return options, [bool(m) for m in mask]

    def _actions(self, actions: Sequence[str] | np.ndarray) -> list[str]:
        if isinstance(actions, str):
            raise TypeError("step() takes one action per sub-env (a list of str), not one str")
        items = list(actions)
        if len(items) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} actions, got {len(items)}")
        for item in items:
            if not isinstance(item, str):
                raise TypeError(f"actions must be str, got {type(item).__name__}: {item!r}")
        return [str(item) for item in items]  # np.str_ -> str, so workers get plain strings

    def _batch(self, observations: list[dict[str, str]]) -> BatchObservation:
        # A world never reset yet (masked first reset) has no observation: report "".
        return {key: tuple(o.get(key, "") for o in observations) for key in self._keys}


class InProcessVectorEnv(TextVectorEnvBase):
    """A vector env whose worlds live in this process, in `self.batch` (text or browser)."""

    batch: WorldBatch

    def close_extras(self, **kwargs: Any) -> None:
        self.batch.close()

    def _reset_batch(self, seeds: list[int | None], options: dict[str, Any] | None,
                     mask: list[bool] | None) -> ResetResult:
        return self.batch.reset(seeds, options, mask)

    def _step_batch(self, actions: list[str]) -> StepResult:
        return self.batch.step(actions)

    def _call_batch(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
                    ) -> list[Any]:
        return self.batch.call(name, *args, **kwargs)

    def _set_attr_batch(self, name: str, values: list[Any]) -> None:
        self.batch.set_attr(name, values)


class WebtwinTextVectorEnv(InProcessVectorEnv):
    """`num_envs` text-mode worlds stepped in this process, on the process's in-process app.

    ## Description
    A vector env over plain `WebtwinTextEnv` worlds (no per-world wrappers), following
    Gymnasium 1.x's `VectorEnv` API. Observations are a dict of tuples of str, one tuple per
    key of the single env's observation (`url`, `page`, `goal`, `last_action_error`), as
    `gymnasium.vector.utils.batch_space` batches `Text` spaces; actions are a list, tuple or
    numpy array of action strings. Rewards come from each task's verifier at episode end.
    `call("oracle")` / `oracles()` give each world's oracle actions; `envs` are the worlds.

    ## Parameters
    - `num_envs`: number of worlds.
    - `site_set`, `task`, `step_seconds`, `render_mode`: as for `WebtwinTextEnv`.
    - `max_episode_steps`: step budget; the world truncates there and the verifier scores it.
    - `autoreset_mode`: `AutoresetMode.NEXT_STEP` (default), `SAME_STEP` or `DISABLED`
      (or their string values).
    - `server`: the in-process app to use (default: the process's shared one).
    - `freeze_heap`: after the first reset of every world, move the objects then alive (the
      app, the world templates, the worlds: hundreds of thousands) out of the cyclic garbage
      collector's sight with `gc.freeze()`, once per process, as the multi-process env's
      workers do: 10-18% less CPU per step with 1,000 worlds, as every collection of the
      oldest generation walked them all again. Reference counting still frees them; only a
      reference cycle among objects alive at that moment is never collected.
    - `pause_gc`: run each `step` (all its worlds' steps, and their autoresets) with the
      cyclic garbage collector paused, and let it collect once afterwards
      (`heap.collector_paused`): objects that live for part of the batch are then never
      walked by it. 3-6% less CPU per step with 100-1,000 mail worlds; with `freeze_heap`,
      what makes this env faster than `SyncVectorEnv` over 1,000 worlds (see the README's
      benchmarks). The pause is process-wide while a step runs: another thread's reference
      cycles wait for it. False (as `freeze_heap=False`) leaves the collector alone.

    ## Autoreset
    - `NEXT_STEP`: the step after a world's terminal step ignores its action, resets it and
      returns the reset observation with reward 0 and `terminated = truncated = False`.
    - `SAME_STEP`: a world that ends is reset in the same step; the step returns the reset
      observation, the final one in `info["final_obs"]` and its info (with the verdict) in
      `info["final_info"]`, masked by `info["_final_obs"]` / `info["_final_info"]`.
    - `DISABLED`: nothing resets by itself; stepping a finished world raises `ValueError`.
      Reset finished worlds with `reset(options={"reset_mask": mask})`.
    Autoresets draw the next world seed from each world's own generator, seeded by the last
    explicit `reset(seed=...)`, so runs are reproducible.

    ## Registered ids
    `webtwin/<site_set>-text-vec-v0` for every site set: `gym.make_vec(id, num_envs=N)`
    builds this class (`num_workers=W` builds `WebtwinTextMultiprocVectorEnv`). The ids
    `webtwin/<site_set>-text-v0` keep `"sync"`/`"async"` vectorisation: Gymnasium refuses
    `vector_entry_point` on specs with `additional_wrappers` (their `EpisodeVerdict`).
    """

    def __init__(self, num_envs: int = 1, site_set: str = "mail", task: str | None = None,
                 max_episode_steps: int = DEFAULT_MAX_STEPS,
                 step_seconds: int = DEFAULT_STEP_SECONDS,
                 autoreset_mode: str | AutoresetMode = AutoresetMode.NEXT_STEP,
                 render_mode: str | None = None, server: InProcessServer | None = None,
                 freeze_heap: bool = True, pause_gc: bool = True):
        config = batch_config(site_set, task, max_episode_steps, step_seconds, autoreset_mode,
                              render_mode)
        super().__init__(num_envs, config)
        self.batch = WorldBatch(num_envs, config, server)
        self.freeze_heap, self.pause_gc = freeze_heap, pause_gc

    def _reset_batch(self, seeds: list[int | None], options: dict[str, Any] | None,
                     mask: list[bool] | None) -> ResetResult:
        result = super()._reset_batch(seeds, options, mask)
        if self.freeze_heap and mask is None:
            settle_heap()  # every world, its template and the app exist now
        return result

    def _step_batch(self, actions: list[str]) -> StepResult:
        with collector_paused() if self.pause_gc else nullcontext():
            return super()._step_batch(actions)

    @property
    def envs(self) -> list[WebtwinTextEnv]:
        """The worlds, for direct access (`envs[i].world`, `envs[i].snapshot()`)."""
        return self.batch.envs



def make_text_vector_env(num_envs: int = 1, *, num_workers: int = 0, **kwargs: Any
                         ) -> TextVectorEnvBase:
    """The `vector_entry_point` of the text-mode ids: in-process, or over `num_workers`."""
    if num_workers > 0:
        from .vector_multiproc import WebtwinTextMultiprocVectorEnv  # it imports this module
        return WebtwinTextMultiprocVectorEnv(num_envs, num_workers=num_workers, **kwargs)
    return WebtwinTextVectorEnv(num_envs, **kwargs)
