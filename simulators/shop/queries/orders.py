"""Orders: the list with its filters, an order's detail, status lines, returns, tracking."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import Order, OrderItem, Return, TrackingEvent
from ..services.common import long_date, short_date
from .common import DAY

__all__ = [
    "OPEN_STATUSES", "PERIOD_NAMES", "STATUS_FILTERS", "OrderDetail", "OrderRow",
    "normalize_period", "number_fragment", "order_detail", "order_list", "order_years",
    "period_range", "returnable", "status_line", "timeline",
]

OPEN_STATUSES = ("placed", "shipped", "out_for_delivery")
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "all": (), "open": OPEN_STATUSES, "delivered": ("delivered",), "cancelled": ("cancelled",),
    "returned": ("returned",)}
PERIOD_DAYS = {"30d": 30, "3m": 90, "6m": 180}
PERIOD_NAMES = {"30d": "past 30 days", "3m": "past 3 months", "6m": "past 6 months",
                "all": "all time"}
RETURN_DAYS = 30
MIN_NUMBER_DIGITS = 3


@dataclass
class OrderRow:
    order: Order
    items: list[OrderItem]


@dataclass
class OrderDetail:
    order: Order
    items: list[OrderItem]
    events: list[TrackingEvent]
    returns: list[Return]


def period_range(period: str, now: int) -> tuple[int | None, int | None]:
    """[start, end) of an orders period: `30d`, `3m`, `6m`, `year-YYYY` or `all`."""
    if period in PERIOD_DAYS:
        return now - PERIOD_DAYS[period] * DAY, None
    year = int(period[5:]) if re.fullmatch(r"year-[0-9]{4}", period) else 0
    if dt.MINYEAR <= year < dt.MAXYEAR:  # datetime cannot hold year 0 or year 10000
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        return int(start.timestamp()), int(start.replace(year=year + 1).timestamp())
    return None, None


def normalize_period(period: str, years: Sequence[int]) -> str:
    """The period if the page offers it, else the default (`3m`)."""
    offered = [*PERIOD_DAYS, "all", *(f"year-{y}" for y in years)]
    return period if period in offered else "3m"


def order_years(s: Session) -> list[int]:
    """Years with orders, newest first (the period select's `year-YYYY` options)."""
    stamps = s.scalars(select(Order.placed_at).order_by(Order.placed_at.desc()))
    return sorted({dt.datetime.fromtimestamp(t, dt.UTC).year for t in stamps}, reverse=True)


def order_list(s: Session, now: int, period: str = "3m", status: str = "all",
               q: str = "") -> list[OrderRow]:
    """Orders in a period, with a status filter and a search (item-title words or part of an
    order number), newest first."""
    query = select(Order).order_by(Order.placed_at.desc(), Order.id.desc())
    start, end = period_range(period, now)
    if start is not None:
        query = query.where(Order.placed_at >= start)
    if end is not None:
        query = query.where(Order.placed_at < end)
    if STATUS_FILTERS.get(status):
        query = query.where(Order.status.in_(STATUS_FILTERS[status]))
    matching = _matching(q)
    if matching is not None:
        query = query.where(matching)
    orders = list(s.scalars(query))
    items = _items_by_order(s, [o.id for o in orders])
    return [OrderRow(o, items.get(o.id, [])) for o in orders]


def number_fragment(q: str) -> str | None:
    """The order-number part of a search ("911-7391534", "#911739"), or None when `q` is not
    digits and dashes with at least 3 digits (fewer would match nearly every order)."""
    text = q.strip().removeprefix("#").strip()
    if re.fullmatch(r"[\d-]+", text) and sum(c.isdigit() for c in text) >= MIN_NUMBER_DIGITS:
        return text
    return None


def _matching(q: str) -> ColumnElement[bool] | None:
    """Orders with every word of `q` in an item title, or with `q` in their number."""
    words = q.split()[:10]
    if not words:
        return None
    by_title = and_(*(Order.id.in_(select(OrderItem.order_id).where(
        func.lower(OrderItem.title).like(_like(word), escape="\\"))) for word in words))
    fragment = number_fragment(q)
    return by_title if fragment is None else or_(by_title, Order.number.contains(fragment))


def _like(word: str) -> str:
    """A LIKE pattern matching `word` anywhere, case-folded, with wildcards escaped."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _items_by_order(s: Session, order_ids: Sequence[int]) -> dict[int, list[OrderItem]]:
    found: dict[int, list[OrderItem]] = {}
    query = select(OrderItem).where(OrderItem.order_id.in_(sorted(order_ids))).order_by(
        OrderItem.order_id, OrderItem.id)
    for item in s.scalars(query):
        found.setdefault(item.order_id, []).append(item)
    return found


def order_detail(s: Session, order_id: int) -> OrderDetail | None:
    order = s.get(Order, order_id)
    if order is None:
        return None
    events = s.scalars(select(TrackingEvent).where(TrackingEvent.order_id == order_id)
                       .order_by(TrackingEvent.at, TrackingEvent.id))
    returns = s.scalars(select(Return).where(Return.order_id == order_id)
                        .order_by(Return.created_at, Return.id))
    return OrderDetail(order, _items_by_order(s, [order_id]).get(order_id, []), list(events),
                       list(returns))


def status_line(order: Order) -> str:
    """"Arriving Tue, Mar 10", "Out for delivery: arriving today, Tue, Mar 10", "Delivered
    Mar 3", "Cancelled"... for an order."""
    if order.status in ("placed", "shipped"):
        return f"Arriving {short_date(order.estimated_delivery)}"
    if order.status == "out_for_delivery":
        return f"Out for delivery: arriving today, {short_date(order.estimated_delivery)}"
    if order.status == "delivered":
        return f"Delivered {long_date(order.delivered_at or order.estimated_delivery)[:-6]}"
    if order.status == "returned":
        return "Returned: refund issued"
    return "Cancelled"


def returnable(order: Order, item: OrderItem, now: int) -> int:
    """How many units of an item may still be returned now (0 when none)."""
    if order.status != "delivered" or order.delivered_at is None:
        return 0
    if now > order.delivered_at + RETURN_DAYS * DAY:
        return 0
    return max(0, item.quantity - item.returned_quantity)


def timeline(order: Order, events: Sequence[TrackingEvent]) -> list[tuple[str, int | None]]:
    """The tracking steps (label, time or None when still to come)."""
    seen = {event.status: event.at for event in events}
    if order.status == "cancelled":
        return [("Ordered", order.placed_at), ("Cancelled", order.cancelled_at)]
    steps = [("Ordered", "placed"), ("Shipped", "shipped"),
             ("Out for delivery", "out_for_delivery"), ("Delivered", "delivered")]
    found = {"placed": order.placed_at, "shipped": order.shipped_at,
             "delivered": order.delivered_at}
    return [(label, seen.get(key, found.get(key))) for label, key in steps]
