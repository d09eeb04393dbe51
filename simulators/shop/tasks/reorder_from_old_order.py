"""Order an item of a past delivered order again ("Buy it again")."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Order, OrderItem
from ..services.common import long_date
from ._purchase import (
    CART_RULE,
    cart_checkout_actions,
    cart_products,
    item_of,
    pick,
    placed_order,
    purchase_verdict,
    shopper_params,
)

__all__ = ["ReorderFromOldOrder"]


class ReorderFromOldOrder(TaskFamily):
    """Buy again one item of a delivered order named by its number and date.

    ## Description
    An item of a past delivered order, still in stock and not in the cart, is named by its
    title and options, the order by its number and the day it was placed. The agent opens the
    order ("All time" if it is older than the default three months), uses "Buy it again" (or
    any other way to the same variant) and checks out one unit with the default address,
    default card and standard delivery, leaving the rest of the cart out.

    ## Goal
    "Reorder "Tailbright Arc Durable Dog Chew Toy, Natural Rubber" (Size: L) from your order
    #902-3639132-1327159 placed on Jan 10, 2026: one unit, standard delivery to your default
    address, paid with your default card. Don't buy or remove anything else in your cart
    (moving items to Saved for later is fine)."

    ## Parameters
    - `order_id`, `order_number`, `placed_on`, `order_item_id`: the past order and its item.
    - `product_id`, `variant_id`, `title`, `options`, ...: the variant (see `_purchase.Item`).
    - `address_id`, `card_id`, `speed` (`standard`), `cart_line_ids`: see `shopper_params`.

    ## Success criteria
    Exactly one new order, holding one unit of that variant only, shipped to the default
    address by standard delivery, paid with the default card; nothing else changed but what
    placing it writes and other cart lines moved to "Saved for later".
    """

    id = "shop/reorder_from_old_order"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            rows = s.execute(select(OrderItem, Order).join(Order, Order.id == OrderItem.order_id)
                             .where(Order.status == "delivered")
                             .order_by(Order.placed_at, OrderItem.id)).all()
            busy = cart_products(s)
            items = [(item, order, item_of(s, item.variant_id)) for item, order in rows
                     if item.product_id not in busy]
            line, order, item = pick(rng, [row for row in items if row[2].stock > 0],
                                     "delivered item in stock")
            params = {**item.params(), **shopper_params(s), "order_id": order.id,
                      "order_number": order.number, "placed_on": long_date(order.placed_at),
                      "order_item_id": line.id}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Reorder {item.named} from your order #{order.number} placed on "
                         f"{params['placed_on']}: one unit, standard delivery to your default "
                         f"address, paid with your default card. {CART_RULE}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        return purchase_verdict(p, diff, placed_order(diff), variant_id=p["variant_id"])

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click("nav-orders"), act.select_option("period", "all"),
                act.click("orders-apply"), act.click(f"order-{p['order_id']}"),
                act.click(f"buy-again-{p['order_item_id']}"), *cart_checkout_actions(p),
                act.stop()]
