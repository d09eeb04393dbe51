"""The shopper's account, address book, cards and message center."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, Address, Notification, PaymentCard
from ..services.account import card_expired

__all__ = ["account", "addresses", "card_expired", "cards", "default_address", "notifications"]


def account(s: Session) -> Account | None:
    """The shopper (one row, id 1; absent only in a world not generated yet)."""
    return s.get(Account, 1)


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
