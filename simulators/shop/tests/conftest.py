"""Fixtures for the shop pages and API tests: a real app, in-process, per-test worlds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from shopweb import Shopper

from webtwin.simulators.core import WorldStore, create_app
from webtwin.simulators.shop import SITE


@pytest.fixture(scope="session")
def served() -> tuple[FastAPI, WorldStore]:
    store = WorldStore([SITE], demo_seed=0)
    return create_app([SITE], store), store


@pytest.fixture
def shopper(served: tuple[FastAPI, WorldStore]) -> Iterator[Shopper]:
    """A fresh shop world (seed 3) and a client bound to it."""
    app, store = served
    world_id = store.create(["shop"], seed=3)
    yield Shopper(app, store, world_id)
    store.delete(world_id)
