"""Mail JSON API under /api: the same reads (queries) and changes (services) as the pages.

Reads never change state (unlike opening a thread page, `GET /api/threads/{id}` does not mark
it read; use the `read` action). Refusals answer 4xx with `{"detail": "..."}`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from . import queries, services
from .models import Account, Attachment, Contact, Label, Message, Thread
from .pages_common import MAX_ID, IdPath

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["mail"])
VIEWS = (*queries.SYSTEM_VIEWS, "inbox/promotions", "inbox/social", "inbox/updates", "label",
         "search")
ThreadOp = Literal["archive", "move_inbox", "trash", "restore", "delete_forever", "spam",
                   "not_spam", "read", "unread", "star", "unstar", "important", "not_important",
                   "add_label", "remove_label", "snooze", "unsnooze"]
OptionalId = Annotated[int, Field(ge=1, le=MAX_ID)] | None


class AttachmentOut(BaseModel):
    id: int
    filename: str
    mime_type: str


class MessageOut(BaseModel):
    id: int
    thread_id: int
    sender_name: str
    sender_email: str
    to: str
    cc: str
    bcc: str
    subject: str
    body: str
    sent_at: int
    status: str
    is_read: bool
    in_reply_to: int | None
    scheduled_at: int | None
    attachments: list[AttachmentOut]


class LabelOut(BaseModel):
    id: int
    name: str
    color: str
    unread: int = 0


class ThreadRowOut(BaseModel):
    thread_id: int
    message_id: int | None
    participants: str
    subject: str
    snippet: str
    time: int
    unread: bool
    starred: bool
    important: bool
    has_attachment: bool
    message_count: int
    labels: list[LabelOut]


class ThreadListOut(BaseModel):
    view: str
    page: int
    page_size: int
    total: int
    range: str
    threads: list[ThreadRowOut]


class ThreadOut(BaseModel):
    id: int
    subject: str
    category: str
    in_inbox: bool
    starred: bool
    important: bool
    spam: bool
    trashed: bool
    snoozed_until: int | None
    last_message_at: int
    labels: list[LabelOut]
    messages: list[MessageOut]


class ThreadActionIn(BaseModel):
    op: ThreadOp
    label_id: OptionalId = None
    until: int | None = Field(default=None, ge=0, le=MAX_ID,
                              description="snooze until (epoch seconds, UTC)")


class ThreadActionOut(BaseModel):
    changed: int
    thread: ThreadOut | None


class MessageIn(BaseModel):
    action: Literal["send", "draft", "schedule"] = "send"
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to: OptionalId = None
    forward_of: OptionalId = None
    draft_id: OptionalId = None
    schedule_at: int | None = Field(default=None, ge=0, le=MAX_ID, description="epoch seconds")


class LabelIn(BaseModel):
    name: str
    parent_id: OptionalId = None


class ContactIn(BaseModel):
    name: str
    email: str
    phone: str = ""
    company: str = ""
    title: str = ""
    notes: str = ""


class ContactOut(ContactIn):
    id: int


class SettingsOut(BaseModel):
    name: str
    email: str
    signature: str
    vacation_enabled: bool
    vacation_start: int | None
    vacation_end: int | None
    vacation_subject: str
    vacation_body: str
    page_size: int


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        id=message.id, thread_id=message.thread_id, sender_name=message.sender_name,
        sender_email=message.sender_email, to=message.to_addrs, cc=message.cc_addrs,
        bcc=message.bcc_addrs, subject=message.subject, body=message.body,
        sent_at=message.sent_at, status=message.status, is_read=message.is_read,
        in_reply_to=message.in_reply_to, scheduled_at=message.scheduled_at,
        attachments=[_attachment_out(a) for a in message.attachments])


def _attachment_out(item: Attachment) -> AttachmentOut:
    return AttachmentOut(id=item.id, filename=item.filename, mime_type=item.mime_type)


def _label_out(label: queries.LabelInfo | Label, unread: int = 0) -> LabelOut:
    return LabelOut(id=label.id, name=label.name, color=label.color, unread=unread)


def thread_out(s: Session, thread_id: int) -> ThreadOut:
    thread = queries.load_thread(s, thread_id)
    if thread is None:
        raise HTTPException(404, f"there is no conversation with id {thread_id}")
    labels = [_label_out(label) for label in queries.thread_labels(s, [thread.id])[thread.id]]
    columns = ("id", "subject", "category", "in_inbox", "starred", "important", "spam",
               "trashed", "snoozed_until", "last_message_at")
    return ThreadOut(**{name: getattr(thread, name) for name in columns}, labels=labels,
                     messages=[message_out(m) for m in thread.messages])


def _row_out(row: queries.Row) -> ThreadRowOut:
    return ThreadRowOut(
        thread_id=row.thread_id, message_id=row.message_id, participants=row.participants,
        subject=row.subject, snippet=row.snippet, time=row.time, unread=row.unread,
        starred=row.starred, important=row.important, has_attachment=row.has_attachment,
        message_count=row.count, labels=[_label_out(label) for label in row.labels])


@router.get("/threads", response_model=ThreadListOut)
async def list_threads(world: WorldDep, view: str = "inbox", q: str = "",
                       page: int = Query(1, ge=1, le=10**6),
                       label_id: int | None = Query(None, ge=1, le=MAX_ID)) -> ThreadListOut:
    """A page of a view (inbox, inbox/promotions, starred, ..., label, search)."""
    if view not in VIEWS:
        raise HTTPException(400, f"unknown view {view[:40]!r}; expected one of {', '.join(VIEWS)}")
    if view == "label" and label_id is None:
        raise HTTPException(400, "view=label needs label_id")
    with world.session() as s:
        result = queries.list_view(s, view, world.now, page, label_id=label_id, q=q)
    return ThreadListOut(view=view, page=result.page, page_size=result.page_size,
                         total=result.total, range=result.range_text,
                         threads=[_row_out(row) for row in result.rows])


@router.get("/threads/{thread_id}", response_model=ThreadOut)
async def get_thread(world: WorldDep, thread_id: IdPath) -> ThreadOut:
    """A conversation with its messages (does not mark it read)."""
    with world.session() as s:
        return thread_out(s, thread_id)


@router.post("/threads/{thread_id}/action", response_model=ThreadActionOut)
async def thread_action(world: WorldDep, thread_id: IdPath,
                        body: ThreadActionIn) -> ThreadActionOut:
    """Apply one action (archive, trash, star, add_label, snooze, ...) to a conversation."""
    with world.transaction() as s:
        changed = services.thread_op(s, world, [thread_id], body.op, label_id=body.label_id,
                                     until=body.until)
    with world.session() as s:
        exists = s.get(Thread, thread_id) is not None
        return ThreadActionOut(changed=changed, thread=thread_out(s, thread_id) if exists else None)


@router.post("/messages", response_model=MessageOut, status_code=201)
async def create_message(world: WorldDep, body: MessageIn) -> MessageOut:
    """Send, save as draft, or schedule a message (replies join their thread)."""
    draft = services.Compose(body.to, body.cc, body.bcc, body.subject, body.body,
                             body.in_reply_to, body.forward_of, body.draft_id)
    with world.transaction() as s:
        if body.action == "send":
            message = services.send(s, world, draft)
        elif body.action == "draft":
            message = services.save_draft(s, world, draft)
        else:
            if body.schedule_at is None:
                raise HTTPException(422, "schedule needs schedule_at (epoch seconds)")
            message = services.schedule(s, world, draft, body.schedule_at)
        message_id = message.id
    with world.session() as s:
        stored = s.get(Message, message_id)
        assert stored is not None
        return message_out(stored)


@router.get("/labels", response_model=list[LabelOut])
async def list_labels(world: WorldDep) -> list[LabelOut]:
    """Every user label, by name, with its unread-conversation count."""
    with world.session() as s:
        unread = queries.nav_counts(s, world.now).label_unread
        return [_label_out(label, unread.get(label.id, 0)) for label, _ in queries.label_tree(s)]


@router.post("/labels", response_model=LabelOut, status_code=201)
async def create_label(world: WorldDep, body: LabelIn) -> LabelOut:
    """Create a label (nested under `parent_id` when given)."""
    with world.transaction() as s:
        label = services.create_label(s, world, body.name, body.parent_id)
        return _label_out(label)


def _contact_out(contact: Contact) -> ContactOut:
    return ContactOut(id=contact.id, name=contact.name, email=contact.email, phone=contact.phone,
                      company=contact.company, title=contact.title, notes=contact.notes)


@router.get("/contacts", response_model=list[ContactOut])
async def list_contacts(world: WorldDep, q: str = "") -> list[ContactOut]:
    """The address book, by name (optionally filtered by name, email or company)."""
    with world.session() as s:
        return [_contact_out(c) for c in queries.contact_rows(s, q)]


@router.post("/contacts", response_model=ContactOut, status_code=201)
async def create_contact(world: WorldDep, body: ContactIn) -> ContactOut:
    """Add a contact."""
    with world.transaction() as s:
        return _contact_out(services.add_contact(s, world, **body.model_dump()))


@router.get("/settings", response_model=SettingsOut)
async def get_settings(world: WorldDep) -> SettingsOut:
    """The owner's settings (signature, vacation responder)."""
    with world.session() as s:
        owner: Account = queries.account(s)
        return SettingsOut(**{name: getattr(owner, name) for name in SettingsOut.model_fields})
