"""Shared plumbing of the mail pages: templates, page chrome, notices, ids, errors."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from webtwin.simulators.core.web import format_time, make_templates, resolve_world, safe_back
from webtwin.simulators.core.world import UserError, World

from . import queries
from .chrome_view import side_nav, top_bar
from .formats import css_color, full_time, utc
from .icons import icon
from .list_view import bulk_actions, category_tabs, list_rows

__all__ = [
    "MAX_ID", "NOTICES", "Chrome", "IdPath", "chrome", "css_color", "install_error_handlers",
    "optional_id", "page_number", "parse_date_input", "parse_datetime_input",
    "parse_id", "render_page", "safe_back", "templates", "with_notice",
]

MAX_ID = 2**53  # beyond this SQLite (and JSON clients) cannot hold the number
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

# Fixed texts for `?notice=`: a URL never carries user text into a page.
NOTICES = {
    "archived": "Conversation archived.", "moved_inbox": "Conversation moved to Inbox.",
    "trashed": "Conversation moved to Trash.", "restored": "Conversation restored.",
    "deleted": "Conversation deleted forever.", "spam": "Conversation marked as spam.",
    "not_spam": "Conversation moved out of Spam.", "read": "Marked as read.",
    "unread": "Marked as unread.", "starred": "Conversation starred.",
    "unstarred": "Star removed.", "important": "Marked as important.",
    "not_important": "Marked as not important.", "labelled": "Label applied.",
    "unlabelled": "Label removed.", "snoozed": "Conversation snoozed.",
    "unsnoozed": "Conversation unsnoozed.", "sent": "Message sent.",
    "draft_saved": "Draft saved.", "scheduled": "Message scheduled.",
    "discarded": "Draft discarded.", "schedule_cancelled": "Scheduled send cancelled; "
    "the message is now a draft.", "label_created": "Label created.",
    "label_renamed": "Label renamed.", "label_deleted": "Label deleted.",
    "contact_saved": "Contact saved.", "contact_deleted": "Contact deleted.",
    "settings_saved": "Settings saved.", "filter_created": "Filter created.",
    "filter_deleted": "Filter deleted.", "blocked": "Sender blocked.",
    "unblocked": "Sender unblocked.",
}


@functools.cache
def templates() -> Environment:
    """The mail Jinja environment (immutable once built, so one per process is safe)."""
    env = make_templates(FilePath(__file__).parent / "templates")
    env.filters["dt_input"] = lambda epoch: utc(epoch).strftime("%Y-%m-%dT%H:%M") if epoch else ""
    env.filters["date_input"] = lambda epoch: utc(epoch).strftime("%Y-%m-%d") if epoch else ""
    env.filters["full_time"] = full_time
    env.filters["qs"] = lambda params: urlencode(params)
    env.filters["css_color"] = css_color
    env.globals["icon"] = icon
    # The markup every page or every list row draws is Python (a Jinja loop costs ~10× more).
    env.globals["top_bar"] = top_bar
    env.globals["side_nav"] = side_nav
    env.globals["category_tabs"] = category_tabs
    env.globals["bulk_actions"] = bulk_actions
    env.globals["list_rows"] = list_rows
    return env


@dataclass
class Chrome:
    """What the layout shows around every page: owner, clock, navigation, search box."""

    owner: queries.Owner
    now: int
    nav: queries.NavCounts
    labels: list[tuple[queries.LabelInfo, int]]
    active: str
    q: str
    notice: str


def chrome(s: Session, world: World, request: Request, active: str = "", q: str = "") -> Chrome:
    """Layout data for a page; `active` names the highlighted navigation entry."""
    now = world.now
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    return Chrome(queries.owner(s), now, queries.nav_counts(s, now), queries.label_tree(s),
                  active, q, notice)


def render_page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a mail template (every page extends `mail/base.html`, which needs `ui`)."""
    html = templates().get_template(name).render(fmt=format_time, **context)
    return HTMLResponse(html, status_code=status_code)


def parse_id(text: str | None, what: str = "id") -> int:
    """A positive id from form/query text, or a 400 naming the field."""
    value = (text or "").strip()
    if not re.fullmatch(r"\d{1,16}", value) or not 1 <= int(value) <= MAX_ID:
        raise HTTPException(400, f"{what} must be a positive whole number, not {value[:40]!r}")
    return int(value)


def optional_id(text: str | None, what: str = "id") -> int | None:
    """Like `parse_id`, but "" (a select's "none" option) is None."""
    return None if not (text or "").strip() else parse_id(text, what)


def page_number(text: str | None) -> int:
    """?page=N, leniently: junk means page 1 and large numbers are clamped by the query."""
    value = (text or "").strip()
    return int(value) if re.fullmatch(r"\d{1,9}", value) and int(value) > 0 else 1


def parse_datetime_input(text: str, what: str) -> int | None:
    """`YYYY-MM-DDTHH:MM` (UTC, as datetime-local sends it) → epoch seconds; "" → None."""
    value = text.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return int(dt.datetime.strptime(value, pattern).replace(tzinfo=dt.UTC).timestamp())
        except ValueError:
            continue
    raise UserError(f"{what} must be a date and time like 2026-03-04T09:30")


def parse_date_input(text: str, what: str) -> int | None:
    """`YYYY-MM-DD` (UTC midnight) → epoch seconds; "" → None."""
    value = text.strip()
    if not value:
        return None
    try:
        return int(dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC).timestamp())
    except ValueError:
        raise UserError(f"{what} must be a date like 2026-03-04") from None


def with_notice(url: str, notice: str) -> str:
    """`url` with `?notice=` appended (notice must be a NOTICES key)."""
    assert notice in NOTICES, notice
    return f"{url}{'&' if '?' in url else '?'}notice={notice}"


# -- errors ---------------------------------------------------------------------------------
def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(request: Request, status: int, message: str) -> Response:
    """JSON `{"detail": ...}` under /api, else the error page (with navigation if possible)."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    try:
        world = resolve_world(request).world
        with world.session() as s:
            ui = chrome(s, world, request)
            return render_page("mail/error.html", status, ui=ui, status=status, message=message)
    except (HTTPException, LookupError):
        return render_page("mail/error.html", status, ui=None, status=status, message=message)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("path", "query", "body"))
        parts.append(f"{where or 'request'}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Refusals become 4xx pages (or JSON under /api); nothing changed (transactions rolled
    back before the handler runs)."""

    async def on_user_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        response = error_response(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 422, _validation_message(exc))

    app.add_exception_handler(UserError, on_user_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
