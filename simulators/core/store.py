"""The worlds one server process hosts, by opaque id."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from .generation import WorldFactory
from .site import SiteSpec
from .tasks import TaskFamily, TaskInstance
from .world import World

__all__ = ["HostedWorld", "WorldStore", "UnknownWorld"]


class UnknownWorld(KeyError):
    """No world with that id is hosted here (deleted, or never created)."""


@dataclass
class HostedWorld:
    """A live world and what it started from."""

    world: World
    seed: int
    start: bytes
    family: TaskFamily | None = None
    instance: TaskInstance | None = None
    sites: tuple[str, ...] = field(default=())


class WorldStore:
    """Holds live worlds by unguessable id; the demo world serves browsers without a cookie.

    ## Parameters
    - `sites`: every site this server can host (the demo world holds all of them).
    - `demo_seed`: seed of the demo world.
    - `factory`: shared template cache.
    """

    def __init__(self, sites: Sequence[SiteSpec], demo_seed: int = 0,
                 factory: WorldFactory | None = None):
        self.sites = {site.name: site for site in sites}
        self.demo_seed = demo_seed
        self.factory = factory or WorldFactory()
        self._worlds: dict[str, HostedWorld] = {}
        self._demo_id: str | None = None

    def create(self, site_names: Sequence[str], seed: int,
               family: TaskFamily | None = None) -> str:
        """Generate (or take from cache) a world and host it; returns its id."""
        specs = self.specs(site_names)
        start = self.factory.episode(specs, seed, family)
        hosted = HostedWorld(World.from_bytes(specs, start.state), seed, start.state, family,
                             start.instance, tuple(sorted(site_names)))
        return self.add(hosted)

    def add(self, hosted: HostedWorld) -> str:
        world_id = secrets.token_urlsafe(16)  # an opaque capability, never seen by simulators
        self._worlds[world_id] = hosted
        return world_id

    def get(self, world_id: str) -> HostedWorld:
        try:
            return self._worlds[world_id]
        except KeyError:
            raise UnknownWorld(world_id) from None

    def delete(self, world_id: str) -> None:
        self.get(world_id).world.close()
        del self._worlds[world_id]
        if world_id == self._demo_id:
            self._demo_id = None

    def ids(self) -> list[str]:
        return sorted(self._worlds)

    def demo(self) -> HostedWorld:
        """The shared world of browsers that carry no world cookie (created on first use)."""
        if self._demo_id is None:
            self._demo_id = self.create(sorted(self.sites), self.demo_seed)
        return self._worlds[self._demo_id]

    def specs(self, site_names: Sequence[str]) -> list[SiteSpec]:
        unknown = sorted(set(site_names) - set(self.sites))
        if unknown or not site_names:
            raise ValueError(f"unknown sites {unknown}; known: {sorted(self.sites)}")
        return [self.sites[name] for name in sorted(set(site_names))]
