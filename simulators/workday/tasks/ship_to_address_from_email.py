"""Add the new address a contact emailed and ship them the product they asked for."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.seeds import load_corpus
from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    inserted,
    is_insert,
)
from webtwin.simulators.core.world import World
from webtwin.simulators.shop.models import Address
from webtwin.simulators.shop.services.account import AddressFields

from ._common import (
    SHOP,
    Person,
    open_mail_thread,
    owner_first,
    peek_id,
    pick_writer,
    plant_email,
    quiet_reply,
    received_shop_mail,
    verdict,
)
from ._shopping import (
    Item,
    cart_lines,
    defaults,
    order_allowances,
    order_checks,
    pick_items,
    product_actions,
)

__all__ = ["ShipToAddressFromEmail"]

SUBJECTS = ("I moved!", "My new address", "New address (and a small favour)")
COUNTRIES = {"united states", "united states of america", "usa", "us"}
FORM_FIELDS = (("full_name", "address-full-name"), ("line1", "address-line1"),
               ("line2", "address-line2"), ("city", "address-city"),
               ("region", "address-region"), ("postal_code", "address-postal-code"))


def _new_address(s: Session, rng: Random, name: str) -> AddressFields:
    """An address in the shop's fictional geography that is not in the address book yet."""
    corpus = load_corpus("shop_world")
    known = {(a.line1, a.postal_code) for a in s.scalars(select(Address).order_by(Address.id))}
    while True:
        place = rng.choice(corpus["cities"])
        fields = AddressFields(
            full_name=name, line1=f"{rng.randint(2, 2999)} {rng.choice(corpus['streets'])}",
            line2=rng.choice(corpus["units"]) if rng.random() < 0.5 else "",
            city=place["city"], region=place["region"],
            postal_code=f"{place['postal']}{rng.randint(0, 99):02d}")
        if (fields.line1, fields.postal_code) not in known:
            return fields


def _label(fields: AddressFields) -> str:
    """The address on one line, as people write it in a message."""
    parts = [fields.full_name, fields.line1, fields.line2,
             f"{fields.city}, {fields.region} {fields.postal_code}", fields.country]
    return ", ".join(part for part in parts if part)


def _body(owner: str, writer: Person, fields: AddressFields, item: Item) -> str:
    return (f"Hi {owner},\n\nI have moved! My new address is: {_label(fields)}.\n\nCould you "
            f"send me the {item.named} there when you order from Cartwheel next? One is "
            f"plenty.\n\nThanks!\n{writer.first}")


def same_text(typed: str | None, wanted: str) -> bool:
    """Equal up to case, accents, spacing and commas or full stops."""
    def fold(text: str) -> str:
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                        if not unicodedata.combining(ch))
        return " ".join(re.sub(r"[.,]", " ", plain.casefold()).split())
    return fold(typed or "") == fold(wanted)


def _country(text: str | None) -> str:
    return " ".join((text or "").casefold().replace(".", "").split())


def address_checks(row: Row | None, want: dict[str, Any]) -> list[Check]:
    """The typed address equals `want`; the apartment may share the street line."""
    if row is None:
        return [Check("the address added", False)]
    street = same_text(f"{row['line1']} {row['line2']}", f"{want['line1']} {want['line2']}")
    checks = [Check("address street", street, f"got {row['line1']!r} / {row['line2']!r}")]
    checks += [Check(f"address {key}", same_text(row[key], want[key]), f"got {row[key]!r}")
               for key in ("full_name", "city", "region", "postal_code")]
    return [*checks,
            Check("address country", _country(row["country"]) in COUNTRIES,
                  f"got {row['country']!r}"),
            Check("not the default address", not row["is_default"])]


class ShipToAddressFromEmail(TaskFamily):
    """Add a contact's new address (not as default) and order what they asked for, to it.

    ## Description
    A contact emails their new postal address and asks for a product. The agent adds the
    address to the shop's address book without making it the default, then orders one unit of
    that variant shipped there (default card, standard shipping), buying nothing else.

    ## Goal
    "Mateo Rossi emailed you a new address and asked you to send something from Cartwheel.
    Add the address to your Cartwheel address book (not as your default) and order one unit
    of what Mateo asked for, shipped to it, with your default card and standard shipping (buy
    nothing else; keep what is in your cart)."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the planted email.
    - `address`: the new address's fields; `item`: the variant asked for.
    - `card_id`, `default_address_id`: the defaults; `cart_item_ids`: lines already in the
      cart; `new_address_id`: the id the address will get (for the oracle only).

    ## Success criteria
    Exactly one new address, equal to the emailed one (case, accents, commas and spacing
    aside; the apartment may be typed on the street line), not the default; exactly one new
    order with one unit of the variant only, shipped to that address, default card, standard
    shipping. Nothing else changed besides what ordering writes, cart lines saved for later,
    an optional reply to the contact, and mail read.
    """

    id = "workday/ship_to_address_from_email"
    difficulty = "hard"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.transaction() as s:
            writer = pick_writer(s, rng, "any")
            item = pick_items(s, rng, 1, low_cents=1000, high_cents=12000)[0]
            fields = _new_address(s, rng, writer.name)
            planted = plant_email(s, world, writer, rng.choice(SUBJECTS),
                                  _body(owner_first(s), writer, fields, item),
                                  world.now - rng.randint(10, 12 * 60) * 60)
            address_id, card_id = defaults(s)
            params = {**planted.params(), "address": asdict(fields), "item": item.params(),
                      "card_id": card_id, "default_address_id": address_id,
                      "cart_item_ids": cart_lines(s),
                      "new_address_id": peek_id(s, Address.__tablename__)}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"{writer.name} emailed you a new address and asked you to send "
                         "something from Cartwheel. Add the address to your Cartwheel address "
                         f"book (not as your default) and order one unit of what {writer.first}"
                         " asked for, shipped to it, with your default card and standard "
                         "shipping (buy nothing else; keep what is in your cart)."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        added = inserted(diff, "shop_address")
        address = added[0] if len(added) == 1 else None
        order, checks = order_checks(diff, {p["item"]["variant_id"]: 1}, None, p["card_id"])
        address_id = address["id"] if address is not None else None
        checks += [Check("exactly one new address", address is not None, f"{len(added)} added"),
                   *address_checks(address, p["address"]),
                   Check("shipped to the new address", order is not None
                         and address_id is not None and order["address_id"] == address_id)]
        order_ids = {order["id"]} if order is not None else set()
        return verdict(checks, diff, *order_allowances(diff, order_ids),
                       *received_shop_mail(diff), *quiet_reply(p),
                       is_insert("shop_address", lambda row: row["id"] == address_id))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        fill = [act.fill(bid, p["address"][key]) for key, bid in FORM_FIELDS if p["address"][key]]
        return [*open_mail_thread(f"from:{p['sender_email']}", p["thread_id"]),
                act.goto(f"{SHOP}/account/addresses/new"), *fill, act.click("save-address"),
                *product_actions(Item(**p["item"])), act.click("buy-now"),
                act.check(f"address-{p['new_address_id']}"), act.click("place-order"),
                act.stop()]
