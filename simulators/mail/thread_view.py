"""The conversation page's read: a thread, its messages and attachments, as plain rows.

## Description
Opening a conversation is the commonest page after the lists, so it reads with plain SQL
(`sql_rows`), not ORM objects; the JSON API keeps `queries.load_thread`. Booleans come back
as SQLite stores them (0/1); templates only test them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import sql_rows

__all__ = ["AttachmentLine", "MessageView", "ThreadView", "known_senders", "thread_view"]


class AttachmentLine(NamedTuple):
    id: int
    filename: str


class MessageView(NamedTuple):
    """A message as the conversation page shows it."""

    id: int
    sender_name: str
    sender_email: str
    to_addrs: str
    cc_addrs: str
    bcc_addrs: str
    sent_at: int
    body: str
    status: str
    scheduled_at: int | None
    attachments: list[AttachmentLine]


class ThreadView(NamedTuple):
    """A thread's flags and its messages (oldest first; attachments by id)."""

    id: int
    subject: str
    in_inbox: int
    starred: int
    important: int
    spam: int
    trashed: int
    snoozed_until: int | None
    messages: list[MessageView]


_THREAD = """
SELECT id, subject, in_inbox, starred, important, spam, trashed, snoozed_until
FROM mail_thread WHERE id = ?
"""
_MESSAGES = """
SELECT id, sender_name, sender_email, to_addrs, cc_addrs, bcc_addrs, sent_at, body, status,
       scheduled_at
FROM mail_message WHERE thread_id = ? ORDER BY sent_at, id
"""
_ATTACHMENTS = """
SELECT a.message_id, a.id, a.filename
FROM mail_attachment a JOIN mail_message m ON m.id = a.message_id
WHERE m.thread_id = ? ORDER BY a.id
"""


def thread_view(s: Session, thread_id: int) -> ThreadView | None:
    """The thread with its messages and their attachments, or None."""
    found = sql_rows(s, _THREAD, (thread_id,))
    if not found:
        return None
    attachments: dict[int, list[AttachmentLine]] = defaultdict(list)
    for message_id, attachment_id, filename in sql_rows(s, _ATTACHMENTS, (thread_id,)):
        attachments[message_id].append(AttachmentLine(attachment_id, filename))
    messages = [MessageView._make((*row, attachments.get(row[0], [])))
                for row in sql_rows(s, _MESSAGES, (thread_id,))]
    return ThreadView._make((*found[0], messages))


def known_senders(s: Session, messages: list[MessageView]) -> set[str]:
    """Those of the messages' sender addresses (lowercased) that are saved contacts."""
    emails = sorted({m.sender_email.lower() for m in messages})
    marks = ",".join("?" * len(emails))
    rows = sql_rows(s, f"SELECT email FROM mail_contact WHERE email IN ({marks})", emails)
    return {email for (email,) in rows}
