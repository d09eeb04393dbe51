"""The order lifecycle: shipping, delivery (clock-driven event handlers) and cancellation.

`mark_*` functions take the moment a step happened, so the generator writes past orders with
the same code the clock runs; the event handlers call them with `now` and schedule the next
step.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import derive_seed
from webtwin.simulators.core.world import World

from ..models import Order, TrackingEvent
from .common import HOUR, clock, get_order, set_stock, stock_of
from .errors import ShopError
from .notices import cancelled_text, delivered_text, order_items, shipped_text
from .notify import notify

__all__ = [
    "CARRIER", "EVENT_HANDLERS", "SHIP_DELAY", "add_tracking", "cancel_order", "deliver_at",
    "mark_cancelled", "mark_delivered", "mark_out_for_delivery", "mark_shipped",
    "out_for_delivery_at", "ship_at",
]

CARRIER = "Swiftpost"
SHIP_DELAY = {"standard": 24 * HOUR, "expedited": 12 * HOUR, "next_day": 3 * HOUR}
# Where parcels leave from (fictional places), picked per order from the world's seed.
FULFILMENT_CENTERS = (
    "Cartwheel fulfilment center, Harlow Junction", "Cartwheel fulfilment center, Bramble Falls",
    "Cartwheel fulfilment center, Ostmere", "Cartwheel fulfilment center, Quillon Park",
    "Cartwheel fulfilment center, Redhaven Gate", "Cartwheel fulfilment center, Tallis Ford",
)


def ship_at(order: Order) -> int:
    return order.placed_at + SHIP_DELAY[order.shipping_speed]


def out_for_delivery_at(order: Order) -> int:
    """08:00 UTC of the estimated day."""
    return order.estimated_delivery + 8 * HOUR


def deliver_at(order: Order) -> int:
    """14:00 UTC of the estimated day."""
    return order.estimated_delivery + 14 * HOUR


def add_tracking(s: Session, order: Order, status: str, at: int, location: str = "") -> None:
    s.add(TrackingEvent(id=World.next_id(s, TrackingEvent.__tablename__), order_id=order.id,
                        status=status, at=at, location=location))


def destination(order: Order) -> str:
    """The ship-to's city line ("Millbrook, Westmark 40211")."""
    lines = [line for line in order.ship_to.split("\n") if line.strip()]
    return lines[-2] if len(lines) >= 2 else order.ship_to


def mark_shipped(s: Session, world: World, order: Order, at: int, *, mail: bool = True) -> None:
    """The order leaves the fulfilment center: carrier, tracking number, shipping notice."""
    pick = derive_seed(world.seed, "shop", "tracking", order.id)
    order.status, order.shipped_at, order.carrier = "shipped", at, CARRIER
    order.tracking_number = f"SP{pick % 10**12:012d}"
    center = FULFILMENT_CENTERS[(pick >> 48) % len(FULFILMENT_CENTERS)]
    add_tracking(s, order, "shipped", at, center)
    subject, body = shipped_text(s, order)
    notify(s, world, "order_shipped", subject, body, order.id, sender="shipping", sent_at=at,
           mail=mail)


def mark_out_for_delivery(s: Session, order: Order, at: int) -> None:
    order.status = "out_for_delivery"
    add_tracking(s, order, "out_for_delivery", at, f"{destination(order)} delivery station")


def mark_delivered(s: Session, world: World, order: Order, at: int, *,
                   mail: bool = True) -> None:
    order.status, order.delivered_at = "delivered", at
    add_tracking(s, order, "delivered", at, destination(order))
    subject, body = delivered_text(s, order)
    notify(s, world, "order_delivered", subject, body, order.id, sender="shipping", sent_at=at,
           mail=mail)


def mark_cancelled(s: Session, world: World, order: Order, at: int, *, mail: bool = True,
                   restock: bool = True) -> None:
    """Cancel with a full refund and the stock put back (the generator's past orders never
    took stock, so they pass `restock=False`)."""
    for item in order_items(s, order.id) if restock else []:
        set_stock(s, item.variant_id, stock_of(s, item.variant_id) + item.quantity)
    order.status, order.cancelled_at, order.refunded_cents = "cancelled", at, order.total_cents
    add_tracking(s, order, "cancelled", at)
    subject, body = cancelled_text(s, order)
    notify(s, world, "order_cancelled", subject, body, order.id, sender="orders", sent_at=at,
           mail=mail)


def cancel_order(s: Session, world: World, order_id: int) -> Order:
    """Cancel an order that has not shipped yet (full refund, stock restored, notice)."""
    order = get_order(s, order_id)
    if order.status != "placed":
        state = order.status.replace("_", " ")
        raise ShopError(f"Order #{order.number} is {state} and can no longer be cancelled"
                        + ("; you can return items once it is delivered"
                           if order.status in ("shipped", "out_for_delivery") else ""))
    mark_cancelled(s, world, order, clock(s, world))
    s.flush()
    return order


# -- event handlers ---------------------------------------------------------------------------
def _order(s: Session, payload: dict[str, Any], expected: str) -> Order | None:
    """The payload's order if it is still at `expected` (a cancelled order never ships)."""
    order = s.get(Order, int(payload["order_id"]))
    return order if order is not None and order.status == expected else None


def on_ship(s: Session, world: World, payload: dict[str, Any]) -> None:
    order = _order(s, payload, "placed")
    if order is not None:
        now = clock(s, world)
        mark_shipped(s, world, order, now)
        world.schedule(s, max(now, out_for_delivery_at(order)), "shop", "out_for_delivery",
                       {"order_id": order.id})


def on_out_for_delivery(s: Session, world: World, payload: dict[str, Any]) -> None:
    order = _order(s, payload, "shipped")
    if order is not None:
        now = clock(s, world)
        mark_out_for_delivery(s, order, now)
        world.schedule(s, max(now, deliver_at(order)), "shop", "deliver", {"order_id": order.id})


def on_deliver(s: Session, world: World, payload: dict[str, Any]) -> None:
    order = _order(s, payload, "out_for_delivery")
    if order is not None:
        mark_delivered(s, world, order, clock(s, world))


EVENT_HANDLERS = {"ship": on_ship, "out_for_delivery": on_out_for_delivery,
                  "deliver": on_deliver}

