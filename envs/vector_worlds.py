"""A batch of text-mode worlds stepped in one process: the engine under the vector envs.

`WorldBatch` owns plain `WebtwinTextEnv`s (no wrappers) and applies the autoreset rule per
world. It returns plain lists, so the in-process vector env and the worker processes of the
multi-process one share it, and both batch its results the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gymnasium.vector import AutoresetMode

from .server import InProcessServer
from .text_env import DEFAULT_MAX_STEPS, DEFAULT_STEP_SECONDS, WebtwinTextEnv

__all__ = ["BatchConfig", "ResetResult", "StepResult", "WorldBatch"]

Observation = dict[str, str]
Info = dict[str, Any]
StepTuple = tuple[Observation, float, bool, bool, Info]


@dataclass(frozen=True)
class BatchConfig:
    """How to build every world of a batch; small and picklable, to ship to workers."""

    site_set: str = "mail"
    task: str | None = None
    max_steps: int = DEFAULT_MAX_STEPS
    step_seconds: int = DEFAULT_STEP_SECONDS
    autoreset_mode: AutoresetMode = AutoresetMode.NEXT_STEP
    render_mode: str | None = None


@dataclass
class ResetResult:
    """Every world's current observation, and the reset info of the worlds that were reset."""

    observations: list[Observation]
    infos: list[Info | None]

    @classmethod
    def concat(cls, parts: Sequence[ResetResult]) -> ResetResult:
        return cls([o for p in parts for o in p.observations], [i for p in parts for i in p.infos])


@dataclass
class StepResult:
    """One step of every world, as lists in world order."""

    observations: list[Observation]
    rewards: list[float]
    terminated: list[bool]
    truncated: list[bool]
    infos: list[Info]

    @classmethod
    def from_steps(cls, steps: Sequence[StepTuple]) -> StepResult:
        return cls([s[0] for s in steps], [s[1] for s in steps], [s[2] for s in steps],
                   [s[3] for s in steps], [s[4] for s in steps])

    @classmethod
    def concat(cls, parts: Sequence[StepResult]) -> StepResult:
        """Shards' results, in shard order, as one batch."""
        return cls([o for p in parts for o in p.observations],
                   [r for p in parts for r in p.rewards],
                   [t for p in parts for t in p.terminated],
                   [t for p in parts for t in p.truncated],
                   [i for p in parts for i in p.infos])


class WorldBatch:
    """`num_envs` text-mode worlds on one in-process app, with Gymnasium's autoreset rules.

    Each world is a `WebtwinTextEnv` whose own `max_steps` truncates and verifies the episode,
    so no `TimeLimit`/`EpisodeVerdict` wrappers sit between the batch and the worlds.
    """

    def __init__(self, num_envs: int, config: BatchConfig,
                 server: InProcessServer | None = None):
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        self.config = config
        self.envs = [WebtwinTextEnv(config.site_set, task=config.task, max_steps=config.max_steps,
                                    step_seconds=config.step_seconds,
                                    render_mode=config.render_mode, server=server)
                     for _ in range(num_envs)]
        self._observations: list[Observation] = [{} for _ in range(num_envs)]
        # A world whose last step ended its episode: NEXT_STEP resets it on its next step,
        # DISABLED refuses to step it until the caller resets it.
        self._finished = [False] * num_envs

    def reset(self, seeds: Sequence[int | None], options: dict[str, Any] | None,
              mask: Sequence[bool] | None = None) -> ResetResult:
        """Reset the worlds selected by `mask` (all by default) with their own seeds."""
        infos: list[Info | None] = [None] * len(self.envs)
        chosen = [i for i in range(len(self.envs)) if mask is None or mask[i]]
        for i, (observation, info) in zip(chosen, self._reset_each(chosen, seeds, options),
                                          strict=True):
            self._observations[i], infos[i] = observation, info
            self._finished[i] = False
        return ResetResult(list(self._observations), infos)

    def step(self, actions: Sequence[str]) -> StepResult:
        """Step every world with its action, resetting finished worlds per the autoreset mode."""
        if len(actions) != len(self.envs):
            raise ValueError(f"expected {len(self.envs)} actions, got {len(actions)}")
        steps = self._step_each(actions)
        same_step = self.config.autoreset_mode is AutoresetMode.SAME_STEP
        for i, (observation, _, terminated, truncated, _) in enumerate(steps):
            self._observations[i] = observation
            # SAME_STEP worlds were reset inside the step already.
            self._finished[i] = (terminated or truncated) and not same_step
        return StepResult.from_steps(steps)

    def call(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Call a method of every world (or read an attribute when it is not callable)."""
        results = []
        for env in self.envs:
            attribute = getattr(env, name)
            results.append(attribute(*args, **kwargs) if callable(attribute) else attribute)
        return results

    def set_attr(self, name: str, values: Sequence[Any]) -> None:
        """Set an attribute on every world, one value per world."""
        for env, value in zip(self.envs, values, strict=True):
            setattr(env, name, value)

    def close(self) -> None:
        for env in self.envs:
            env.close()

    # -- internals ------------------------------------------------------------------------
    def _reset_each(self, chosen: Sequence[int], seeds: Sequence[int | None],
                    options: dict[str, Any] | None) -> list[tuple[Observation, Info]]:
        """Reset the chosen worlds, in order (a subclass may reset them concurrently)."""
        return [self.envs[i].reset(seed=seeds[i], options=options) for i in chosen]

    def _step_each(self, actions: Sequence[str]) -> list[StepTuple]:
        """Step every world, in order (a subclass may step them concurrently)."""
        return [self._step_one(i, action) for i, action in enumerate(actions)]

    def _step_one(self, i: int, action: str) -> StepTuple:
        env, mode = self.envs[i], self.config.autoreset_mode
        if self._finished[i] and mode is AutoresetMode.NEXT_STEP:
            observation, info = env.reset()
            return observation, 0.0, False, False, info
        if self._finished[i] and mode is AutoresetMode.DISABLED:
            raise ValueError(f"sub-env {i} has finished its episode and autoreset is disabled; "
                             "reset it with reset(options={'reset_mask': mask})")
        observation, reward, terminated, truncated, info = env.step(action)
        if (terminated or truncated) and mode is AutoresetMode.SAME_STEP:
            # Gymnasium's SAME_STEP: the final obs/info go to info, the obs is the reset one.
            reset_observation, reset_info = env.reset()
            info = {"final_obs": observation, "final_info": info, **reset_info}
            observation = reset_observation
        return observation, float(reward), bool(terminated), bool(truncated), info
