"""Workday (mail + shop) task families: sampling, verification (effect, collateral damage,
wrong entity) and oracles.

The effect tests make each task's intended change directly through the two sites' services
on a fork of the start world, so they check the verifiers apart from the pages; the oracle
tests run `solve()` through the text env, so they check that the pages let an agent do it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators import SITES
from webtwin.simulators.core import TaskFamily, TaskInstance, World, WorldFactory
from webtwin.simulators.core.testing import Effect, TaskHarness, assert_documented, play_oracle
from webtwin.simulators.mail import services as mail
from webtwin.simulators.mail.models import Message, Thread
from webtwin.simulators.shop import services as shop
from webtwin.simulators.shop.models import OrderItem, PaymentCard, PromoCode, Wishlist
from webtwin.simulators.shop.services.account import card_expired
from webtwin.simulators.shop.services.common import DAY, short_date
from webtwin.simulators.workday.tasks import FAMILIES
from webtwin.simulators.workday.tasks._dates import mentions_date
from webtwin.simulators.workday.tasks.ship_to_address_from_email import address_checks

SEEDS = range(4)
SPECS = [SITES["mail"], SITES["shop"]]
IDS = [family.id for family in FAMILIES]


@pytest.fixture(scope="module")
def factory() -> WorldFactory:
    return WorldFactory(capacity=64)


@pytest.fixture
def tasks(factory: WorldFactory) -> Iterator[TaskHarness]:
    with TaskHarness(SPECS, factory) as harness:
        yield harness


def test_families_are_registered_and_documented() -> None:
    assert IDS == sorted(IDS) and len(IDS) == 6
    for family in FAMILIES:
        assert family.id.startswith("workday/") and family.sites == ("mail", "shop")
        assert family.difficulty in {"medium", "hard"}
        assert_documented(family)


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_sample_is_deterministic_and_plants_real_mail(
        tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    for world, instance in tasks.sampled(family_cls(), SEEDS):
        with world.session() as s:
            message = s.get(Message, instance.params["message_id"])
            assert message is not None and message.thread_id == instance.params["thread_id"]
            if "sender_email" in instance.params:  # a planted email: unread, in the inbox
                thread = s.get(Thread, message.thread_id)
                assert thread is not None and thread.in_inbox and not message.is_read
                assert message.sender_email == instance.params["sender_email"]


# -- effects through the services ------------------------------------------------------------
def run(world: World, fn: Callable[[Session], object]) -> None:
    with world.transaction() as s:
        fn(s)


def read(world: World, p: dict[str, Any]) -> None:
    run(world, lambda s: mail.open_thread(s, p["thread_id"]))


def reply(world: World, p: dict[str, Any], text: str) -> None:
    run(world, lambda s: mail.send(s, world, mail.Compose(
        to=p["sender_email"], subject=f"Re: {p['subject']}", body=text,
        in_reply_to=p["message_id"])))


def buy(world: World, p: dict[str, Any], lines: list[tuple[int, int]], *,
        code: str | None = None, address_id: int | None = None) -> str:
    """Save the cart for later, buy `lines` (variant, quantity); returns the order number."""
    def order(s: Session) -> str:
        for item_id in p["cart_item_ids"]:
            shop.save_for_later(s, item_id)
        for variant_id, quantity in lines:
            shop.add_to_cart(s, world, variant_id, quantity)
        if code:
            shop.apply_promo(s, world, code)
        placed = shop.place_order(s, world, address_id or p["address_id"], "standard",
                                  p["card_id"])
        return placed.number
    with world.transaction() as s:
        return order(s)


def order_list(world: World, p: dict[str, Any], bump: int = 0) -> None:
    read(world, p)
    lines = [(i["variant_id"], i["quantity"] + (bump if n == 0 else 0))
             for n, i in enumerate(p["items"])]
    number = buy(world, p, lines)
    reply(world, p, f"Ordered, the number is {number}.")


def promo(world: World, p: dict[str, Any], code: str | None = None) -> None:
    read(world, p)
    buy(world, p, [(p["item"]["variant_id"], 1)], code=code or p["code"])


def return_it(world: World, p: dict[str, Any], reason: str = "damaged") -> None:
    read(world, p)
    run(world, lambda s: shop.return_item(s, world, p["order_id"], p["item_id"],
                                          p["quantity"], reason))


def forward(world: World, p: dict[str, Any], to: str | None = None) -> None:
    def send(s: Session) -> None:
        original = s.get(Message, p["message_id"])
        assert original is not None
        mail.send(s, world, mail.Compose(to=to or p["to_email"], subject=f"Fwd: {p['subject']}",
                                         body=f"FYI\n\n{original.body}",
                                         forward_of=p["message_id"]))
    read(world, p)
    run(world, send)


def tell_date(world: World, p: dict[str, Any], shift: int = 0) -> None:
    read(world, p)
    reply(world, p, f"It should arrive on {short_date(p['estimated_delivery'] + shift * DAY)}.")


def ship(world: World, p: dict[str, Any], to_default: bool = False) -> None:
    def order(s: Session) -> None:
        address = shop.add_address(s, world, shop.AddressFields(**p["address"]))
        target = p["default_address_id"] if to_default else address.id
        shop.place_order(s, world, target, "standard", p["card_id"],
                         buy_now=(p["item"]["variant_id"], 1))
    read(world, p)
    run(world, order)


RIGHT: dict[str, Effect] = {
    "workday/forward_shipping_notice": forward,
    "workday/newsletter_promo": promo,
    "workday/order_from_email_list": order_list,
    "workday/reply_with_delivery_date": tell_date,
    "workday/return_damaged_item": return_it,
    "workday/ship_to_address_from_email": ship,
}


def other_code(world: World, p: dict[str, Any]) -> None:
    """The other newsletter's code (or none, when it does not apply to this item)."""
    with world.session() as s:
        codes = [c.code for c in s.scalars(select(PromoCode).order_by(PromoCode.id))
                 if c.code != p["code"] and c.starts_at <= world.now < c.expires_at
                 and c.min_subtotal_cents <= p["item"]["price_cents"]]
    if codes:
        promo(world, p, codes[0])
    else:
        read(world, p)
        buy(world, p, [(p["item"]["variant_id"], 1)])


def other_contact(world: World, p: dict[str, Any]) -> None:
    forward(world, p, to="someone.else@postbox.example")


WRONG: dict[str, Effect] = {
    "workday/forward_shipping_notice": other_contact,
    "workday/newsletter_promo": other_code,
    "workday/order_from_email_list": lambda w, p: order_list(w, p, bump=1),
    "workday/reply_with_delivery_date": lambda w, p: tell_date(w, p, shift=1),
    "workday/return_damaged_item": lambda w, p: return_it(w, p, reason="no_longer_needed"),
    "workday/ship_to_address_from_email": lambda w, p: ship(w, p, to_default=True),
}


def change_default_card(world: World, p: dict[str, Any]) -> None:
    def switch(s: Session) -> None:
        cards = s.scalars(select(PaymentCard).where(PaymentCard.is_default.is_(False))
                          .order_by(PaymentCard.id)).all()
        valid = [c for c in cards if not card_expired(c, world.now)]
        if valid:
            shop.set_default_card(s, valid[0].id)
        else:  # no other valid card: wish for something instead
            wishlist = s.scalars(select(Wishlist).order_by(Wishlist.id)).first()
            assert wishlist is not None
            item = s.scalars(select(OrderItem).order_by(OrderItem.id)).first()
            assert item is not None
            shop.add_to_wishlist(s, world, wishlist.id, item.product_id)
    run(world, switch)


def trash_unrelated_mail(world: World, p: dict[str, Any]) -> None:
    with world.session() as s:
        target = s.scalars(select(Thread.id).where(
            Thread.trashed.is_(False), Thread.spam.is_(False), Thread.category == "social",
            Thread.id != p["thread_id"]).order_by(Thread.id)).first()
    assert target is not None
    run(world, lambda s: mail.thread_op(s, world, [target], "trash"))


def acted(tasks: TaskHarness, family: TaskFamily, world: World, instance: TaskInstance,
          effect: Effect) -> World:
    """A copy of `world` after `effect`, on the clock as the oracle would spend it."""
    end = tasks.fork(world)
    tasks.act_out(family, end, instance, effect)
    return end


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_intended_change_passes_and_doing_nothing_fails(
        tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        world, instance = tasks.start(family, seed)
        end = acted(tasks, family, world, instance, RIGHT[family.id])
        verdict = tasks.verify(family, world, instance, end)
        assert verdict.passed, (seed, instance.instruction, verdict.to_json())
        assert not tasks.verify(family, world, instance, tasks.idle(world)).passed, seed


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_collateral_damage_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        damage = change_default_card if seed % 2 else trash_unrelated_mail
        _, verdict = tasks.outcome(family, seed, RIGHT[family.id], then=damage)
        assert not verdict.passed and not verdict.checks[-1].passed, (seed, verdict.to_json())
        assert all(c.passed for c in verdict.checks[:-1]), verdict.to_json()


@pytest.mark.parametrize("family_cls", FAMILIES, ids=IDS)
def test_wrong_entity_fails(tasks: TaskHarness, family_cls: type[TaskFamily]) -> None:
    family = family_cls()
    for seed in SEEDS:
        instance, verdict = tasks.outcome(family, seed, WRONG[family.id])
        assert not verdict.passed, (seed, instance.instruction)


def test_cart_lines_must_survive(tasks: TaskHarness) -> None:
    """Buying only what was asked by deleting the shopper's cart lines is damage."""
    family = next(f for f in FAMILIES if f.id == "workday/newsletter_promo")()

    def clear_then_buy(end: World, p: dict[str, Any]) -> None:
        assert p["cart_item_ids"]
        run(end, lambda s: [shop.remove_from_cart(s, i) for i in p["cart_item_ids"]])
        buy(end, {**p, "cart_item_ids": []}, [(p["item"]["variant_id"], 1)], code=p["code"])

    _, verdict = tasks.outcome(family, 1, clear_then_buy)
    assert not verdict.passed and "shop_cart_item" in verdict.checks[-1].detail


def test_courtesy_reply_after_a_return_is_tolerated(tasks: TaskHarness) -> None:
    """Telling the contact it is done is a harmless side effect; writing to others is not."""
    family = next(f for f in FAMILIES if f.id == "workday/return_damaged_item")()
    world, instance = tasks.start(family, 2)

    def return_and_reply(end: World, p: dict[str, Any]) -> None:
        return_it(end, p)
        reply(end, p, "Done, the refund is on its way.")

    def return_and_tell_someone(end: World, p: dict[str, Any]) -> None:
        return_it(end, p)
        run(end, lambda s: mail.send(s, end, mail.Compose(
            to="someone.else@postbox.example", subject="Returned", body="Done.")))

    polite = acted(tasks, family, world, instance, return_and_reply)
    chatty = acted(tasks, family, world, instance, return_and_tell_someone)
    assert tasks.verify(family, world, instance, polite).passed
    assert not tasks.verify(family, world, instance, chatty).passed


def test_address_is_compared_as_a_person_types_it() -> None:
    want = {"full_name": "José Ramírez", "line1": "190 Brackenridge Way", "line2": "Apt 2B",
            "city": "Wexley", "region": "Westmark", "postal_code": "40532",
            "country": "United States"}
    typed = {**want, "full_name": "jose ramirez", "line1": "190 Brackenridge Way, Apt 2B",
             "line2": "", "country": "USA", "is_default": False}
    assert all(c.passed for c in address_checks(typed, want))
    for key, value in (("line1", "190 Brackenridge Road"), ("postal_code", "40533"),
                       ("city", "Wexley Heights"), ("is_default", True)):
        assert not all(c.passed for c in address_checks({**typed, key: value}, want)), key


def test_dates_are_recognised_in_usual_formats() -> None:
    at = 1780963200  # Tue, Jun 9 2026 (UTC midnight)
    for text in ("Tue, Jun 9", "June 9th", "9 June", "the 9th of June", "2026-06-09", "6/9",
                 "06/09/2026", "on Tuesday, June 9, 2026."):
        assert mentions_date(text, at), text
    for text in ("Jun 19", "19 June", "6/19", "9/6", "July 9", "tomorrow", "2026-06-19"):
        assert not mentions_date(text, at), text


# -- oracles through the text env -------------------------------------------------------------
@pytest.mark.parametrize("family_id", IDS)
def test_oracle_solves_through_the_text_env(family_id: str) -> None:
    from webtwin.envs import WebtwinTextEnv

    with closing(WebtwinTextEnv("workday", task=family_id, max_steps=80)) as env:
        for seed in (5, 6):
            reward, info, errors = play_oracle(env, seed)
            assert reward == 1.0 and not errors, (seed, errors, info.get("verdict"))
