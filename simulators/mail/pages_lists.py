"""Thread lists: Inbox tabs, system views, labels, search, and the bulk-action toolbar."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import FormDep, WorldDep, see_other
from webtwin.simulators.core.world import World

from . import queries, services
from .models import Label
from .pages_common import (
    IdPath,
    chrome,
    optional_id,
    page_number,
    parse_datetime_input,
    parse_id,
    render_page,
    safe_back,
    with_notice,
)

__all__ = ["OP_NOTICES", "router", "run_thread_op"]

router = APIRouter()

TITLES = {"inbox": "Inbox", "starred": "Starred", "snoozed": "Snoozed",
          "important": "Important", "sent": "Sent", "drafts": "Drafts",
          "scheduled": "Scheduled", "all": "All Mail", "spam": "Spam", "trash": "Trash"}
OP_NOTICES = {
    "archive": "archived", "move_inbox": "moved_inbox", "trash": "trashed",
    "restore": "restored", "delete_forever": "deleted", "spam": "spam", "not_spam": "not_spam",
    "read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred",
    "important": "important", "not_important": "not_important", "add_label": "labelled",
    "remove_label": "unlabelled", "snooze": "snoozed", "unsnooze": "unsnoozed",
}
_ARCHIVE = ("archive", "bulk-archive", "Archive")
_INBOX = ("move_inbox", "bulk-move-inbox", "Move to Inbox")
_TRASH = ("trash", "bulk-trash", "Delete")
_RESTORE = ("restore", "bulk-restore", "Restore")
_FOREVER = ("delete_forever", "bulk-delete-forever", "Delete forever")
_SPAM = ("spam", "bulk-spam", "Report spam")
_NOT_SPAM = ("not_spam", "bulk-not-spam", "Not spam")
_READ = ("read", "bulk-read", "Mark as read")
_UNREAD = ("unread", "bulk-unread", "Mark as unread")
_STAR = ("star", "bulk-star", "Star")


def toolbar(view: str) -> list[tuple[str, str, str]]:
    """The bulk buttons a view offers (op, data-bid, text), as Gmail shows them."""
    if view == "trash":
        return [_RESTORE, _FOREVER, _READ, _UNREAD]
    if view == "spam":
        return [_NOT_SPAM, _FOREVER, _TRASH, _READ, _UNREAD]
    if view == "search":
        return [_ARCHIVE, _INBOX, _TRASH, _RESTORE, _SPAM, _NOT_SPAM, _READ, _UNREAD, _STAR]
    first = [_ARCHIVE] if view == "inbox" else [_ARCHIVE, _INBOX]
    return [*first, _TRASH, _SPAM, _READ, _UNREAD, _STAR]


def _list_page(request: Request, world: World, view: str, *, label: Label | None = None,
               q: str = "", category: str = "primary") -> HTMLResponse:
    key = f"inbox/{category}" if view == "inbox" and category != "primary" else view
    with world.session() as s:
        page = queries.list_view(s, key, world.now, page_number(request.query_params.get("page")),
                                 label_id=label.id if label else None, q=q)
        active = f"label-{label.id}" if label else ("" if view == "search" else view)
        ui = chrome(s, world, request, active=active, q=q)
        context = _list_context(request, s, view, label, q, category)
        return render_page("mail/list.html", ui=ui, page=page, **context)


def _list_context(request: Request, s: Session, view: str, label: Label | None, q: str,
                  category: str) -> dict[str, Any]:
    title = label.name if label else ("Search results" if view == "search" else TITLES[view])
    params = {"q": q} if view == "search" else {}
    page_url = request.url.path + "?" + (urlencode(params) + "&" if params else "")
    back = request.url.path + (f"?{urlencode(params)}" if params else "")
    page_param = request.query_params.get("page", "")
    if page_param.isdigit():
        back += ("&" if params else "?") + f"page={page_param}"
    kind = view if view in ("drafts", "scheduled") else "threads"
    return {
        "title": title, "tabs": view == "inbox", "category": category, "kind": kind,
        "toolbar": toolbar(view), "label_choices": queries.label_tree(s), "back": back,
        "page_url": page_url, "heading": f"Search results for “{q}”" if view == "search" else "",
        "empty_text": _empty_text(view, title),
    }


def _empty_text(view: str, title: str) -> str:
    if view == "search":
        return "No messages matched your search."
    if view == "inbox":
        return "Your Inbox is empty. Nice work."
    return f"No conversations in {title}."


@router.get("/", include_in_schema=False)
async def home() -> RedirectResponse:
    """The mailbox opens on the Inbox."""
    return see_other("/inbox")


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, world: WorldDep) -> HTMLResponse:
    """Inbox, Primary tab."""
    return _list_page(request, world, "inbox")


@router.get("/inbox/{category}", response_class=HTMLResponse)
async def inbox_category(request: Request, world: WorldDep, category: str) -> HTMLResponse:
    """Inbox, Promotions / Social / Updates tab."""
    if category not in ("promotions", "social", "updates"):
        raise HTTPException(404, f"there is no Inbox tab called {category[:40]!r}")
    return _list_page(request, world, "inbox", category=category)


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request, world: WorldDep, q: str = "") -> Response:
    """Search results for a Gmail query."""
    if not q.strip():
        return see_other("/inbox")
    return _list_page(request, world, "search", q=q)


@router.get("/label/{label_id}", response_class=HTMLResponse)
async def label_view(request: Request, world: WorldDep, label_id: IdPath) -> HTMLResponse:
    """Threads with a user label."""
    with world.session() as s:
        label = s.get(Label, label_id)
    if label is None:
        raise HTTPException(404, f"there is no label with id {label_id}")
    return _list_page(request, world, "label", label=label)


def _system_view(view: str) -> None:
    async def handler(request: Request, world: WorldDep) -> HTMLResponse:
        return _list_page(request, world, view)

    handler.__doc__ = f"The {TITLES[view]} view."
    handler.__name__ = f"view_{view}"
    router.add_api_route(f"/{view}", handler, methods=["GET"], response_class=HTMLResponse)


for _view in ("starred", "snoozed", "important", "sent", "drafts", "scheduled", "all", "spam",
              "trash"):
    _system_view(_view)


def run_thread_op(world: World, ids: list[int], form_op: str, label_text: str,
                  until_text: str) -> str:
    """Validate the op's extra fields, apply it in one transaction; returns the notice key."""
    op = form_op.strip()
    if op not in OP_NOTICES:
        raise HTTPException(400, f"unknown action {op[:40]!r}")
    label_id = optional_id(label_text, "label_id")
    until = parse_datetime_input(until_text, "the snooze time") if op == "snooze" else None
    with world.transaction() as s:
        services.thread_op(s, world, ids, op, label_id=label_id, until=until)
    return OP_NOTICES[op]


@router.post("/threads/action")
async def bulk_action(form: FormDep, world: WorldDep) -> Response:
    """Apply a toolbar action to the checked conversations."""
    ids = [parse_id(text, "ids") for text in form.all("ids")]
    back = safe_back(form.get("back"), "/inbox")
    if not ids:
        raise HTTPException(400, "select at least one conversation first")
    notice = run_thread_op(world, ids, form.get("op"), form.get("label_id"), form.get("until"))
    return see_other(with_notice(back, notice))
