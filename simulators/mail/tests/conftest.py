"""Fixtures for the mail pages, search and API tests: a real app, in-process, per-test worlds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from mailweb import Browser

from webtwin.simulators import SITES
from webtwin.simulators.core import WorldStore, create_app


@pytest.fixture(scope="session")
def served() -> tuple[FastAPI, WorldStore]:
    store = WorldStore(list(SITES.values()), demo_seed=0)
    return create_app(list(SITES.values()), store), store


@pytest.fixture
def browser(served: tuple[FastAPI, WorldStore]) -> Iterator[Browser]:
    """A fresh mail world (seed 3) and a client bound to it."""
    app, store = served
    world_id = store.create(["mail"], seed=3)
    yield Browser(app, store, world_id)
    store.delete(world_id)


@pytest.fixture
def other_browser(served: tuple[FastAPI, WorldStore]) -> Iterator[Browser]:
    """A second world, another seed, in the same server."""
    app, store = served
    world_id = store.create(["mail"], seed=4)
    yield Browser(app, store, world_id)
    store.delete(world_id)
