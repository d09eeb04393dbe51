"""Lookups and validators shared by the mail services (read-only helpers, plus row deletion)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Account, Attachment, Message, Thread, ThreadLabel
from .errors import MailError

__all__ = [
    "EMAIL_RE", "MAX_ADDRESS", "account", "check_length", "clock", "copy_attachments",
    "delete_messages", "delete_thread", "get_message", "get_thread", "message_count",
    "validate_email",
]

# Deliberately simple: one "@", a dotted domain, no spaces or angle brackets.
EMAIL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
                      r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
MAX_ADDRESS = 320


def account(s: Session) -> Account:
    """The mailbox owner (row id 1, created by the generator)."""
    found = s.get(Account, 1)
    if found is None:
        raise LookupError("this world has no mail account; generate the mail site first")
    return found


def clock(s: Session, world: World) -> int:
    """`world.now` as seen by this session (flushes, so a clock moved by `advance` is visible)."""
    s.flush()
    return world.now


def validate_email(text: str, what: str = "address") -> str:
    """One address, stripped and lower-cased, or MailError naming it."""
    email = text.strip().lower()
    if not email:
        raise MailError(f"enter an email {what}")
    if len(email) > MAX_ADDRESS or not EMAIL_RE.fullmatch(email):
        raise MailError(f"{text.strip()!r} is not a valid email {what}")
    return email


def check_length(value: str, limit: int, what: str) -> None:
    """MailError when `value` is longer than `limit` characters."""
    if len(value) > limit:
        raise MailError(f"{what} is too long ({len(value):,} characters; at most {limit:,})")


def get_thread(s: Session, thread_id: int) -> Thread:
    """The thread with this id, or MailError."""
    found = s.get(Thread, thread_id)
    if found is None:
        raise MailError(f"there is no conversation with id {thread_id}")
    return found


def get_message(s: Session, message_id: int) -> Message:
    """The message with this id, or MailError."""
    found = s.get(Message, message_id)
    if found is None:
        raise MailError(f"there is no message with id {message_id}")
    return found


def copy_attachments(s: Session, source: Message, target_id: int) -> None:
    """New attachment rows on message `target_id`, copies of `source`'s attachments."""
    for item in source.attachments:
        s.add(Attachment(id=World.next_id(s, Attachment.__tablename__), message_id=target_id,
                         filename=item.filename, mime_type=item.mime_type, content=item.content))


def delete_messages(s: Session, message_ids: Sequence[int]) -> None:
    """Delete messages and their attachments."""
    if message_ids:
        s.execute(delete(Attachment).where(Attachment.message_id.in_(message_ids)))
        s.execute(delete(Message).where(Message.id.in_(message_ids)))


def delete_thread(s: Session, thread_id: int) -> None:
    """Delete a thread with its messages, attachments and label links."""
    s.flush()  # the bulk deletes below bypass the unit of work; expire_all would drop changes
    ids = s.scalars(select(Message.id).where(Message.thread_id == thread_id)
                    .order_by(Message.id)).all()
    delete_messages(s, ids)
    s.execute(delete(ThreadLabel).where(ThreadLabel.thread_id == thread_id))
    s.execute(delete(Thread).where(Thread.id == thread_id))
    s.expire_all()


def message_count(s: Session, thread_id: int) -> int:
    """How many messages a thread holds (used to drop threads a draft left empty)."""
    return len(s.scalars(select(Message.id).where(Message.thread_id == thread_id)
                         .order_by(Message.id)).all())
