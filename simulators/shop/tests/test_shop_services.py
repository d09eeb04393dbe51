"""Shop services: the money rules, every service's effect, and every refusal changing nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import World
from webtwin.simulators.core.models import ScheduledEvent
from webtwin.simulators.shop import SITE
from webtwin.simulators.shop import services as sv
from webtwin.simulators.shop.models import (
    Account,
    Address,
    CartItem,
    Inventory,
    Notification,
    Order,
    OrderItem,
    PaymentCard,
    PromoCode,
    Review,
    Wishlist,
    WishlistItem,
)
from webtwin.simulators.shop.services import AddressFields, ShopError, ShopNotFound
from webtwin.simulators.shop.services.pricing import QuoteLine, percent_of, price

DAY = 86400
VISA_LIKE = "4111 1111 1111 1111"      # Luhn-valid, Novacard
ORBIT = "5555555555554444"             # Luhn-valid, Orbit
LUMEN = "378282246310005"              # Luhn-valid, 15 digits, Lumen
HOME = AddressFields(full_name="Åsa Lindqvist", line1="12 Larkspur Lane", city="Millbrook",
                     region="Westmark", postal_code="40211")


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture
def world() -> Iterator[World]:
    """A blank shop world: the account, one address, one valid card and four promo codes."""
    w = World.empty([SITE], 5)
    now, today = w.now, w.now // DAY * DAY
    with w.transaction() as s:
        s.add(Account(id=1, name="Åsa Lindqvist", email="asa@home.example", member_since=0))
        sv.add_address(s, w, HOME)
        sv.add_card(s, w, VISA_LIKE, "Åsa Lindqvist", 12, _year(now) + 2)
        for code, kind, value, minimum, starts, expires in (
                ("TAKE10", "percent", 10, 0, today - DAY, today + 9 * DAY),
                ("SAVE10", "amount", 1000, 5000, today - DAY, today + 9 * DAY),
                ("OLD20", "percent", 20, 0, today - 30 * DAY, today - 2 * DAY),
                ("SOON15", "percent", 15, 0, today + 3 * DAY, today + 9 * DAY)):
            s.add(PromoCode(id=World.next_id(s, "shop_promo_code"), code=code, kind=kind,
                            value=value, min_subtotal_cents=minimum, starts_at=starts,
                            expires_at=expires))
    yield w
    w.close()


def _year(at: int) -> int:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(at, UTC).year


def run(world: World, call: Callable[[Session], Any]) -> Any:
    with world.transaction() as s:
        return call(s)


def refused(world: World, call: Callable[[Session], Any], match: str,
            error: type[ShopError] = ShopError) -> None:
    """The service raises ShopError and, even if its session is committed, nothing changed."""
    before = world.digest()
    s = world.session()
    try:
        with pytest.raises(error, match=match):
            call(s)
        s.commit()
    finally:
        s.close()
    assert world.digest() == before


def variants(world: World, where: str = "1", limit: int = 3) -> list[int]:
    """Catalog variants (of distinct products) with at least 10 in stock."""
    rows = world.conn.execute(
        f"""SELECT MIN(v.id) FROM catalog.variant v JOIN catalog.product p ON p.id = v.product_id
            WHERE v.stock >= 10 AND {where} GROUP BY p.id ORDER BY p.id LIMIT ?""",
        (limit,)).fetchall()
    assert len(rows) == limit, "the catalog should have enough in-stock products"
    return [row[0] for row in rows]


def price_of(world: World, variant_id: int) -> int:
    return world.conn.execute("SELECT price_cents FROM catalog.variant WHERE id = ?",
                              (variant_id,)).fetchone()[0]


def line(cents: int, quantity: int = 1, fast: bool = True) -> QuoteLine:
    return QuoteLine(variant_id=1, product_id=1, title="Thing", options="",
                     unit_price_cents=cents, quantity=quantity, fast_delivery=fast, stock=99)


def promo(kind: str, value: int, minimum: int = 0) -> PromoCode:
    return PromoCode(id=1, code="X", kind=kind, value=value, min_subtotal_cents=minimum,
                     starts_at=0, expires_at=2**40)


# -- money rules (pure) -----------------------------------------------------------------------
def test_percent_rounds_half_up() -> None:
    assert percent_of(1250, 8) == 100       # 100.0
    assert percent_of(1256, 8) == 100       # 100.48
    assert percent_of(1257, 8) == 101       # 100.56
    assert percent_of(1875, 8) == 150       # 150.0
    assert percent_of(1, 50) == 1           # 0.5 rounds up
    assert percent_of(0, 8) == 0


def test_price_totals() -> None:
    q = price([line(1999, 2), line(500)], "standard", 10 * DAY + 5)
    assert q.subtotal_cents == 4498 and q.discount_cents == 0
    assert q.shipping_cents == 0                          # >= $35: free standard
    assert q.tax_cents == percent_of(4498, 8) == 360
    assert q.total_cents == 4498 + 360
    assert q.estimated_delivery == 15 * DAY               # midnight, +5 days


def test_free_shipping_threshold_after_discount() -> None:
    assert price([line(3500)], "standard", 0).shipping_cents == 0
    assert price([line(3499)], "standard", 0).shipping_cents == 599
    discounted = price([line(3800)], "standard", 0, promo("amount", 500))
    assert discounted.discount_cents == 500 and discounted.shipping_cents == 599
    assert discounted.tax_cents == percent_of(3800 - 500 + 599, 8)
    assert discounted.total_cents == 3800 - 500 + 599 + discounted.tax_cents


def test_speeds_and_promo_kinds() -> None:
    assert price([line(5000)], "expedited", 0).shipping_cents == 999
    assert price([line(5000)], "expedited", DAY - 1).estimated_delivery == 2 * DAY
    assert price([line(5000)], "next_day", 0).shipping_cents == 1499
    assert price([line(5000)], "next_day", 0).estimated_delivery == DAY
    assert price([line(5000, fast=False), line(100)], "standard", 0).speeds == [
        "standard", "expedited"]
    with pytest.raises(ShopError, match="Next-day"):
        price([line(5000, fast=False)], "next_day", 0)
    with pytest.raises(ShopError, match="delivery speed"):
        price([line(5000)], "warp", 0)
    assert price([line(1999)], "standard", 0, promo("percent", 15)).discount_cents == 300
    assert price([line(300)], "standard", 0, promo("amount", 1000)).discount_cents == 300
    short = price([line(3750)], "standard", 0, promo("amount", 1000, minimum=5000))
    assert short.discount_cents == 0 and short.promo_error == "Add $12.50 more to use X"


# -- cart -------------------------------------------------------------------------------------
def test_add_to_cart_merges_and_limits(world: World) -> None:
    vid = variants(world, limit=1)[0]
    first = run(world, lambda s: sv.add_to_cart(s, world, vid, 2))
    second = run(world, lambda s: sv.add_to_cart(s, world, vid, 3))
    assert first.id == second.id and second.quantity == 5
    refused(world, lambda s: sv.add_to_cart(s, world, vid, 6), "At most 10")
    for bad in (0, -1, 11, 10**12, True, "2", None, 2.5):
        refused(world, lambda s, bad=bad: sv.add_to_cart(s, world, vid, bad), "Quantity")
    refused(world, lambda s: sv.add_to_cart(s, world, 10**9, 1), "No such product variant",
            ShopNotFound)
    refused(world, lambda s: sv.add_to_cart(s, world, "x", 1), "No such", ShopNotFound)


def test_stock_limits(world: World) -> None:
    vid = variants(world, limit=1)[0]
    run(world, lambda s: s.add(Inventory(variant_id=vid, stock=2)))
    assert run(world, lambda s: sv.stock_of(s, vid)) == 2
    refused(world, lambda s: sv.add_to_cart(s, world, vid, 3), "Only 2 left")
    item = run(world, lambda s: sv.add_to_cart(s, world, vid, 2))
    refused(world, lambda s: sv.set_quantity(s, item.id, 3), "Only 2 left")
    run(world, lambda s: s.get(Inventory, vid).__setattr__("stock", 0))
    refused(world, lambda s: sv.add_to_cart(s, world, vid, 1), "out of stock")


def test_cart_lines_save_move_remove(world: World) -> None:
    a, b = variants(world, limit=2)
    item = run(world, lambda s: sv.add_to_cart(s, world, a, 3))
    assert run(world, lambda s: sv.set_quantity(s, item.id, 4)).quantity == 4
    refused(world, lambda s: sv.set_quantity(s, item.id, 0), "Quantity")
    refused(world, lambda s: sv.move_to_cart(s, item.id), "already in your cart")
    saved = run(world, lambda s: sv.save_for_later(s, item.id))
    assert saved.saved
    refused(world, lambda s: sv.save_for_later(s, item.id), "already saved")
    again = run(world, lambda s: sv.add_to_cart(s, world, a, 7))  # a new cart line
    assert again.id != item.id
    refused(world, lambda s: sv.move_to_cart(s, item.id), "At most 10")
    run(world, lambda s: sv.set_quantity(s, again.id, 2))
    merged = run(world, lambda s: sv.move_to_cart(s, item.id))
    assert merged.id == again.id and merged.quantity == 6
    assert run(world, lambda s: s.get(CartItem, item.id)) is None
    other = run(world, lambda s: sv.add_to_cart(s, world, b, 1))
    run(world, lambda s: sv.remove_from_cart(s, other.id))
    refused(world, lambda s: sv.remove_from_cart(s, other.id), "No such cart item", ShopNotFound)


def test_promo_codes(world: World) -> None:
    refused(world, lambda s: sv.apply_promo(s, world, "TAKE10"), "cart is empty")
    vid = variants(world, "v.price_cents BETWEEN 500 AND 2000", limit=1)[0]
    run(world, lambda s: sv.add_to_cart(s, world, vid, 1))
    cents = price_of(world, vid)
    refused(world, lambda s: sv.apply_promo(s, world, ""), "Enter a promo code")
    refused(world, lambda s: sv.apply_promo(s, world, "NOPE"), "NOPE is not a valid")
    refused(world, lambda s: sv.apply_promo(s, world, "OLD20"), "OLD20 expired on")
    refused(world, lambda s: sv.apply_promo(s, world, "SOON15"), "SOON15 can be used from")
    more = f"${(5000 - cents) // 100:,}.{(5000 - cents) % 100:02d}"
    refused(world, lambda s: sv.apply_promo(s, world, "SAVE10"),
            re.escape(f"Add {more} more to use SAVE10"))
    assert run(world, lambda s: sv.apply_promo(s, world, " take10 ")).code == "TAKE10"
    q = run(world, lambda s: sv.quote(s, world))
    assert q.promo_code == "TAKE10" and q.discount_cents == percent_of(cents, 10)
    assert q.promo_error is None
    run(world, sv.remove_promo)
    assert run(world, lambda s: sv.account(s).cart_promo_code) is None
    refused(world, sv.remove_promo, "No promo code")


def test_quote_and_shipping_options(world: World) -> None:
    slow = variants(world, "NOT p.fast_delivery", limit=1)[0]
    fast = variants(world, "p.fast_delivery", limit=1)[0]
    run(world, lambda s: sv.add_to_cart(s, world, fast, 2))
    options = run(world, lambda s: sv.shipping_options(s, world))
    assert [o[0] for o in options] == ["standard", "expedited", "next_day"]
    today = world.now // DAY * DAY
    assert [o[2] for o in options] == [today + 5 * DAY, today + 2 * DAY, today + DAY]
    run(world, lambda s: sv.add_to_cart(s, world, slow, 1))
    assert [o[0] for o in run(world, lambda s: sv.shipping_options(s, world))] == [
        "standard", "expedited"]
    q = run(world, lambda s: sv.quote(s, world, "expedited"))
    assert q.subtotal_cents == 2 * price_of(world, fast) + price_of(world, slow)
    assert q.shipping_cents == 999 and len(q.lines) == 2
    one = run(world, lambda s: sv.quote(s, world, "next_day", buy_now=(fast, 3)))
    assert one.subtotal_cents == 3 * price_of(world, fast) and len(one.lines) == 1
    refused(world, lambda s: sv.quote(s, world, "next_day"), "Next-day")
    refused(world, lambda s: sv.quote(s, world, buy_now=(fast, 11)), "Quantity")


# -- checkout ---------------------------------------------------------------------------------
def _ids(world: World) -> tuple[int, int]:
    return (run(world, lambda s: s.scalars(select(Address.id)).first()),
            run(world, lambda s: s.scalars(select(PaymentCard.id)).first()))


def test_place_order(world: World) -> None:
    a, b, c = variants(world, limit=3)
    address, card = _ids(world)
    run(world, lambda s: sv.add_to_cart(s, world, a, 2))
    run(world, lambda s: sv.add_to_cart(s, world, b, 1))
    kept = run(world, lambda s: sv.add_to_cart(s, world, c, 1))
    run(world, lambda s: sv.save_for_later(s, kept.id))
    run(world, lambda s: sv.apply_promo(s, world, "TAKE10"))
    expected = run(world, lambda s: sv.quote(s, world, "standard"))
    stock_a = run(world, lambda s: sv.stock_of(s, a))
    order = run(world, lambda s: sv.place_order(s, world, address, "standard", card))
    assert re.fullmatch(r"\d{3}-\d{7}-\d{7}", order.number)
    assert order.status == "placed" and order.placed_at == world.now
    assert order.total_cents == expected.total_cents and order.promo_code == "TAKE10"
    assert order.discount_cents == expected.discount_cents > 0
    assert order.payment_label.startswith("Novacard ending in 1111")
    assert "Millbrook, Westmark 40211" in order.ship_to
    assert run(world, lambda s: sv.stock_of(s, a)) == stock_a - 2
    lines = run(world, lambda s: s.scalars(select(CartItem)).all())
    assert [(x.id, x.saved) for x in lines] == [(kept.id, True)]
    assert run(world, lambda s: sv.account(s).cart_promo_code) is None
    items = run(world, lambda s: s.scalars(select(OrderItem).order_by(OrderItem.id)).all())
    assert [(i.variant_id, i.quantity) for i in items] == [(a, 2), (b, 1)]
    notice = run(world, lambda s: s.scalars(select(Notification)).one())
    assert notice.kind == "order_placed" and order.number in notice.subject
    event = run(world, lambda s: s.scalars(select(ScheduledEvent)).one())
    assert (event.kind, event.due_at, json.loads(event.payload)) == (
        "ship", world.now + DAY, {"order_id": order.id})


def test_buy_now_leaves_cart(world: World) -> None:
    a, b = variants(world, limit=2)
    address, card = _ids(world)
    run(world, lambda s: sv.add_to_cart(s, world, a, 1))
    run(world, lambda s: sv.apply_promo(s, world, "TAKE10"))
    order = run(world, lambda s: sv.place_order(s, world, address, "expedited", card, (b, 2)))
    assert order.subtotal_cents == 2 * price_of(world, b) and order.discount_cents == 0
    assert order.promo_code is None and order.shipping_cents == 999
    assert run(world, lambda s: len(s.scalars(select(CartItem)).all())) == 1
    assert run(world, lambda s: sv.account(s).cart_promo_code) == "TAKE10"


def test_checkout_refusals(world: World) -> None:
    address, card = _ids(world)
    slow = variants(world, "NOT p.fast_delivery", limit=1)[0]
    refused(world, lambda s: sv.place_order(s, world, address, "standard", card),
            "cart is empty")
    run(world, lambda s: sv.add_to_cart(s, world, slow, 2))
    refused(world, lambda s: sv.place_order(s, world, address, "next_day", card), "Next-day")
    refused(world, lambda s: sv.place_order(s, world, address, "fast", card), "delivery speed")
    refused(world, lambda s: sv.place_order(s, world, 999, "standard", card), "No such address",
            ShopNotFound)
    refused(world, lambda s: sv.place_order(s, world, address, "standard", 999),
            "No such payment card", ShopNotFound)
    run(world, lambda s: s.add(PaymentCard(id=World.next_id(s, "shop_payment_card"),
                                           network="Orbit", last4="0004", holder="Å",
                                           exp_month=1, exp_year=_year(world.now) - 1)))
    refused(world, lambda s: sv.place_order(s, world, address, "standard", 2), "expired")
    run(world, lambda s: s.add(Inventory(variant_id=slow, stock=1)))
    refused(world, lambda s: sv.place_order(s, world, address, "standard", card), "Only 1 left")
    refused(world, lambda s: sv.place_order(s, world, address, "standard", card, (slow, 0)),
            "Quantity")


def test_checkout_refuses_stale_promo(world: World) -> None:
    address, card = _ids(world)
    vid = variants(world, "v.price_cents BETWEEN 2600 AND 4900", limit=1)[0]
    run(world, lambda s: sv.add_to_cart(s, world, vid, 2))
    run(world, lambda s: sv.apply_promo(s, world, "SAVE10"))
    item = run(world, lambda s: s.scalars(select(CartItem)).one())
    run(world, lambda s: sv.set_quantity(s, item.id, 1))  # now under the $50 minimum
    q = run(world, lambda s: sv.quote(s, world))
    assert q.discount_cents == 0 and q.promo_error and "more to use SAVE10" in q.promo_error
    refused(world, lambda s: sv.place_order(s, world, address, "standard", card),
            "SAVE10 no longer applies")


def test_card_expiry_runs_to_month_end(world: World) -> None:
    from datetime import UTC, datetime

    from webtwin.simulators.shop.services.account import card_expired

    card = PaymentCard(exp_month=2, exp_year=2026)
    march = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    assert not card_expired(card, march - 1) and card_expired(card, march)
    december = PaymentCard(exp_month=12, exp_year=2026)
    assert not card_expired(december, march)


# -- account ----------------------------------------------------------------------------------
def test_profile(world: World) -> None:
    owner = run(world, lambda s: sv.update_profile(s, "  Åsa L.  ", "+46 (70) 123-4567"))
    assert (owner.name, owner.phone) == ("Åsa L.", "+46 (70) 123-4567")
    refused(world, lambda s: sv.update_profile(s, "   ", ""), "Enter your name")
    refused(world, lambda s: sv.update_profile(s, "x" * 201, ""), "too long")
    refused(world, lambda s: sv.update_profile(s, "Åsa", "call me"), "not a phone number")


def test_addresses_and_default(world: World) -> None:
    first = run(world, lambda s: s.scalars(select(Address)).one())
    assert first.is_default
    second = run(world, lambda s: sv.add_address(s, world, HOME))
    assert not second.is_default
    third = run(world, lambda s: sv.add_address(s, world, HOME, make_default=True))
    defaults = run(world, lambda s: s.scalars(select(Address.id).where(Address.is_default)).all())
    assert defaults == [third.id]
    refused(world, lambda s: sv.delete_address(s, third.id), "default address")
    run(world, lambda s: sv.set_default_address(s, first.id))
    run(world, lambda s: sv.delete_address(s, third.id))
    changed = AddressFields(full_name="Bo", line1="1 Ash Row", line2="Apt 2", city="Ostmere",
                            region="Lowmere", postal_code="28811", phone="+1 555 0100 200")
    updated = run(world, lambda s: sv.update_address(s, second.id, changed))
    assert (updated.city, updated.line2, updated.is_default) == ("Ostmere", "Apt 2", False)
    for fields, match in (
            (AddressFields("", "1 Row", "C", "R", "12345"), "full name"),
            (AddressFields("A", "1 Row", " ", "R", "12345"), "city"),
            (AddressFields("A", "1 Row", "C", "R", "1"), "postal code"),
            (AddressFields("A" * 201, "1 Row", "C", "R", "12345"), "too long"),
            (AddressFields("A", "1 Row", "C", "R", "12345", phone="nope"), "phone")):
        refused(world, lambda s, f=fields: sv.add_address(s, world, f), match)
        refused(world, lambda s, f=fields: sv.update_address(s, second.id, f), match)
    refused(world, lambda s: sv.delete_address(s, 999), "No such address", ShopNotFound)


def test_cards(world: World) -> None:
    year = _year(world.now)
    orbit = run(world, lambda s: sv.add_card(s, world, ORBIT, "Åsa", 3, year + 1))
    assert (orbit.network, orbit.last4, orbit.is_default) == ("Orbit", "4444", False)
    lumen = run(world, lambda s: sv.add_card(s, world, LUMEN, "Åsa", 1, year + 3, True))
    assert lumen.network == "Lumen" and lumen.is_default
    defaults = run(world, lambda s: s.scalars(
        select(PaymentCard.id).where(PaymentCard.is_default)).all())
    assert defaults == [lumen.id]
    for number, match in (("", "Enter the card number"), ("4111 1111 1111 1112", "not valid"),
                          ("4111", "15 or 16 digits"), ("6011111111111117", "accepts"),
                          ("4111-1111-1111-111x", "15 or 16 digits")):
        refused(world, lambda s, n=number: sv.add_card(s, world, n, "Å", 1, year + 1), match)
    refused(world, lambda s: sv.add_card(s, world, ORBIT, "Åsa", 3, year + 1), "already saved")
    refused(world, lambda s: sv.add_card(s, world, ORBIT, "Åsa", 13, year + 1), "month")
    refused(world, lambda s: sv.add_card(s, world, ORBIT, "Åsa", 1, year - 1), "year")
    refused(world, lambda s: sv.add_card(s, world, ORBIT, "", 1, year + 2), "name on the card")
    refused(world, lambda s: sv.delete_card(s, lumen.id), "default card")
    run(world, lambda s: sv.delete_card(s, orbit.id))
    run(world, lambda s: s.add(PaymentCard(id=World.next_id(s, "shop_payment_card"),
                                           network="Orbit", last4="0004", holder="Å",
                                           exp_month=1, exp_year=year - 1)))
    refused(world, lambda s: sv.set_default_card(s, orbit.id + 2), "expired")
    assert run(world, lambda s: sv.set_default_card(s, 1)).is_default


def test_card_expiring_this_month(world: World) -> None:
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(world.now, UTC)
    card = run(world, lambda s: sv.add_card(s, world, ORBIT, "Å", moment.month, moment.year))
    assert card.exp_month == moment.month
    if moment.month > 1:
        refused(world, lambda s: sv.add_card(s, world, LUMEN, "Å", moment.month - 1,
                                             moment.year), "expired")


# -- wish lists -------------------------------------------------------------------------------
def _default_list(world: World) -> Wishlist:
    def make(s: Session) -> Wishlist:
        wishlist = Wishlist(id=World.next_id(s, "shop_wishlist"), name="Wish List",
                            is_default=True, created_at=world.now)
        s.add(wishlist)
        return wishlist

    return run(world, make)


def _product(world: World, variant_id: int) -> int:
    return world.conn.execute("SELECT product_id FROM catalog.variant WHERE id = ?",
                              (variant_id,)).fetchone()[0]


def test_wishlists(world: World) -> None:
    default = _default_list(world)
    a, b = variants(world, limit=2)
    pa, pb = _product(world, a), _product(world, b)
    office = run(world, lambda s: sv.create_wishlist(s, world, "  Home office "))
    assert office.name == "Home office"
    refused(world, lambda s: sv.create_wishlist(s, world, "home OFFICE"), "already have")
    refused(world, lambda s: sv.create_wishlist(s, world, "x" * 61), "too long")
    refused(world, lambda s: sv.create_wishlist(s, world, " "), "name for the list")
    assert run(world, lambda s: sv.rename_wishlist(s, office.id, "Desk")).name == "Desk"
    refused(world, lambda s: sv.rename_wishlist(s, office.id, "wish list"), "already have")
    item = run(world, lambda s: sv.add_to_wishlist(s, world, default.id, pa, a))
    refused(world, lambda s: sv.add_to_wishlist(s, world, default.id, pa), "already on")
    refused(world, lambda s: sv.add_to_wishlist(s, world, default.id, pb, a), "not a variant")
    refused(world, lambda s: sv.add_to_wishlist(s, world, 99, pb), "No such wish list",
            ShopNotFound)
    refused(world, lambda s: sv.move_wishlist_item(s, item.id, default.id), "already on")
    moved = run(world, lambda s: sv.move_wishlist_item(s, item.id, office.id))
    assert moved.wishlist_id == office.id
    run(world, lambda s: sv.add_to_wishlist(s, world, default.id, pa))
    refused(world, lambda s: sv.move_wishlist_item(s, item.id, default.id), "already on")
    line = run(world, lambda s: sv.wishlist_item_to_cart(s, world, item.id))
    assert (line.variant_id, line.quantity) == (a, 1)
    assert run(world, lambda s: s.get(WishlistItem, item.id)) is not None
    refused(world, lambda s: sv.delete_wishlist(s, default.id), "default list")
    run(world, lambda s: sv.delete_wishlist(s, office.id))
    assert run(world, lambda s: s.get(WishlistItem, item.id)) is None
    others = run(world, lambda s: s.scalars(select(WishlistItem)).all())
    run(world, lambda s: sv.remove_wishlist_item(s, others[0].id))
    refused(world, lambda s: sv.remove_wishlist_item(s, others[0].id), "No such",
            ShopNotFound)


# -- reviews and notices ----------------------------------------------------------------------
def _delivered_order(world: World, variant_id: int) -> int:
    address, card = _ids(world)
    order = run(world, lambda s: sv.place_order(s, world, address, "standard", card,
                                                (variant_id, 1)))
    world.advance(7 * DAY)
    assert run(world, lambda s: s.get(Order, order.id)).status == "delivered"
    return _product(world, variant_id)


def test_reviews(world: World) -> None:
    a, b = variants(world, limit=2)
    product = _product(world, a)
    refused(world, lambda s: sv.write_review(s, world, product, 5, "Good", "Nice"),
            "once it has been delivered")
    _delivered_order(world, a)
    for rating in (0, 6, True, "5"):
        refused(world, lambda s, r=rating: sv.write_review(s, world, product, r, "T", "B"),
                "rating")
    refused(world, lambda s: sv.write_review(s, world, product, 4, "x" * 201, "B"), "too long")
    refused(world, lambda s: sv.write_review(s, world, product, 4, "T", "x" * 5001), "too long")
    refused(world, lambda s: sv.write_review(s, world, product, 4, "", "B"), "title")
    refused(world, lambda s: sv.write_review(s, world, product, 4, "T", " "), "your review")
    hostile = "<script>alert('x')</script> & <b>bold</b>"
    review = run(world, lambda s: sv.write_review(s, world, product, 4, hostile, hostile))
    assert run(world, lambda s: s.get(Review, review.id)).body == hostile
    refused(world, lambda s: sv.write_review(s, world, product, 5, "T", "B"), "already reviewed")
    refused(world, lambda s: sv.write_review(s, world, 10**9, 5, "T", "B"), "No such product",
            ShopNotFound)


def test_notify(world: World) -> None:
    notice = run(world, lambda s: sv.notify(s, world, "newsletter", "Hi", "Body",
                                            sender="deals"))
    assert notice.created_at == world.now and notice.order_id is None
    back = run(world, lambda s: sv.notify(s, world, "refund", "R", "B", sent_at=world.now - 60))
    assert back.created_at == world.now - 60
    refused(world, lambda s: sv.notify(s, world, "x", "S", "B", sender="spam"), "unknown sender")


def test_exports() -> None:
    for name in ("EVENT_HANDLERS", "ShopError", "AddressFields", "Quote", "quote",
                 "shipping_options", "place_order", "cancel_order", "return_item",
                 "write_review", "notify", "wishlist_item_to_cart", "stock_of", "account"):
        assert name in sv.__all__ and hasattr(sv, name)
    assert set(sv.EVENT_HANDLERS) == {"ship", "out_for_delivery", "deliver"}
    assert issubclass(ShopNotFound, ShopError)
