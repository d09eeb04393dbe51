"""The in-process server shared by the text-mode envs of one process."""

from __future__ import annotations

import atexit
import functools
from collections.abc import Hashable
from dataclasses import dataclass, field

from webtwin.simulators import SITES, task_families
from webtwin.simulators.core import WorldFactory, WorldStore, create_app
from webtwin.simulators.core.lru import LruCache

from .asgi import AsgiClient
from .page import Page
from .textbrowser import BrowserState

__all__ = ["InProcessServer", "shared_server"]


def _start_pages() -> LruCache[Hashable, tuple[BrowserState, Page]]:
    """First pages of episode start states, so a reset need not fetch, parse or render them
    again (the page, with its text and elements, is shared by every env that starts there).

    A page is a pure function of the world state and the request; the env stores one only
    when loading it left the state unchanged (so a page that marks mail read is never cached).
    """
    return LruCache(1024)


@dataclass
class InProcessServer:
    """One app, one world store and one template cache, serving many envs' worlds."""

    store: WorldStore
    client: AsgiClient
    hosts: frozenset[str]
    start_pages: LruCache[Hashable, tuple[BrowserState, Page]] = field(
        default_factory=_start_pages)

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
