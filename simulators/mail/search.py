"""Mail search: a full-text index of messages and Gmail's query language compiled to SQL.

## Description
`create_search_index` adds an FTS4 table kept in sync by triggers, so services never have to
think about search. `parse` (in `search_parse`) turns a query string into a small AST, and
`compile_query` turns that into a SQLAlchemy condition on `Thread`. Every piece of user
text reaches SQL as a bound parameter, and every full-text term is a quoted FTS phrase, so
no input can change the shape of a query or raise an FTS syntax error.

Supported: words, "quoted phrases", `from:`, `to:`, `cc:`, `bcc:`, `subject:`, `label:`,
`in:`, `is:`, `has:attachment`, `filename:`, `category:`, `before:`/`after:`,
`older_than:`/`newer_than:`, `OR`, `-negation`, and parentheses. Unknown operators are free
text. Like Gmail, Spam and Trash are excluded unless the query names them (or `in:anywhere`).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    column,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    true,
)

from webtwin.simulators.core.world import per_image

from .models import Attachment, Contact, Label, Message, Thread, ThreadLabel
from .search_parse import And, Node, Not, Or, Term, parse

__all__ = [
    "And", "Node", "Not", "Or", "PENDING_TABLE", "SearchContext", "Term", "compile_query",
    "create_search_index", "parse", "search_condition", "sync_search_index",
]

FTS_TABLE = "mail_message_fts"
_FTS = table(FTS_TABLE, column("docid"))  # a lightweight handle; the DDL is raw (virtual table)
DAY = 86400

_SENDER = "coalesce({p}.sender_name, '') || ' ' || coalesce({p}.sender_email, '')"
_RECIPIENTS = ("coalesce({p}.to_addrs, '') || ' ' || coalesce({p}.cc_addrs, '') || ' ' || "
               "coalesce({p}.bcc_addrs, '')")
# The message columns the index is built from.
_INDEXED = "id, subject, body, sender_name, sender_email, to_addrs, cc_addrs, bcc_addrs"


def _fts_values(prefix: str) -> str:
    sender = _SENDER.format(p=prefix)
    recipients = _RECIPIENTS.format(p=prefix)
    return f"{prefix}.id, {prefix}.subject, {prefix}.body, {sender}, {recipients}"


PENDING_TABLE = "mail_search_pending"
_COLUMNS = "docid, subject, body, sender, recipients"


def create_search_index(connection: Any) -> None:
    """Create the message full-text index, and the triggers that queue changed messages for
    it (`sync_search_index` indexes them after each commit).

    FTS4 with its own copy of the text, not FTS5: an FTS5 table caches its index structure in
    the connection, and after `World.restore()` (`deserialize` into the same connection) it
    reads the stale cache and reports "database disk image is malformed". FTS4 re-reads.
    The triggers only queue ids: the index's instance lives in the connection, and a write
    to it from a trigger would run inside whatever statement changed a message, prepared
    before or after a restore (see `World.restore`).
    """
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts4(subject, body, sender, "
        'recipients, tokenize=unicode61 "remove_diacritics=2")',
        f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (id INTEGER PRIMARY KEY)",
        f"CREATE TRIGGER IF NOT EXISTS {PENDING_TABLE}_ai AFTER INSERT ON mail_message "
        f"BEGIN INSERT OR IGNORE INTO {PENDING_TABLE} (id) VALUES (new.id); END",
        f"CREATE TRIGGER IF NOT EXISTS {PENDING_TABLE}_ad AFTER DELETE ON mail_message "
        f"BEGIN INSERT OR IGNORE INTO {PENDING_TABLE} (id) VALUES (old.id); END",
        # Only when indexed text changes: marking mail read must not re-index its body.
        f"CREATE TRIGGER IF NOT EXISTS {PENDING_TABLE}_au AFTER UPDATE OF {_INDEXED} "
        f"ON mail_message BEGIN INSERT OR IGNORE INTO {PENDING_TABLE} (id) VALUES (old.id); "
        f"INSERT OR IGNORE INTO {PENDING_TABLE} (id) VALUES (new.id); END",
    ]
    for statement in statements:
        connection.exec_driver_sql(statement)


_ANY_PENDING = f"SELECT 1 FROM {PENDING_TABLE} LIMIT 1"
_SYNC = (
    f"DELETE FROM {FTS_TABLE} WHERE docid IN (SELECT id FROM {PENDING_TABLE})",
    f"INSERT INTO {FTS_TABLE}({_COLUMNS}) SELECT {_fts_values('m')} FROM mail_message AS m "
    f"WHERE m.id IN (SELECT id FROM {PENDING_TABLE}) ORDER BY m.id",
    f"DELETE FROM {PENDING_TABLE}",
)


def sync_search_index(connection: sqlite3.Connection) -> None:
    """Index the queued messages: their old text out, their current text (if they still
    exist) in, each statement committing on its own (no transaction is open) and prepared
    for the connection's current image (`per_image`, see `World.restore`). After a failure
    the queue is still there, and the next call does it all again."""
    if connection.execute(_ANY_PENDING).fetchone() is None:
        return
    for statement in _SYNC:
        connection.execute(per_image(connection, statement))


# -- compilation ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchContext:
    """What a query is relative to: the virtual clock (a value, or a bound parameter for a
    statement compiled once) and the owner's address (for `me`)."""

    now: int | ColumnElement[int]
    owner_email: str


def search_condition(query: str, ctx: SearchContext) -> ColumnElement[bool]:
    """Condition on `Thread` for a query string, with Gmail's Spam/Trash exclusion."""
    return compile_query(parse(query), ctx)


def compile_query(node: Node, ctx: SearchContext) -> ColumnElement[bool]:
    condition = _compile(node, ctx)
    if _names_hidden_folders(node):
        return condition
    return and_(condition, Thread.spam.is_(False), Thread.trashed.is_(False))


def _names_hidden_folders(node: Node) -> bool:
    if isinstance(node, Term):
        return node.op in {"in", "label"} and node.value.lower() in {"spam", "trash", "anywhere"}
    if isinstance(node, Not):
        return False
    return any(_names_hidden_folders(child) for child in node.children)


def _compile(node: Node, ctx: SearchContext) -> ColumnElement[bool]:
    if isinstance(node, Not):
        return not_(_compile(node.child, ctx))
    if isinstance(node, And):
        return and_(true(), *(_compile(child, ctx) for child in node.children))
    if isinstance(node, Or):
        return or_(false(), *(_compile(child, ctx) for child in node.children))
    return _compile_term(node, ctx)


def _compile_term(term: Term, ctx: SearchContext) -> ColumnElement[bool]:
    handler = _TERM_HANDLERS.get(term.op)
    condition = handler(term.value, ctx) if handler else None
    if condition is None:  # unknown value of a known operator: search it as text
        text = f"{term.op}:{term.value}" if term.op else term.value
        return _free_text(text)
    return condition


def _any_message(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Thread-level semantics: some message of the thread satisfies every condition."""
    return Thread.id.in_(select(Message.thread_id).where(*conditions))


def fts_string(text: str) -> str | None:
    """One quoted FTS phrase (None when the text has no searchable character).

    Inside quotes FTS syntax (OR, NEAR, -, parentheses) is literal; `"` and `*` are the only
    characters that still mean something, and the tokenizer splits on them anyway.
    """
    cleaned = re.sub(r'["*]', " ", text).strip()
    if not re.search(r"\w", cleaned):
        return None
    return f'"{cleaned}"'


def _fts(match: str, column: str | None = None) -> ColumnElement[bool]:
    target: ColumnElement[str] = literal_column(f"{FTS_TABLE}.{column}" if column else FTS_TABLE)
    ids = select(_FTS.c.docid).where(target.op("MATCH")(match))
    return _any_message(Message.id.in_(ids))


def _free_text(text: str) -> ColumnElement[bool]:
    match = fts_string(text)
    return true() if match is None else _fts(match)


def _like(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    return func.lower(column).like(_like(value), escape="\\")


def _from(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    if not value:
        return None
    if value.lower() == "me":
        return _any_message(func.lower(Message.sender_email) == ctx.owner_email.lower(),
                            Message.status.in_(("sent", "scheduled")))
    return _any_message(Message.status.in_(("received", "sent")),
                        or_(_contains(Message.sender_email, value),
                            _contains(Message.sender_name, value)))


def _recipients(columns: tuple[str, ...]) -> Any:
    def build(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
        if not value:
            return None
        target = ctx.owner_email if value.lower() == "me" else value
        fields = [getattr(Message, name) for name in columns]
        # "to:dana" also finds mail to dana@… when Dana is a contact (addresses hold no names)
        named = select(Contact.id).where(_contains(Contact.name, target))
        by_name = [exists(named.where(func.instr(func.lower(f), func.lower(Contact.email)) > 0))
                   for f in fields]
        return _any_message(or_(*(_contains(f, target) for f in fields), *by_name))
    return build


def _subject(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    match = fts_string(value)
    return None if match is None else _fts(match, "subject")


def normalize_label(name: str) -> str:
    """Gmail's label spelling in queries: case-insensitive, `/` and spaces become `-`."""
    return re.sub(r"[/\s]+", "-", name.strip().lower())


def _user_label(value: str) -> ColumnElement[bool]:
    spelled = func.replace(func.replace(func.lower(Label.name), "/", "-"), " ", "-")
    labelled = select(ThreadLabel.thread_id).join(Label, Label.id == ThreadLabel.label_id)
    return Thread.id.in_(labelled.where(spelled == normalize_label(value)))


def _label(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    if not value:
        return None
    system = _in(value, ctx)
    return _user_label(value) if system is None else or_(system, _user_label(value))


def _has_status(status: str) -> ColumnElement[bool]:
    return _any_message(Message.status == status)


def _in(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    folders: dict[str, ColumnElement[bool]] = {
        "inbox": and_(Thread.in_inbox.is_(True), not_(snoozed(ctx.now))),
        "sent": _has_status("sent"), "drafts": _has_status("draft"), "draft": _has_status("draft"),
        "scheduled": _has_status("scheduled"), "spam": Thread.spam.is_(True),
        "trash": Thread.trashed.is_(True), "anywhere": true(), "all": true(),
        "snoozed": snoozed(ctx.now), "starred": Thread.starred.is_(True),
        "important": Thread.important.is_(True),
    }
    return folders.get(value.lower())


def snoozed(now: int | ColumnElement[int]) -> ColumnElement[bool]:
    """Threads hidden by snooze at `now` (snooze is derived from the clock, never stored)."""
    return and_(Thread.snoozed_until.is_not(None), Thread.snoozed_until > now)


def unread() -> ColumnElement[bool]:
    return _any_message(Message.is_read.is_(False), Message.status == "received")


def _is(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    states: dict[str, ColumnElement[bool]] = {
        "unread": unread(), "read": not_(unread()), "starred": Thread.starred.is_(True),
        "important": Thread.important.is_(True), "snoozed": snoozed(ctx.now),
    }
    return states.get(value.lower())


def has_attachment() -> ColumnElement[bool]:
    return _any_message(exists(select(Attachment.id).where(Attachment.message_id == Message.id)))


def _has(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    if value.lower() in {"attachment", "attachments"}:
        return has_attachment()
    if value.lower() == "userlabels":
        return Thread.id.in_(select(ThreadLabel.thread_id))
    if value.lower() == "nouserlabels":
        return Thread.id.not_in(select(ThreadLabel.thread_id))
    return None


def _filename(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    if not value:
        return None
    named = select(Attachment.id).where(Attachment.message_id == Message.id,
                                        _contains(Attachment.filename, value))
    return _any_message(exists(named))


def _category(value: str, ctx: SearchContext) -> ColumnElement[bool] | None:
    if value.lower() not in {"primary", "promotions", "social", "updates"}:
        return None
    return Thread.category == value.lower()


def parse_date(value: str) -> int | None:
    """`YYYY/MM/DD` or `YYYY-MM-DD` (also single-digit parts) → UTC midnight epoch seconds."""
    match = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value.strip())
    if match is None:
        return None
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _dated(value: str, later: bool) -> ColumnElement[bool] | None:
    at = parse_date(value)
    if at is None:
        return None
    sent = Message.status.in_(("received", "sent"))
    return _any_message(sent, Message.sent_at >= at if later else Message.sent_at < at)


def parse_age(value: str) -> int | None:
    """`3d`, `2m`, `1y` (and `5h`) → seconds; months are 30 days, years 365, as in Gmail."""
    match = re.fullmatch(r"(\d{1,5})([hdmy])", value.strip().lower())
    if match is None:
        return None
    unit = {"h": 3600, "d": DAY, "m": 30 * DAY, "y": 365 * DAY}[match.group(2)]
    return int(match.group(1)) * unit


def _aged(value: str, ctx: SearchContext, older: bool) -> ColumnElement[bool] | None:
    age = parse_age(value)
    if age is None:
        return None
    cutoff = ctx.now - age
    sent = Message.status.in_(("received", "sent"))
    return _any_message(sent, Message.sent_at < cutoff if older else Message.sent_at > cutoff)


_TERM_HANDLERS: dict[str, Any] = {
    "": lambda value, ctx: None,
    "from": _from,
    "to": _recipients(("to_addrs", "cc_addrs", "bcc_addrs")),
    "cc": _recipients(("cc_addrs",)),
    "bcc": _recipients(("bcc_addrs",)),
    "subject": _subject,
    "label": _label,
    "in": _in,
    "is": _is,
    "has": _has,
    "filename": _filename,
    "category": _category,
    "before": lambda value, ctx: _dated(value, later=False),
    "older": lambda value, ctx: _dated(value, later=False),
    "after": lambda value, ctx: _dated(value, later=True),
    "newer": lambda value, ctx: _dated(value, later=True),
    "older_than": lambda value, ctx: _aged(value, ctx, older=True),
    "newer_than": lambda value, ctx: _aged(value, ctx, older=False),
}
