"""The in-process server shared by the text-mode envs of one process."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from webtwin.simulators import SITES, task_families
from webtwin.simulators.core import WorldFactory, WorldStore, create_app

from .asgi import AsgiClient

__all__ = ["InProcessServer", "shared_server"]


@dataclass
class InProcessServer:
    """One app, one world store and one template cache, serving many envs' worlds."""

    store: WorldStore
    client: AsgiClient
    hosts: frozenset[str]

    @classmethod
    def create(cls, template_capacity: int = 256) -> InProcessServer:
        sites = list(SITES.values())
        store = WorldStore(sites, factory=WorldFactory(template_capacity))
        app = create_app(sites, store, task_families=task_families())
        hosts = frozenset(site.host for site in sites)
        return cls(store, AsgiClient(app), hosts)


@functools.cache
def shared_server() -> InProcessServer:
    """The process's server, created on first use (like one uvicorn per worker process)."""
    return InProcessServer.create()
