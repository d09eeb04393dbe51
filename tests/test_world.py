"""The core world: snapshots, forks, digests, diffs, clock and events, over every site."""

from __future__ import annotations

from webtwin.simulators.core import SiteSpec, World, WorldFactory
from webtwin.simulators.core.models import ScheduledEvent
from webtwin.simulators.core.state import diff_connections


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
