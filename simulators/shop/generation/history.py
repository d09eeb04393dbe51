"""The shopper's past orders, written by replaying their steps in time order.

Each order gets a role (delivered, returned, cancelled, in transit, just placed) and a
placing time over the last ~150 days. Steps that already happened (placing, shipping,
delivery, a cancellation, a return) run through the same `mark_*` code the clock runs, with
their own past timestamps and no email (the mailing pass mails the recent notices); steps
still ahead are scheduled as events, exactly as `place_order` and the handlers do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import RETURN_REASONS, Address, Order, PaymentCard, PromoCode
from ..services.account import card_expired
from ..services.checkout import create_order
from ..services.common import DAY, HOUR
from ..services.notices import order_items, placed_text
from ..services.notify import notify
from ..services.orders import (
    SHIP_DELAY,
    deliver_at,
    mark_cancelled,
    mark_delivered,
    mark_out_for_delivery,
    mark_shipped,
    out_for_delivery_at,
    ship_at,
)
from ..services.pricing import QuoteLine, estimated_delivery, line_for, price, promo_problem
from ..services.returns import record_return
from .picks import Pool

__all__ = ["Plan", "write_history"]

PAST = ("delivered", "returned", "cancelled")


@dataclass
class Plan:
    """One order to write."""

    role: str
    placed_at: int
    speed: str
    lines: list[QuoteLine]
    address: Address
    card: PaymentCard
    promo: PromoCode | None = None
    order: Order | None = None
    extra: dict[str, int] = field(default_factory=dict)


def roles(rng: Random, now: int) -> list[str]:
    """10–16 roles: 1–2 just placed, 1–2 in transit, 1–2 cancelled, 1 returned, the rest
    delivered. Out for delivery only when the clock is between 08:00 and 14:00 UTC."""
    transit = rng.sample(["shipped", "out_for_delivery"], rng.randint(1, 2))
    if not 8 * HOUR <= now % DAY < 14 * HOUR:
        transit = ["shipped" for _ in transit]
    fixed = ["placed"] * rng.randint(1, 2) + transit + ["cancelled"] * rng.randint(1, 2)
    fixed.append("returned")
    return ["delivered"] * (rng.randint(10, 16) - len(fixed)) + fixed


def _day_time(rng: Random, now: int, days_ago: int) -> int:
    """A minute-aligned moment between 07:00 and 23:00 UTC, `days_ago` days before today."""
    return (now // DAY - days_ago) * DAY + rng.randint(7 * 60, 23 * 60 - 1) * 60


def placed_at(rng: Random, role: str, index: int, now: int, speed: str) -> int:
    """When an order of `role` was placed (`index` counts orders of the same role)."""
    if role == "delivered":
        low, high = ((8, 22), (40, 150))[index] if index < 2 else (6, 150)
        return _day_time(rng, now, rng.randint(low, high))
    if role == "returned":
        return _day_time(rng, now, rng.randint(10, 26))
    if role == "cancelled":
        return _day_time(rng, now, rng.randint(2, 140))
    if role == "shipped":
        return (now - rng.randint(26 * HOUR, 72 * HOUR)) // 60 * 60
    if role == "out_for_delivery":
        return _day_time(rng, now, 5)
    return (now - rng.randint(10 * 60, min(6 * HOUR, SHIP_DELAY[speed] - 30 * 60))) // 60 * 60


def pick_speed(rng: Random, role: str, lines: list[QuoteLine]) -> str:
    """Mostly standard; in-transit orders are standard so their dates line up."""
    if role in ("shipped", "out_for_delivery"):
        return "standard"
    draw = rng.random()
    if draw < 0.1 and all(line.fast_delivery for line in lines):
        return "next_day"
    return "expedited" if draw < 0.3 else "standard"


def make_plans(s: Session, rng: Random, now: int, pool: Pool, used: set[int],
               addresses: list[Address], cards: list[PaymentCard]) -> list[Plan]:
    counts: dict[str, int] = {}
    plans = []
    for role in roles(rng, now):
        products = pool.products_sample(rng, rng.choice((1, 1, 1, 2, 2, 3)), used)
        lines = [line_for(s, pool.variant(rng, p).variant_id, 1 if rng.random() < 0.8 else 2)
                 for p in products]
        speed = pick_speed(rng, role, lines)
        when = placed_at(rng, role, counts.get(role, 0), now, speed)
        counts[role] = counts.get(role, 0) + 1
        address = addresses[0] if rng.random() < 0.75 else rng.choice(addresses)
        card = _card(rng, cards, when)
        plans.append(Plan(role, when, speed, lines, address, card))
    return sorted(plans, key=lambda plan: plan.placed_at)


def _card(rng: Random, cards: list[PaymentCard], when: int) -> PaymentCard:
    """The default card, or before the old card expired, sometimes that one."""
    default, expired = cards[0], cards[1]
    if not card_expired(expired, when) and rng.random() < 0.5:
        return expired
    return cards[2] if len(cards) > 2 and rng.random() < 0.3 else default


def use_old_promos(plans: list[Plan], promos: list[PromoCode], now: int) -> None:
    """A past order used each expired code it could (one order per code)."""
    for promo in (p for p in promos if p.expires_at <= now):
        for plan in plans:
            subtotal = sum(line.line_cents for line in plan.lines)
            if plan.role in PAST and plan.promo is None and \
                    promo_problem(promo, subtotal, plan.placed_at) is None:
                plan.promo = promo
                break


# -- replay -----------------------------------------------------------------------------------
Step = tuple[int, int, Callable[[], None]]


def write_history(s: Session, world: World, rng: Random, plans: list[Plan],
                  comments: dict[str, str]) -> None:
    """Run every past step in time order, then schedule the future ones."""
    now = world.now
    steps: list[Step] = []
    for plan in plans:
        for at, action in _steps(s, world, rng, plan, comments):
            if at < now:
                steps.append((at, len(steps), action))
    for _, _, action in sorted(steps, key=lambda step: (step[0], step[1])):
        action()
    s.flush()
    for plan in plans:
        _schedule_next(s, world, plan)


def _steps(s: Session, world: World, rng: Random, plan: Plan,
           comments: dict[str, str]) -> list[tuple[int, Callable[[], None]]]:
    at = plan.placed_at
    est = estimated_delivery(plan.speed, at)
    steps = [(at, lambda: _place(s, world, plan))]
    if plan.role == "cancelled":
        cancel = at + rng.randint(5 * 60, SHIP_DELAY[plan.speed] - 10 * 60)
        steps.append((cancel, lambda: mark_cancelled(s, world, _order(plan), cancel,
                                                     mail=False, restock=False)))
        return steps
    if plan.role == "placed":
        return steps
    ship = at + SHIP_DELAY[plan.speed]
    steps.append((ship, lambda: mark_shipped(s, world, _order(plan), ship, mail=False)))
    steps.append((est + 8 * HOUR, lambda: mark_out_for_delivery(s, _order(plan), est + 8 * HOUR)))
    done = est + 14 * HOUR
    steps.append((done, lambda: mark_delivered(s, world, _order(plan), done, mail=False)))
    if plan.role == "returned":
        back = done + rng.randint(6 * HOUR, max(7 * HOUR, min(12 * DAY, world.now - done - HOUR)))
        steps.append((back, lambda: _return(s, world, rng, plan, back, comments)))
    return steps


def _order(plan: Plan) -> Order:
    assert plan.order is not None, "an order's later steps run after it is placed"
    return plan.order


def _place(s: Session, world: World, plan: Plan) -> None:
    priced = price(plan.lines, plan.speed, plan.placed_at, plan.promo)
    plan.order = create_order(s, world, priced, plan.address, plan.card, plan.placed_at)
    s.flush()
    subject, body = placed_text(s, plan.order)
    notify(s, world, "order_placed", subject, body, plan.order.id, sender="orders",
           sent_at=plan.placed_at, mail=False)


def _return(s: Session, world: World, rng: Random, plan: Plan, at: int,
            comments: dict[str, str]) -> None:
    order = _order(plan)
    item = rng.choice(order_items(s, order.id))
    quantity = item.quantity if rng.random() < 0.7 else 1
    reason = rng.choice(RETURN_REASONS)
    comment = comments[reason] if rng.random() < 0.6 else ""
    record_return(s, world, order, item, quantity, reason, comment, at, mail=False)


def _schedule_next(s: Session, world: World, plan: Plan) -> None:
    """The event that moves an unfinished order on, as the clock would have scheduled it."""
    order = _order(plan)
    upcoming = {"placed": ("ship", ship_at(order)),
                "shipped": ("out_for_delivery", out_for_delivery_at(order)),
                "out_for_delivery": ("deliver", deliver_at(order))}.get(order.status)
    if upcoming is not None:
        kind, due = upcoming
        world.schedule(s, max(due, world.now), "shop", kind, {"order_id": order.id})
