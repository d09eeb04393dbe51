"""Cancel the order that has not shipped yet."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    TaskUnavailable,
    Verdict,
    agent_changes,
    is_insert,
    is_update,
)
from webtwin.simulators.core.world import World

from ..models import Address, Order, OrderItem, PaymentCard, Product
from ..services import place_order
from ..services.common import default_variant, stock_of
from ..services.orders import ship_at
from ._orders import (
    SAFE_HORIZON,
    OrderRef,
    notice,
    one_per_order,
    open_order_actions,
    order_items,
    order_refs,
    pick,
    restock,
    verdict,
)

__all__ = ["CancelUnshippedOrder"]

# What cancelling writes on the order row.
CANCEL_FIELDS = {"status", "cancelled_at", "refunded_cents"}


class CancelUnshippedOrder(TaskFamily):
    """Cancel an order that has not shipped yet, named by the day it was placed and an item.

    ## Description
    An order still at `placed` (shipping well after the episode ends) is named by its date and
    one of its items; the agent opens it from Your Orders and cancels it. When the world has
    no such order (its only open order ships within hours), sampling places one first with
    "Buy now" (standard delivery, default address and card), as if the shopper just had.

    ## Goal
    'Cancel my order of Mar 3 with the "Pantrywise Comet Electric Kettle"; it has not
    shipped yet.'

    ## Parameters
    - `order_id`, `number`, `placed_at`: the order.
    - `item_id`, `product_id`, `item_name`: the item that names it.
    - `variant_ids`: its items' variants (their stock goes back).

    ## Success criteria
    The order is `cancelled`; besides what cancelling writes (the order's status, refund and
    time, a `cancelled` tracking event, the stock put back, the cancellation notice) nothing
    changed: no other order was cancelled.
    """

    id = "shop/cancel_unshipped_order"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.transaction() as s:
            refs = one_per_order(order_refs(
                s, ("placed",), lambda order, _: ship_at(order) >= world.now + SAFE_HORIZON))
            ref = pick(rng, refs, "unshipped order") if refs else _fresh_order(s, world, rng)
            variants = [item.variant_id for item in order_items(s, ref.order_id)]
        return TaskInstance(
            family=self.id, params={**ref.params(), "variant_ids": variants},
            instruction=f"Cancel {ref.label}; it has not shipped yet.")

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            order = s.get(Order, p["order_id"])
            status = order.status if order is not None else "missing"
        return verdict(
            [Check("order cancelled", status == "cancelled", f"order {p['number']}: {status}")],
            diff, is_update("shop_order", [p["order_id"]], CANCEL_FIELDS),
            is_insert("shop_tracking_event", lambda row: row["order_id"] == p["order_id"]
                      and row["status"] == "cancelled"),
            notice("order_cancelled", p["order_id"]), restock(p["variant_ids"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        return [*open_order_actions(instance.params["order_id"]), act.click("cancel-order"),
                act.stop()]


def _fresh_order(s: Session, world: World, rng: Random) -> OrderRef:
    """Place a "Buy now" order of one in-stock product the shopper never ordered."""
    bought = set(s.scalars(select(OrderItem.product_id)))
    products = [pid for pid in s.scalars(select(Product.id).order_by(Product.id))
                if pid not in bought]
    address = s.scalars(select(Address.id).where(Address.is_default.is_(True))).first()
    card = s.scalars(select(PaymentCard.id).where(PaymentCard.is_default.is_(True))).first()
    if address is None or card is None:
        raise TaskUnavailable("the shopper has no default address or card to order with")
    for _ in range(50):
        variant = default_variant(s, pick(rng, products, "product never ordered"))
        if stock_of(s, variant.id) > 0:
            placed = place_order(s, world, address, "standard", card, buy_now=(variant.id, 1)).id
            refs = [ref for ref in order_refs(s, ("placed",)) if ref.order_id == placed]
            return pick(rng, refs, "nameable new order")
    raise TaskUnavailable("found no product in stock to order")
