"""The conversation page, its actions, and attachment views."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from webtwin.simulators.core.web import FormDep, WorldDep, see_other

from . import queries, services
from .models import Message
from .pages_common import IdPath, chrome, render_page, safe_back, with_notice
from .pages_lists import run_thread_op
from .thread_view import ThreadView, known_senders, thread_view

__all__ = ["router"]

router = APIRouter()

# After these the conversation leaves the view it was in (or reading it would undo the op),
# so the browser goes back to a list, as in Gmail.
_LEAVES = {"archive": "/inbox", "trash": "/inbox", "spam": "/inbox", "unread": "/inbox",
           "snooze": "/inbox", "delete_forever": "/trash"}


@router.get("/thread/{thread_id}", response_class=HTMLResponse)
async def thread_page(request: Request, world: WorldDep, thread_id: IdPath) -> HTMLResponse:
    """A conversation; opening it marks every message read."""
    # One transaction: mark read, read, render (the commit after rendering stores the read
    # marks; a 404 rolls back, changing nothing).
    with world.transaction() as s:
        thread = thread_view(s, thread_id)
        if thread is None:
            raise HTTPException(404, f"there is no conversation with id {thread_id}")
        services.open_thread(s, thread_id)
        ui = chrome(s, world, request, active=_active_view(thread))
        shown = [m for m in thread.messages if m.status in ("received", "sent")]
        pending = [m for m in thread.messages if m.status in ("draft", "scheduled")]
        return render_page(
            "mail/thread.html", ui=ui, thread=thread, messages=shown, pending=pending,
            labels=queries.thread_labels(s, [thread_id])[thread_id],
            label_choices=queries.label_tree(s), me=ui.owner.email.lower(),
            contacts=known_senders(s, shown),
            snoozed=bool(thread.snoozed_until and thread.snoozed_until > ui.now))


def _active_view(thread: ThreadView) -> str:
    if thread.trashed:
        return "trash"
    if thread.spam:
        return "spam"
    return "inbox" if thread.in_inbox else "all"


@router.post("/thread/{thread_id}/action")
async def thread_action(form: FormDep, world: WorldDep, thread_id: IdPath) -> Response:
    """Apply one action to this conversation."""
    op = form.get("op")
    notice = run_thread_op(world, [thread_id], op, form.get("label_id"), form.get("until"))
    default = _LEAVES.get(op.strip(), f"/thread/{thread_id}")
    back = safe_back(form.get("back"), default) if form.get("back") else default
    return see_other(with_notice(back, notice))


@router.get("/attachment/{attachment_id}", response_class=HTMLResponse)
async def attachment_page(request: Request, world: WorldDep,
                          attachment_id: IdPath) -> HTMLResponse:
    """An attachment's contents (as text)."""
    with world.session() as s:
        item = queries.attachment(s, attachment_id)
        if item is None:
            raise HTTPException(404, f"there is no attachment with id {attachment_id}")
        message = s.get(Message, item.message_id)
        ui = chrome(s, world, request)
        return render_page("mail/attachment.html", ui=ui, item=item, message=message)
