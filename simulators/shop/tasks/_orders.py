"""Helpers shared by the shop's order, account and wish-list families.

Picking: every pick goes through `pick` over a list built from a query with ORDER BY, so an
instance depends only on the world and the seeded rng. Naming: products are named the way a
person would (the title up to its first comma when that is unique in the catalog, else the
whole title), orders by the date they were placed and an item that only they hold, or by
their number. Checking: verifiers read the row diff (`agent_changes`) and allow exactly the
rows the task's service writes; answers are money or dates, checked by value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import (
    Allow,
    Check,
    Verdict,
    allow_any,
    is_insert,
    normalize_answer,
    only_expected_changes,
    pick,
)

from ..models import Order, OrderItem, Product
from ..services.common import long_date, money, short_date

__all__ = [
    "DAY", "HOUR", "SAFE_HORIZON", "OrderRef", "date_check", "date_matches", "day_month",
    "long_date", "money", "money_check", "money_matches", "names_of_products", "notice",
    "one_per_order", "open_order_actions", "order_items", "order_refs", "orders", "pick",
    "restock", "same_text", "short_date", "verdict",
]

HOUR = 3600
DAY = 86400
# An episode of the default 80 steps spans 80 virtual minutes; anything a task relies on
# (an order not shipped yet, a return window still open) must hold well beyond that.
SAFE_HORIZON = 3 * HOUR


# -- lookups ----------------------------------------------------------------------------------
def orders(s: Session, statuses: Sequence[str] = ()) -> list[Order]:
    """The shopper's orders by id, optionally only those with one of `statuses`."""
    query = select(Order).order_by(Order.id)
    if statuses:
        query = query.where(Order.status.in_(sorted(statuses)))
    return list(s.scalars(query))


def order_items(s: Session, order_id: int | None = None) -> list[OrderItem]:
    """Items of one order (or of every order), by id."""
    query = select(OrderItem).order_by(OrderItem.id)
    if order_id is not None:
        query = query.where(OrderItem.order_id == order_id)
    return list(s.scalars(query))


def names_of_products(s: Session) -> dict[int, str]:
    """Product id -> how a person names it: the title up to its first comma when no other
    catalog product shares that short name, else the whole title."""
    titles = {pid: title for pid, title
              in s.execute(select(Product.id, Product.title).order_by(Product.id))}
    short = {pid: title.split(",")[0].strip() for pid, title in titles.items()}
    counts = Counter(name.casefold() for name in short.values())
    return {pid: short[pid] if counts[short[pid].casefold()] == 1 else titles[pid]
            for pid in titles}


# -- orders as a person names them ------------------------------------------------------------
@dataclass(frozen=True)
class OrderRef:
    """An order named by the day it was placed and one of its items (and what oracles need)."""

    order_id: int
    number: str
    placed_at: int
    item_id: int
    product_id: int
    item_name: str

    def params(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def order_label(self) -> str:
        """'my order of Mar 3'."""
        return f"my order of {day_month(self.placed_at)}"

    @property
    def label(self) -> str:
        """'my order of Mar 3 with the "Pantrywise Comet Electric Kettle"'."""
        return f'{self.order_label} with the "{self.item_name}"'


def order_refs(s: Session, statuses: Sequence[str] = (),
               keep: Callable[[Order, OrderItem], bool] | None = None) -> list[OrderRef]:
    """One ref per (order, item) of the orders with `statuses`, for items whose name no other
    order item shares; `keep(order, item)` filters further. By order id, then item id."""
    names = names_of_products(s)
    everything = order_items(s)
    counts = Counter(names[item.product_id].casefold() for item in everything)
    by_order: dict[int, list[OrderItem]] = {}
    for item in everything:
        by_order.setdefault(item.order_id, []).append(item)
    refs = []
    for order in orders(s, statuses):
        for item in by_order.get(order.id, []):
            name = names[item.product_id]
            if counts[name.casefold()] == 1 and (keep is None or keep(order, item)):
                refs.append(OrderRef(order.id, order.number, order.placed_at, item.id,
                                     item.product_id, name))
    return refs


def one_per_order(refs: Sequence[OrderRef]) -> list[OrderRef]:
    """The first ref of each order (so every order is equally likely to be picked)."""
    seen: set[int] = set()
    firsts = []
    for ref in refs:
        if ref.order_id not in seen:
            seen.add(ref.order_id)
            firsts.append(ref)
    return firsts


# -- dates ------------------------------------------------------------------------------------
def _utc(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def day_month(ts: int) -> str:
    """"Mar 3" (the orders list shows the year too; instructions need not)."""
    return long_date(ts).rsplit(",", 1)[0]


# -- diff allowances --------------------------------------------------------------------------
def notice(kind: str, order_id: int) -> Allow:
    """The shop's notice of `kind` about an order (a message-center row)."""
    return is_insert("shop_notification",
                     lambda row: row["kind"] == kind and row["order_id"] == order_id)


def restock(variant_ids: Sequence[int]) -> Allow:
    """Stock rows of these variants written back (a cancelled order puts its stock back)."""
    wanted = set(variant_ids)

    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        row = new if new is not None else old
        return (table == "shop_inventory" and kind in ("inserted", "updated")
                and row is not None and row.get("variant_id") in wanted)
    return allow


def verdict(checks: Sequence[Check], diff: WorldDiff, *allows: Allow) -> Verdict:
    """The task's checks plus "nothing else changed" with the given allowances."""
    return Verdict(checks=(*checks, only_expected_changes(diff, allow_any(*allows))))


def same_text(got: str | None, want: str) -> bool:
    """Equal up to case, Unicode forms, whitespace runs, quotes and final punctuation."""
    return bool(normalize_answer(want)) and normalize_answer(got) == normalize_answer(want)


# -- money answers ----------------------------------------------------------------------------
_OTHER_CURRENCY = re.compile(r"[€£¥₹]|\b(?:eur|euros?|gbp|pounds?|cad|aud|jpy|yen)\b")
_BARE = re.compile(r"(?:us\s*\$|usd|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
                   r"\s*(?:usd|us\s*dollars?|dollars?)?")
_IN_TEXT = re.compile(r"(?:us\s*\$|\$)\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
                      r"|(?<![\d.,-])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d-])")


def _cents(whole: str, fraction: str | None) -> int | None:
    try:
        value = Decimal(whole.replace(",", "") + "." + (fraction or "0"))
    except InvalidOperation:
        return None
    return int(value * 100)


def money_matches(answer: str | None, cents: int) -> bool:
    """The answer states `cents` in dollars: "$1,234.50", "1234.5", "$1,234.50 USD" or a
    sentence whose every amount is that one ("The total was $1,234.50"). Another currency
    or a second, different amount fails."""
    text = normalize_answer(answer)
    if not text or _OTHER_CURRENCY.search(text):
        return False
    bare = _BARE.fullmatch(text)
    if bare is not None:
        return _cents(bare.group(1), bare.group(2)) == cents
    found = [_cents(m.group(1) or m.group(3), m.group(2) or m.group(4))
             for m in _IN_TEXT.finditer(text)]
    return bool(found) and all(value == cents for value in found)


def money_check(answer: str | None, cents: int) -> Check:
    return Check("answer", money_matches(answer, cents),
                 f"expected {money(cents)}, got {answer!r}")


# -- date answers -----------------------------------------------------------------------------
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = {**{name: i + 1 for i, name in enumerate(_MONTH_NAMES)},
           **{name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)}, "sept": 9}
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {**{name: i for i, name in enumerate(_DAY_NAMES)},
             **{name[:3]: i for i, name in enumerate(_DAY_NAMES)},
             "tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?:(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
# (pattern, group names in order): y = year, m = month, d = day, w = weekday
_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b"), "mdy"),
    (re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_ORDINAL}\b{_YEAR}"), "wmdy"),
    (re.compile(rf"\b{_WEEKDAY}(?:the\s+)?{_ORDINAL}\s+(?:of\s+)?{_MONTH}{_YEAR}"), "wdmy"),
)

DateMention = tuple[int | None, int, int, int | None]  # year, month, day, weekday


def _mention(match: re.Match[str], groups: str) -> DateMention | None:
    values = dict(zip(groups, match.groups(), strict=True))
    month_text, day_text = values["m"], values["d"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
    year_text = values.get("y")
    year = None if not year_text else int(year_text) + (2000 if len(year_text) == 2 else 0)
    weekday = _WEEKDAYS[values["w"]] if values.get("w") else None
    return (year, month, int(day_text), weekday) if 1 <= month <= 12 else None


def date_mentions(text: str) -> list[DateMention | None]:
    """Every date written in `text` (None for one that names no real month)."""
    found: list[DateMention | None] = []
    rest = text
    for pattern, groups in _DATE_FORMS:
        for match in pattern.finditer(rest):
            found.append(_mention(match, groups))
        rest = pattern.sub(" ", rest)
    return found


def date_matches(answer: str | None, ts: int) -> bool:
    """The answer names the day of `ts`: "Tue, Mar 10", "March 10", "Mar 10, 2026",
    "2026-03-10", "3/10" or a sentence whose every date is that day. A stated year or
    weekday must be right too."""
    want = _utc(ts)
    found = date_mentions(normalize_answer(answer).replace(",", ", "))
    return bool(found) and all(
        m is not None and (m[1], m[2]) == (want.month, want.day)
        and m[0] in (None, want.year) and m[3] in (None, want.weekday()) for m in found)


def date_check(answer: str | None, ts: int) -> Check:
    return Check("answer", date_matches(answer, ts),
                 f"expected {short_date(ts)}, {_utc(ts).year}, got {answer!r}")


# -- oracle navigation ------------------------------------------------------------------------
def open_order_actions(order_id: int) -> list[str]:
    """Open an order from Your Orders, over all time (the list shows 3 months by default)."""
    return [act.click("nav-orders"), act.select_option("period", "all"),
            act.click("orders-apply"), act.click(f"order-{order_id}")]
