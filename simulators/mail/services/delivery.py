"""Incoming mail and time-driven sends: the handlers of the mail site's scheduled events.

## The `deliver` payload
```
{"sender_name": str, "sender_email": str, "subject": str, "body": str,
 "to": str = owner's address, "cc": str = "",
 "thread_id": int,      # optional: join this thread; if it no longer exists, a new thread
                        # is created with this (reserved) id
 "message_id": int,     # optional reserved id (else World.next_id)
 "in_reply_to": int,    # optional: the message this one answers
 "category": str = "primary", "important": bool = False,   # new threads only
 "attachments": [{"filename": str, "mime_type": str, "content": str, "id": int}],  # id optional
 "sent_at": int,        # optional, not after now: back-dated mail another site sent earlier
 "is_read": bool = False}
```
After insertion: a blocked sender sends the thread to Spam, filters apply in id order, and the
vacation responder answers (once per sender per vacation).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.crosssite import Email
from webtwin.simulators.core.world import World

from ..models import Account, Attachment, BlockedSender, Filter, Message, Thread, ThreadLabel
from .common import account, clock, copy_attachments
from .replies import reply_subject, trigger_reply_rules

__all__ = ["EVENT_HANDLERS", "deliver", "deliver_email", "mailbox_owner", "send_scheduled"]

DAY = 86400
_NO_REPLY = ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster")


def deliver(s: Session, world: World, payload: dict[str, Any]) -> None:
    """Event handler: a message arrives (see the module docstring for the payload)."""
    now = min(int(payload.get("sent_at", clock(s, world))), clock(s, world))
    thread = _target_thread(s, world, payload, now)
    message = _insert_message(s, world, thread, payload, now)
    if _is_blocked(s, message.sender_email):
        thread.spam = True
    for rule in s.scalars(select(Filter).order_by(Filter.id)).all():
        if _matches(rule, message):
            _apply_filter(s, world, rule, thread, message, now)
    _vacation_reply(s, world, thread, message, now)


def send_scheduled(s: Session, world: World, payload: dict[str, Any]) -> None:
    """Event handler: send a scheduled message, unless it was cancelled or rescheduled."""
    message = s.get(Message, int(payload["message_id"]))
    if message is None or message.status != "scheduled":
        return
    if "at" in payload and message.scheduled_at != payload["at"]:
        return  # rescheduled: the event of the new time sends it
    now = clock(s, world)
    message.status, message.sent_at, message.scheduled_at = "sent", now, None
    message.thread.last_message_at = now
    trigger_reply_rules(s, world, message, now)


EVENT_HANDLERS = {"deliver": deliver, "send_scheduled": send_scheduled}


def deliver_email(s: Session, world: World, email: Email) -> None:
    """The `"email.deliver"` service other sites of the world call (see `core/crosssite.py`)."""
    payload: dict[str, Any] = {"sender_name": email.sender_name,
                               "sender_email": email.sender_email, "subject": email.subject,
                               "body": email.body, "category": email.category}
    if email.sent_at is not None:
        payload["sent_at"], payload["is_read"] = email.sent_at, email.read
    deliver(s, world, payload)


def mailbox_owner(s: Session) -> tuple[str, str]:
    """The `"email.owner"` service: the mailbox owner's name and address."""
    owner = account(s)
    return owner.name, owner.email


def _target_thread(s: Session, world: World, payload: dict[str, Any], now: int) -> Thread:
    """The existing thread (un-archived: a reply brings it back) or a new one."""
    wanted = payload.get("thread_id")
    thread = s.get(Thread, int(wanted)) if wanted is not None else None
    if thread is not None:
        thread.last_message_at, thread.in_inbox = max(thread.last_message_at, now), True
        return thread
    thread_id = int(wanted) if wanted is not None else World.next_id(s, Thread.__tablename__)
    thread = Thread(id=thread_id, subject=payload["subject"],
                    category=payload.get("category", "primary"), in_inbox=True,
                    important=bool(payload.get("important", False)), last_message_at=now)
    s.add(thread)
    return thread


def _insert_message(s: Session, world: World, thread: Thread, payload: dict[str, Any],
                    now: int) -> Message:
    message_id = payload.get("message_id") or World.next_id(s, Message.__tablename__)
    message = Message(
        id=int(message_id), thread_id=thread.id, sender_name=payload["sender_name"],
        sender_email=payload["sender_email"].lower(), to_addrs=payload.get("to")
        or account(s).email, cc_addrs=payload.get("cc", ""), subject=payload["subject"],
        body=payload["body"], sent_at=now, status="received",
        is_read=bool(payload.get("is_read", False)),
        in_reply_to=payload.get("in_reply_to"))
    s.add(message)
    for item in payload.get("attachments", []):
        s.add(Attachment(id=item.get("id") or World.next_id(s, Attachment.__tablename__),
                         message_id=message.id, filename=item["filename"],
                         mime_type=item.get("mime_type", "text/plain"),
                         content=item.get("content", "")))
    s.flush()
    # Rows were added by foreign key: reload the collections the rules below read.
    s.refresh(thread, ["messages"])
    s.refresh(message, ["attachments"])
    return message


def _is_blocked(s: Session, email: str) -> bool:
    return s.scalars(select(BlockedSender.id).where(BlockedSender.email == email)).first() \
        is not None


def _matches(rule: Filter, message: Message) -> bool:
    """All non-empty criteria hold (case-insensitive substrings; every has_words word)."""
    sender = f"{message.sender_name} <{message.sender_email}>".casefold()
    text = f"{message.subject}\n{message.body}".casefold()
    checks = [
        not rule.from_contains or rule.from_contains.casefold() in sender,
        not rule.to_contains or rule.to_contains.casefold()
        in f"{message.to_addrs}, {message.cc_addrs}".casefold(),
        not rule.subject_contains or rule.subject_contains.casefold()
        in message.subject.casefold(),
        all(word in text for word in rule.has_words.casefold().split()),
        not rule.has_attachment or bool(message.attachments),
    ]
    return all(checks)


def _apply_filter(s: Session, world: World, rule: Filter, thread: Thread, message: Message,
                  now: int) -> None:
    if rule.label_id is not None and s.get(ThreadLabel, (thread.id, rule.label_id)) is None:
        s.add(ThreadLabel(thread_id=thread.id, label_id=rule.label_id))
    if rule.archive:
        thread.in_inbox = False
    if rule.star:
        thread.starred = True
    if rule.mark_read:
        message.is_read = True
    if rule.delete:
        thread.trashed, thread.trashed_at = True, now
    if rule.forward_to:
        _forward_copy(s, world, rule.forward_to, message, now)
    s.flush()


def _forward_copy(s: Session, world: World, to: str, message: Message, now: int) -> None:
    """A sent "Fwd:" copy of `message` in a new thread (what auto-forwarding leaves in Sent)."""
    owner = account(s)
    subject = f"Fwd: {message.subject}"
    thread = Thread(id=World.next_id(s, Thread.__tablename__), subject=subject,
                    in_inbox=False, last_message_at=now)
    header = (f"---------- Forwarded message ----------\nFrom: {message.sender_name} "
              f"<{message.sender_email}>\nDate: {_date(message.sent_at)}\n"
              f"Subject: {message.subject}\nTo: {message.to_addrs}\n\n")
    copy = _sent(s, owner, thread, to, subject, header + message.body, now)
    s.add_all([thread, copy])
    s.flush()
    copy_attachments(s, message, copy.id)


def _vacation_reply(s: Session, world: World, thread: Thread, message: Message,
                    now: int) -> None:
    """Answer once per sender per vacation while the responder is on."""
    owner = account(s)
    if not _on_vacation(owner, now) or thread.spam or thread.trashed:
        return
    sender = message.sender_email
    if sender == owner.email or any(mark in sender.split("@")[0] for mark in _NO_REPLY):
        return
    answered = s.scalars(select(Message.id).where(
        Message.status == "sent", Message.subject == owner.vacation_subject,
        Message.to_addrs == sender, Message.sent_at >= (owner.vacation_start or 0))
        .order_by(Message.id)).first()
    if answered is None:
        reply = _sent(s, owner, thread, sender, owner.vacation_subject or
                      reply_subject(message.subject), owner.vacation_body, now)
        reply.in_reply_to = message.id
        s.add(reply)
        s.flush()


def _on_vacation(owner: Account, now: int) -> bool:
    """Enabled and today is within [start, end], dates inclusive (end runs to end of day)."""
    if not owner.vacation_enabled or owner.vacation_start is None or owner.vacation_end is None:
        return False
    return owner.vacation_start <= now < owner.vacation_end + DAY


def _sent(s: Session, owner: Account, thread: Thread, to: str, subject: str, body: str,
          now: int) -> Message:
    return Message(id=World.next_id(s, Message.__tablename__), thread_id=thread.id,
                   sender_name=owner.name, sender_email=owner.email, to_addrs=to,
                   subject=subject, body=body, sent_at=now, status="sent", is_read=True)


def _date(when: int) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%a, %d %b %Y %H:%M UTC")
