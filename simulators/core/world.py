"""A world: one isolated, snapshot-able copy of the state of a set of sites.

The whole state (rows, virtual clock, id counters, scheduled events) lives in one in-memory
SQLite database, so `snapshot()` is `serialize()` and `restore()` is `deserialize()`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from .models import CoreBase, ScheduledEvent, WorldMeta
from .rng import derive_seed, substream
from .shared import attach_shared
from .site import SiteSpec
from .state import digest_connection, schema_cookie

__all__ = ["World", "UserError", "WORLD_EPOCH", "WorldConnection", "per_image"]

# 2026-03-02 09:00 UTC, a Monday. Worlds start at this date plus a seeded number of days, so a
# world's "today" never depends on when it is run.
WORLD_EPOCH = 1772442000
DAY = 86400


class UserError(ValueError):
    """A request the site refuses with a message for the user (bad address, empty cart, ...)."""


class World:
    """One world: an in-memory SQLite database holding the state of `sites`.

    ## Description
    Services change state inside `transaction()`; the virtual clock moves only through
    `advance()`, which fires due scheduled events in (due time, id) order.

    ## Parameters
    - `sites`: the site specs this world holds (their tables exist in it).
    - `conn`: an open sqlite3 connection; a new empty in-memory one by default.
    """

    def __init__(self, sites: Sequence[SiteSpec], conn: sqlite3.Connection | None = None):
        self.sites: dict[str, SiteSpec] = {site.name: site for site in sites}
        self.conn = conn or _connect(self.sites.values())
        # Autocommit at the sqlite3 level: SQLAlchemy sessions issue their own BEGIN, and the
        # clock's one-statement update must never leave an implicit transaction open.
        self.conn.isolation_level = None
        self.engine: Engine = _engine_over(lambda: self.conn)
        self._image: bytes | None = None  # a read-only world's image (`read_only`)
        self._settlers = [site.after_commit for site in sorted(sites, key=lambda spec: spec.name)
                          if site.after_commit is not None]
        # The schema cookie of the connection's image when the next image of that schema may
        # go into the same connection (`restore`), else None.
        self._reusable: bytes | None = None

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def empty(cls, sites: Sequence[SiteSpec], seed: int) -> World:
        """A world with every table created, the clock set, and no content."""
        world = cls(sites)
        with world.engine.begin() as connection:
            CoreBase.metadata.create_all(connection)
            for site in sites:
                site.metadata.create_all(connection)
                if site.after_create is not None:
                    site.after_create(connection)
        start = WORLD_EPOCH + substream(seed, "clock").randrange(0, 200) * DAY
        with world.transaction() as session:
            for key, value in (("seed", seed), ("now", start), ("start", start)):
                session.add(WorldMeta(key=key, value=str(value)))
            session.add(WorldMeta(key="sites", value=",".join(sorted(world.sites))))
        return world

    @classmethod
    def from_bytes(cls, sites: Sequence[SiteSpec], data: bytes) -> World:
        world = cls(sites)
        world.restore(data)
        return world

    @classmethod
    @contextmanager
    def read_only(cls, sites: Sequence[SiteSpec], data: bytes) -> Iterator[World]:
        """The image `data` as a world that can only be read, while the block runs.

        Verification reads the start state of every episode. A new connection parses the
        whole schema on its first statement and prepares every query again; this world's
        connection is kept by the thread for the next image of the same sites, with both
        done: SQLite keeps a parsed schema across `deserialize` while the image's schema
        cookie is the one it parsed (the sites' code fixes their schema, and the cookie is
        checked). Writes fail (`PRAGMA query_only`), and so does any statement on a virtual
        (full-text) table, which caches index state in its connection that the next image
        would leave stale. `fork()` gives a writable copy on a connection of its own.
        """
        key = tuple(sorted(site.name for site in sites))
        # per thread: sites -> (the kept world, the schema cookie of its connection's schema)
        kept: dict[tuple[str, ...], tuple[World, bytes]] = _READERS.__dict__.setdefault("kept", {})
        reader = kept.pop(key, None)  # a nested block of the same sites gets a world of its own
        if reader is not None and reader[1] != schema_cookie(data):
            reader[0].close()
            reader = None
        if reader is None:
            reader = (cls(sites, _read_only_connection(sites, data)), schema_cookie(data))
        else:
            reader[0].conn.deserialize(data)
        world = reader[0]
        world._image = data  # its snapshot, without serializing what cannot change
        try:
            yield world
        finally:
            if world.conn.in_transaction:  # a session left open must not block the next image
                world.conn.execute("ROLLBACK")
            if kept.setdefault(key, reader) is not reader:
                world.close()

    # -- sessions ---------------------------------------------------------------------------
    def session(self) -> Session:
        """A session on this world; after each commit its sites settle (`settle`)."""
        return Session(self.engine, expire_on_commit=False, autoflush=True,
                       info={_WORLD: self} if self._settlers else {})

    def settle(self) -> None:
        """Bring derived state up to date (each site's `after_commit`, e.g. mail's full-text
        index), unless a transaction is open or the world is read-only. Runs after every
        commit of this world's sessions and before every snapshot."""
        if self._settlers and self._image is None and not self.conn.in_transaction:
            for settle in self._settlers:
                settle(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose changes commit together or, on any exception, not at all."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- clock and ids ----------------------------------------------------------------------
    def meta(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM world_meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(f"world has no meta key {key!r}")
        return str(row[0])

    @property
    def now(self) -> int:
        """Virtual time, in epoch seconds (UTC)."""
        return int(self.meta("now"))

    @property
    def seed(self) -> int:
        return int(self.meta("seed"))

    @staticmethod
    def next_id(session: Session, table: str) -> int:
        """Allocate the next id of `table`.

        Outside events, from the counter stored in the world (plain SQL on the session's
        connection: one statement whatever the session holds). Inside a firing event, from
        the event's lineage (see `_lineage_id`), so that what the clock creates gets the same
        ids whatever the agent created before it.
        """
        firing = session.info.get(_FIRING)
        if firing is not None:
            return _lineage_id(session, table, firing)
        connection = session.connection()
        row = connection.exec_driver_sql(
            'UPDATE id_counter SET next_id = next_id + 1 WHERE "table" = ? RETURNING next_id',
            (table,)).first()
        if row is None:
            connection.exec_driver_sql(
                'INSERT INTO id_counter ("table", next_id) VALUES (?, 2)', (table,))
            return 1
        return int(row[0]) - 1

    def schedule(
        self, session: Session, due_at: int, site: str, kind: str, payload: dict[str, Any]
    ) -> int:
        """Schedule `site`'s handler `kind` to run when the clock reaches `due_at`."""
        if kind not in self.sites[site].event_handlers:
            raise KeyError(f"site {site!r} has no event handler {kind!r}")
        event_id = self.next_id(session, ScheduledEvent.__tablename__)
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        session.add(ScheduledEvent(id=event_id, due_at=due_at, site=site, kind=kind, payload=body))
        return event_id

    def advance(self, seconds: int) -> int:
        """Move the clock forward by `seconds`, firing due events; returns how many fired."""
        if seconds < 0:
            raise ValueError("the virtual clock never goes backwards")
        return self.advance_to(self.now + seconds)

    def advance_to(self, when: int) -> int:
        """Move the clock to `when` (never backwards), firing due events in order."""
        target = max(when, self.now)
        if not self.events_due(target):
            # The common step: nothing fires, so skip the ORM and set the clock in one statement.
            self.conn.execute("UPDATE world_meta SET value = ? WHERE key = 'now'", (str(target),))
            return 0
        fired = 0
        with self.transaction() as session:
            while (due := _next_due_event(session, target)) is not None:
                _set_now(session, max(due.due_at, self.now))
                handler = self.sites[due.site].event_handlers[due.kind]
                session.info[_FIRING] = _Firing(due.id)
                try:
                    handler(session, self, json.loads(due.payload))
                finally:
                    del session.info[_FIRING]
                due.fired = True
                session.flush()
                fired += 1
            _set_now(session, target)
        return fired

    def events_due(self, when: int) -> bool:
        """Whether advancing the clock to `when` would fire any event."""
        row = self.conn.execute(
            "SELECT 1 FROM scheduled_event WHERE NOT fired AND due_at <= ? LIMIT 1", (when,))
        return row.fetchone() is not None

    # -- snapshots --------------------------------------------------------------------------
    def snapshot(self) -> bytes:
        """The whole state as bytes (a SQLite database image), derived state settled.

        Two worlds in the same state can give different bytes: where SQLite puts rows in
        its pages depends on the connection's history (a connection that wrote to an image
        before `restore` lays out the next one's writes differently). Compare states with
        `digest()`, which hashes rows."""
        if self._image is not None:
            return self._image
        self.settle()
        return self.conn.serialize()

    def restore(self, data: bytes, *, trusted: bool = True) -> None:
        """Replace the whole state with a snapshot taken from a world of the same sites.

        The image goes into the same connection when that is safe, so the connection keeps
        its parsed schema and every statement it has prepared: a fresh connection parses the
        schema and prepares each statement again on first use, about 1 ms of an episode of a
        few steps. SQLite keeps both across `deserialize` while the image's schema cookie is
        the one it parsed (the sites' code fixes their schema). It is safe when:
        - the image is `trusted` (this world's own snapshots and the generated ones; an
          uploaded image could have the same cookie and another schema);
        - its schema cookie is the connection's and no transaction is open;
        - no trigger writes to a virtual table. A virtual table's instance lives in the
          connection, and a statement prepared before the swap keeps using the old one
          (its internal statements too). So every statement on a virtual table must be
          prepared for each image (`per_image`), which a trigger's cannot be: it is part of
          whatever statement changed the row. Mail's index is written by `after_commit`.
        Otherwise the image goes into a fresh connection.

        Table-valued functions (`json_each`, `pragma_*`) must never be used on a world's
        connection: SQLite keeps an eponymous virtual table's pointer to the schema that
        `deserialize` frees, and the next statement using one crashes the process (3.40).
        `tests/test_hygiene.py` bans them from the code.
        """
        if (trusted and self._reusable is not None and self._reusable == schema_cookie(data)
                and not self.conn.in_transaction):
            self.conn.deserialize(data)
            if isinstance(self.conn, WorldConnection):
                self.conn.image += 1
            return
        fresh = _connect(())
        fresh.deserialize(data)
        _attach(fresh, self.sites.values())
        stale, self.conn = self.conn, fresh
        self.engine.pool.dispose()  # the next session connects through the creator: `fresh`
        stale.close()
        cookie = schema_cookie(data)
        unsafe = _triggers_write_virtual_tables(fresh, (tuple(sorted(self.sites)), cookie))
        self._reusable = cookie if trusted and not unsafe else None

    def capability(self, name: str) -> Callable[..., Any] | None:
        """The service `name` that one of this world's sites provides, or None."""
        for site in sorted(self.sites.values(), key=lambda spec: spec.name):
            if name in site.provides:
                return site.provides[name]
        return None

    def fork(self) -> World:
        """An independent copy of this world at this instant."""
        return World.from_bytes(list(self.sites.values()), self.snapshot())

    def digest(self) -> str:
        """Canonical hash of the state (derived tables such as search indexes excluded)."""
        return digest_connection(self.conn, self.tables())

    def tables(self) -> list[Any]:
        """All SQLAlchemy tables of this world that hold state, sorted by name."""
        derived = {name for site in self.sites.values() for name in site.derived_tables}
        found = list(CoreBase.metadata.tables.values())  # not `sorted_tables`: a topological
        for site in self.sites.values():                  # sort, on every verification
            found.extend(site.metadata.tables.values())
        return sorted((t for t in found if t.name not in derived), key=lambda t: t.name)

    def close(self) -> None:
        self.engine.dispose()
        self.conn.close()


def _shared_engine_parts() -> tuple[Any, Any, Any]:
    """Dialect, URL and compiled-statement cache shared by every world's engine.

    SQLAlchemy caches compiled SQL per engine, keyed by the dialect object. A world per
    episode would otherwise start with an empty cache and compile every query again; sharing
    one initialised dialect and one cache makes a query compiled for any world reusable by all.
    """
    prototype = create_engine("sqlite://", poolclass=StaticPool, query_cache_size=5000)
    with prototype.connect():
        pass  # initialises the dialect (SQLite version, RETURNING support, ...)
    return prototype.dialect, prototype.url, prototype._compiled_cache


_DIALECT, _URL, _COMPILED_CACHE = _shared_engine_parts()


def _connect(sites: Iterable[SiteSpec]) -> sqlite3.Connection:
    # uri=True so that ATTACH understands the shared databases' `file:...?mode=memory` names.
    connection = sqlite3.connect(":memory:", uri=True, check_same_thread=False,
                                 factory=WorldConnection)
    connection.isolation_level = None
    _attach(connection, sites)
    return connection


_READERS = threading.local()  # per thread: the connection `World.read_only` keeps per sites


class WorldConnection(sqlite3.Connection):
    """A world's sqlite3 connection; `image` counts the images `World.restore` put into it."""

    image = 0


def per_image(connection: sqlite3.Connection, sql: str) -> str:
    """`sql` marked with the connection's image number, for a statement on a virtual table:
    the connection's statement cache then prepares it again for every image (see
    `World.restore`), so no virtual table instance outlives its image."""
    return f"{sql}\n/* image {getattr(connection, 'image', 0)} */"


_WORLD = "webtwin.world"  # a session's world, in `Session.info`, for `_settle_after_commit`


@event.listens_for(Session, "after_commit")
def _settle_after_commit(session: Session) -> None:
    world = session.info.get(_WORLD)
    if world is not None:
        world.settle()


# (site names, schema cookie) -> whether a trigger of that schema writes a virtual table
_TRIGGERED_VIRTUAL: dict[tuple[tuple[str, ...], bytes], bool] = {}
_TRIGGERS_ON_VIRTUAL = """
SELECT 1 FROM main.sqlite_master AS t JOIN main.sqlite_master AS v
  ON v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
WHERE t.type = 'trigger' AND instr(lower(t.sql), lower(v.name)) > 0 LIMIT 1
"""


def _triggers_write_virtual_tables(connection: sqlite3.Connection,
                                   schema: tuple[tuple[str, ...], bytes]) -> bool:
    """Whether a trigger of `connection`'s main database (of the sites and schema cookie
    `schema`) names a virtual table; asked once per schema, as it makes SQLite parse it."""
    if schema not in _TRIGGERED_VIRTUAL:
        found = connection.execute(_TRIGGERS_ON_VIRTUAL).fetchone()
        _TRIGGERED_VIRTUAL[schema] = found is not None
    return _TRIGGERED_VIRTUAL[schema]


def _read_only_connection(sites: Iterable[SiteSpec], data: bytes) -> sqlite3.Connection:
    """A connection holding `data` that refuses writes and any use of a virtual table."""
    connection = _connect(())
    connection.deserialize(data)
    _attach(connection, sites)
    virtual = {name for (name,) in connection.execute(
        "SELECT name FROM main.sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}

    def authorize(action: int, table: str | None, *_: str | None) -> int:
        if table is not None and (table in virtual
                                  or any(table.startswith(name + "_") for name in virtual)):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    connection.execute("PRAGMA query_only = ON")
    connection.set_authorizer(authorize)
    return connection


def _attach(connection: sqlite3.Connection, sites: Iterable[SiteSpec]) -> None:
    """Attach the shared read-only databases of `sites` (after a deserialize, again)."""
    for site in sorted(sites, key=lambda spec: spec.name):
        if site.shared is not None:
            attach_shared(connection, site.shared)


def _engine_over(current: Callable[[], sqlite3.Connection]) -> Engine:
    """A SQLAlchemy engine whose only connection is the world's current one."""
    pool = StaticPool(current, dialect=_DIALECT)  # type: ignore[arg-type]
    engine = Engine(pool, _DIALECT, _URL)
    engine._compiled_cache = _COMPILED_CACHE

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


_FIRING = "webtwin.firing_event"
# Ids of rows created by firing events live above every counter-allocated id.
LINEAGE_ID_BASE = 10**9
LINEAGE_ID_SPAN = 9 * 10**9


@dataclass
class _Firing:
    """The event being fired, and how many ids of each table it has allocated."""

    event_id: int
    allocated: dict[str, int] = field(default_factory=dict)
    handed_out: set[tuple[str, int]] = field(default_factory=set)  # not yet flushed


def _lineage_id(session: Session, table: str, firing: _Firing) -> int:
    """An id for a row a firing event creates, derived from the event id and a sequence.

    Verifiers compare the agent's final state with the start state advanced to the same time.
    With one counter, an agent's row (an order, a reply) would take the id a background event
    then takes in the baseline, and every later row would shift: the diff would report the
    agent's row as an update and the event's row as an insert. Background events were
    scheduled before the agent acted (or by other background events, whose ids are derived the
    same way), so their rows get identical ids in both worlds. A taken id (a hash collision,
    vanishingly rare) moves on deterministically.
    """
    sequence = firing.allocated.get(table, 0)
    firing.allocated[table] = sequence + 1
    connection = session.connection()
    for attempt in range(1000):
        candidate = LINEAGE_ID_BASE + derive_seed(
            firing.event_id, table, sequence, attempt) % LINEAGE_ID_SPAN
        taken = (table, candidate) in firing.handed_out or connection.exec_driver_sql(
            f'SELECT 1 FROM "{table}" WHERE id = ?', (candidate,)).first() is not None
        if not taken:
            firing.handed_out.add((table, candidate))
            return candidate
    raise RuntimeError(f"no free lineage id in {table}")


def _next_due_event(session: Session, when: int) -> ScheduledEvent | None:
    query = (
        select(ScheduledEvent)
        .where(ScheduledEvent.fired.is_(False), ScheduledEvent.due_at <= when)
        .order_by(ScheduledEvent.due_at, ScheduledEvent.id)
        .limit(1)
    )
    return session.scalars(query).first()


def _set_now(session: Session, when: int) -> None:
    row = session.get(WorldMeta, "now")
    assert row is not None, "world_meta.now is created with the world"
    row.value = str(when)
