"""Shared plumbing of the shop pages: templates, page chrome, notices, parsing, errors."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from webtwin.simulators.core.web import make_templates, resolve_world, safe_back
from webtwin.simulators.core.world import UserError, World

from . import markup, queries
from .services.common import long_date, short_date
from .services.errors import ShopNotFound

__all__ = [
    "MAX_ID", "NOTICES", "Chrome", "chrome", "form_id", "form_int", "install_error_handlers",
    "money", "page_number", "path_id", "render_page", "safe_back", "set_back", "templates",
    "with_notice",
]

MAX_ID = 2**53  # beyond this SQLite (and JSON clients) cannot hold the number

# Fixed texts for `?notice=`: a URL never carries user text into a page.
NOTICES = {
    "added": "Added to Cart.", "cart_updated": "Cart updated.",
    "cart_removed": "Item removed from your cart.", "saved": "Saved for later.",
    "moved": "Moved to your cart.", "promo_applied": "Promotion applied.",
    "promo_removed": "Promotion removed.", "cancelled": "Your order has been cancelled.",
    "returned": "Return submitted. Your refund is on its way.",
    "review_posted": "Thanks! Your review has been posted.",
    "profile_saved": "Your account has been updated.", "address_saved": "Address saved.",
    "address_deleted": "Address removed.", "address_default": "Default address updated.",
    "card_saved": "Card added.", "card_deleted": "Card removed.",
    "card_default": "Default payment method updated.", "list_created": "List created.",
    "list_renamed": "List renamed.", "list_deleted": "List deleted.",
    "wish_added": "Added to your list.", "wish_moved": "Item moved.",
    "wish_removed": "Item removed from your list.",
}


@functools.cache
def templates() -> Environment:
    """The shop Jinja environment (immutable once built, so one per process is safe)."""
    env = make_templates(FilePath(__file__).parent / "templates")
    env.filters["money"] = money
    env.filters["day"] = short_date
    env.filters["date"] = long_date
    env.filters["date_long"] = lambda epoch: f"{short_date(epoch)}, {_utc(epoch).year}"
    env.filters["stamp"] = lambda epoch: f"{long_date(epoch)}, {_utc(epoch):%H:%M}"
    env.filters["qs"] = lambda params: urlencode(params, doseq=True)
    env.filters["num"] = lambda number: f"{int(number):,}"
    env.globals["queries"] = queries
    env.globals["mk"] = markup
    return env


def money(cents: int) -> str:
    """Integer cents as `$1,234.56` (`-$5.00` for negatives)."""
    sign, value = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}${value // 100:,}.{value % 100:02d}"


def _utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


@dataclass
class Chrome:
    """What the layout shows around every page: shopper, clock, departments, cart, search."""

    name: str
    deliver_to: str
    now: int
    cart_count: int
    categories: Sequence[Any]
    q: str
    category: str
    notice: str
    active: str


def chrome(s: Session, world: World, request: Request, *, q: str = "", category: str = "",
           active: str = "") -> Chrome:
    """Layout data for a page; `active` names the highlighted header entry."""
    line = queries.header_line(s)
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    return Chrome(line.name, line.deliver_to, world.now, line.cart_count, queries.categories(s),
                  q[:200], category[:60], notice, active)


def render_page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a shop template (every page extends `shop/base.html`, which needs `ui`)."""
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code)


# -- parsing ------------------------------------------------------------------------------
def _id_value(text: str | None) -> int | None:
    value = (text or "").strip()
    if re.fullmatch(r"\d{1,16}", value) and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


def path_id(text: str, what: str) -> int:
    """An id from the URL path; anything else names no page, so it is a 404."""
    value = _id_value(text)
    if value is None:
        raise HTTPException(404, f"there is no {what} {text[:40]!r}")
    return value


def form_id(text: str | None, what: str) -> int:
    """A positive id from form/query text, or a 400 naming the field."""
    value = _id_value(text)
    if value is None:
        raise HTTPException(400, f"{what} must be a positive whole number, not "
                                 f"{(text or '')[:40]!r}")
    return value


def form_int(text: str | None, what: str, low: int, high: int) -> int:
    """A whole number in [low, high] from form text, or a 400 saying what is expected."""
    value = (text or "").strip()
    if not re.fullmatch(r"-?\d{1,9}", value) or not low <= int(value) <= high:
        raise HTTPException(400, f"{what} must be a whole number from {low} to {high}, not "
                                 f"{value[:40]!r}")
    return int(value)


def page_number(text: str | None) -> int:
    """?page=N, leniently: junk means page 1; large numbers are clamped by the query."""
    value = (text or "").strip()
    return int(value) if re.fullmatch(r"\d{1,9}", value) and int(value) > 0 else 1


def with_notice(url: str, notice: str) -> str:
    """`url` with `?notice=` appended (notice must be a NOTICES key)."""
    assert notice in NOTICES, notice
    return f"{url}{'&' if '?' in url else '?'}notice={notice}"


def set_back(request: Request, url: str) -> None:
    """Where the error page's `error-back` link leads if this request is refused."""
    request.state.back = url


# -- errors ---------------------------------------------------------------------------------
def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(request: Request, status: int, message: str) -> Response:
    """JSON `{"detail": ...}` under /api, else the error page (with the layout if possible)."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    back = getattr(request.state, "back", "/")
    try:
        world = resolve_world(request).world
        with world.session() as s:
            ui = chrome(s, world, request)
            return render_page("shop/error.html", status, ui=ui, status=status,
                               message=message, back=back)
    except (HTTPException, LookupError):
        return render_page("shop/error.html", status, ui=None, status=status,
                           message=message, back=back)


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
        return error_response(request, 404 if isinstance(exc, ShopNotFound) else 400, str(exc))

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
