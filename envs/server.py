"""The in-process server shared by the text-mode envs of one process."""

from __future__ import annotations

import atexit
import functools
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from webtwin.simulators import SITES, task_families
from webtwin.simulators.core import WorldFactory, WorldStore, create_app

from .asgi import AsgiClient
from .textbrowser import BrowserState

__all__ = ["InProcessServer", "StartPageCache", "shared_server"]


class StartPageCache:
    """First pages of episode start states, so a reset need not render them again.

    A page is a pure function of the world state and the request; the env stores one only
    when loading it left the state unchanged (so a page that marks mail read is never cached).
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._pages: OrderedDict[Hashable, BrowserState] = OrderedDict()

    def get(self, key: Hashable) -> BrowserState | None:
        state = self._pages.get(key)
        if state is not None:
            self._pages.move_to_end(key)
        return state

    def put(self, key: Hashable, state: BrowserState) -> None:
        self._pages[key] = state
        while len(self._pages) > self.capacity:
            self._pages.popitem(last=False)


@dataclass
class InProcessServer:
    """One app, one world store and one template cache, serving many envs' worlds."""

    store: WorldStore
    client: AsgiClient
    hosts: frozenset[str]
    start_pages: StartPageCache = field(default_factory=lambda: StartPageCache(1024))

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
    server = InProcessServer.create()
    atexit.register(server.client.close)
    return server
