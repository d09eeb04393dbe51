"""Immutable data shared by every world of a process: one in-memory database, attached.

A shop's catalog (a thousand products, their variants and reviews) is the same in every world
and never changes during an episode. Copying it into each world would multiply memory and
snapshot size by the number of worlds; instead it is built once per process into a
shared-cache in-memory SQLite database, which every world's connection ATTACHes under the
schema name the site chooses (e.g. `catalog`). Snapshots (`serialize`) hold the `main`
schema only, so digests, diffs and resets never see the shared part.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import MetaData

__all__ = ["SharedDatabase", "attach_shared"]


@dataclass(frozen=True)
class SharedDatabase:
    """A read-only database a site's worlds share.

    ## Parameters
    - `schema`: the name worlds attach it under; the site's shared tables declare
      `schema=<this>` so that their queries join with the world's own tables.
    - `metadata`: the tables (each with `schema=<schema>`).
    - `build`: `build(connection)` creates and fills the tables once per process. The
      connection has the database attached under `schema`. It must be deterministic: every
      process builds the same bytes.
    - `version`: part of the in-memory database name; bump it when the content changes so a
      long-lived process never mixes two builds.
    """

    schema: str
    metadata: MetaData
    build: Callable[[sqlite3.Connection], None]
    version: str = "1"

    @property
    def uri(self) -> str:
        return f"file:webtwin-{self.schema}-{self.version}?mode=memory&cache=shared"


# The holder connections keep each shared database alive for the life of the process (an
# in-memory shared-cache database disappears with its last connection).
_HOLDERS: dict[str, sqlite3.Connection] = {}
_LOCK = threading.Lock()


def attach_shared(connection: sqlite3.Connection, shared: SharedDatabase) -> None:
    """Attach `shared` to a world's connection, building it first if this process has not."""
    _ensure_built(shared)
    connection.execute(f"ATTACH DATABASE ? AS {_identifier(shared.schema)}", (shared.uri,))


def _ensure_built(shared: SharedDatabase) -> None:
    if shared.uri in _HOLDERS:
        return
    with _LOCK:
        if shared.uri in _HOLDERS:
            return
        holder = sqlite3.connect(":memory:", uri=True, check_same_thread=False)
        holder.isolation_level = None
        holder.execute(f"ATTACH DATABASE ? AS {_identifier(shared.schema)}", (shared.uri,))
        shared.build(holder)
        _HOLDERS[shared.uri] = holder


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a schema name: {name!r}")
    return name
