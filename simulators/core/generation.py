"""World templates and episode start states, generated once and kept as immutable bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lru import LruCache
from .rng import substream
from .site import SiteSpec
from .tasks import TaskFamily, TaskInstance
from .world import World

__all__ = ["EpisodeStart", "WorldFactory"]


@dataclass(frozen=True)
class EpisodeStart:
    """The start state of an episode and the task instance sampled in it."""

    state: bytes
    instance: TaskInstance | None


class WorldFactory:
    """Builds worlds from seeds; caches generated templates and task start states.

    ## Parameters
    - `capacity`: how many snapshots to keep (each is one world's size, under 1 MB).
    """

    def __init__(self, capacity: int = 256):
        self._cache: LruCache[tuple[object, ...], EpisodeStart] = LruCache(capacity)

    def template(self, sites: Sequence[SiteSpec], seed: int) -> bytes:
        """The generated world of `seed` (before any task), as a snapshot."""
        key = (_site_key(sites), seed, None)
        cached = self._cache.get(key)
        if cached is None:
            cached = EpisodeStart(_generate(sites, seed), None)
            self._cache.put(key, cached)
        return cached.state

    def episode(
        self, sites: Sequence[SiteSpec], seed: int, family: TaskFamily | None
    ) -> EpisodeStart:
        """Start state and task instance for (`seed`, `family`); the task may prepare the world."""
        if family is None:
            return EpisodeStart(self.template(sites, seed), None)
        key = (_site_key(sites), seed, family.id)
        cached = self._cache.get(key)
        if cached is None:
            world = World.from_bytes(sites, self.template(sites, seed))
            try:
                instance = family.sample(world, substream(seed, "task", family.id))
                cached = EpisodeStart(world.snapshot(), instance)
            finally:
                world.close()
            self._cache.put(key, cached)
        return cached


def _site_key(sites: Sequence[SiteSpec]) -> tuple[str, ...]:
    return tuple(sorted(site.name for site in sites))


def generation_order(sites: Sequence[SiteSpec]) -> list[SiteSpec]:
    """Sites that provide services to others generate first (the mailbox exists before the
    shop sends its past order confirmations to it), then by name."""
    return sorted(sites, key=lambda spec: (not spec.provides, spec.name))


def _generate(sites: Sequence[SiteSpec], seed: int) -> bytes:
    world = World.empty(sites, seed)
    try:
        for site in generation_order(sites):
            site.generate(world, seed)
        return world.snapshot()
    finally:
        world.close()
