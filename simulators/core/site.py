"""The contract between the core and a site: one `SiteSpec` per site package."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from .shared import SharedDatabase

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    from .tasks import TaskFamily
    from .world import World

__all__ = ["EventHandler", "SiteSpec", "TaskPack"]

EventHandler = Callable[["Session", "World", dict[str, Any]], None]


@dataclass(frozen=True)
class SiteSpec:
    """Everything the core needs to host a site.

    ## Description
    A site is one folder under `simulators/` whose `__init__.py` defines `SITE = SiteSpec(...)`.
    The registry in `simulators/__init__.py` lists the sites; the server, the env ids and the
    conformance tests are derived from it.

    ## Parameters
    - `name`: short id, also the subdomain (`mail` → `mail.localhost`).
    - `title`: human name shown in the index page.
    - `metadata`: the site's SQLAlchemy `MetaData` (its own declarative base).
    - `generate`: `generate(world, seed)` fills a fresh world through the site's services.
    - `build_app`: returns the site's FastAPI sub-app (HTML pages and `/api` JSON routes).
    - `event_handlers`: scheduled event kind → handler, fired as the virtual clock advances.
    - `task_families`: returns the site's task family classes (imported lazily).
    - `start_path`: where an episode's browser starts.
    - `after_create`: extra DDL run once on a new world (FTS tables, triggers).
    - `after_commit`: brings derived state up to date after a write (mail's full-text index),
      on the world's connection with no transaction open (`World.settle`).
    - `derived_tables`: tables excluded from digests and diffs (e.g. FTS shadow tables).
    - `shared`: immutable data every world of the site attaches (e.g. a catalog), outside
      the world's snapshot.
    - `provides`: services other sites of the same world may call, by name (see
      `core/crosssite.py`: `"email.deliver"`, `"email.owner"`). Sites never import each
      other; they meet through these names.
    """

    name: str
    title: str
    metadata: MetaData
    generate: Callable[[World, int], None]
    build_app: Callable[[], FastAPI]
    task_families: Callable[[], Sequence[type[TaskFamily]]]
    event_handlers: Mapping[str, EventHandler] = field(default_factory=dict)
    start_path: str = "/"
    after_create: Callable[[Connection], None] | None = None
    after_commit: Callable[[sqlite3.Connection], None] | None = None
    derived_tables: tuple[str, ...] = ()
    templates_dir: Path | None = None
    shared: SharedDatabase | None = None
    provides: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.name}.localhost"


@dataclass(frozen=True)
class TaskPack:
    """Task families that need several sites in one world (registered next to the sites).

    ## Parameters
    - `name`: the site set the families run in (e.g. `workday`).
    - `sites`: the sites they need.
    - `task_families`: returns the family classes (imported lazily).
    """

    name: str
    sites: tuple[str, ...]
    task_families: Callable[[], Sequence[type[TaskFamily]]]
