"""Order the items a colleague listed by email, then reply with the order number."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World
from webtwin.simulators.shop.models import Order
from webtwin.simulators.shop.services.checkout import order_number

from ._common import (
    THREAD_ACTIVITY,
    has_text,
    is_update,
    mail_reply_checks,
    open_mail_thread,
    owner_first,
    peek_id,
    pick_writer,
    plant_email,
    received_shop_mail,
    reply_actions,
    verdict,
)
from ._shopping import (
    Item,
    buy_items,
    cart_lines,
    defaults,
    order_allowances,
    order_checks,
    pick_items,
)

__all__ = ["OrderFromEmailList"]

SUBJECTS = ("Could you order a few things for the office?", "Office supplies request",
            "Restocking the office", "Two things we need for the office")
# How many units of each item a colleague asks for.
QUANTITIES = (1, 1, 2, 3)


def _body(owner_first: str, writer_first: str, items: list[Item]) -> str:
    lines = "\n".join(f"- {item.quantity} × {item.named}" for item in items)
    return (f"Hi {owner_first},\n\nCould you order these for the office on Cartwheel when you "
            f"get a chance? We are running low.\n\n{lines}\n\nJust those, nothing else. "
            f"Thanks a lot!\n{writer_first}")


class OrderFromEmailList(TaskFamily):
    """Order exactly what a colleague's email lists, in one order, and reply with its number.

    ## Description
    A colleague emails a short list (two office products with their variant and quantity)
    and asks the owner to order them. The agent reads the email, finds each variant in the
    shop, checks out those lines only (default address and card, standard shipping; what was
    already in the cart stays there or is saved for later), and replies to the email with the
    new order's number.

    ## Goal
    "Lucia Ferrari emailed you a list of things to order for the office. Order exactly those
    items in one Cartwheel order (default address and card, standard shipping; keep anything
    else in your cart for later), then reply to Lucia's email with the order number."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the planted email.
    - `items`: the listed variants (`product_id`, `variant_id`, `title`, `options`,
      `quantity`, ...).
    - `address_id`, `card_id`: the shopper's defaults; `cart_item_ids`: lines already in the
      cart; `order_number`: the number the order will get (for the oracle only).

    ## Success criteria
    Exactly one new order, with exactly the listed variants and quantities, to the default
    address, paid with the default card, standard shipping; exactly one sent message, in the
    colleague's conversation, to the colleague, whose body contains the new order's number.
    Nothing else changed besides what ordering writes (confirmation email included), cart
    lines saved for later, and mail marked read.
    """

    id = "workday/order_from_email_list"
    difficulty = "hard"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.transaction() as s:
            writer = pick_writer(s, rng, "colleague")
            items = pick_items(s, rng, 2, category="office", low_cents=500,
                               high_cents=15000, quantities=QUANTITIES)
            me = owner_first(s)
            planted = plant_email(s, world, writer, rng.choice(SUBJECTS),
                                  _body(me, writer.first, items),
                                  world.now - rng.randint(10, 120) * 60)
            address_id, card_id = defaults(s)
            number = order_number(s, world, peek_id(s, Order.__tablename__))
            params = {**planted.params(), "items": [item.params() for item in items],
                      "address_id": address_id, "card_id": card_id,
                      "cart_item_ids": cart_lines(s), "order_number": number}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"{writer.name} emailed you a list of things to order for the office. "
                         "Order exactly those items in one Cartwheel order (default address "
                         "and card, standard shipping; keep anything else in your cart for "
                         "later), then reply to "
                         f"{writer.first}'s email with the order number."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        want = {item["variant_id"]: item["quantity"] for item in p["items"]}
        order, checks = order_checks(diff, want, p["address_id"], p["card_id"])
        reply, reply_checks = mail_reply_checks(diff, p)
        number = order["number"] if order is not None else None
        checks += [*reply_checks, Check(
            "reply gives the order number",
            reply is not None and number is not None and has_text(reply["body"], number))]
        order_ids = {order["id"]} if order is not None else set()
        reply_id = reply["id"] if reply is not None else None
        return verdict(
            checks, diff, *order_allowances(diff, order_ids), *received_shop_mail(diff),
            lambda table, kind, old, new: (table == "mail_message" and kind == "inserted"
                                           and new is not None and new["id"] == reply_id),
            is_update("mail_thread", [p["thread_id"]], THREAD_ACTIVITY))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        items = [Item(**item) for item in p["items"]]
        first = p["sender_name"].split(" ")[0]
        return [*open_mail_thread(f"from:{p['sender_email']}", p["thread_id"]),
                *buy_items(items, p["cart_item_ids"]), act.click("checkout"),
                act.click("place-order"),
                *reply_actions(p, f"Hi {first},\n\nDone: the order number is "
                                  f"{p['order_number']}.\n\nBest"),
                act.stop()]
