"""Buy a product with a faster delivery speed than standard."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._purchase import (
    CART_RULE,
    SPEED_NAMES,
    Item,
    cart_products,
    checkout_actions,
    open_product_actions,
    pick_item,
    placed_order,
    purchase_verdict,
    shopper_params,
    stocked_variants,
)

__all__ = ["BuyWithFastShipping"]


class BuyWithFastShipping(TaskFamily):
    """Buy one unit of a named product with next-day (Swift items) or expedited delivery.

    ## Description
    A product not in the cart, in stock, is named by title and options; the agent buys one
    unit shipped to the default address with the default card at the asked speed: next-day
    for a Swift-eligible product (two thirds of instances), else expedited.

    ## Goal
    "Buy one "Pathfinch Slide Sandals, Cushioned, Adjustable Strap" (Colour: Black, Size: 9)
    with next-day delivery, shipped to your default address and paid with your default card.
    Don't buy or remove anything else in your cart (moving items to Saved for later is fine)."

    ## Parameters
    - `product_id`, `variant_id`, `title`, `options`, ...: the variant (see `_purchase.Item`).
    - `speed`: `next_day` or `expedited`; `address_id`, `card_id`: the defaults;
      `cart_line_ids`: the cart's lines at the start (they may be saved for later).

    ## Success criteria
    Exactly one new order, holding one unit of that variant only, shipped to the default
    address at `speed`, paid with the default card; nothing else changed but what placing it
    writes and other cart lines moved to "Saved for later".
    """

    id = "shop/buy_with_fast_shipping"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        speed = "next_day" if rng.random() < 2 / 3 else "expedited"
        with world.session() as s:
            variants = stocked_variants(s, avoid=cart_products(s),
                                        fast=True if speed == "next_day" else None)
            item = pick_item(s, rng, variants, "product to buy")
            params = {**item.params(), **shopper_params(s, speed)}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Buy one {item.named} with {SPEED_NAMES[speed]}, shipped to your "
                         f"default address and paid with your default card. {CART_RULE}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        return purchase_verdict(p, diff, placed_order(diff), variant_id=p["variant_id"])

    def solve(self, instance: TaskInstance) -> list[str]:
        item = Item.from_params(instance.params)
        return [*open_product_actions(item), act.click("buy-now"),
                *checkout_actions(instance.params["speed"]), act.stop()]
