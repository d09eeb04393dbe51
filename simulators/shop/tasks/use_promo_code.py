"""Buy a product with a promo code applied to the cart."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
)
from webtwin.simulators.core.world import World

from ..models import PromoCode
from ..services.common import DAY
from ..services.pricing import discount_for
from ._purchase import (
    CART_RULE,
    Item,
    cart_checkout_actions,
    cart_products,
    open_product_actions,
    pick,
    pick_item,
    placed_order,
    purchase_verdict,
    shopper_params,
    stocked_variants,
)

__all__ = ["UsePromoCode"]

MIN_PRICE_CENTS = 1000


class UsePromoCode(TaskFamily):
    """Buy one unit of a named product with a promo code that is valid now.

    ## Description
    A promo code valid now (and for at least two more days) is given with a product, not in
    the cart, that alone meets the code's minimum spend. A cart promo applies only to cart
    checkouts ("Buy now" never takes one), so the agent adds the product to the cart, leaves
    the other cart lines out (Saved for later), applies the code and checks out with the
    default address, default card and standard delivery.

    ## Goal
    "Buy one "Larkspur Home Crest Nonstick Frying Pan, Induction Compatible, Sage" (Size:
    8-inch, Colour: Sage) using the promo code BONUS25, with standard delivery to your default
    address, paid with your default card. Don't buy or remove anything else in your cart
    (moving items to Saved for later is fine)."

    ## Parameters
    - `product_id`, `variant_id`, `title`, `options`, ...: the variant (see `_purchase.Item`).
    - `code`: the promo code; `discount_cents`: what it takes off one unit.
    - `address_id`, `card_id`, `speed` (`standard`), `cart_line_ids`: see `shopper_params`.

    ## Success criteria
    Exactly one new order, holding one unit of that variant only, carrying `code` and a
    discount of `discount_cents`, shipped to the default address by standard delivery, paid
    with the default card; nothing else changed but what placing it writes and other cart
    lines moved to "Saved for later".
    """

    id = "shop/use_promo_code"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        now = world.now
        with world.session() as s:
            promos = list(s.scalars(select(PromoCode).where(
                PromoCode.starts_at <= now, PromoCode.expires_at > now + 2 * DAY)
                .order_by(PromoCode.id)))
            promo = pick(rng, promos, "promo code valid now")
            floor = max(MIN_PRICE_CENTS, promo.min_subtotal_cents,
                        2 * promo.value if promo.kind == "amount" else 0)
            item = pick_item(s, rng, stocked_variants(s, avoid=cart_products(s), min_price=floor),
                             f"product to buy with {promo.code}")
            params = {**item.params(), **shopper_params(s), "code": promo.code,
                      "discount_cents": discount_for(promo, item.price_cents)}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Buy one {item.named} using the promo code {promo.code}, with "
                         "standard delivery to your default address, paid with your default "
                         f"card. {CART_RULE}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        placed = placed_order(diff)
        order = placed.order or {}
        got = (order.get("promo_code"), order.get("discount_cents"))
        return purchase_verdict(
            p, diff, placed, variant_id=p["variant_id"],
            extra=[Check("the promo code was used", got == (p["code"], p["discount_cents"]),
                         f"expected {(p['code'], p['discount_cents'])}, got {got}")])

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_product_actions(Item.from_params(p)), act.click("add-to-cart"),
                *cart_checkout_actions(p, promo=p["code"]), act.stop()]
