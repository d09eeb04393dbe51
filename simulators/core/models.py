"""Core tables every world holds: metadata (clock, seed), id counters and scheduled events."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["CoreBase", "WorldMeta", "IdCounter", "ScheduledEvent"]


class CoreBase(DeclarativeBase):
    """Declarative base of the core tables (each site has its own base and metadata)."""


class WorldMeta(CoreBase):
    """Key/value facts about the world: `now` (virtual epoch seconds), `seed`, `sites`."""

    __tablename__ = "world_meta"
    __table_args__ = {"info": {"bookkeeping": True}}
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class IdCounter(CoreBase):
    """Next id per table, so ids never depend on what was deleted or on insertion races."""

    __tablename__ = "id_counter"
    __table_args__ = {"info": {"bookkeeping": True}}
    table: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_id: Mapped[int] = mapped_column(Integer)


class ScheduledEvent(CoreBase):
    """Something that happens when the virtual clock passes `due_at` (a delivery, a reply)."""

    __tablename__ = "scheduled_event"
    __table_args__ = {"info": {"bookkeeping": True}}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_at: Mapped[int] = mapped_column(Integer, index=True)
    site: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    fired: Mapped[bool] = mapped_column(default=False)
