"""Remove one item from the cart."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    is_delete,
)
from webtwin.simulators.core.world import World

from ._purchase import cart_lines, item_of, pick, verdict

__all__ = ["RemoveFromCart"]


class RemoveFromCart(TaskFamily):
    """Delete an item the shopper names from the cart, keeping the others.

    ## Description
    One of the cart's lines (not one saved for later) is named by its product title and
    options; the agent opens the cart and deletes that line.

    ## Goal
    "Remove "Petalwise Long Wear Matte Liquid Lipstick, Long Lasting" (Colour: Nude) from your
    cart. Keep everything else in it as it is."

    ## Parameters
    - `item_id`: the cart line; `product_id`, `variant_id`, `title`, `options`, ...: its
      variant (see `_purchase.Item`).

    ## Success criteria
    The line is gone; nothing else changed (the other lines and "Saved for later" stay).
    """

    id = "shop/remove_from_cart"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            line = pick(rng, cart_lines(s, saved=False), "cart line to remove")
            item = item_of(s, line.variant_id)
            params = {**item.params(), "item_id": line.id}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Remove {item.named} from your cart. Keep everything else in it as "
                         "it is."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        item_id = instance.params["item_id"]
        gone = [row["id"] for row in diff.table("shop_cart_item").deleted]
        return verdict([Check("the item is removed", item_id in gone, f"deleted lines {gone}")],
                       diff, is_delete("shop_cart_item", lambda row: row["id"] == item_id))

    def solve(self, instance: TaskInstance) -> list[str]:
        return [act.click("nav-cart"), act.click(f"delete-{instance.params['item_id']}"),
                act.stop()]
