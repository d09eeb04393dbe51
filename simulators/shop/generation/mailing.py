"""Newsletters naming the codes that work today, and the recent notices as emails.

A world with a mailbox shows the shop's recent mail there: the last notices (back-dated, the
older ones already read) and two unread "Cartwheel Deals" newsletters. Older notices stay in
the message center only, which bounds the mailbox's size.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import Account, Notification, PromoCode
from ..services.common import DAY, HOUR, long_date
from ..services.notify import mail_notification, notify
from .profile import dollars

__all__ = ["KIND_SENDERS", "mail_recent", "newsletters", "promo_terms"]

KIND_SENDERS = {"order_placed": "orders", "order_cancelled": "orders", "refund": "orders",
                "order_shipped": "shipping", "order_delivered": "shipping",
                "newsletter": "deals"}
RECENT_NOTICES = 10


def promo_terms(promo: PromoCode) -> str:
    """"15% off orders over $50" / "$10 off any order"."""
    off = f"{promo.value}% off" if promo.kind == "percent" else f"{dollars(promo.value)} off"
    if promo.min_subtotal_cents:
        return f"{off} orders over {dollars(promo.min_subtotal_cents)}"
    return f"{off} any order"


def newsletters(s: Session, world: World, rng: Random, corpus: dict[str, Any],
                account: Account, promos: list[PromoCode]) -> list[Notification]:
    """Two newsletters from the last 5 days, each naming a code valid now, with its terms."""
    now = world.now
    valid = [p for p in promos if p.starts_at <= now < p.expires_at]
    chosen = rng.sample(valid, 2)
    templates = rng.sample(corpus["newsletters"], 2)
    times = sorted(now - rng.randint(2 * HOUR, 5 * DAY) // 60 * 60 for _ in range(2))
    first = account.name.split(" ")[0]
    made = []
    for promo, template, at in zip(chosen, templates, times, strict=True):
        values = {"first": first, "code": promo.code, "terms": promo_terms(promo),
                  "until": long_date(promo.expires_at - 1)}
        made.append(notify(s, world, "newsletter", template["subject"].format_map(values),
                           template["body"].format_map(values), sender="deals", sent_at=at,
                           mail=False))
    return made


def mail_recent(s: Session, world: World) -> None:
    """Email the last order notices and every newsletter, oldest first; notices older than two
    days arrive read, newsletters unread."""
    s.flush()
    notices = s.scalars(select(Notification).order_by(Notification.created_at,
                                                      Notification.id)).all()
    orders = [n for n in notices if n.kind != "newsletter"][-RECENT_NOTICES:]
    keep = {n.id for n in orders} | {n.id for n in notices if n.kind == "newsletter"}
    for notice in notices:
        if notice.id in keep:
            read = notice.kind != "newsletter" and notice.created_at < world.now - 2 * DAY
            mail_notification(s, world, notice, KIND_SENDERS[notice.kind], read=read)
