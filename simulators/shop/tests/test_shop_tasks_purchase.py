"""Shop task families about the cart and buying: sampling, verification (the intended change,
doing nothing, collateral damage, the wrong entity, harmless detours), and oracles through the
text env.

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
from webtwin.simulators.shop.models import CartItem, Order, OrderItem, Variant
from webtwin.simulators.shop.services.common import default_variant, stock_of
from webtwin.simulators.shop.tasks import FAMILIES
from webtwin.simulators.shop.tasks._purchase import default_address_id, default_card_id
from webtwin.simulators.shop.tasks.buy_cheapest_matching import Criteria, offers

SEEDS = range(6)
OURS = ("shop/add_variant_to_cart", "shop/buy_cheapest_matching", "shop/buy_with_fast_shipping",
        "shop/remove_from_cart", "shop/reorder_from_old_order", "shop/save_for_later",
        "shop/ship_to_new_address", "shop/use_promo_code")
MINE = [family for family in FAMILIES if family.id in OURS]
IDS = [family.id for family in MINE]


def test_families_are_registered_and_documented() -> None:
    assert IDS == sorted(OURS)
    for family in MINE:
        assert_documented(family)


# -- (a) sampling -------------------------------------------------------------------------------
@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_sample_is_deterministic(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for _, instance in tasks.sampled(family, range(12)):
        if family.id != "shop/buy_cheapest_matching":  # that one must not name its answer
            assert instance.params["title"] in instance.instruction


# -- (b) effects: the intended change made through the services ----------------------------------
def change(world: World, fn: Callable[[Session], object]) -> None:
    with world.transaction() as s:
        fn(s)


def set_aside(s: Session, p: dict[str, Any]) -> None:
    for line_id in p["cart_line_ids"]:
        sv.save_for_later(s, line_id)


def buy_now(world: World, p: dict[str, Any], variant_id: int, *, speed: str | None = None,
            address_id: int | None = None) -> None:
    change(world, lambda s: sv.place_order(
        s, world, address_id or p["address_id"], speed or p["speed"], p["card_id"],
        buy_now=(variant_id, 1)))


def via_cart(world: World, p: dict[str, Any], variant_id: int, promo: str | None = None,
             aside: bool = True) -> None:
    """Add to the cart, set the other lines aside, maybe apply a code, check out."""
    def run(s: Session) -> None:
        sv.add_to_cart(s, world, variant_id, 1)
        if aside:
            set_aside(s, p)
        if promo:
            sv.apply_promo(s, world, promo)
        sv.place_order(s, world, p["address_id"], p["speed"], p["card_id"])
    change(world, run)


def new_address(world: World, p: dict[str, Any], make_default: bool = False) -> int:
    fields = sv.AddressFields(**p["address"])
    with world.transaction() as s:
        return sv.add_address(s, world, fields, make_default=make_default).id


def cheapest_variant(world: World, p: dict[str, Any]) -> int:
    with world.session() as s:
        return default_variant(s, p["product_id"]).id


def runner_up(world: World, p: dict[str, Any]) -> int:
    """The second-cheapest product meeting the criteria: the likeliest wrong answer."""
    criteria = Criteria(**p["criteria"])
    with world.session() as s:
        shelf = offers(s)[criteria.category]
        matches = sorted((o for o in shelf if criteria.admits(o)),
                         key=lambda o: (o.price_cents, o.id))
        return default_variant(s, matches[1].id).id


def other_delivered(world: World, p: dict[str, Any]) -> int:
    """An in-stock variant of another delivered order's item."""
    with world.session() as s:
        rows = s.scalars(select(OrderItem.variant_id).join(Order, Order.id == OrderItem.order_id)
                         .where(Order.status == "delivered", OrderItem.id != p["order_item_id"])
                         .order_by(OrderItem.id))
        return next(v for v in rows if stock_of(s, v) > 0)


EFFECTS: dict[str, Effect] = {
    "shop/add_variant_to_cart": lambda w, p: change(
        w, lambda s: sv.add_to_cart(s, w, p["variant_id"], p["quantity"])),
    "shop/buy_cheapest_matching": lambda w, p: buy_now(w, p, cheapest_variant(w, p)),
    "shop/buy_with_fast_shipping": lambda w, p: buy_now(w, p, p["variant_id"]),
    "shop/remove_from_cart": lambda w, p: change(w, lambda s: sv.remove_from_cart(
        s, p["item_id"])),
    "shop/reorder_from_old_order": lambda w, p: via_cart(w, p, p["variant_id"]),
    "shop/save_for_later": lambda w, p: change(w, lambda s: sv.save_for_later(s, p["item_id"])),
    "shop/ship_to_new_address": lambda w, p: buy_now(w, p, p["variant_id"],
                                                    address_id=new_address(w, p)),
    "shop/use_promo_code": lambda w, p: via_cart(w, p, p["variant_id"], promo=p["code"]),
}


def other_unsaved(world: World, p: dict[str, Any]) -> int | None:
    with world.session() as s:
        return s.scalars(select(CartItem.id).where(CartItem.saved.is_(False),
                                                   CartItem.id != p["item_id"])
                         .order_by(CartItem.id)).first()


def saved_line(world: World) -> int:
    with world.session() as s:
        found = s.scalars(select(CartItem.id).where(CartItem.saved.is_(True))
                          .order_by(CartItem.id)).first()
    assert found is not None, "every generated cart has a line saved for later"
    return found


def save_wrong(w: World, p: dict[str, Any]) -> None:
    other = other_unsaved(w, p)
    if other is None:  # a one-line cart: deleting instead of saving is the wrong change
        change(w, lambda s: sv.remove_from_cart(s, p["item_id"]))
    else:
        change(w, lambda s: sv.save_for_later(s, other))


def ship_to_default(world: World, p: dict[str, Any]) -> None:
    """Add the address but ship to the default one."""
    new_address(world, p)
    buy_now(world, p, p["variant_id"])


# The likeliest wrong thing to do for each family: another entity, or the right one done wrong.
WRONG: dict[str, Effect] = {
    "shop/add_variant_to_cart": lambda w, p: change(
        w, lambda s: sv.add_to_cart(s, w, p["variant_id"], p["quantity"] - 1)),
    "shop/buy_cheapest_matching": lambda w, p: buy_now(w, p, runner_up(w, p)),
    "shop/buy_with_fast_shipping": lambda w, p: buy_now(w, p, p["variant_id"],
                                                       speed="standard"),
    "shop/remove_from_cart": lambda w, p: change(w, lambda s: sv.remove_from_cart(
        s, saved_line(w))),
    # Checking out the whole cart buys the other lines too.
    "shop/reorder_from_old_order": lambda w, p: via_cart(w, p, p["variant_id"], aside=False),
    "shop/save_for_later": save_wrong,
    "shop/ship_to_new_address": lambda w, p: ship_to_default(w, p),
    # "Buy now" never takes the cart's promo code.
    "shop/use_promo_code": lambda w, p: buy_now(w, p, p["variant_id"]),
}


def test_every_family_has_effects() -> None:
    assert sorted(EFFECTS) == sorted(WRONG) == IDS


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_intended_change_passes(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        instance, verdict = tasks.outcome(family, seed, EFFECTS[family.id])
        assert verdict.passed, (seed, instance.instruction, verdict.to_json())


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_doing_nothing_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        world, instance = tasks.start(family, seed)
        assert tasks.verify(family, world, instance, tasks.idle(world)).reward == 0.0, seed


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_wrong_entity_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        instance, verdict = tasks.outcome(family, seed, WRONG[family.id])
        assert not verdict.passed, (seed, instance.instruction)


# -- (c) the right change plus collateral damage -------------------------------------------------
def change_phone(world: World, p: dict[str, Any]) -> None:
    def save(s: Session) -> None:
        me = sv.account(s)
        sv.update_profile(s, me.name, "+1 555 0199 000")
    change(world, save)


def delete_saved_line(world: World, p: dict[str, Any]) -> None:
    line = saved_line(world)
    change(world, lambda s: sv.remove_from_cart(s, line))


def buy_another(world: World, p: dict[str, Any]) -> None:
    """A second order: something else bought by "Buy now"."""
    def run(s: Session) -> None:
        variants = s.scalars(select(Variant.id).where(Variant.product_id != p.get("product_id"))
                             .order_by(Variant.id))
        chosen = next(v for v in variants if stock_of(s, v) > 0)
        sv.place_order(s, world, default_address_id(s), "standard", default_card_id(s),
                       buy_now=(chosen, 1))
    change(world, run)


COLLATERALS: tuple[Effect, ...] = (change_phone, delete_saved_line, buy_another)


@pytest.mark.parametrize("family_cls", MINE, ids=IDS)
def test_collateral_damage_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        damage = COLLATERALS[seed % len(COLLATERALS)]
        instance, verdict = tasks.outcome(family, seed, EFFECTS[family.id], damage)
        assert not verdict.passed, (seed, damage.__name__, instance.instruction)
        failed = [check.name for check in verdict.checks if not check.passed]
        if damage is buy_another and family.id in PURCHASES:
            assert "exactly one order placed" in failed, failed
        else:
            assert failed == ["nothing else changed"], (damage.__name__, verdict.to_json())


PURCHASES = {"shop/buy_cheapest_matching", "shop/buy_with_fast_shipping",
             "shop/reorder_from_old_order", "shop/ship_to_new_address", "shop/use_promo_code"}


# -- (d) harmless detours --------------------------------------------------------------------------
def set_aside_and_back(world: World, p: dict[str, Any]) -> None:
    """Save the other lines for later, buy through the cart, then move them back."""
    via_cart(world, p, p["variant_id"])
    change(world, lambda s: [sv.move_to_cart(s, line) for line in p["cart_line_ids"]])


@pytest.mark.parametrize("family_id", ["shop/buy_with_fast_shipping",
                                       "shop/reorder_from_old_order"])
def test_buying_through_the_cart_or_buy_now_both_pass(tasks: TaskHarness,
                                                      family_id: str) -> None:
    family = next(f for f in MINE if f.id == family_id)()
    for seed in SEEDS:
        ways: tuple[Effect, ...] = (set_aside_and_back,
                                    lambda w, p: buy_now(w, p, p["variant_id"]))
        for way in ways:
            _, verdict = tasks.outcome(family, seed, way)
            assert verdict.passed, (seed, verdict.to_json())


def test_new_address_made_default_fails(tasks: TaskHarness) -> None:
    family = next(f for f in MINE if f.id == "shop/ship_to_new_address")()

    def as_default(world: World, p: dict[str, Any]) -> None:
        made = new_address(world, p, make_default=True)
        buy_now(world, p, p["variant_id"], address_id=made)

    for seed in SEEDS:
        _, verdict = tasks.outcome(family, seed, as_default)
        failed = {check.name for check in verdict.checks if not check.passed}
        assert "the default address is unchanged" in failed, verdict.to_json()


# -- (e) oracles through the text env ------------------------------------------------------------
@pytest.mark.parametrize("family_id", IDS)
def test_oracle_solves_through_the_text_env(family_id: str) -> None:
    gym = pytest.importorskip("gymnasium")
    pytest.importorskip("webtwin.envs")
    with closing(gym.make("webtwin/shop-text-v0", task=family_id)) as env:
        for seed in (0, 1):
            reward, info, errors = play_oracle(env, seed)
            assert reward == 1.0 and info["verdict"]["passed"], (seed, errors, info.get("verdict"))
