"""Invoices in a mailbox: the facts printed on each attachment, read once at sample time."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Attachment, Message, Thread

__all__ = ["Invoice", "invoices"]

_FIELDS = {
    "invoice_no": re.compile(r"^Invoice number:\s*(\S.*?)\s*$", re.MULTILINE),
    "payee": re.compile(r"^Payee:\s*(\S.*?)\s*$", re.MULTILINE),
    "amount": re.compile(r"^Amount due:\s*(\S.*?)\s*$", re.MULTILINE),
    "due_date": re.compile(r"^Due date:\s*(\S.*?)\s*$", re.MULTILINE),
}


@dataclass(frozen=True)
class Invoice:
    """A received invoice attachment and the facts its text states."""

    thread_id: int
    message_id: int
    attachment_id: int
    filename: str
    subject: str
    sender_name: str
    sender_email: str
    invoice_no: str
    payee: str
    amount: str
    due_date: str

    def params(self) -> dict[str, Any]:
        return asdict(self)


def _facts(content: str) -> dict[str, str] | None:
    found = {name: pattern.search(content) for name, pattern in _FIELDS.items()}
    if any(match is None for match in found.values()):
        return None
    return {name: match.group(1) for name, match in found.items() if match is not None}


def invoices(s: Session) -> list[Invoice]:
    """Every parseable invoice attachment of a received message in a live thread, by id."""
    query = (select(Attachment, Message, Thread)
             .join(Message, Message.id == Attachment.message_id)
             .join(Thread, Thread.id == Message.thread_id)
             .where(Attachment.filename.like("invoice-%"), Message.status == "received",
                    Thread.trashed.is_(False), Thread.spam.is_(False))
             .order_by(Attachment.id))
    found: list[Invoice] = []
    for attachment, message, thread in s.execute(query).all():
        facts = _facts(attachment.content)
        if facts is not None:
            found.append(Invoice(thread.id, message.id, attachment.id, attachment.filename,
                                 thread.subject, message.sender_name, message.sender_email,
                                 **facts))
    return _unambiguous(found)


def _unambiguous(found: list[Invoice]) -> list[Invoice]:
    """One invoice per number (reminders repeat one), dropping numbers that state two amounts."""
    facts: dict[str, set[tuple[str, str]]] = {}
    for item in found:
        facts.setdefault(item.invoice_no, set()).add((item.payee, item.amount))
    first: dict[str, Invoice] = {}
    for item in found:
        if len(facts[item.invoice_no]) == 1:
            first.setdefault(item.invoice_no, item)
    return sorted(first.values(), key=lambda item: item.attachment_id)
