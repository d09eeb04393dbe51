"""Fixtures for the shop tests: a real app, in-process, per-test worlds; a task harness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from shopweb import Shopper

from webtwin.simulators.core import WorldFactory, WorldStore, create_app
from webtwin.simulators.core.testing import TaskHarness
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


@pytest.fixture(scope="module")
def factory() -> WorldFactory:
    """One factory per module, so each seed's world is generated once."""
    return WorldFactory(capacity=64)


@pytest.fixture
def tasks(factory: WorldFactory) -> Iterator[TaskHarness]:
    """Starts task episodes in shop worlds and closes them after the test."""
    with TaskHarness([SITE], factory) as harness:
        yield harness
