"""Conversation operations: the toolbar of the thread list and the thread page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Label, Message, Thread, ThreadLabel
from .common import clock, delete_thread
from .errors import MailError

__all__ = ["THREAD_OPS", "open_thread", "thread_op"]

# Each flag op sets these attributes; `changed` counts threads where any value differs.
_FLAG_OPS: dict[str, dict[str, object]] = {
    "archive": {"in_inbox": False},
    "move_inbox": {"in_inbox": True, "spam": False, "trashed": False, "trashed_at": None},
    "restore": {"trashed": False, "trashed_at": None, "in_inbox": True},
    "spam": {"spam": True},
    "not_spam": {"spam": False, "in_inbox": True},
    "star": {"starred": True},
    "unstar": {"starred": False},
    "important": {"important": True},
    "not_important": {"important": False},
    "unsnooze": {"snoozed_until": None},
}
THREAD_OPS = tuple(sorted([*_FLAG_OPS, "trash", "delete_forever", "read", "unread",
                           "add_label", "remove_label", "snooze"]))


def thread_op(s: Session, world: World, ids: Sequence[int], op: str, *,
              label_id: int | None = None, until: int | None = None) -> int:
    """Apply `op` to every thread in `ids`; returns how many threads actually changed.

    Everything is validated first (op, ids, label, snooze time), so a refused request
    changes nothing.
    """
    if op not in THREAD_OPS:
        raise MailError(f"unknown action {op!r}; expected one of: {', '.join(THREAD_OPS)}")
    threads = _threads(s, ids)
    now = clock(s, world)
    apply = _operation(s, op, now, label_id, until, threads)
    return sum(1 for thread in threads if apply(thread))


def open_thread(s: Session, thread_id: int) -> None:
    """Mark every message of the thread read (opening a conversation reads it).

    Two plain statements rather than ORM loads (0.4 ms less): the conversation page does this
    on every visit. Messages of the thread this session holds are expired, so they reload.
    """
    s.flush()
    connection = s.connection()
    if connection.exec_driver_sql(_THREAD_EXISTS, (thread_id,)).first() is None:
        raise MailError(f"there is no conversation with id {thread_id}")
    connection.exec_driver_sql(_MARK_READ, (thread_id,))
    for held in list(s.identity_map.values()):
        if isinstance(held, Message) and held.thread_id == thread_id:
            s.expire(held, ["is_read"])


_THREAD_EXISTS = "SELECT 1 FROM mail_thread WHERE id = ?"
_MARK_READ = "UPDATE mail_message SET is_read = 1 WHERE thread_id = ? AND NOT is_read"


def _threads(s: Session, ids: Sequence[int]) -> list[Thread]:
    """The distinct threads of `ids` in id order, or MailError if none or any is unknown."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise MailError("select at least one conversation")
    found = s.scalars(select(Thread).where(Thread.id.in_(wanted)).order_by(Thread.id)).all()
    missing = sorted(set(wanted) - {t.id for t in found})
    if missing:
        raise MailError(f"no conversation with id {', '.join(map(str, missing))}")
    return list(found)


def _operation(s: Session, op: str, now: int, label_id: int | None, until: int | None,
               threads: list[Thread]) -> Callable[[Thread], bool]:
    """A function applying `op` to one thread (after validating the op's arguments)."""
    if op in _FLAG_OPS:
        return lambda thread: _set(thread, _FLAG_OPS[op])
    if op == "trash":
        return lambda thread: _set(thread, {"trashed": True, "trashed_at": now}
                                   if not thread.trashed else {})
    if op in ("read", "unread"):
        return lambda thread: _mark_read(thread, op == "read")
    if op == "snooze":
        when = _snooze_time(until, now)
        return lambda thread: _set(thread, {"snoozed_until": when})
    if op == "delete_forever":
        _check_deletable(threads)
        return lambda thread: _delete(s, thread)
    label = _label(s, label_id)
    if op == "add_label":
        return lambda thread: _add_label(s, thread, label)
    return lambda thread: _remove_label(s, thread, label)


def _set(thread: Thread, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(thread, name) != value:
            setattr(thread, name, value)
            changed = True
    return changed


def _mark_read(thread: Thread, read: bool) -> bool:
    changed = [m for m in thread.messages if m.is_read != read]
    for message in changed:
        message.is_read = read
    return bool(changed)


def _snooze_time(until: int | None, now: int) -> int:
    if until is None:
        raise MailError("choose a date and time to snooze until")
    if int(until) <= now:
        raise MailError("the snooze time must be in the future")
    return int(until)


def _check_deletable(threads: list[Thread]) -> None:
    live = [t.id for t in threads if not (t.trashed or t.spam)]
    if live:
        raise MailError("only conversations in Trash or Spam can be deleted forever "
                        f"(not {', '.join(map(str, live))}); move them to Trash first")


def _delete(s: Session, thread: Thread) -> bool:
    delete_thread(s, thread.id)
    return True


def _label(s: Session, label_id: int | None) -> Label:
    if label_id is None:
        raise MailError("choose a label")
    label = s.get(Label, int(label_id))
    if label is None:
        raise MailError(f"there is no label with id {label_id}")
    return label


def _add_label(s: Session, thread: Thread, label: Label) -> bool:
    if s.get(ThreadLabel, (thread.id, label.id)) is not None:
        return False
    s.add(ThreadLabel(thread_id=thread.id, label_id=label.id))
    s.flush()
    return True


def _remove_label(s: Session, thread: Thread, label: Label) -> bool:
    link = s.get(ThreadLabel, (thread.id, label.id))
    if link is None:
        return False
    s.delete(link)
    s.flush()
    return True

