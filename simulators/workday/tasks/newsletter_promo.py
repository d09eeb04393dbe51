"""Buy a product with the promo code of the shop's latest newsletter (found in the mailbox)."""

from __future__ import annotations

import re

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    TaskUnavailable,
    Verdict,
    agent_changes,
)
from webtwin.simulators.core.world import World
from webtwin.simulators.mail.models import Message
from webtwin.simulators.shop.models import PromoCode

from ._common import open_mail_thread, received_shop_mail, verdict
from ._shopping import (
    Item,
    buy_items,
    cart_lines,
    defaults,
    order_allowances,
    order_checks,
    pick_items,
)

__all__ = ["NewsletterPromo"]

DEALS = "deals@cartwheel.example"


class NewsletterPromo(TaskFamily):
    """Buy a named product using the code from Cartwheel's latest newsletter.

    ## Description
    The mailbox holds two "Cartwheel Deals" newsletters, each naming a code valid now. The
    instruction does not give the code: the agent finds the newest newsletter, reads its
    code, and buys the product with that code applied, buying nothing else (what is already
    in the cart stays there or is saved for later).

    ## Goal
    "Buy the Keystrel Ridge Max LED Desk Lamp, 5 Colour Modes (Colour: Black) on Cartwheel
    using the promo code from Cartwheel's latest newsletter. Order only that item (one unit;
    keep the rest of your cart for later), with your default address and card and standard
    shipping."

    ## Parameters
    - `code`, `promo_id`: the latest newsletter's code; `thread_id`, `message_id`: that
      newsletter in the mailbox.
    - `item`: the variant to buy (`product_id`, `variant_id`, `title`, `options`, ...).
    - `address_id`, `card_id`: the defaults; `cart_item_ids`: lines already in the cart.

    ## Success criteria
    Exactly one new order, holding one unit of the variant only, with promo code `code`, to
    the default address, default card, standard shipping. Nothing else changed besides what
    ordering writes (confirmation email included), cart lines saved for later, and mail
    marked read.
    """

    id = "workday/newsletter_promo"
    difficulty = "medium"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            letter = s.scalars(select(Message).where(Message.sender_email == DEALS)
                               .order_by(Message.sent_at.desc(), Message.id.desc())).first()
            promos = list(s.scalars(select(PromoCode).order_by(PromoCode.id)))
            named = re.findall(r"\b[A-Z0-9]{4,}\b", letter.body) if letter is not None else []
            promo = next((p for p in promos if p.code in named), None)
            if letter is None or promo is None or not promo.starts_at <= world.now \
                    < promo.expires_at - 86400:
                raise TaskUnavailable("this world has no newsletter with a valid code")
            # The code must apply on its own: a price over any minimum spend.
            item = pick_items(s, rng, 1, low_cents=max(1500, promo.min_subtotal_cents + 500),
                              high_cents=max(12000, promo.min_subtotal_cents + 8000))[0]
            address_id, card_id = defaults(s)
            params = {"code": promo.code, "promo_id": promo.id, "thread_id": letter.thread_id,
                      "message_id": letter.id, "item": item.params(), "address_id": address_id,
                      "card_id": card_id, "cart_item_ids": cart_lines(s)}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Buy the {item.named} on Cartwheel using the promo code from "
                         "Cartwheel's latest newsletter. Order only that item (one unit; keep "
                         "the rest of your cart for later), with your default address and "
                         "card and standard shipping."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        order, checks = order_checks(diff, {p["item"]["variant_id"]: 1}, p["address_id"],
                                     p["card_id"])
        code = (order or {}).get("promo_code") or ""
        checks.append(Check("the newsletter's code", code.casefold() == p["code"].casefold(),
                            f"code {code!r}"))
        order_ids = {order["id"]} if order is not None else set()
        return verdict(checks, diff, *order_allowances(diff, order_ids),
                       *received_shop_mail(diff))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_mail_thread(f"from:{DEALS}", p["thread_id"]),
                *buy_items([Item(**p["item"])], p["cart_item_ids"]),
                act.fill("promo-code", p["code"]), act.click("apply-promo"),
                act.click("checkout"), act.click("place-order"), act.stop()]
