"""Which episodes a rollout command means: a deterministic plan with stable episode ids.

Instance `j` (a world seed and a task) goes to env `env_ids[j % len(env_ids)]` with the
`j`-th seed of the split after the `--seed` offset; each instance is repeated `k` times
(same world, same task) for pass^k. Episode `i` is repeat `i % k` of instance `i // k`, so
the plan of N episodes is a prefix of the plan of more: the same command always means the
same episodes, and a longer run extends a shorter one.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from webtwin.seeds import seeds_for

__all__ = ["EpisodeSpec", "plan_episodes", "safe_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class EpisodeSpec:
    """One planned episode: env id, world seed, requested task (None: drawn from the seed)."""

    index: int
    env_id: str
    seed: int
    task: str | None = None
    repeat: int = 0

    @property
    def episode_id(self) -> str:
        """A stable string id: `env|seed|task or drawn|repeat`."""
        return f"{self.env_id}|{self.seed}|{self.task or 'drawn'}|{self.repeat}"

    @property
    def instance_key(self) -> str:
        """The task instance this episode repeats (what pass^k groups by)."""
        return f"{self.env_id}|{self.seed}|{self.task or 'drawn'}"


def plan_episodes(env_ids: Sequence[str], episodes: int, seed: int = 0, split: str = "train",
                  task: str | None = None, k: int = 1) -> list[EpisodeSpec]:
    """`episodes` episodes (a multiple of `k`) spread over `env_ids`, seeds from `split`."""
    if not env_ids:
        raise ValueError("plan_episodes needs at least one env id")
    if k < 1 or episodes % k:
        raise ValueError(f"--episodes ({episodes}) must be a multiple of --k ({k}), so that "
                         "every task instance is tried k times")
    seeds = seeds_for(split, episodes // k, start=seed)
    return [EpisodeSpec(i, env_ids[(i // k) % len(env_ids)], seeds[i // k], task, i % k)
            for i in range(episodes)]


def safe_name(episode_id: str) -> str:
    """A file name for an episode id: readable, plus a crc32 so that no two ids collide."""
    readable = _UNSAFE.sub("_", episode_id).strip("_")
    return f"{readable}-{zlib.crc32(episode_id.encode()):08x}"
