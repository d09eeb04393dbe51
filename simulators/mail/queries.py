"""Mail read side: list views, pagination and thread loading (and, from `layout`, the owner,
navigation counts and labels every page shows).

## Description
Pages and the JSON API read through these functions (services change state). A view is a
condition on `Thread` (or, for Drafts and Scheduled, on `Message`); every list query has a
total `ORDER BY`, so pages are stable across runs. List pages are the hottest reads there
are, so their rows come from plain SQL (`sql_rows`, `PreparedRead`), not ORM objects.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, selectinload

from webtwin.simulators.core.memo import get_pinned
from webtwin.simulators.core.web import PreparedRead, placeholders, sql_rows

from .layout import LabelInfo, NavCounts, Owner, label_tree, nav_counts, owner
from .models import Account, Attachment, Contact, Message, Thread, ThreadLabel
from .search import FTS_TABLE, SearchContext, has_attachment, search_condition, snoozed

__all__ = [
    "CATEGORY_VIEWS", "LabelInfo", "ListPage", "NavCounts", "Owner", "Row", "SYSTEM_VIEWS",
    "account", "attachment", "contact_rows", "label_tree", "list_view", "load_thread",
    "nav_counts", "owner", "thread_labels", "view_condition",
]

DEFAULT_PAGE_SIZE = 50
SNIPPET_CHARS = 110
CATEGORY_VIEWS = {"primary": "inbox", "promotions": "inbox/promotions",
                  "social": "inbox/social", "updates": "inbox/updates"}
SYSTEM_VIEWS = ("inbox", "starred", "snoozed", "important", "sent", "drafts", "scheduled",
                "all", "spam", "trash")
MESSAGE_VIEWS = {"drafts": "draft", "scheduled": "scheduled"}


@dataclass
class Row:
    """One line of a list: a thread, or a draft/scheduled message (then `message_id` is set)."""

    thread_id: int
    participants: str
    subject: str
    snippet: str
    time: int
    unread: bool
    starred: bool
    important: bool
    labels: list[LabelInfo]
    has_attachment: bool
    count: int
    message_id: int | None = None
    to: str = ""


@dataclass
class ListPage:
    """A page of a view: rows, 1-based page number, total and "1–50 of 312" text."""

    rows: list[Row]
    page: int
    page_size: int
    total: int

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.page_size)

    @property
    def range_text(self) -> str:
        return f"{self.first}–{self.last} of {self.total}"

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.last < self.total


def account(s: Session) -> Account:
    """The mailbox owner (one row, id 1), as an ORM object to read settings or change."""
    found = get_pinned(s, Account, 1)
    if found is None:
        raise LookupError("this world has no mail account")
    return found


def _visible() -> ColumnElement[bool]:
    return and_(Thread.spam.is_(False), Thread.trashed.is_(False))


def _has_status(status: str) -> ColumnElement[bool]:
    return Thread.id.in_(select(Message.thread_id).where(Message.status == status))


def view_condition(s: Session, view: str, now: int, *, label_id: int | None = None,
                   q: str = "") -> ColumnElement[bool]:
    """Condition on `Thread` for a thread view (`inbox/promotions`, `label`, `search`, ...)."""
    if view == "search":
        return search_condition(q, SearchContext(now, owner(s).email))
    return _fixed_view(view, now, label_id)


def _fixed_view(view: str, now: Any, label_id: Any) -> ColumnElement[bool]:
    """A view other than search; `now` and `label_id` are values or bound parameters."""
    if view == "inbox" or view.startswith("inbox/"):
        category = view.partition("/")[2] or "primary"
        return and_(Thread.in_inbox.is_(True), _visible(), not_(snoozed(now)),
                    Thread.category == category)
    if view == "label":
        labelled = select(ThreadLabel.thread_id).where(ThreadLabel.label_id == label_id)
        return and_(Thread.id.in_(labelled), _visible())
    simple: dict[str, ColumnElement[bool]] = {
        "starred": and_(Thread.starred.is_(True), _visible()),
        "important": and_(Thread.important.is_(True), _visible()),
        "snoozed": and_(snoozed(now), _visible()),
        "sent": and_(_has_status("sent"), _visible()),
        "all": _visible(),
        "spam": and_(Thread.spam.is_(True), Thread.trashed.is_(False)),
        "trash": Thread.trashed.is_(True),
    }
    if view not in simple:
        raise KeyError(f"unknown view {view!r}")
    return simple[view]


def thread_order(now: Any) -> list[ColumnElement[int]]:
    """Newest first; a thread back from snooze counts as new at its snooze time."""
    woke = and_(Thread.snoozed_until.is_not(None), Thread.snoozed_until <= now,
                Thread.snoozed_until > Thread.last_message_at)
    key = case((woke, Thread.snoozed_until), else_=Thread.last_message_at)
    return [key.desc(), Thread.id.desc()]


def list_view(s: Session, view: str, now: int, page: int = 1, *, label_id: int | None = None,
              q: str = "") -> ListPage:
    """One page of a view; pages past the end are clamped to the last page."""
    size = owner(s).page_size or DEFAULT_PAGE_SIZE
    if view in MESSAGE_VIEWS:
        return _message_page(s, MESSAGE_VIEWS[view], page, size)
    fetch = _search_page(s, now, q) if view == "search" else _view_page(s, view, now, label_id)
    threads, total = fetch(page, size)
    if not threads and total and page > 1:
        page = _clamp(page, total, size)
        threads, total = fetch(page, size)
    return ListPage(_thread_rows(s, threads), _clamp(page, total, size), size, total)


class ThreadLine(NamedTuple):
    """A thread of a list page, with the view's total (from a window count; an empty first
    page means an empty view, so only a page past the end needs a count of its own)."""

    id: int
    subject: str
    last_message_at: int
    starred: int  # 0/1
    important: int
    attached: int
    total: int


PageFetch = Callable[[int, int], tuple[list[ThreadLine], int]]

_NOW = bindparam("now", type_=Integer)


def _thread_page(now: Any) -> Select[*tuple[Any, ...]]:
    """The columns and order of every thread list; a view (or a search) adds its condition."""
    return (select(Thread.id, Thread.subject, Thread.last_message_at, Thread.starred,
                   Thread.important, has_attachment().label("attached"),
                   func.count().over().label("total"))
            .order_by(*thread_order(now)))


_THREAD_PAGE = _thread_page(_NOW)
_THREAD_COUNT = select(func.count()).select_from(Thread)


@functools.cache
def _prepared_view(view: str) -> tuple[PreparedRead, PreparedRead]:
    """A fixed view's page and count statements, compiled once per process."""
    condition = _fixed_view(view, _NOW, bindparam("label_id", type_=Integer))
    page = _THREAD_PAGE.where(condition).limit(bindparam("limit")).offset(bindparam("offset"))
    return PreparedRead(page), PreparedRead(_THREAD_COUNT.where(condition))


def _view_page(s: Session, view: str, now: int, label_id: int | None) -> PageFetch:
    """Pages of a fixed view: plain SQL, no ORM (list pages are the hottest read there is)."""
    return _paged(s, *_prepared_view(view), now=now, label_id=label_id)


def _search_page(s: Session, now: int, q: str) -> PageFetch:
    """Pages of a search: like a fixed view's, with the query's condition, its statements
    compiled once per query (`_search_reads`)."""
    return _paged(s, *_search_reads(q, owner(s).email), now=now)


def _paged(s: Session, page_read: PreparedRead, count_read: PreparedRead,
           **values: Any) -> PageFetch:
    """Pages of a thread list from its page and count statements (`values` bind both)."""

    def fetch(page: int, size: int) -> tuple[list[ThreadLine], int]:
        offset = (max(1, page) - 1) * size
        rows = [ThreadLine(*row) for row in page_read.rows(s, **values, limit=size,
                                                              offset=offset)]
        if rows or not offset:
            return rows, rows[0].total if rows else 0
        return rows, count_read.rows(s, **values)[0][0]

    return fetch


@functools.lru_cache(maxsize=512)
def _search_reads(q: str, owner_email: str) -> tuple[PreparedRead, PreparedRead]:
    """A search's page and count statements, compiled once per query and owner: building and
    compiling the condition costs several times SQLite's answer, and an agent runs one search
    again and again (the results, then the results after each action on them). The clock is
    a parameter, so one statement serves every moment. (The ids are never handed to SQL as a
    list: `json_each` is not used on a world's connection, see `World.restore`.)"""
    condition = search_condition(q, SearchContext(_NOW_SET, owner_email))
    page = _thread_page(_NOW_SET).where(condition).limit(bindparam("limit", 0)).offset(
        bindparam("offset", 0))
    return (PreparedRead(page, render_lists=True, virtual_tables=(FTS_TABLE,)),
            PreparedRead(_THREAD_COUNT.where(condition), render_lists=True,
                         virtual_tables=(FTS_TABLE,)))


_NOW_SET = bindparam("now", 0, type_=Integer)  # `_NOW` with the value compiling lists needs


def _clamp(page: int, total: int, size: int) -> int:
    last = max(1, -(-total // size))
    return min(max(1, page), last)


def _thread_rows(s: Session, threads: Sequence[ThreadLine]) -> list[Row]:
    ids = [thread.id for thread in threads]
    messages = _messages_by_thread(s, ids)
    labels = thread_labels(s, ids)
    me = owner(s).email.lower()
    return [_thread_row(t, messages[t.id], labels[t.id], me) for t in threads]


class MessageLine(NamedTuple):
    """What a list row needs of one message (the body cut to what a snippet can show)."""

    thread_id: int
    sender_name: str
    sender_email: str
    status: str
    is_read: int  # 0/1, as SQLite stores it
    body: str


_MESSAGE_LINES = """
SELECT thread_id, sender_name, sender_email, status, is_read, substr(body, 1, 600)
FROM mail_message WHERE thread_id IN ({ids}) ORDER BY sent_at, id
"""
_THREAD_LABELS = """
SELECT tl.thread_id, l.id, l.name, l.color
FROM mail_thread_label tl JOIN mail_label l ON l.id = tl.label_id
WHERE tl.thread_id IN ({ids}) ORDER BY l.name, l.id
"""


def _messages_by_thread(s: Session, ids: list[int]) -> dict[int, list[MessageLine]]:
    """Per thread, its messages' list fields, oldest first."""
    found: dict[int, list[MessageLine]] = defaultdict(list)
    for row in sql_rows(s, _MESSAGE_LINES.format(ids=placeholders(ids)), ids):
        found[row[0]].append(MessageLine(*row))
    return found


def thread_labels(s: Session, ids: Sequence[int]) -> dict[int, list[LabelInfo]]:
    """User labels per thread id, sorted by name."""
    found: dict[int, list[LabelInfo]] = defaultdict(list)
    ids = list(ids)
    for thread_id, label_id, name, color in sql_rows(
            s, _THREAD_LABELS.format(ids=placeholders(ids)), ids):
        found[thread_id].append(LabelInfo(label_id, name, color))
    return found


def _thread_row(thread: ThreadLine, messages: list[MessageLine], labels: list[LabelInfo],
                me: str) -> Row:
    shown = [m for m in messages if m.status in ("received", "sent")] or messages
    has_draft = any(m.status == "draft" for m in messages)
    last = shown[-1] if shown else None
    return Row(
        thread_id=thread.id, participants=participants(shown, me, has_draft),
        subject=thread.subject, snippet=snippet(last.body) if last else "",
        time=thread.last_message_at,
        unread=any(not m.is_read and m.status == "received" for m in messages),
        starred=bool(thread.starred), important=bool(thread.important), labels=labels,
        has_attachment=bool(thread.attached),
        count=len([m for m in messages if m.status != "draft"]))


def participants(messages: Sequence[Message | MessageLine], me: str,
                 has_draft: bool = False) -> str:
    """Gmail-style "Dana Ortiz, me (3)": distinct senders, oldest first, at most three."""
    names: list[str] = []
    for message in messages:
        name = "me" if message.sender_email.lower() == me else _short(message)
        if name not in names:
            names.append(name)
    text = ", ".join(names[:3])
    if len(messages) > 1:
        text += f" ({len(messages)})"
    return f"{text}, Draft" if has_draft and messages else text


def _short(message: Message | MessageLine) -> str:
    return (message.sender_name or message.sender_email).strip()


_SPACES = re.compile(r"\s+")


def snippet(body: str) -> str:
    """First words of a body, on one line, without quoted lines or the signature."""
    kept = []
    for line in body.splitlines():
        if line.strip() == "--" or line.startswith("On ") and line.rstrip().endswith("wrote:"):
            break
        if not line.startswith(">"):
            kept.append(line)
    text = _SPACES.sub(" ", " ".join(kept)).strip()
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rstrip() + "…"


def _message_page(s: Session, status: str, page: int, size: int) -> ListPage:
    condition = and_(Message.status == status, Thread.trashed.is_(False))
    base = select(Message).join(Thread, Thread.id == Message.thread_id).where(condition)
    total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = _clamp(page, total, size)
    # Scheduled: next to go first; drafts: most recently edited first.
    order: tuple[ColumnElement[Any], ...] = (
        (Message.scheduled_at.asc(), Message.id.asc()) if status == "scheduled"
        else (Message.sent_at.desc(), Message.id.desc()))
    query = base.options(selectinload(Message.attachments)).order_by(*order)
    rows = [_message_row(m) for m in s.scalars(query.limit(size).offset((page - 1) * size))]
    return ListPage(rows, page, size, total)


def _message_row(message: Message) -> Row:
    when = message.scheduled_at if message.status == "scheduled" else message.sent_at
    to = message.to_addrs or "(no recipients)"
    return Row(thread_id=message.thread_id, participants=to, subject=message.subject,
               snippet=snippet(message.body), time=when or message.sent_at, unread=False,
               starred=False, important=False, labels=[],
               has_attachment=bool(message.attachments), count=1, message_id=message.id, to=to)


def load_thread(s: Session, thread_id: int) -> Thread | None:
    """A thread with its messages and their attachments loaded, or None."""
    query = (select(Thread).where(Thread.id == thread_id)
             .options(selectinload(Thread.messages).selectinload(Message.attachments)))
    return s.scalars(query).first()


def contact_rows(s: Session, q: str = "") -> list[Contact]:
    """Contacts sorted by name, optionally filtered by a substring of name/email/company."""
    query = select(Contact).order_by(func.lower(Contact.name), Contact.id)
    if q.strip():
        pattern = "%" + q.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.where(or_(func.lower(Contact.name).like(pattern),
                                func.lower(Contact.email).like(pattern),
                                func.lower(Contact.company).like(pattern)))
    return list(s.scalars(query))


def attachment(s: Session, attachment_id: int) -> Attachment | None:
    """An attachment by id, or None."""
    return s.get(Attachment, attachment_id)
