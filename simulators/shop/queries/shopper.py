"""The shopper's account, address book, cards and message center."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from webtwin.simulators.core.memo import get_pinned

from ..models import Account, Address, Notification, PaymentCard
from ..services.account import card_expired

__all__ = ["HeaderLine", "account", "addresses", "card_expired", "cards", "default_address",
           "header_line", "notifications"]


def account(s: Session) -> Account | None:
    """The shopper (one row, id 1; absent only in a world not generated yet)."""
    return get_pinned(s, Account, 1)


@dataclass(frozen=True)
class HeaderLine:
    """What the header says about the shopper: first name, where to, units in the cart."""

    name: str
    deliver_to: str
    cart_count: int


_HEADER = text(
    "SELECT (SELECT name FROM shop_account WHERE id = 1),"
    " (SELECT city || ' ' || postal_code FROM shop_address"
    "  ORDER BY is_default DESC, id LIMIT 1),"
    " (SELECT COALESCE(SUM(quantity), 0) FROM shop_cart_item WHERE NOT saved)")


def header_line(s: Session) -> HeaderLine:
    """One statement for the header every page shows (it was three ORM queries)."""
    name, deliver_to, count = s.execute(_HEADER).one()
    first = name.split(" ")[0] if name else "there"
    return HeaderLine(first, deliver_to or "Add an address", int(count or 0))


def default_address(s: Session) -> Address | None:
    query = select(Address).order_by(Address.is_default.desc(), Address.id).limit(1)
    return s.scalars(query).first()


def addresses(s: Session) -> list[Address]:
    """The address book, default first."""
    return list(s.scalars(select(Address).order_by(Address.is_default.desc(), Address.id)))


def cards(s: Session) -> list[PaymentCard]:
    """Saved cards, default first."""
    query = select(PaymentCard).order_by(PaymentCard.is_default.desc(), PaymentCard.id)
    return list(s.scalars(query))


def notifications(s: Session) -> list[Notification]:
    """The message center, newest first."""
    query = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(s.scalars(query))
