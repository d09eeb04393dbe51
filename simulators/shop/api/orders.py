"""API: checkout (quote, place), orders (list, detail, cancel, returns) and reviews."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from .. import queries, services
from ..models import Order, OrderItem
from .schemas import (
    CheckoutIn,
    IdPath,
    OrderItemOut,
    OrderOut,
    QuoteIn,
    QuoteOut,
    ReturnIn,
    ReviewIn,
    ReviewOut,
    ShippingOptionOut,
    TrackingOut,
)

__all__ = ["router"]

router = APIRouter(tags=["orders"])
PERIOD = re.compile(r"30d|3m|6m|all|year-([0-9]{4})")
MAX_QUERY = 200  # as on the orders page


def _order(s: Session, order_id: int) -> OrderOut:
    detail = queries.order_detail(s, order_id)
    if detail is None:
        raise HTTPException(404, f"there is no order {order_id}")
    return _order_out(detail.order, detail.items, [
        TrackingOut(status=e.status, at=e.at, location=e.location) for e in detail.events])


def _order_out(order: Order, items: Sequence[OrderItem], tracking: list[TrackingOut]) -> OrderOut:
    fields = {name: getattr(order, name) for name in OrderOut.model_fields
              if name not in ("items", "tracking", "status_text")}
    return OrderOut(**fields, status_text=queries.status_line(order), tracking=tracking,
                    items=[OrderItemOut.model_validate(i, from_attributes=True) for i in items])


def _buy_now(body: QuoteIn) -> tuple[int, int] | None:
    return None if body.buy_now is None else (body.buy_now.variant_id, body.buy_now.quantity)


def _check_filters(period: str, status: str) -> None:
    """Refuse (400) a status or period the orders page does not offer."""
    if status not in queries.STATUS_FILTERS:
        raise HTTPException(400, f"status must be one of {', '.join(queries.STATUS_FILTERS)}")
    match = PERIOD.fullmatch(period)
    if match is None or (match.group(1) is not None and not 1 <= int(match.group(1)) < 9999):
        raise HTTPException(400, "period must be 30d, 3m, 6m, year-YYYY or all")


@router.post("/checkout/quote", response_model=QuoteOut)
async def checkout_quote(world: WorldDep, body: QuoteIn) -> QuoteOut:
    """What placing the order would cost (the cart, or one `buy_now` item)."""
    with world.session() as s:
        one = _buy_now(body)
        quote = services.quote(s, world, body.speed, one)
        options = [ShippingOptionOut(speed=speed, shipping_cents=cents, estimated_delivery=day)
                   for speed, cents, day in services.shipping_options(s, world, one)]
        return QuoteOut(
            subtotal_cents=quote.subtotal_cents, discount_cents=quote.discount_cents,
            promo_code=quote.promo_code, promo_error=quote.promo_error,
            shipping_cents=quote.shipping_cents, tax_cents=quote.tax_cents,
            total_cents=quote.total_cents, speed=quote.speed,
            estimated_delivery=quote.estimated_delivery, options=options)


@router.post("/checkout", response_model=OrderOut, status_code=201)
async def place_order(world: WorldDep, body: CheckoutIn) -> OrderOut:
    """Place the order."""
    with world.transaction() as s:
        order = services.place_order(s, world, body.address_id, body.speed, body.card_id,
                                     _buy_now(body))
        return _order(s, order.id)


@router.get("/orders", response_model=list[OrderOut])
async def list_orders(world: WorldDep, period: str = "3m", status: str = "all",
                      q: str = "") -> list[OrderOut]:
    """Orders, newest first: `period` (30d, 3m, 6m, year-YYYY, all), `status` (all, open,
    delivered, cancelled, returned), `q` (item title words, or part of an order number)."""
    _check_filters(period, status)
    with world.session() as s:
        rows = queries.order_list(s, world.now, period, status, q[:MAX_QUERY])
        return [_order_out(row.order, row.items, []) for row in rows]


@router.get("/orders/{order_id}", response_model=OrderOut)
async def get_order(world: WorldDep, order_id: IdPath) -> OrderOut:
    """An order with its items and tracking events."""
    with world.session() as s:
        return _order(s, order_id)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(world: WorldDep, order_id: IdPath) -> OrderOut:
    """Cancel an order that has not shipped (full refund)."""
    with world.transaction() as s:
        services.cancel_order(s, world, order_id)
        return _order(s, order_id)


@router.post("/orders/{order_id}/returns", response_model=OrderOut, status_code=201)
async def return_item(world: WorldDep, order_id: IdPath, body: ReturnIn) -> OrderOut:
    """Return units of a delivered item (refunded at once)."""
    with world.transaction() as s:
        services.return_item(s, world, order_id, body.item_id, body.quantity, body.reason,
                             body.comment)
        return _order(s, order_id)


@router.post("/reviews", response_model=ReviewOut, status_code=201)
async def write_review(world: WorldDep, body: ReviewIn) -> ReviewOut:
    """Review a product that was delivered to you (once per product)."""
    with world.transaction() as s:
        review = services.write_review(s, world, body.product_id, body.rating, body.title,
                                       body.body)
        return ReviewOut.model_validate(review, from_attributes=True)
