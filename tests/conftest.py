"""Shared fixtures: the registry's sites, a template cache, worlds built from seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from webtwin.simulators import SITES
from webtwin.simulators.core import SiteSpec, World, WorldFactory

_FACTORY = WorldFactory(capacity=512)


@pytest.fixture(scope="session")
def factory() -> WorldFactory:
    """One template cache for the whole run (generating a world costs milliseconds)."""
    return _FACTORY


@pytest.fixture(params=sorted(SITES))
def site(request: pytest.FixtureRequest) -> SiteSpec:
    """Every registered site, one at a time."""
    spec: SiteSpec = SITES[request.param]
    return spec


@pytest.fixture
def world(site: SiteSpec, factory: WorldFactory) -> Iterator[World]:
    """A fresh world of one site, seed 1."""
    built = World.from_bytes([site], factory.template([site], 1))
    yield built
    built.close()
