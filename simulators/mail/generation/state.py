"""Where threads sit: archived, starred, important, snoozed, and how much is unread."""

from __future__ import annotations

from webtwin.simulators.core.rng import Random

from ..models import Thread
from .builder import Writer
from .text import DAY, HOUR

__all__ = ["set_flags"]

MIN_ARCHIVED = 12
UNREAD_RANGE = (8, 30)


def set_flags(w: Writer, rng: Random) -> None:
    """Archive old mail, star and mark some important, snooze one, bound the unread count."""
    _archive(w, rng)
    _mark(w, rng, ("work", "invoice", "personal"), "starred", rng.randint(3, 5))
    _mark(w, rng, ("work", "meeting", "invoice"), "important", rng.randint(3, 6))
    _snooze(w, rng)
    _bound_unread(w)


def _archive(w: Writer, rng: Random) -> None:
    """Most mail older than ten days is archived; at least MIN_ARCHIVED threads are."""
    candidates = sorted(w.box.tagged("archivable"), key=lambda t: (t.last_message_at, t.id))
    for thread in candidates:
        if w.now - thread.last_message_at > 10 * DAY and rng.random() < 0.75:
            thread.in_inbox = False
    for thread in candidates[:MIN_ARCHIVED]:
        thread.in_inbox = False


def _mark(w: Writer, rng: Random, tags: tuple[str, ...], flag: str, count: int) -> None:
    pool = [t for t in w.box.threads if w.box.tags[t.id] & set(tags)]
    for thread in rng.sample(pool, min(count, len(pool))):
        setattr(thread, flag, True)


def _snooze(w: Writer, rng: Random) -> None:
    """One work thread in the Inbox is snoozed until a morning in the next days."""
    pool = [t for t in w.box.tagged("work") if t.in_inbox and "keep" not in w.box.tags[t.id]]
    if pool:
        thread = rng.choice(pool)
        thread.snoozed_until = (w.now // DAY + rng.randint(1, 3)) * DAY + 8 * HOUR


def _primary_inbox(w: Writer) -> list[Thread]:
    return [t for t in w.box.threads if t.in_inbox and t.category == "primary"
            and not (t.spam or t.trashed) and t.snoozed_until is None]


def _unread(w: Writer, thread: Thread) -> bool:
    return any(not m.is_read for m in w.box.messages[thread.id])


def _bound_unread(w: Writer) -> None:
    """Read the oldest unread threads above the maximum, unread the newest below the minimum."""
    inbox = sorted(_primary_inbox(w), key=lambda t: (t.last_message_at, t.id))
    unread = [t for t in inbox if _unread(w, t)]
    low, high = UNREAD_RANGE
    for thread in [t for t in unread if "keep" not in w.box.tags[t.id]][:max(0, len(unread)
                                                                              - high)]:
        for message in w.box.messages[thread.id]:
            message.is_read = True
    if len(unread) < low:
        read = [t for t in reversed(inbox) if not _unread(w, t)
                and w.box.messages[t.id][-1].status == "received"]
        for thread in read[:low - len(unread)]:
            w.box.messages[thread.id][-1].is_read = False
