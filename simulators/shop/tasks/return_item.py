"""Return some units of a delivered item, with a reason."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    inserted,
    is_insert,
    is_update,
)
from webtwin.simulators.core.world import World

from ..models import RETURN_REASONS, Order, OrderItem
from ..services.returns import RETURN_WINDOW_DAYS
from ._orders import DAY, SAFE_HORIZON, money, notice, open_order_actions, order_refs, pick, verdict

__all__ = ["REASON_PHRASES", "ReturnItem"]

# How a person says each reason (the form lists them as "Item arrived damaged", ...).
REASON_PHRASES = {
    "damaged": "it arrived damaged",
    "wrong_item": "they sent the wrong item",
    "not_as_described": "it is not as described",
    "no_longer_needed": "I no longer need it",
    "better_price": "I found a better price elsewhere",
    "arrived_late": "it arrived too late",
}
assert set(REASON_PHRASES) == set(RETURN_REASONS), "every return reason needs a phrase"
# What a return writes on the order and its item.
ORDER_FIELDS = {"refunded_cents", "status"}
ITEM_FIELDS = {"returned_quantity"}


class ReturnItem(TaskFamily):
    """Return a delivered item (some or all of its units) for a given reason.

    ## Description
    An item of a delivered order, still inside its 30-day return window and not yet
    returned, is named by the order's date and the item; the instruction says how many units
    go back and why, in everyday words ("it arrived damaged") that the agent maps to the
    form's reasons. The refund is issued at once.

    ## Goal
    'Return one of the two "Glowmere Glow Drops Vitamin C Serum" from my order of Apr 17;
    it arrived damaged.'

    ## Parameters
    - `order_id`, `number`, `placed_at`, `item_id`, `product_id`, `item_name`: the item.
    - `quantity` (of `bought`), `reason` (one of `RETURN_REASONS`), `refund_cents`.

    ## Success criteria
    Exactly one return was recorded: of that item, with `quantity` and `reason`, refunding
    `refund_cents`; besides what the return writes (the item's returned quantity, the order's
    refund and status, the refund notice) nothing changed.
    """

    id = "shop/return_item"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        closes_after = world.now + SAFE_HORIZON - RETURN_WINDOW_DAYS * DAY

        def returnable(order: Order, item: OrderItem) -> bool:
            return (order.delivered_at is not None and order.delivered_at > closes_after
                    and item.returned_quantity == 0)

        with world.session() as s:
            ref = pick(rng, order_refs(s, ("delivered",), returnable), "returnable item")
            item = s.get(OrderItem, ref.item_id)
            assert item is not None
            bought, unit = item.quantity, item.unit_price_cents
        quantity = rng.randint(1, bought)
        reason = rng.choice(sorted(RETURN_REASONS))
        return TaskInstance(
            family=self.id,
            params={**ref.params(), "quantity": quantity, "bought": bought, "reason": reason,
                    "refund_cents": unit * quantity},
            instruction=(f"Return {_how_many(quantity, bought)}\"{ref.item_name}\" from "
                         f"{ref.order_label}; {REASON_PHRASES[reason]}."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        rows = inserted(diff, "shop_return")
        row = rows[0] if len(rows) == 1 else None
        return verdict(
            [Check("exactly one return", row is not None, f"{len(rows)} returns"),
             Check("of the item", row is not None and row["order_item_id"] == p["item_id"]
                   and row["order_id"] == p["order_id"]),
             Check("quantity", row is not None and row["quantity"] == p["quantity"],
                   f"expected {p['quantity']}, got {row and row['quantity']}"),
             Check("reason", row is not None and row["reason"] == p["reason"],
                   f"expected {p['reason']}, got {row and row['reason']}"),
             Check("refund", row is not None and row["refund_cents"] == p["refund_cents"],
                   f"expected {money(p['refund_cents'])}")],
            diff, is_insert("shop_return", lambda r: r["order_item_id"] == p["item_id"]),
            is_update("shop_order_item", [p["item_id"]], ITEM_FIELDS),
            is_update("shop_order", [p["order_id"]], ORDER_FIELDS),
            notice("refund", p["order_id"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_order_actions(p["order_id"]), act.click(f"return-{p['item_id']}"),
                act.select_option("return-quantity", str(p["quantity"])),
                act.select_option("return-reason", p["reason"]), act.click("submit-return"),
                act.stop()]


_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _how_many(quantity: int, bought: int) -> str:
    """"the ", "both ", "one of the two ", "all 3 "... before the item's name."""
    if bought == 1:
        return "the "
    if quantity == bought:
        return "both " if bought == 2 else f"all {_NUMBERS[bought - 1]} "
    return f"{_NUMBERS[quantity - 1]} of the {_NUMBERS[bought - 1]} "
