"""Add a new address (not the default) and ship a purchase there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from webtwin.seeds import load_corpus
from webtwin.simulators.core import actions as act
from webtwin.simulators.core.models import IdCounter
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    inserted,
    normalize_answer,
)
from webtwin.simulators.core.world import World

from ..models import Account, Address
from ._purchase import (
    CART_RULE,
    Item,
    address_actions,
    cart_products,
    checkout_actions,
    is_insert,
    open_product_actions,
    pick,
    pick_item,
    placed_order,
    purchase_verdict,
    shopper_params,
    stocked_variants,
)

__all__ = ["ShipToNewAddress"]

FIELDS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
LABELS = (("full_name", "Name"), ("line1", "Street"), ("line2", "Apt/unit"), ("city", "City"),
          ("region", "State"), ("postal_code", "ZIP"), ("country", "Country"),
          ("phone", "Phone"))


def new_address(rng: Random, taken_names: set[str], taken_streets: set[str]) -> dict[str, str]:
    """A friend's address from the shop's corpus, unlike any in the address book."""
    corpus, people = load_corpus("shop_world"), load_corpus("people")
    names = sorted({f"{p['first']} {p['last']}" for p in people} - taken_names)
    name = pick(rng, names, "friend's name")
    while True:
        line1 = f"{rng.randint(2, 2999)} {rng.choice(corpus['streets'])}"
        if line1 not in taken_streets:
            break
    place = rng.choice(corpus["cities"])
    return {"full_name": name, "line1": line1,
            "line2": rng.choice(corpus["units"]) if rng.random() < 0.5 else "",
            "city": place["city"], "region": place["region"],
            "postal_code": f"{place['postal']}{rng.randint(0, 99):02d}",
            "country": "United States",
            "phone": f"+1 555 01{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}"}


def _same(row: Row, fields: dict[str, str]) -> bool:
    return all(normalize_answer(str(row[key] or "")) == normalize_answer(fields[key])
               for key in FIELDS)


class ShipToNewAddress(TaskFamily):
    """Add a friend's address to the address book and ship a named product there.

    ## Description
    A product not in the cart, in stock, is named by title and options, together with a new
    address given field by field. The agent adds the address without making it the default
    (from the account's address book or from checkout's "Add a new delivery address"), then
    orders one unit shipped to it by standard delivery with the default card.

    ## Goal
    "Send one "Starkite Button Plush Teddy Bear, Gift for Kids" (Colour: Brown) to your friend
    Maya Chen. First add her address to your address book, not as your default: Name: Maya
    Chen; Street: 412 Larkspur Lane; City: Millbrook; State: Westmark; ZIP: 40211; Country:
    United States; Phone: +1 555 0123 456. Then order it shipped there by standard delivery,
    paid with your default card. Don't buy or remove anything else in your cart (moving items
    to Saved for later is fine)."

    ## Parameters
    - `product_id`, `variant_id`, `title`, `options`, ...: the variant (see `_purchase.Item`).
    - `address`: the new address's fields (`line2` may be empty); `new_address_id`: the id
      the address book will give it (the oracle picks it at checkout).
    - `address_id` (the default, which must stay the default), `card_id`, `speed`
      (`standard`), `cart_line_ids`: see `shopper_params`.

    ## Success criteria
    Exactly one address was added, with those fields (case and spacing aside), not the
    default; no other address changed; exactly one new order, holding one unit of that
    variant only, shipped to the new address by standard delivery, paid with the default
    card; nothing else changed but what placing it writes and other cart lines moved to
    "Saved for later".
    """

    id = "shop/ship_to_new_address"
    difficulty = "hard"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            book = list(s.scalars(select(Address).order_by(Address.id)))
            owner = s.get(Account, 1)
            names = {a.full_name for a in book} | ({owner.name} if owner else set())
            fields = new_address(rng, names, {a.line1 for a in book})
            item = pick_item(s, rng, stocked_variants(s, avoid=cart_products(s)),
                             "product to send")
            counter = s.get(IdCounter, Address.__tablename__)
            params: dict[str, Any] = {
                **item.params(), **shopper_params(s), "address": fields,
                "new_address_id": counter.next_id if counter is not None else 1}
        given = "; ".join(f"{label}: {fields[key]}" for key, label in LABELS if fields[key])
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Send one {item.named} to your friend {fields['full_name']}. First "
                         "add this address to your address book, not as your default: "
                         f"{given}. Then order it shipped there by standard delivery, paid "
                         f"with your default card. {CART_RULE}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        added = inserted(diff, "shop_address")
        row = added[0] if len(added) == 1 else None
        new_id = row["id"] if row is not None else None
        with after.session() as s:
            default = s.scalars(select(Address.id).where(Address.is_default.is_(True))
                                .order_by(Address.id)).all()
        return purchase_verdict(
            {**p, "address_id": new_id}, diff, placed_order(diff), variant_id=p["variant_id"],
            extra=[Check("one address added with those fields",
                         row is not None and _same(row, p["address"]),
                         f"added {added}"),
                   Check("the default address is unchanged", default == [p["address_id"]],
                         f"default now {default}")],
            allows=[is_insert("shop_address", lambda r: r["id"] == new_id
                              and not r["is_default"])])

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_product_actions(Item.from_params(p)), act.click("buy-now"),
                act.click("add-address"), *address_actions(p["address"]),
                *checkout_actions(p["speed"], p["new_address_id"]), act.stop()]
