"""The message center: notices the shop sent (orders, shipping, refunds, deals)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from webtwin.simulators.core.web import WorldDep

from . import queries
from .models import Notification
from .pages_common import chrome, path_id, render_page

__all__ = ["router"]

router = APIRouter()
KIND_NAMES = {"order_placed": "Order", "order_shipped": "Shipping", "order_delivered": "Delivery",
              "order_cancelled": "Cancellation", "refund": "Refund", "newsletter": "Deals",
              "promotion": "Deals"}


@router.get("/messages", response_class=HTMLResponse)
async def messages_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Every notice, newest first."""
    with world.session() as s:
        return render_page("shop/messages.html", ui=chrome(s, world, request, active="messages"),
                           messages=queries.notifications(s), kinds=KIND_NAMES)


@router.get("/messages/{message_id}", response_class=HTMLResponse)
async def message_page(request: Request, world: WorldDep, message_id: str) -> HTMLResponse:
    """One notice."""
    mid = path_id(message_id, "message")
    with world.session() as s:
        message = s.get(Notification, mid)
        if message is None:
            raise HTTPException(404, f"there is no message {mid}")
        return render_page("shop/message.html", ui=chrome(s, world, request, active="messages"),
                           message=message, kinds=KIND_NAMES)
