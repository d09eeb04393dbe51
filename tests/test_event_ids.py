"""Rows the clock creates get the same ids whatever the agent did before (lineage ids)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from webtwin.simulators.core.site import SiteSpec
from webtwin.simulators.core.tasks import agent_changes
from webtwin.simulators.core.world import LINEAGE_ID_BASE, World


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    __tablename__ = "test_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(100))


def _post_note(s: Session, world: World, payload: dict[str, Any]) -> None:
    s.add(Note(id=World.next_id(s, "test_note"), text=payload["text"]))
    if payload.get("again"):  # an event that schedules the next one
        world.schedule(s, world.now + 60, "notes", "post", {"text": payload["again"]})


NOTES = SiteSpec(name="notes", title="Notes", metadata=_Base.metadata,
                 generate=lambda world, seed: None, build_app=FastAPI,
                 task_families=lambda: [], event_handlers={"post": _post_note})


def _start() -> World:
    world = World.empty([NOTES], 0)
    with world.transaction() as s:
        world.schedule(s, world.now + 120, "notes", "post",
                       {"text": "from the clock", "again": "and its follow-up"})
    return world


def test_an_agents_row_does_not_shift_the_ids_of_rows_events_create() -> None:
    before = _start()
    after = before.fork()
    with after.transaction() as s:  # the agent writes first ...
        s.add(Note(id=World.next_id(s, "test_note"), text="by the agent"))
    after.advance(600)  # ... then the clock writes into the same table
    diff = agent_changes(before, after)
    assert [row["text"] for row in diff.table("test_note").inserted] == ["by the agent"]
    assert diff.table("test_note").updated == []


def test_lineage_ids_are_deterministic_and_above_counter_ids() -> None:
    first, second = _start(), _start()
    first.advance(600)
    second.advance(600)
    ids = [row[0] for row in first.conn.execute("SELECT id FROM test_note ORDER BY id")]
    assert len(ids) == 2 and all(i >= LINEAGE_ID_BASE for i in ids)
    assert first.digest() == second.digest()
