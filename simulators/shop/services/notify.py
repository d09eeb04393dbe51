"""Notices to the shopper: a row in the message center and, when the world has a mailbox, an
email from the matching Cartwheel sender."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webtwin.simulators.core.crosssite import Email, send_email
from webtwin.simulators.core.world import World

from ..models import Notification
from .common import clock
from .errors import ShopError

__all__ = ["SENDERS", "mail_notification", "notify"]

# sender key -> (display name, address, mailbox category)
SENDERS = {
    "orders": ("Cartwheel", "orders@cartwheel.example", "updates"),
    "shipping": ("Cartwheel Shipping", "shipping@cartwheel.example", "updates"),
    "deals": ("Cartwheel Deals", "deals@cartwheel.example", "promotions"),
}


def notify(s: Session, world: World, kind: str, subject: str, body: str,
           order_id: int | None = None, *, sender: str = "orders", sent_at: int | None = None,
           read: bool = False, mail: bool = True) -> Notification:
    """Record a notice (at `sent_at`, default now) and email it unless `mail` is False.

    `read` marks a back-dated email as already read; generation passes `mail=False` for old
    notices so that only the recent ones reach the mailbox.
    """
    if sender not in SENDERS:
        raise ShopError(f"unknown sender {sender!r}; expected one of {sorted(SENDERS)}")
    now = clock(s, world)
    at = now if sent_at is None else min(sent_at, now)
    notice = Notification(id=World.next_id(s, Notification.__tablename__), kind=kind,
                          subject=subject, body=body, created_at=at, order_id=order_id)
    s.add(notice)
    if mail:
        mail_notification(s, world, notice, sender, read=read, back_dated=sent_at is not None)
    return notice


def mail_notification(s: Session, world: World, notice: Notification, sender: str, *,
                      read: bool = False, back_dated: bool = True) -> bool:
    """Email an existing notice to the mailbox owner (True if the world has a mailbox)."""
    name, address, category = SENDERS[sender]
    email = Email(sender_name=name, sender_email=address, subject=notice.subject,
                  body=notice.body, category=category,
                  sent_at=notice.created_at if back_dated else None, read=read)
    return send_email(s, world, email)
