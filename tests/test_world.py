"""The core world: snapshots, forks, digests, diffs, clock and events, over every site."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text

from webtwin.simulators.core import SiteSpec, World, WorldFactory
from webtwin.simulators.core.models import ScheduledEvent
from webtwin.simulators.core.state import diff_connections
from webtwin.simulators.core.tasks import agent_changes


def test_generation_is_deterministic(site: SiteSpec) -> None:
    first = WorldFactory().template([site], 5)
    second = WorldFactory().template([site], 5)
    assert World.from_bytes([site], first).digest() == World.from_bytes([site], second).digest()


def test_different_seeds_give_different_worlds(site: SiteSpec, factory: WorldFactory) -> None:
    a = World.from_bytes([site], factory.template([site], 1))
    b = World.from_bytes([site], factory.template([site], 2))
    assert a.digest() != b.digest()


def test_world_stays_small(site: SiteSpec, factory: WorldFactory) -> None:
    for seed in range(5):
        assert len(factory.template([site], seed)) < 1_000_000


def test_restore_returns_exact_state(world: World) -> None:
    start, digest = world.snapshot(), world.digest()
    world.advance(6 * 3600)
    assert world.digest() != digest, "six hours of virtual time should deliver something"
    world.restore(start)
    assert world.digest() == digest
    assert world.snapshot() == start


def indexed(world: World) -> dict[str, list[Any]]:
    """What every virtual table (a full-text index) holds, row by row."""
    names = [name for (name,) in world.conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    return {name: world.conn.execute(f"SELECT rowid, * FROM {name} ORDER BY rowid").fetchall()
            for name in names}


def test_restore_keeps_the_connection_only_where_that_is_safe(site: SiteSpec,
                                                             factory: WorldFactory) -> None:
    """A trusted image of the connection's schema goes into the same connection (its parsed
    schema and prepared statements kept); an uploaded image (`trusted=False`) always gets a
    fresh connection, and so does the image after it (the connection's schema came from the
    upload). Either way the world then holds exactly the image, and works on from it (mail's
    full-text index too: the advance delivers mail)."""
    world = World.from_bytes([site], factory.template([site], 1))
    other = factory.template([site], 2)
    expected = World.from_bytes([site], other)
    for trusted, kept in ((True, True), (True, True), (False, False), (True, False),
                          (True, True)):
        before = world.conn
        world.advance(6 * 3600)  # state (and statements) of the old image first
        world.restore(other, trusted=trusted)
        assert (world.conn is before) == kept
        assert world.snapshot() == other and world.digest() == expected.digest()
        world.advance(6 * 3600)
        expected.advance(6 * 3600)
        assert world.digest() == expected.digest()
        assert indexed(world) == indexed(expected)  # derived state (mail's index) too
        expected.restore(other)
    world.close()
    expected.close()


def test_restore_takes_a_fresh_connection_when_a_trigger_writes_a_virtual_table() -> None:
    """An FTS4 table written by a trigger keeps pending writes in the connection's instance
    of the table, which a restore into the same connection would leave behind."""
    from fastapi import FastAPI

    def index_by_trigger(connection: Any) -> None:
        connection.exec_driver_sql("CREATE VIRTUAL TABLE note_fts USING fts4(body)")
        connection.exec_driver_sql(
            "CREATE TRIGGER note_ai AFTER INSERT ON note BEGIN "
            "INSERT INTO note_fts (docid, body) VALUES (new.id, new.body); END")

    metadata = MetaData()
    Table("note", metadata, Column("id", Integer, primary_key=True), Column("body", Text))
    spec = SiteSpec(name="notes", title="Notes", metadata=metadata,
                    generate=lambda world, seed: None, build_app=FastAPI,
                    task_families=lambda: (), after_create=index_by_trigger)
    image = World.empty([spec], 1).snapshot()
    world = World.from_bytes([spec], image)
    before = world.conn
    world.restore(image)
    assert world.conn is not before
    world.close()


def test_fork_is_independent(world: World) -> None:
    digest = world.digest()
    fork = world.fork()
    fork.advance(6 * 3600)
    assert world.digest() == digest
    assert fork.digest() != digest
    fork.close()


def test_clock_only_moves_forward_and_fires_events_in_order(world: World) -> None:
    now = world.now
    with world.session() as session:
        pending = session.query(ScheduledEvent).filter(ScheduledEvent.fired.is_(False)).count()
    assert pending > 0, "generated worlds schedule future events"
    fired = world.advance(24 * 3600)
    assert fired >= 1
    assert world.now == now + 24 * 3600
    try:
        world.advance(-1)
    except ValueError:
        pass
    else:
        raise AssertionError("advance(-1) must be refused")


def test_same_actions_same_digest_across_forks(world: World) -> None:
    a, b = world.fork(), world.fork()
    for copy in (a, b):
        copy.advance(3600)
    assert a.digest() == b.digest()


def test_diff_sees_inserts_updates_and_deletes(world: World) -> None:
    after = world.fork()
    after.advance(6 * 3600)
    diff = diff_connections(world.conn, after.conn, world.tables())
    assert diff, "time passing changes the world"
    assert "world_meta" in diff.changed_tables()
    assert not diff_connections(world.conn, world.conn, world.tables())


def test_diff_reports_exactly_the_changed_rows(world: World) -> None:
    after = world.fork()
    before_meta = dict(world.conn.execute("SELECT key, value FROM world_meta").fetchall())
    after.conn.execute("UPDATE world_meta SET value = 'changed' WHERE key = 'now'")
    after.conn.execute("DELETE FROM world_meta WHERE key = 'start'")
    after.conn.execute("INSERT INTO world_meta (key, value) VALUES ('probe', '')")
    diff = diff_connections(world.conn, after.conn, world.tables())
    assert diff.changed_tables() == ["world_meta"]
    change = diff.table("world_meta")
    assert change.inserted == [{"key": "probe", "value": ""}]
    assert change.deleted == [{"key": "start", "value": before_meta["start"]}]
    assert change.updated == [({"key": "now", "value": before_meta["now"]},
                               {"key": "now", "value": "changed"})]
    reverse = diff_connections(after.conn, world.conn, world.tables()).table("world_meta")
    assert (reverse.inserted, reverse.deleted) == (change.deleted, change.inserted)


def test_snapshot_survives_disk(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "world.sqlite"
    path.write_bytes(world.snapshot())
    loaded = World.from_bytes(list(world.sites.values()), path.read_bytes())
    assert loaded.digest() == world.digest()


def test_diffs_of_other_kinds_of_world_with_the_same_cookie_stay_right() -> None:
    # SQLite re-reads a schema after `deserialize` only if the schema cookie changed: a kind
    # of world that shares a table with another kind, at another root page, and has the same
    # cookie must not be read through the other kind's schema.
    def table(name: str) -> Table:
        return Table(name, MetaData(), Column("id", Integer, primary_key=True), Column("v", Text))

    item, extra = table("item"), table("extra")

    def image(names: list[str], value: str) -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:")
        for name in names:
            conn.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, v TEXT)")
        conn.execute("INSERT INTO item VALUES (1, ?)", (value,))
        conn.commit()
        return conn

    one_kind, other_kind = image(["item", "pad"], "a"), image(["extra", "item"], "b")
    assert one_kind.execute("PRAGMA schema_version").fetchone() == \
        other_kind.execute("PRAGMA schema_version").fetchone()
    assert not diff_connections(one_kind, one_kind, [item, table("pad")])
    diff = diff_connections(other_kind, image(["extra", "item"], "b2"), [item, extra])
    assert diff.table("item").updated == [({"id": 1, "v": "b"}, {"id": 1, "v": "b2"})]


def test_read_only_world_reads_each_image_and_refuses_writes(site: SiteSpec,
                                                             factory: WorldFactory) -> None:
    images = [factory.template([site], seed) for seed in (1, 2, 1)]
    digests = [World.from_bytes([site], image).digest() for image in images]
    kept = []
    for image, digest in zip(images, digests, strict=True):
        with World.read_only([site], image) as world:
            kept.append(world)
            assert world.digest() == digest
            assert world.snapshot() is image, "an image that cannot change is not serialized"
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                world.conn.execute("UPDATE world_meta SET value = 'x' WHERE key = 'now'")
    assert kept[0] is kept[1] is kept[2], "the thread keeps one world per site set"
    with World.read_only([site], images[0]) as outer:
        with World.read_only([site], images[1]) as nested:
            assert nested is not outer and nested.digest() == digests[1]
        assert outer.digest() == digests[0]


def test_read_only_world_refuses_full_text_tables(factory: WorldFactory) -> None:
    from webtwin.simulators import SITES
    from webtwin.simulators.mail.search import FTS_TABLE

    mail = SITES["mail"]
    with World.read_only([mail], factory.template([mail], 1)) as world:
        with pytest.raises(sqlite3.DatabaseError, match="prohibited|not authorized"):
            world.conn.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'a'")


def test_agent_changes_without_due_events_match_the_advanced_baseline(world: World) -> None:
    after = world.fork()
    after.conn.execute("DELETE FROM world_meta WHERE key = 'probe'")  # no change: a no-op
    due = world.conn.execute("SELECT min(due_at) FROM scheduled_event WHERE NOT fired")
    next_due = due.fetchone()[0]
    after.advance_to(next_due - 1)  # time passes, nothing fires
    assert not world.events_due(after.now)
    fast = agent_changes(world, after)
    baseline = world.fork()
    baseline.advance_to(after.now)
    tables = [t for t in world.tables() if not t.info.get("bookkeeping")]
    assert fast == diff_connections(baseline.conn, after.conn, tables)
    after.advance_to(next_due)
    assert world.events_due(after.now)
    assert not agent_changes(world, after), "what time alone does is not the agent's doing"
