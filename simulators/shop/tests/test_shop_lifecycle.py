"""Orders over the virtual clock: shipping, delivery, cancellation, returns, refunds, and the
notices that reach the mailbox when the world has one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import World
from webtwin.simulators.core.generation import generation_order
from webtwin.simulators.core.models import ScheduledEvent
from webtwin.simulators.mail import SITE as MAIL_SITE
from webtwin.simulators.shop import SITE
from webtwin.simulators.shop import services as sv
from webtwin.simulators.shop.models import (
    Account,
    Notification,
    Order,
    OrderItem,
    Return,
    TrackingEvent,
)
from webtwin.simulators.shop.services import AddressFields, ShopError

DAY, HOUR = 86400, 3600
HOME = AddressFields(full_name="Kwame Mensah", line1="7 Juniper Row", city="Ostmere",
                     region="Lowmere", postal_code="28807")


@pytest.fixture
def world() -> Iterator[World]:
    """A blank shop world with the account, an address and a card."""
    w = World.empty([SITE], 11)
    with w.transaction() as s:
        s.add(Account(id=1, name="Kwame Mensah", email="kwame@home.example", member_since=0))
        _wallet(s, w)
    yield w
    w.close()


def _wallet(s: Session, w: World) -> None:
    sv.add_address(s, w, HOME)
    sv.add_card(s, w, "4111 1111 1111 1111", "Kwame Mensah", 12, 2040)


def run(world: World, call: Callable[[Session], Any]) -> Any:
    with world.transaction() as s:
        return call(s)


def refused(world: World, call: Callable[[Session], Any], match: str) -> None:
    before = world.digest()
    s = world.session()
    try:
        with pytest.raises(ShopError, match=match):
            call(s)
        s.commit()
    finally:
        s.close()
    assert world.digest() == before


def variants(world: World, count: int = 2, where: str = "1") -> list[int]:
    rows = world.conn.execute(
        f"""SELECT MIN(v.id) FROM catalog.variant v JOIN catalog.product p ON p.id = v.product_id
            WHERE v.stock >= 10 AND {where} GROUP BY p.id ORDER BY p.id LIMIT ?""",
        (count,)).fetchall()
    assert len(rows) == count
    return [row[0] for row in rows]


def place(world: World, lines: list[tuple[int, int]], speed: str = "standard") -> Order:
    for variant_id, quantity in lines:
        run(world, lambda s, v=variant_id, q=quantity: sv.add_to_cart(s, world, v, q))
    return run(world, lambda s: sv.place_order(s, world, 1, speed, 1))


def order(world: World, order_id: int) -> Order:
    return run(world, lambda s: s.get(Order, order_id))


def tracking(world: World, order_id: int) -> list[tuple[str, int, str]]:
    return [(e.status, e.at, e.location) for e in run(world, lambda s: s.scalars(
        select(TrackingEvent).where(TrackingEvent.order_id == order_id)
        .order_by(TrackingEvent.at, TrackingEvent.id)).all())]


def notices(world: World) -> list[str]:
    return [n.kind for n in run(world, lambda s: s.scalars(
        select(Notification).order_by(Notification.created_at, Notification.id)).all())]


# -- the clock moves orders -------------------------------------------------------------------
def test_standard_order_lifecycle(world: World) -> None:
    start = world.now
    placed = place(world, [(v, 1) for v in variants(world)])
    est = (start // DAY + 5) * DAY
    assert placed.estimated_delivery == est
    world.advance(DAY - 1)
    assert order(world, placed.id).status == "placed"
    assert world.advance(1) == 1
    shipped = order(world, placed.id)
    assert shipped.status == "shipped" and shipped.shipped_at == start + DAY
    assert shipped.carrier == "Swiftpost" and re.fullmatch(r"SP\d{12}", shipped.tracking_number)
    assert notices(world) == ["order_placed", "order_shipped"]
    world.advance_to(est + 8 * HOUR)
    assert order(world, placed.id).status == "out_for_delivery"
    world.advance_to(est + 14 * HOUR - 1)
    assert order(world, placed.id).status == "out_for_delivery"
    world.advance(1)
    delivered = order(world, placed.id)
    assert delivered.status == "delivered" and delivered.delivered_at == est + 14 * HOUR
    steps = tracking(world, placed.id)
    assert [s for s, _, _ in steps] == ["placed", "shipped", "out_for_delivery", "delivered"]
    assert [at for _, at, _ in steps] == [start, start + DAY, est + 8 * HOUR, est + 14 * HOUR]
    assert steps[1][2].startswith("Cartwheel fulfilment center")
    assert "Ostmere, Lowmere 28807" in steps[3][2]
    assert notices(world) == ["order_placed", "order_shipped", "order_delivered"]
    assert run(world, lambda s: s.scalars(select(ScheduledEvent).where(
        ScheduledEvent.fired.is_(False))).all()) == []


@pytest.mark.parametrize(("speed", "ship_after", "days"),
                         [("expedited", 12 * HOUR, 2), ("next_day", 3 * HOUR, 1)])
def test_faster_speeds(world: World, speed: str, ship_after: int, days: int) -> None:
    start = world.now
    fast = variants(world, 1, "p.fast_delivery")
    placed = place(world, [(fast[0], 1)], speed)
    world.advance(ship_after)
    assert order(world, placed.id).status == "shipped"
    world.advance_to((start // DAY + days) * DAY + 14 * HOUR)
    assert order(world, placed.id).status == "delivered"


def test_tracking_numbers_differ(world: World) -> None:
    a, b = variants(world)
    first, second = place(world, [(a, 1)]), place(world, [(b, 1)])
    world.advance(2 * DAY)
    assert order(world, first.id).tracking_number != order(world, second.id).tracking_number
    assert first.number != second.number


# -- cancellation -----------------------------------------------------------------------------
def test_cancel_restores_stock_and_refunds(world: World) -> None:
    a, b = variants(world)
    before = run(world, lambda s: sv.stock_of(s, a))
    placed = place(world, [(a, 3), (b, 1)])
    assert run(world, lambda s: sv.stock_of(s, a)) == before - 3
    world.advance(HOUR)
    cancelled = run(world, lambda s: sv.cancel_order(s, world, placed.id))
    assert cancelled.status == "cancelled" and cancelled.cancelled_at == world.now
    assert cancelled.refunded_cents == cancelled.total_cents
    assert run(world, lambda s: sv.stock_of(s, a)) == before
    assert notices(world) == ["order_placed", "order_cancelled"]
    refused(world, lambda s: sv.cancel_order(s, world, placed.id), "cancelled and can no longer")
    world.advance(3 * DAY)  # the ship event fires and leaves the order alone
    assert order(world, placed.id).status == "cancelled"
    assert [s for s, _, _ in tracking(world, placed.id)] == ["placed", "cancelled"]


def test_cancel_refused_once_shipped(world: World) -> None:
    placed = place(world, [(variants(world, 1)[0], 1)])
    world.advance(DAY)
    refused(world, lambda s: sv.cancel_order(s, world, placed.id), "shipped and can no longer")
    refused(world, lambda s: sv.cancel_order(s, world, 404), "No such order 404")


# -- returns ----------------------------------------------------------------------------------
def _delivered(world: World, lines: list[tuple[int, int]]) -> Order:
    placed = place(world, lines)
    world.advance(7 * DAY)
    found = order(world, placed.id)
    assert found.status == "delivered"
    return found


def _items(world: World, order_id: int) -> list[OrderItem]:
    return run(world, lambda s: s.scalars(select(OrderItem).where(
        OrderItem.order_id == order_id).order_by(OrderItem.id)).all())


def test_returns_and_refunds(world: World) -> None:
    a, b = variants(world)
    placed = place(world, [(a, 2), (b, 1)])
    first, second = _items(world, placed.id)
    refused(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "damaged"),
            "not been delivered")
    world.advance(7 * DAY)
    refused(world, lambda s: sv.return_item(s, world, placed.id, first.id, 3, "damaged"),
            "from 1 to 2")
    refused(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "meh"), "reason")
    refused(world, lambda s: sv.return_item(s, world, placed.id, 999, 1, "damaged"), "no item")
    refused(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "damaged",
                                            "x" * 2001), "too long")
    back = run(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "damaged",
                                               "Cracked <b>lid</b>"))
    assert back.refund_cents == first.unit_price_cents and back.comment == "Cracked <b>lid</b>"
    assert order(world, placed.id).status == "delivered"
    run(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "wrong_item"))
    refused(world, lambda s: sv.return_item(s, world, placed.id, first.id, 1, "damaged"),
            "already been returned")
    run(world, lambda s: sv.return_item(s, world, placed.id, second.id, 1, "better_price"))
    done = order(world, placed.id)
    assert done.status == "returned"
    assert done.refunded_cents == 2 * first.unit_price_cents + second.unit_price_cents
    assert run(world, lambda s: len(s.scalars(select(Return)).all())) == 3
    assert notices(world).count("refund") == 3
    refused(world, lambda s: sv.return_item(s, world, placed.id, second.id, 1, "damaged"),
            "already been returned")


def test_return_window(world: World) -> None:
    delivered = _delivered(world, [(variants(world, 1)[0], 1)])
    item = _items(world, delivered.id)[0]
    assert delivered.delivered_at is not None
    world.advance_to(delivered.delivered_at + 30 * DAY + 1)
    refused(world, lambda s: sv.return_item(s, world, delivered.id, item.id, 1, "damaged"),
            "return window .* closed")


# -- the mailbox ------------------------------------------------------------------------------
def test_notices_reach_the_mailbox() -> None:
    w = World.empty([MAIL_SITE, SITE], 4)
    try:
        for site in generation_order([MAIL_SITE, SITE]):
            site.generate(w, 4)
        owner = w.conn.execute("SELECT name, email FROM mail_account").fetchone()
        assert w.conn.execute("SELECT name, email FROM shop_account").fetchone() == owner

        def cartwheel() -> list[tuple[str, str, str, int]]:
            return w.conn.execute(
                """SELECT m.sender_email, m.subject, m.body, m.sent_at FROM mail_message m
                   WHERE m.sender_email LIKE '%@cartwheel.example'
                   ORDER BY m.sent_at, m.id""").fetchall()

        before = len(cartwheel())
        fresh = variants(w, 1, "v.id NOT IN (SELECT variant_id FROM shop_inventory)")[0]
        run(w, lambda s: sv.add_to_cart(s, w, fresh, 1))
        address = w.conn.execute("SELECT id FROM shop_address WHERE is_default").fetchone()[0]
        card = w.conn.execute("SELECT id FROM shop_payment_card WHERE is_default").fetchone()[0]
        placed = run(w, lambda s: sv.place_order(s, w, address, "standard", card))
        mails = cartwheel()
        assert len(mails) == before + 1
        sender, subject, body, sent_at = mails[-1]
        assert sender == "orders@cartwheel.example" and placed.number in subject
        assert sent_at == w.now and f"/orders/{placed.id}" in body
        category, read = w.conn.execute(
            """SELECT t.category, m.is_read FROM mail_message m JOIN mail_thread t
               ON t.id = m.thread_id WHERE m.subject = ?""", (subject,)).fetchone()
        assert category == "updates" and not read
        w.advance(DAY)
        shipped = [m for m in cartwheel() if placed.number in m[2] and m[3] == w.now]
        assert [(m[0], m[1][:8]) for m in shipped] == [("shipping@cartwheel.example",
                                                          "Shipped:")]
    finally:
        w.close()
