"""Helpers shared by the mail task families: picking, lookups, diff allowances, navigation.

Every pick goes through `pick` over a list built from a query with ORDER BY, so an instance
depends only on the world and the seeded rng. Verifiers read the row diff (`agent_changes`)
and allow, besides what the task asks for, that the agent read mail (`reading_mail`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import (
    Allow,
    Check,
    TaskUnavailable,
    Verdict,
    allow_any,
    answer_check,
    changed,
    inserted,
    is_insert,
    is_update,
    normalize_answer,
    only_expected_changes,
    pick,
)

from ..models import Account, Contact, Message, ReplyRule, Thread

__all__ = [
    "DAY", "REPLY_LINES", "THREAD_ACTIVITY", "WITH_MESSAGES", "Allow", "ThreadRef", "all_threads",
    "allow_any", "answer_check", "changed", "compose_actions", "contact_emails", "day_start",
    "domain_of", "fmt_date", "fmt_when", "has_text", "inserted", "inserted_messages", "is_insert",
    "is_update", "live_threads", "nameable", "open_thread_actions", "owner", "pick",
    "reading_mail", "received", "rule_emails", "split_addresses", "thread_ref", "to_date",
    "to_datetime_local", "verdict",
]

DAY = 86400

# What sending into a conversation changes on its thread row.
THREAD_ACTIVITY = frozenset({"last_message_at"})

# Sentences agents are asked to write; none mentions a reply-rule keyword.
REPLY_LINES = (
    "Thursday at 3 pm works for me.",
    "Thanks, I will review it by Friday.",
    "Yes, please go ahead with the plan.",
    "Could we push this to next week?",
    "Looks good to me, approved.",
    "I will bring the updated numbers to our next call.",
    "Sorry for the delay, I am on it today.",
    "Great news, thank you for the update!",
)



# Threads are read with their messages in one query: a world's engine is new per episode, so
# every lazy load would also pay a statement compilation.
WITH_MESSAGES = selectinload(Thread.messages)


# -- lookups ----------------------------------------------------------------------------------
def owner(s: Session) -> Account:
    account = s.scalars(select(Account).order_by(Account.id)).first()
    if account is None:
        raise TaskUnavailable("this world has no mail account")
    return account


def live_threads(s: Session, *, inbox: bool | None = None, now: int | None = None) -> list[Thread]:
    """Threads neither trashed nor spam, by id; `inbox=True` keeps visible Inbox threads."""
    query = (select(Thread).options(WITH_MESSAGES)
             .where(Thread.trashed.is_(False), Thread.spam.is_(False)))
    if inbox is not None:
        query = query.where(Thread.in_inbox.is_(inbox))
    threads = list(s.scalars(query.order_by(Thread.id)))
    if inbox and now is not None:
        # A snoozed thread is shown only in Snoozed, so a person would not call it "in the inbox".
        threads = [t for t in threads if not (t.snoozed_until and t.snoozed_until > now)]
    return threads


def all_threads(s: Session) -> list[Thread]:
    return list(s.scalars(select(Thread).options(WITH_MESSAGES).order_by(Thread.id)))


def received(thread: Thread) -> list[Message]:
    """The thread's received messages, oldest first."""
    return [m for m in thread.messages if m.status == "received"]


def contact_emails(s: Session) -> set[str]:
    return set(s.scalars(select(Contact.email)))


def rule_emails(s: Session) -> set[str]:
    """Contacts who answer automatically: never the incidental recipients of a task."""
    return set(s.scalars(select(ReplyRule.contact_email)))


@dataclass(frozen=True)
class ThreadRef:
    """A thread as a person names it: who wrote it and its subject (and the ids an oracle needs)."""

    thread_id: int
    message_id: int
    subject: str
    sender_name: str
    sender_email: str

    def params(self) -> dict[str, Any]:
        return asdict(self)


def thread_ref(thread: Thread) -> ThreadRef | None:
    """The thread by its latest received message, or None if nobody else wrote in it."""
    messages = received(thread)
    if not messages:
        return None
    last = messages[-1]
    return ThreadRef(thread.id, last.id, thread.subject, last.sender_name, last.sender_email)


def nameable(threads: Sequence[Thread], everyone: Sequence[Thread]) -> list[ThreadRef]:
    """Refs of `threads` that a person can name unambiguously by sender and subject."""
    refs = [ref for ref in map(thread_ref, threads) if ref is not None]
    seen: dict[tuple[str, str], int] = {}
    for ref in filter(None, map(thread_ref, everyone)):
        key = (ref.sender_name.casefold(), ref.subject.casefold())
        seen[key] = seen.get(key, 0) + 1
    return [ref for ref in refs if seen[(ref.sender_name.casefold(), ref.subject.casefold())] == 1]


# -- addresses and text -----------------------------------------------------------------------
_ADDRESS = re.compile(r"[^\s<>,;\"']+@[^\s<>,;\"']+")


def split_addresses(text: str | None) -> set[str]:
    """The bare addresses in a stored list (robust to "Name <a@b>" forms)."""
    return {found.lower() for found in _ADDRESS.findall(text or "")}


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def has_text(haystack: str | None, needle: str) -> bool:
    """`needle` appears in `haystack`, ignoring case, Unicode forms and whitespace runs."""
    return normalize_answer(needle) in normalize_answer(haystack)


# -- times ------------------------------------------------------------------------------------
def _utc(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def fmt_when(ts: int) -> str:
    """How a person writes a moment: "Tuesday 10 March 2026 at 14:00 UTC"."""
    moment = _utc(ts)
    return f"{moment:%A} {moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def fmt_date(ts: int) -> str:
    moment = _utc(ts)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def to_datetime_local(ts: int) -> str:
    return f"{_utc(ts):%Y-%m-%dT%H:%M}"


def to_date(ts: int) -> str:
    return f"{_utc(ts):%Y-%m-%d}"


def day_start(ts: int) -> int:
    return ts - ts % DAY


# -- diff allowances --------------------------------------------------------------------------


def reading_mail(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
    """Opening a thread marks its messages read: reading is not damage (unless it is the task)."""
    return table == "mail_message" and kind == "updated" and changed(old, new) <= {"is_read"}










def inserted_messages(diff: WorldDiff, status: str) -> list[Row]:
    return [row for row in inserted(diff, "mail_message") if row["status"] == status]


def verdict(checks: Sequence[Check], diff: WorldDiff, *allows: Allow,
            reading: bool = True) -> Verdict:
    """The task's checks plus "nothing else changed" with the given allowances."""
    rules = (*allows, reading_mail) if reading else allows
    return Verdict(checks=(*checks, only_expected_changes(diff, allow_any(*rules))))




# -- oracle navigation ------------------------------------------------------------------------
def open_thread_actions(query: str, thread_id: int) -> list[str]:
    """Find a thread with the search box and open it, as a person would."""
    return [act.fill("search-input", query), act.click("search-submit"),
            act.click(f"thread-{thread_id}")]


def compose_actions(to: str, subject: str, body: str, cc: str = "") -> list[str]:
    """Open a new message and fill it (the caller clicks send / save / schedule)."""
    steps = [act.click("compose"), act.fill("to", to)]
    if cc:
        steps.append(act.fill("cc", cc))
    return [*steps, act.fill("subject", subject), act.fill("body", body)]
