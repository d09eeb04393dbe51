"""Returns of delivered items, refunded at once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import RETURN_REASONS, Order, OrderItem, Return
from .common import DAY, clean_text, clock, get_order, long_date
from .errors import ShopError, ShopNotFound
from .notices import order_items, refund_text
from .notify import notify

__all__ = ["RETURN_WINDOW_DAYS", "record_return", "return_item"]

RETURN_WINDOW_DAYS = 30


def return_item(s: Session, world: World, order_id: int, item_id: int, quantity: int,
                reason: str, comment: str = "") -> Return:
    """Return `quantity` units of a delivered item within 30 days of delivery.

    The refund (unit price × quantity) is issued at once; when every unit of the order has
    come back, the order becomes `returned`.
    """
    order = get_order(s, order_id)
    item = s.get(OrderItem, item_id) if isinstance(item_id, int) else None
    if item is None or item.order_id != order.id:
        raise ShopNotFound(f"Order #{order.number} has no item {item_id}")
    now = clock(s, world)
    if order.status != "delivered" or order.delivered_at is None:
        raise ShopError(_not_returnable(order.status, order.number))
    if now > order.delivered_at + RETURN_WINDOW_DAYS * DAY:
        closed = long_date(order.delivered_at + RETURN_WINDOW_DAYS * DAY)
        raise ShopError(f"The return window for order #{order.number} closed on {closed}")
    left = item.quantity - item.returned_quantity
    if left <= 0:
        raise ShopError(f'Every unit of "{item.title}" has already been returned')
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= left:
        raise ShopError(f"Choose a quantity to return from 1 to {left}")
    if reason not in RETURN_REASONS:
        raise ShopError(f"Choose a reason for the return: {', '.join(RETURN_REASONS)}")
    text = clean_text(comment if comment is not None else "", 2000, "the comment",
                      required=False)
    return record_return(s, world, order, item, quantity, reason, text, now)


def _not_returnable(status: str, number: str) -> str:
    if status in ("placed", "shipped", "out_for_delivery"):
        return f"Order #{number} has not been delivered yet; you can return items once it is"
    if status == "returned":
        return f"Every item of order #{number} has already been returned"
    return f"Order #{number} was cancelled; there is nothing to return"


def record_return(s: Session, world: World, order: Order, item: OrderItem, quantity: int,
                  reason: str, comment: str, at: int, *, mail: bool = True) -> Return:
    """The return row at `at`, its refund and notice (checked by the caller)."""
    refund = item.unit_price_cents * quantity
    row = Return(id=World.next_id(s, Return.__tablename__), order_id=order.id,
                 order_item_id=item.id, quantity=quantity, reason=reason, comment=comment,
                 refund_cents=refund, created_at=at)
    s.add(row)
    item.returned_quantity += quantity
    order.refunded_cents += refund
    if all(i.returned_quantity >= i.quantity for i in order_items(s, order.id)):
        order.status = "returned"
    subject, body = refund_text(order, item, quantity, refund)
    notify(s, world, "refund", subject, body, order.id, sender="orders", sent_at=at, mail=mail)
    s.flush()
    return row
