"""The shopper's account, address book, cards and message center."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.memo import get_pinned
from webtwin.simulators.core.web import plain_rows, sql_rows

from ..models import Account, Address, Notification, PaymentCard
from ..services.account import card_expired

__all__ = ["HeaderLine", "account", "account_row", "addresses", "card_expired", "cards",
           "default_address", "header_line", "notifications"]


def account(s: Session) -> Account | None:
    """The shopper (one row, id 1; absent only in a world not generated yet)."""
    return get_pinned(s, Account, 1)


def account_row(s: Session) -> Any | None:
    """The shopper as a plain row (`plain_rows`), for pages that only show it."""
    found = plain_rows(s, Account, "WHERE id = 1")
    return found[0] if found else None


@dataclass(frozen=True)
class HeaderLine:
    """What the header says about the shopper: first name, where to, units in the cart."""

    name: str
    deliver_to: str
    cart_count: int


_HEADER = (
    "SELECT (SELECT name FROM shop_account WHERE id = 1),"
    " (SELECT city || ' ' || postal_code FROM shop_address"
    "  ORDER BY is_default DESC, id LIMIT 1),"
    " (SELECT COALESCE(SUM(quantity), 0) FROM shop_cart_item WHERE NOT saved)")


def header_line(s: Session) -> HeaderLine:
    """One plain statement for the header every page shows (it was three ORM queries)."""
    [(name, deliver_to, count)] = sql_rows(s, _HEADER)
    first = name.split(" ")[0] if name else "there"
    return HeaderLine(first, deliver_to or "Add an address", int(count or 0))


def default_address(s: Session) -> Address | None:
    query = select(Address).order_by(Address.is_default.desc(), Address.id).limit(1)
    return s.scalars(query).first()


def addresses(s: Session) -> list[Any]:
    """The address book (plain rows, see `plain_rows`), default first."""
    return plain_rows(s, Address, "ORDER BY is_default DESC, id")


def cards(s: Session) -> list[Any]:
    """Saved cards (plain rows), default first."""
    return plain_rows(s, PaymentCard, "ORDER BY is_default DESC, id")


def notifications(s: Session) -> list[Any]:
    """The message center (plain rows), newest first."""
    return plain_rows(s, Notification, "ORDER BY created_at DESC, id DESC")
