"""Mail read side: list views, pagination, navigation counts and thread loading.

## Description
Pages and the JSON API read through these functions (services change state). A view is a
condition on `Thread` (or, for Drafts and Scheduled, on `Message`); every list query has a
total `ORDER BY`, so pages are stable across runs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select, text
from sqlalchemy.orm import Session, selectinload

from webtwin.simulators.core.memo import get_pinned, memo

from .models import Account, Attachment, Contact, Label, Message, Thread, ThreadLabel
from .search import SearchContext, has_attachment, search_condition, snoozed

__all__ = [
    "CATEGORY_VIEWS", "LabelInfo", "ListPage", "NavCounts", "Row", "SYSTEM_VIEWS", "account",
    "attachment", "contact_rows", "label_tree", "list_view", "load_thread", "nav_counts",
    "thread_labels", "view_condition",
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


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    color: str


@dataclass
class NavCounts:
    """Numbers next to the left navigation's entries."""

    inbox_unread: int = 0
    drafts: int = 0
    scheduled: int = 0
    spam_unread: int = 0
    snoozed: int = 0
    label_unread: dict[int, int] = field(default_factory=dict)


def account(s: Session) -> Account:
    """The mailbox owner (one row, id 1)."""
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
    if view == "inbox" or view.startswith("inbox/"):
        category = view.partition("/")[2] or "primary"
        return and_(Thread.in_inbox.is_(True), _visible(), not_(snoozed(now)),
                    Thread.category == category)
    if view == "label":
        labelled = select(ThreadLabel.thread_id).where(ThreadLabel.label_id == label_id)
        return and_(Thread.id.in_(labelled), _visible())
    if view == "search":
        return search_condition(q, SearchContext(now, account(s).email))
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


def thread_order(now: int) -> list[ColumnElement[int]]:
    """Newest first; a thread back from snooze counts as new at its snooze time."""
    woke = and_(Thread.snoozed_until.is_not(None), Thread.snoozed_until <= now,
                Thread.snoozed_until > Thread.last_message_at)
    key = case((woke, Thread.snoozed_until), else_=Thread.last_message_at)
    return [key.desc(), Thread.id.desc()]


def list_view(s: Session, view: str, now: int, page: int = 1, *, label_id: int | None = None,
              q: str = "") -> ListPage:
    """One page of a view; pages past the end are clamped to the last page."""
    size = account(s).page_size or DEFAULT_PAGE_SIZE
    if view in MESSAGE_VIEWS:
        return _message_page(s, MESSAGE_VIEWS[view], page, size)
    condition = view_condition(s, view, now, label_id=label_id, q=q)
    threads, total = _thread_page(s, condition, now, page, size)
    if not threads and total and page > 1:
        page = _clamp(page, total, size)
        threads, total = _thread_page(s, condition, now, page, size)
    return ListPage(_thread_rows(s, threads), _clamp(page, total, size), size, total)


def _thread_page(s: Session, condition: ColumnElement[bool], now: int, page: int, size: int
                 ) -> tuple[list[Any], int]:
    """The page's threads as plain rows, with the view's total from a window count.

    One statement and no ORM objects: list pages are the hottest read of every episode.
    """
    query = (select(Thread.id, Thread.subject, Thread.last_message_at, Thread.starred,
                    Thread.important, has_attachment().label("attached"),
                    func.count().over().label("total"))
             .where(condition).order_by(*thread_order(now))
             .limit(size).offset((max(1, page) - 1) * size))
    rows = list(s.execute(query))
    total = rows[0].total if rows else (
        s.scalar(select(func.count()).select_from(Thread).where(condition)) or 0)
    return rows, total


def _clamp(page: int, total: int, size: int) -> int:
    last = max(1, -(-total // size))
    return min(max(1, page), last)


def _thread_rows(s: Session, threads: Sequence[Any]) -> list[Row]:
    ids = [thread.id for thread in threads]
    messages = _messages_by_thread(s, ids)
    labels = thread_labels(s, ids)
    me = account(s).email.lower()
    return [_thread_row(t, messages[t.id], labels[t.id], me) for t in threads]


def _messages_by_thread(s: Session, ids: list[int]) -> dict[int, list[Any]]:
    """Per thread, its messages' list fields (body cut to what a snippet can show)."""
    found: dict[int, list[Any]] = defaultdict(list)
    query = (select(Message.thread_id, Message.sender_name, Message.sender_email,
                    Message.status, Message.is_read, func.substr(Message.body, 1, 600)
                    .label("body"))
             .where(Message.thread_id.in_(ids)).order_by(Message.sent_at, Message.id))
    for message in s.execute(query):
        found[message.thread_id].append(message)
    return found


def thread_labels(s: Session, ids: Sequence[int]) -> dict[int, list[LabelInfo]]:
    """User labels per thread id, sorted by name."""
    found: dict[int, list[LabelInfo]] = defaultdict(list)
    query = (select(ThreadLabel.thread_id, Label.id, Label.name, Label.color)
             .join(Label, Label.id == ThreadLabel.label_id)
             .where(ThreadLabel.thread_id.in_(list(ids))).order_by(Label.name, Label.id))
    for thread_id, label_id, name, color in s.execute(query):
        found[thread_id].append(LabelInfo(label_id, name, color))
    return found


def _thread_row(thread: Any, messages: list[Any], labels: list[LabelInfo], me: str) -> Row:
    shown = [m for m in messages if m.status in ("received", "sent")] or messages
    has_draft = any(m.status == "draft" for m in messages)
    last = shown[-1] if shown else None
    return Row(
        thread_id=thread.id, participants=participants(shown, me, has_draft),
        subject=thread.subject, snippet=snippet(last.body) if last else "",
        time=thread.last_message_at,
        unread=any(not m.is_read and m.status == "received" for m in messages),
        starred=thread.starred, important=thread.important, labels=labels,
        has_attachment=bool(thread.attached),
        count=len([m for m in messages if m.status != "draft"]))


def participants(messages: Sequence[Message], me: str, has_draft: bool = False) -> str:
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


def _short(message: Message) -> str:
    return (message.sender_name or message.sender_email).strip()


def snippet(body: str) -> str:
    """First words of a body, on one line, without quoted lines or the signature."""
    kept = []
    for line in body.splitlines():
        if line.strip() == "--" or line.startswith("On ") and line.rstrip().endswith("wrote:"):
            break
        if not line.startswith(">"):
            kept.append(line)
    text = re.sub(r"\s+", " ", " ".join(kept)).strip()
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


_NAV_COUNTS = text("""
SELECT
  (SELECT count(*) FROM mail_thread t WHERE t.in_inbox AND NOT t.spam AND NOT t.trashed
     AND t.category = 'primary' AND NOT (t.snoozed_until IS NOT NULL AND t.snoozed_until > :now)
     AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')),
  (SELECT count(*) FROM mail_thread t WHERE t.spam AND NOT t.trashed
     AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')),
  (SELECT count(*) FROM mail_thread t WHERE NOT t.spam AND NOT t.trashed
     AND t.snoozed_until IS NOT NULL AND t.snoozed_until > :now),
  (SELECT count(*) FROM mail_message m JOIN mail_thread t ON t.id = m.thread_id
     WHERE m.status = 'draft' AND NOT t.trashed),
  (SELECT count(*) FROM mail_message m JOIN mail_thread t ON t.id = m.thread_id
     WHERE m.status = 'scheduled' AND NOT t.trashed)
""")
_LABEL_UNREAD = text("""
SELECT tl.label_id, count(*) FROM mail_thread_label tl JOIN mail_thread t ON t.id = tl.thread_id
WHERE NOT t.spam AND NOT t.trashed
  AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')
GROUP BY tl.label_id ORDER BY tl.label_id
""")


def nav_counts(s: Session, now: int) -> NavCounts:
    """Unread/draft/scheduled numbers for the left navigation.

    Plain SQL, two statements: every page shows these, so they must cost next to nothing.
    The conditions are those of `view_condition` (inbox, spam, snoozed) and `unread()`.
    """
    inbox, spam, sleeping, drafts, scheduled = s.execute(_NAV_COUNTS, {"now": now}).one()
    counts = NavCounts(inbox_unread=inbox, spam_unread=spam, snoozed=sleeping, drafts=drafts,
                       scheduled=scheduled)
    counts.label_unread = {label_id: n for label_id, n in s.execute(_LABEL_UNREAD)}
    return counts


def label_tree(s: Session) -> list[tuple[Label, int]]:
    """Every label sorted by name (case-insensitive), with its nesting depth ("A/B" → 1)."""
    return memo(s, label_tree, _label_tree)


def _label_tree(s: Session) -> list[tuple[Label, int]]:
    labels = s.scalars(select(Label).order_by(func.lower(Label.name), Label.id))
    return [(label, label.name.count("/")) for label in labels]


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
