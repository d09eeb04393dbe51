"""Orders: the list with its filters, an order's detail, status lines, returns, tracking."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, plain_rows, sql_rows

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


# Pages and the API only read orders, so these hold plain rows (`plain_rows`: the models'
# column attributes, no relationships), not ORM objects.
@dataclass
class OrderRow:
    order: Any  # an Order row
    items: list[Any]  # OrderItem rows


@dataclass
class OrderDetail:
    order: Any  # an Order row
    items: list[Any]  # OrderItem rows
    events: list[Any]  # TrackingEvent rows
    returns: list[Any]  # Return rows


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
    stamps = sql_rows(s, "SELECT placed_at FROM shop_order ORDER BY placed_at DESC")
    return sorted({dt.datetime.fromtimestamp(t, dt.UTC).year for (t,) in stamps}, reverse=True)


def order_list(s: Session, now: int, period: str = "3m", status: str = "all",
               q: str = "") -> list[OrderRow]:
    """Orders in a period, with a status filter and a search (item-title words or part of an
    order number), newest first."""
    conditions: list[str] = ["1"]
    params: list[object] = []
    start, end = period_range(period, now)
    if start is not None:
        conditions.append("placed_at >= ?")
        params.append(start)
    if end is not None:
        conditions.append("placed_at < ?")
        params.append(end)
    statuses = STATUS_FILTERS.get(status)
    if statuses:
        conditions.append(f"status IN ({placeholders(statuses)})")
        params.extend(statuses)
    matching = _matching(q)
    if matching is not None:
        conditions.append(matching[0])
        params.extend(matching[1])
    orders = plain_rows(s, Order, f"WHERE {' AND '.join(conditions)} "
                                  "ORDER BY placed_at DESC, id DESC", params)
    items = _items_by_order(s, [o.id for o in orders])
    return [OrderRow(o, items.get(o.id, [])) for o in orders]


def number_fragment(q: str) -> str | None:
    """The order-number part of a search ("911-7391534", "#911739"), or None when `q` is not
    digits and dashes with at least 3 digits (fewer would match nearly every order)."""
    text = q.strip().removeprefix("#").strip()
    if re.fullmatch(r"[\d-]+", text) and sum(c.isdigit() for c in text) >= MIN_NUMBER_DIGITS:
        return text
    return None


def _matching(q: str) -> tuple[str, list[object]] | None:
    """Orders with every word of `q` in an item title, or with `q` in their number (a
    condition on `shop_order` and its parameters)."""
    words = q.split()[:10]
    if not words:
        return None
    titled = ("id IN (SELECT order_id FROM shop_order_item "
              "WHERE lower(title) LIKE ? ESCAPE '\\')")
    condition = " AND ".join([titled] * len(words))
    params: list[object] = [_like(word) for word in words]
    fragment = number_fragment(q)
    if fragment is None:
        return f"({condition})", params
    return f"(({condition}) OR number LIKE '%' || ? || '%')", [*params, fragment]


def _like(word: str) -> str:
    """A LIKE pattern matching `word` anywhere, case-folded, with wildcards escaped."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _items_by_order(s: Session, order_ids: Sequence[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    ids = sorted(order_ids)
    for item in plain_rows(s, OrderItem, f"WHERE order_id IN ({placeholders(ids)}) "
                                         "ORDER BY order_id, id", ids):
        found.setdefault(item.order_id, []).append(item)
    return found


def order_detail(s: Session, order_id: int) -> OrderDetail | None:
    """An order with its items, tracking events and returns (plain rows), or None."""
    orders = plain_rows(s, Order, "WHERE id = ?", (order_id,))
    if not orders:
        return None
    events = plain_rows(s, TrackingEvent, "WHERE order_id = ? ORDER BY at, id", (order_id,))
    returns = plain_rows(s, Return, "WHERE order_id = ? ORDER BY created_at, id", (order_id,))
    return OrderDetail(orders[0], _items_by_order(s, [order_id]).get(order_id, []), events,
                       returns)


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
