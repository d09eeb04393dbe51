"""Shared read-only databases attached to every world, and services sites offer each other."""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI
from sqlalchemy import Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from webtwin.simulators.core.crosssite import Email, email_owner, send_email
from webtwin.simulators.core.generation import WorldFactory, generation_order
from webtwin.simulators.core.shared import SharedDatabase
from webtwin.simulators.core.site import SiteSpec
from webtwin.simulators.core.world import World


class _SharedBase(DeclarativeBase):
    metadata = MetaData(schema="parts")


class Part(_SharedBase):
    __tablename__ = "part"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class _OwnBase(DeclarativeBase):
    pass


class Inbox(_OwnBase):
    __tablename__ = "test_inbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[int] = mapped_column(Integer)


BUILDS: list[int] = []


def _build_parts(connection: sqlite3.Connection) -> None:
    BUILDS.append(1)
    connection.execute("CREATE TABLE parts.part (id INTEGER PRIMARY KEY, name TEXT)")
    connection.executemany("INSERT INTO parts.part VALUES (?, ?)", [(1, "bolt"), (2, "nut")])


def _deliver(s: Session, world: World, email: Email) -> None:
    s.add(Inbox(id=World.next_id(s, "test_inbox"), subject=email.subject,
                sent_at=email.sent_at if email.sent_at is not None else world.now))


def _spec(name: str, **kwargs: object) -> SiteSpec:
    metadata = kwargs.pop("metadata", MetaData())
    return SiteSpec(name=name, title=name, metadata=metadata,  # type: ignore[arg-type]
                    generate=lambda world, seed: None, build_app=FastAPI,
                    task_families=lambda: [], **kwargs)  # type: ignore[arg-type]


PARTS = SharedDatabase(schema="parts", metadata=_SharedBase.metadata, build=_build_parts,
                       version="test")
STORE = _spec("store", shared=PARTS)
POST = _spec("post", metadata=_OwnBase.metadata,
             provides={"email.deliver": _deliver, "email.owner": lambda s: ("Ada", "ada@x.test")})


def _names(world: World) -> list[str]:
    return [row[0] for row in world.conn.execute("SELECT name FROM parts.part ORDER BY id")]


def test_shared_database_is_built_once_and_attached_to_every_world() -> None:
    first, second = World.empty([STORE], 1), World.empty([STORE], 2)
    assert _names(first) == _names(second) == ["bolt", "nut"]
    assert len(BUILDS) == 1


def test_shared_data_stays_out_of_snapshots_and_survives_restore_and_fork() -> None:
    world = World.empty([STORE], 1)
    image = world.snapshot()
    assert b"bolt" not in image
    world.restore(image)
    assert _names(world) == ["bolt", "nut"]
    assert _names(world.fork()) == ["bolt", "nut"]
    assert _names(World.from_bytes([STORE], WorldFactory().template([STORE], 5))) == [
        "bolt", "nut"]


def test_send_email_reaches_a_mailbox_only_when_the_world_has_one() -> None:
    alone, both = World.empty([STORE], 1), World.empty([STORE, POST], 1)
    email = Email("Shop", "orders@shop.test", "Order placed", "Thanks", sent_at=None)
    with alone.transaction() as s:
        assert not send_email(s, alone, email)
        assert email_owner(s, alone) is None
    with both.transaction() as s:
        assert send_email(s, both, email)
        assert email_owner(s, both) == ("Ada", "ada@x.test")
    rows = both.conn.execute("SELECT subject, sent_at FROM test_inbox").fetchall()
    assert rows == [("Order placed", both.now)]


def test_providers_generate_before_the_sites_that_use_them() -> None:
    assert [site.name for site in generation_order([STORE, POST])] == ["post", "store"]
