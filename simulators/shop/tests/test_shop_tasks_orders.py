"""Shop task families about orders, the account and wish lists: sampling, verification
(the intended change, doing nothing, collateral damage, the wrong entity), answer checkers,
and oracles through the text env.

The effect tests apply each task's change directly through the services, so they check the
verifiers independently of the pages; the oracle tests run `solve()` through the text env,
so they check that the pages let an agent do it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import TaskFamily, World
from webtwin.simulators.core.testing import Effect, TaskHarness, assert_documented, play_oracle
from webtwin.simulators.shop import services as sv
from webtwin.simulators.shop.models import (
    Address,
    CartItem,
    Order,
    OrderItem,
    PaymentCard,
    Review,
    Wishlist,
    WishlistItem,
)
from webtwin.simulators.shop.services.account import luhn_valid
from webtwin.simulators.shop.services.common import default_variant, stock_of
from webtwin.simulators.shop.tasks import FAMILIES
from webtwin.simulators.shop.tasks._orders import (
    date_matches,
    money,
    money_matches,
    short_date,
)
from webtwin.simulators.shop.tasks.add_payment_card import spaced

SEEDS = range(6)
OURS = ("shop/add_payment_card", "shop/answer_delivery_date", "shop/answer_order_total",
        "shop/cancel_unshipped_order", "shop/change_default_address",
        "shop/create_wishlist_and_add", "shop/move_wishlist_item", "shop/return_item",
        "shop/write_review")
MINE = [family for family in FAMILIES if family.id in OURS]
IDS = [family.id for family in MINE]


def test_families_are_registered_and_documented() -> None:
    assert IDS == sorted(OURS)
    for family in MINE:
        assert_documented(family)


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_sample_is_deterministic(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    tasks.sampled(family_cls(), SEEDS)


# -- the intended change, made through the services --------------------------------------------
def change(world: World, fn: Callable[[Session], object]) -> None:
    with world.transaction() as s:
        fn(s)


def cancel(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.cancel_order(s, world, p["order_id"]))


def give_back(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.return_item(s, world, p["order_id"], p["item_id"],
                                           p["quantity"], p["reason"], "Sorry!"))


def review(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.write_review(s, world, p["product_id"], p["rating"],
                                            f"  {p['title']} ", p["body"].upper()))


def make_default(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.set_default_address(s, p["address_id"]))


def add_card(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.add_card(s, world, spaced(p["number"]), p["holder"],
                                        p["exp_month"], p["exp_year"], p["make_default"]))


def move(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.move_wishlist_item(s, p["item_id"], p["to_id"]))


def create_list(world: World, p: dict[str, Any], name: str | None = None,
                products: list[int] | None = None) -> None:
    def create(s: Session) -> None:
        made = sv.create_wishlist(s, world, name or p["name"].lower())
        for product in p["product_ids"] if products is None else products:
            sv.add_to_wishlist(s, world, made.id, product)
    change(world, create)


EFFECTS: dict[str, Effect] = {
    "shop/add_payment_card": add_card,
    "shop/answer_delivery_date": lambda w, p: f"Arriving {short_date(p['estimated_delivery'])}.",
    "shop/answer_order_total": lambda w, p: f"{money(p['total_cents'])} USD",
    "shop/cancel_unshipped_order": cancel,
    "shop/change_default_address": make_default,
    "shop/create_wishlist_and_add": create_list,
    "shop/move_wishlist_item": move,
    "shop/return_item": give_back,
    "shop/write_review": review,
}


def test_every_family_has_an_effect() -> None:
    assert sorted(EFFECTS) == IDS


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_intended_change_passes(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        _, verdict = tasks.outcome(family, seed, EFFECTS[family.id])
        assert verdict.passed, (seed, verdict.to_json())


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_doing_nothing_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        world, instance = tasks.start(family, seed)
        end = tasks.idle(world)
        for answer in (None, ""):
            assert tasks.verify(family, world, instance, end, answer).reward == 0.0, seed


# -- the right change plus one unrelated change -------------------------------------------------
def change_phone(world: World, p: dict[str, Any]) -> None:
    change(world, lambda s: sv.update_profile(s, sv.account(s).name, "+1 555 0100 999"))


def drop_cart_line(world: World, p: dict[str, Any]) -> None:
    with world.session() as s:
        line = s.scalars(select(CartItem.id).order_by(CartItem.id)).first()
    assert line is not None
    change(world, lambda s: sv.remove_from_cart(s, line))


def wish_elsewhere(world: World, p: dict[str, Any]) -> None:
    """Put an unrelated product on the default list."""
    def add(s: Session) -> None:
        default = s.scalars(select(Wishlist).where(Wishlist.is_default.is_(True))).one()
        held = set(s.scalars(select(WishlistItem.product_id)))
        held |= set(p.get("product_ids", [p.get("product_id")]))
        product = next(pid for pid in range(1, 2000) if pid not in held)
        sv.add_to_wishlist(s, world, default.id, product)
    change(world, add)


COLLATERALS = (change_phone, drop_cart_line, wish_elsewhere)


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_collateral_damage_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        damage = COLLATERALS[seed % len(COLLATERALS)]
        _, verdict = tasks.outcome(family, seed, EFFECTS[family.id], then=damage)
        assert not verdict.passed, (seed, damage.__name__)
        assert not verdict.checks[-1].passed, "the damage is what must fail"
        assert all(check.passed for check in verdict.checks[:-1]), verdict.to_json()


# -- the wrong entity -------------------------------------------------------------------------
def cancel_another(world: World, p: dict[str, Any]) -> None:
    """Order something else with "Buy now" and cancel that instead."""
    def order_and_cancel(s: Session) -> None:
        address = s.scalars(select(Address.id).where(Address.is_default.is_(True))).one()
        card = s.scalars(select(PaymentCard.id).where(PaymentCard.is_default.is_(True))).one()
        bought = set(s.scalars(select(OrderItem.product_id)))
        variant = next(v for v in (default_variant(s, pid) for pid in range(1, 2000)
                                   if pid not in bought) if stock_of(s, v.id) > 0)
        placed = sv.place_order(s, world, address, "standard", card, buy_now=(variant.id, 1))
        sv.cancel_order(s, world, placed.id)
    change(world, order_and_cancel)


def wrong_reason(world: World, p: dict[str, Any]) -> None:
    reason = "better_price" if p["reason"] != "better_price" else "damaged"
    give_back(world, {**p, "reason": reason})


def wrong_stars(world: World, p: dict[str, Any]) -> None:
    review(world, {**p, "rating": p["rating"] % 5 + 1})


def wrong_address(world: World, p: dict[str, Any]) -> None:
    """Another address as the default, or (with only two) the right one edited on the way."""
    with world.session() as s:
        others = list(s.scalars(select(Address).where(
            Address.id != p["address_id"], Address.is_default.is_(False)).order_by(Address.id)))
        target = s.get(Address, p["address_id"])
        assert target is not None
        fields = sv.AddressFields(target.full_name, target.line1, "Elsewhere", target.region,
                                  target.postal_code, target.country, target.line2, target.phone)
    if others:
        make_default(world, {"address_id": others[0].id})
    else:
        change(world, lambda s: sv.update_address(s, p["address_id"], fields, True))


def wrong_expiry(world: World, p: dict[str, Any]) -> None:
    add_card(world, {**p, "exp_month": p["exp_month"] % 12 + 1})


def wrong_list(world: World, p: dict[str, Any]) -> None:
    """Move it to a third list, or (with two lists) delete it instead of moving it."""
    with world.session() as s:
        third = s.scalars(select(Wishlist.id).where(Wishlist.id.not_in([p["from_id"], p["to_id"]]))
                          .order_by(Wishlist.id)).first()
    if third is not None:
        move(world, {**p, "to_id": third})
    else:
        change(world, lambda s: sv.remove_wishlist_item(s, p["item_id"]))


def one_product_only(world: World, p: dict[str, Any]) -> None:
    create_list(world, p, products=p["product_ids"][:1])


def other_total(world: World, p: dict[str, Any]) -> str:
    return money(p["total_cents"] + 100)


def day_after(world: World, p: dict[str, Any]) -> str:
    return short_date(p["estimated_delivery"] + 86400)


WRONG: dict[str, Effect] = {
    "shop/add_payment_card": wrong_expiry,
    "shop/answer_delivery_date": day_after,
    "shop/answer_order_total": other_total,
    "shop/cancel_unshipped_order": cancel_another,
    "shop/change_default_address": wrong_address,
    "shop/create_wishlist_and_add": one_product_only,
    "shop/move_wishlist_item": wrong_list,
    "shop/return_item": wrong_reason,
    "shop/write_review": wrong_stars,
}


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_wrong_entity_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        _, verdict = tasks.outcome(family, seed, WRONG[family.id])
        assert verdict.reward == 0.0, (seed, verdict.to_json())


def test_misnamed_list_fails(tasks: TaskHarness) -> None:
    family = next(f() for f in MINE if f.id == "shop/create_wishlist_and_add")
    _, verdict = tasks.outcome(family, 0, lambda w, p: create_list(w, p, name=p["name"] + " 2"))
    assert not verdict.passed


# -- sampling details -------------------------------------------------------------------------
def test_cancel_places_an_order_when_the_open_one_ships_soon(tasks: TaskHarness) -> None:
    """Seed 38's only unshipped order is next-day and ships within the hour."""
    family = next(f() for f in MINE if f.id == "shop/cancel_unshipped_order")
    world, instance = tasks.start(family, 38)
    with world.session() as s:
        order = s.get(Order, instance.params["order_id"])
        assert order is not None and order.status == "placed" and order.placed_at == world.now
    assert tasks.outcome(family, 38, EFFECTS[family.id])[1].passed


def test_review_of_the_last_delivery(tasks: TaskHarness) -> None:
    family = next(f() for f in MINE if f.id == "shop/write_review")
    found = 0
    for seed in range(60):
        world, instance = tasks.start(family, seed)
        if not instance.params["last"]:
            continue
        found += 1
        assert "last item" in instance.instruction
        with world.session() as s:
            latest = max(o.delivered_at or 0 for o in s.scalars(select(Order)))
            order = s.get(Order, instance.params["order_id"])
            assert order is not None and order.delivered_at == latest
            reviewed = set(s.scalars(select(Review.product_id)))
            assert instance.params["product_id"] not in reviewed
    assert found >= 3


def test_card_numbers_are_valid(tasks: TaskHarness) -> None:
    family = next(f() for f in MINE if f.id == "shop/add_payment_card")
    for seed in range(20):
        world, instance = tasks.start(family, seed)
        number = instance.params["number"]
        assert luhn_valid(number) and spaced(number) in instance.instruction
        assert instance.params["exp_year"] > world.now // (365 * 86400) + 1970


# -- answer checkers --------------------------------------------------------------------------
@pytest.mark.parametrize("answer", ["$1,234.50", "1234.50", "1234.5", "$1,234.50 USD",
                                    "USD 1234.50", "US$1,234.50", "The total was $1,234.50.",
                                    " $1234.50 "])
def test_money_answers_accepted(answer: str) -> None:
    assert money_matches(answer, 123450)


@pytest.mark.parametrize("answer", ["", None, "$1,234.51", "€1,234.50", "1,234.50 EUR",
                                    "$1,234", "Subtotal $1,100.00, total $1,234.50",
                                    "about twelve hundred dollars", "123450"])
def test_money_answers_rejected(answer: str | None) -> None:
    assert not money_matches(answer, 123450)


MAR_10_2026 = 1773100800  # a Tuesday, UTC midnight


@pytest.mark.parametrize("answer", ["Tue, Mar 10", "March 10", "Mar 10, 2026", "2026-03-10",
                                    "Tuesday, March 10, 2026", "3/10/2026", "10 March 2026",
                                    "It should arrive on Tue, Mar 10.", "mar 10th"])
def test_date_answers_accepted(answer: str) -> None:
    assert date_matches(answer, MAR_10_2026)


@pytest.mark.parametrize("answer", ["", None, "Mar 11", "Wed, Mar 10", "Mar 10, 2025",
                                    "2026-03-11", "Tuesday", "March 10 or March 11",
                                    "10/3/2026", "soon"])
def test_date_answers_rejected(answer: str | None) -> None:
    assert not date_matches(answer, MAR_10_2026)


# -- oracles through the text env ---------------------------------------------------------------
@pytest.mark.parametrize("family_id", IDS)
def test_oracle_solves_through_the_text_env(family_id: str) -> None:
    from webtwin.envs import WebtwinTextEnv

    with closing(WebtwinTextEnv("shop", task=family_id, max_steps=80)) as env:
        for seed in (1, 4):
            reward, info, errors = play_oracle(env, seed)
            assert reward == 1.0 and not errors, (seed, errors, info.get("verdict"))
