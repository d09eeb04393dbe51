"""The words of the order notices (subjects and bodies), built from an order's rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Order, OrderItem
from .common import long_date, money, short_date

__all__ = ["cancelled_text", "delivered_text", "order_items", "placed_text", "refund_text",
           "shipped_text"]

_TITLE_LIMIT = 60


def order_items(s: Session, order_id: int) -> list[OrderItem]:
    return list(s.scalars(select(OrderItem).where(OrderItem.order_id == order_id)
                          .order_by(OrderItem.id)).all())


def _short(title: str) -> str:
    return title if len(title) <= _TITLE_LIMIT else title[:_TITLE_LIMIT - 1].rstrip() + "…"


def _headline(items: list[OrderItem]) -> str:
    """'"Trail Runner 2"' or '"Trail Runner 2" and 2 more items'."""
    first = f'"{_short(items[0].title)}"' if items else "your items"
    more = len(items) - 1
    return first if more <= 0 else f"{first} and {more} more item{'s' if more > 1 else ''}"


def _first_name(ship_to: str) -> str:
    name = ship_to.split("\n", 1)[0].strip()
    return name.split(" ")[0] if name else "there"


def _link(order: Order) -> str:
    return f"http://shop.localhost/orders/{order.id}"


def _item_lines(items: list[OrderItem]) -> str:
    rows = []
    for item in items:
        options = f" ({item.options})" if item.options else ""
        rows.append(f"- {item.quantity} × {item.title}{options}: "
                    f"{money(item.unit_price_cents * item.quantity)}")
    return "\n".join(rows)


def placed_text(s: Session, order: Order) -> tuple[str, str]:
    items = order_items(s, order.id)
    discount = (f"Promo {order.promo_code}: -{money(order.discount_cents)}\n"
                if order.discount_cents else "")
    body = (f"Hello {_first_name(order.ship_to)},\n\nThank you for your order. We'll let you "
            f"know when it ships.\n\nOrder #{order.number}, placed {long_date(order.placed_at)}\n"
            f"Arriving by {short_date(order.estimated_delivery)} "
            f"({order.shipping_speed.replace('_', '-')} delivery)\n\nShip to:\n{order.ship_to}\n\n"
            f"{_item_lines(items)}\n\nItems: {money(order.subtotal_cents)}\n{discount}"
            f"Shipping: {money(order.shipping_cents)}\nTax: {money(order.tax_cents)}\n"
            f"Order total: {money(order.total_cents)}\nPaid with {order.payment_label}\n\n"
            f"View or manage your order: {_link(order)}\n\nCartwheel")
    return f"Your Cartwheel order #{order.number} of {_headline(items)}", body


def shipped_text(s: Session, order: Order) -> tuple[str, str]:
    items = order_items(s, order.id)
    body = (f"Hello {_first_name(order.ship_to)},\n\nYour package is on its way.\n\n"
            f"Order #{order.number}\nArriving {short_date(order.estimated_delivery)}\n"
            f"Carrier: {order.carrier}, tracking number {order.tracking_number}\n\n"
            f"{_item_lines(items)}\n\nTrack your package: {_link(order)}\n\nCartwheel Shipping")
    return f"Shipped: {_headline(items)}", body


def delivered_text(s: Session, order: Order) -> tuple[str, str]:
    items = order_items(s, order.id)
    when = short_date(order.delivered_at or order.estimated_delivery)
    body = (f"Hello {_first_name(order.ship_to)},\n\nYour package was delivered on {when}.\n\n"
            f"Order #{order.number}\n{_item_lines(items)}\n\nDelivered to:\n{order.ship_to}\n\n"
            f"Not what you expected? You can return items within 30 days: {_link(order)}\n\n"
            f"Cartwheel Shipping")
    return f"Delivered: {_headline(items)}", body


def cancelled_text(s: Session, order: Order) -> tuple[str, str]:
    items = order_items(s, order.id)
    body = (f"Hello {_first_name(order.ship_to)},\n\nYour order #{order.number} has been "
            f"cancelled as you asked.\n\n{_item_lines(items)}\n\nA refund of "
            f"{money(order.refunded_cents)} goes back to your {order.payment_label}.\n\n"
            f"{_link(order)}\n\nCartwheel")
    return f"Your order #{order.number} has been cancelled", body


def refund_text(order: Order, item: OrderItem, quantity: int, refund: int) -> tuple[str, str]:
    body = (f"Hello {_first_name(order.ship_to)},\n\nWe have received your return request and "
            f"issued a refund of {money(refund)} to your {order.payment_label}.\n\n"
            f"Order #{order.number}\nReturned: {quantity} × {item.title}\n\n{_link(order)}\n\n"
            f"Cartwheel")
    return f"Your refund of {money(refund)} for \"{_short(item.title)}\"", body
