"""Writing mail: send, drafts, scheduled send. Replies join their thread; new mail starts one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Message, Thread
from .common import (
    account,
    check_length,
    clock,
    copy_attachments,
    delete_thread,
    get_message,
    message_count,
    validate_email,
)
from .errors import MailError
from .replies import trigger_reply_rules

__all__ = [
    "MAX_BODY", "MAX_RECIPIENTS", "MAX_SUBJECT", "Compose", "cancel_scheduled", "discard_draft",
    "parse_addresses", "save_draft", "schedule", "send",
]

MAX_RECIPIENTS = 50
MAX_SUBJECT = 500
MAX_BODY = 100_000
# One address per match: quoted names and <...> may contain separators, so match whole items.
_ITEM_RE = re.compile(r'(?:"[^"]*"|<[^>]*>|[^,;])+')
_ANGLE_RE = re.compile(r"<([^<>]*)>\s*$")


@dataclass
class Compose:
    """What the compose form holds."""

    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to: int | None = None
    forward_of: int | None = None
    draft_id: int | None = None


@dataclass
class _Checked:
    """A validated Compose: parsed recipients and the rows it refers to."""

    to: list[str]
    cc: list[str]
    bcc: list[str]
    reply_to: Message | None
    forward_of: Message | None
    draft: Message | None


def parse_addresses(text: str) -> list[str]:
    """Addresses in `text` ("a@x.example, Bo <b@y.test>; c@z.test"), lower-cased, deduplicated."""
    found: list[str] = []
    for item in _ITEM_RE.findall(text or ""):
        item = item.strip()
        if not item:
            continue
        angle = _ANGLE_RE.search(item)
        email = validate_email(angle.group(1) if angle else item)
        if email not in found:
            found.append(email)
    if len(found) > MAX_RECIPIENTS:
        raise MailError(f"too many addresses ({len(found)}); at most {MAX_RECIPIENTS}")
    return found


def send(s: Session, world: World, c: Compose) -> Message:
    """Send now. Needs at least one recipient; a reply joins the replied-to thread."""
    checked = _check(s, c, need_recipient=True)
    now = clock(s, world)
    message = _store(s, world, c, checked, "sent", now)
    message.is_read = True
    message.thread.last_message_at = now
    trigger_reply_rules(s, world, message, now)
    return message


def save_draft(s: Session, world: World, c: Compose) -> Message:
    """Save (or update, with `draft_id`) a draft; recipients may be empty but must be valid."""
    checked = _check(s, c, need_recipient=False)
    return _store(s, world, c, checked, "draft", clock(s, world))


def schedule(s: Session, world: World, c: Compose, at: int) -> Message:
    """Schedule a send at `at` (epoch seconds, in the future); fired by `send_scheduled`."""
    checked = _check(s, c, need_recipient=True)
    now = clock(s, world)
    if at is None or int(at) <= now:
        raise MailError("the send time must be in the future")
    message = _store(s, world, c, checked, "scheduled", now)
    message.scheduled_at = int(at)
    s.flush()
    world.schedule(s, int(at), "mail", "send_scheduled",
                   {"message_id": message.id, "at": int(at)})
    return message


def cancel_scheduled(s: Session, world: World, message_id: int) -> Message:
    """Turn a scheduled message back into a draft (its pending event then does nothing)."""
    message = get_message(s, message_id)
    if message.status != "scheduled":
        raise MailError("only a scheduled message can be cancelled; this one is "
                        f"{message.status}")
    message.status = "draft"
    message.scheduled_at = None
    return message


def discard_draft(s: Session, message_id: int) -> None:
    """Delete a draft, and its thread when the draft was the thread's only message."""
    message = get_message(s, message_id)
    if message.status != "draft":
        raise MailError(f"only drafts can be discarded; this message is {message.status}")
    thread_id = message.thread_id
    if message_count(s, thread_id) == 1:
        delete_thread(s, thread_id)
    else:
        s.delete(message)
        s.flush()


def _check(s: Session, c: Compose, *, need_recipient: bool) -> _Checked:
    """Validate every field and reference of `c` before anything changes."""
    to, cc, bcc = (parse_addresses(c.to), parse_addresses(c.cc), parse_addresses(c.bcc))
    if need_recipient and not (to or cc or bcc):
        raise MailError("add at least one recipient in To, Cc or Bcc")
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise MailError(f"too many recipients; at most {MAX_RECIPIENTS} in total")
    check_length(c.subject or "", MAX_SUBJECT, "the subject")
    check_length(c.body or "", MAX_BODY, "the message")
    reply_to = get_message(s, c.in_reply_to) if c.in_reply_to is not None else None
    forward_of = get_message(s, c.forward_of) if c.forward_of is not None else None
    draft = get_message(s, c.draft_id) if c.draft_id is not None else None
    if draft is not None and draft.status != "draft":
        raise MailError(f"message {draft.id} is not a draft (it is {draft.status})")
    if reply_to is None and draft is not None and draft.in_reply_to is not None:
        # An edited reply draft stays a reply even if the form did not repeat in_reply_to.
        reply_to = s.get(Message, draft.in_reply_to)
    return _Checked(to, cc, bcc, reply_to, forward_of, draft)


def _store(s: Session, world: World, c: Compose, checked: _Checked, status: str,
           now: int) -> Message:
    """Insert or update the message row of `c` in its thread, with status `status`."""
    owner = account(s)
    thread = _thread_for(s, world, c, checked, now)
    message = checked.draft or Message(id=World.next_id(s, Message.__tablename__))
    old_thread = checked.draft.thread_id if checked.draft is not None else None
    message.thread_id, message.thread = thread.id, thread
    message.sender_name, message.sender_email = owner.name, owner.email
    message.to_addrs, message.cc_addrs = ", ".join(checked.to), ", ".join(checked.cc)
    message.bcc_addrs = ", ".join(checked.bcc)
    message.subject, message.body = c.subject or "", c.body or ""
    message.in_reply_to = checked.reply_to.id if checked.reply_to is not None else None
    message.status, message.sent_at, message.is_read = status, now, True
    message.scheduled_at = None
    s.add(message)
    s.flush()
    _after_store(s, message, checked, old_thread)
    return message


def _thread_for(s: Session, world: World, c: Compose, checked: _Checked, now: int) -> Thread:
    """The reply's thread, the draft's own thread, or a new thread outside the Inbox."""
    if checked.reply_to is not None:
        return checked.reply_to.thread
    if checked.draft is not None and checked.draft.in_reply_to is None:
        thread = checked.draft.thread
        if message_count(s, thread.id) == 1:
            thread.subject, thread.last_message_at = c.subject or "", now
        return thread
    thread = Thread(id=World.next_id(s, Thread.__tablename__), subject=c.subject or "",
                    category="primary", in_inbox=False, last_message_at=now)
    s.add(thread)
    return thread


def _after_store(s: Session, message: Message, checked: _Checked, old_thread: int | None) -> None:
    """Forwarded attachments, and dropping a thread a moved draft left empty."""
    if checked.forward_of is not None and not message.attachments:
        copy_attachments(s, checked.forward_of, message.id)
        s.flush()
        s.refresh(message, ["attachments"])
    if old_thread is not None and old_thread != message.thread_id \
            and message_count(s, old_thread) == 0:
        delete_thread(s, old_thread)
