"""Compose: new mail, drafts, replies and forwards; send, save, schedule, discard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import Form, FormDep, WorldDep, see_other
from webtwin.simulators.core.world import UserError, World

from . import queries, services
from .models import Attachment, Message
from .pages_common import (
    IdPath,
    chrome,
    optional_id,
    parse_datetime_input,
    render_page,
    with_notice,
)
from .services import parse_addresses

__all__ = ["ComposeForm", "prefill", "router"]

router = APIRouter()
FORWARD_HEADER = "---------- Forwarded message ---------"


@dataclass
class ComposeForm:
    """What the compose page shows (and re-shows, with `error`, after a refused submit)."""

    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    draft_id: int | None = None
    in_reply_to: int | None = None
    forward_of: int | None = None
    schedule_at: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    title: str = "New message"
    error: str = ""

    def compose(self) -> services.Compose:
        return services.Compose(self.to, self.cc, self.bcc, self.subject, self.body,
                                self.in_reply_to, self.forward_of, self.draft_id)


def _stamp(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%a, %b %-d, %Y at %H:%M")


def prefixed(prefix: str, subject: str, also: tuple[str, ...] = ()) -> str:
    """`Re: subject` unless it already starts with the prefix (no "Re: Re:")."""
    lowered = subject.lower()
    if any(lowered.startswith(p.lower()) for p in (prefix, *also)):
        return subject
    return f"{prefix} {subject}"


def signature_block(signature: str) -> str:
    return f"\n\n-- \n{signature}" if signature.strip() else ""


def quoted_reply(original: Message) -> str:
    """Gmail's quote: an attribution line, then every line prefixed with "> "."""
    lines = [f"> {line}" if line else ">" for line in original.body.splitlines()]
    who = f"{original.sender_name} <{original.sender_email}>" if original.sender_name else \
        original.sender_email
    return f"\n\nOn {_stamp(original.sent_at)}, {who} wrote:\n" + "\n".join(lines)


def forwarded(original: Message) -> str:
    """The forwarded-message block that follows the new text."""
    head = [FORWARD_HEADER, f"From: {original.sender_name} <{original.sender_email}>",
            f"Date: {_stamp(original.sent_at)}", f"Subject: {original.subject}",
            f"To: {original.to_addrs}"]
    if original.cc_addrs:
        head.append(f"Cc: {original.cc_addrs}")
    return "\n\n" + "\n".join(head) + "\n\n" + original.body


def _others(text: str, me: str) -> list[str]:
    """Addresses of a stored list (lenient: stored lists are already clean) without me."""
    try:
        found = parse_addresses(text)
    except UserError:
        found = [part.strip().lower() for part in text.split(",") if part.strip()]
    return [address for address in found if address != me]


def reply_recipients(original: Message, me: str, everyone: bool) -> tuple[str, str]:
    """(to, cc) of a reply: the sender (or, replying to myself, my recipients); reply-all adds
    every other participant, minus me."""
    mine = original.sender_email.lower() == me
    to = _others(original.to_addrs, me) if mine else [original.sender_email.lower()]
    cc: list[str] = []
    if everyone:
        if not mine:
            to += [a for a in _others(original.to_addrs, me) if a not in to]
        cc = [a for a in _others(original.cc_addrs, me) if a not in to]
    return ", ".join(to), ", ".join(cc)


def prefill(s: Session, reply_to: int | None, mode: str, draft: int | None,
            to: str = "") -> ComposeForm:
    """The compose form for a new message, a draft, or a reply/forward of a message."""
    owner = queries.owner(s)
    if draft is not None:
        return _from_draft(s, draft)
    if reply_to is None:
        return ComposeForm(to=to, body=signature_block(owner.signature))
    original = s.get(Message, reply_to)
    if original is None or original.status not in ("received", "sent"):
        raise HTTPException(404, f"there is no message with id {reply_to} to reply to")
    sig = signature_block(owner.signature)
    if mode == "forward":
        return ComposeForm(subject=prefixed("Fwd:", original.subject, ("Fw:",)),
                           body=sig + forwarded(original), forward_of=original.id,
                           attachments=list(original.attachments), title="Forward")
    if mode not in ("reply", "reply_all"):
        raise HTTPException(400, "mode must be reply, reply_all or forward")
    to, cc = reply_recipients(original, owner.email.lower(), mode == "reply_all")
    return ComposeForm(to=to, cc=cc, subject=prefixed("Re:", original.subject),
                       body=sig + quoted_reply(original), in_reply_to=original.id,
                       title="Reply all" if mode == "reply_all" else "Reply")


def _from_draft(s: Session, draft_id: int) -> ComposeForm:
    message = s.get(Message, draft_id)
    if message is None or message.status != "draft":
        raise HTTPException(404, f"there is no draft with id {draft_id}")
    return ComposeForm(to=message.to_addrs, cc=message.cc_addrs, bcc=message.bcc_addrs,
                       subject=message.subject, body=message.body, draft_id=message.id,
                       in_reply_to=message.in_reply_to, attachments=list(message.attachments),
                       title="Draft")


def _render(request: Request, world: World, s: Session, form: ComposeForm,
            status: int = 200) -> HTMLResponse:
    ui = chrome(s, world, request, active="drafts" if form.draft_id else "")
    return render_page("mail/compose.html", status, ui=ui, form=form)


@router.get("/compose", response_class=HTMLResponse)
async def compose_page(request: Request, world: WorldDep, draft: str = "", reply_to: str = "",
                       mode: str = "reply", to: str = "") -> HTMLResponse:
    """The compose form (new, draft, reply, reply all, forward)."""
    draft_id, reply_id = optional_id(draft, "draft"), optional_id(reply_to, "reply_to")
    with world.session() as s:
        return _render(request, world, s, prefill(s, reply_id, mode, draft_id, to))


def _read_form(s: Session, form: Form) -> ComposeForm:
    result = ComposeForm(
        to=form.get("to"), cc=form.get("cc"), bcc=form.get("bcc"),
        subject=form.get("subject"), body=form.get("body").replace("\r\n", "\n"),
        draft_id=optional_id(form.get("draft_id"), "draft_id"),
        in_reply_to=optional_id(form.get("in_reply_to"), "in_reply_to"),
        forward_of=optional_id(form.get("forward_of"), "forward_of"),
        schedule_at=form.get("schedule_at"))
    source = result.forward_of or result.draft_id
    found = s.get(Message, source) if source else None
    result.attachments = list(found.attachments) if found else []
    return result


def _submit(world: World, form: ComposeForm, action: str) -> str:
    """Run the action in one transaction; returns where to go next."""
    at = parse_datetime_input(form.schedule_at, "the send time") if action == "schedule" else None
    with world.transaction() as s:
        if action == "send":
            message = services.send(s, world, form.compose())
            back = f"/thread/{message.thread_id}" if form.in_reply_to else "/inbox"
            return with_notice(back, "sent")
        if action == "save":
            services.save_draft(s, world, form.compose())
            return with_notice("/drafts", "draft_saved")
        if action == "schedule":
            if at is None:
                raise UserError("choose a date and time to send at")
            services.schedule(s, world, form.compose(), at)
            return with_notice("/scheduled", "scheduled")
        if form.draft_id is not None:
            services.discard_draft(s, form.draft_id)
        return with_notice("/inbox", "discarded")


@router.post("/compose")
async def compose_submit(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Send, save as draft, schedule, or discard the message in the form."""
    action = form.get("action", "send").strip()
    if action not in ("send", "save", "schedule", "discard"):
        raise HTTPException(400, "action must be send, save, schedule or discard")
    with world.session() as s:
        fields = _read_form(s, form)
    try:
        return see_other(_submit(world, fields, action))
    except UserError as error:
        fields.error = str(error)
        with world.session() as s:
            return _render(request, world, s, fields, status=422)


@router.post("/scheduled/{message_id}/cancel")
async def cancel_scheduled(world: WorldDep, message_id: IdPath) -> Response:
    """Cancel a scheduled send; the message becomes a draft."""
    with world.transaction() as s:
        services.cancel_scheduled(s, world, message_id)
    return see_other(with_notice("/drafts", "schedule_cancelled"))
