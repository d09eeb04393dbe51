"""Move one item of the cart to "Saved for later"."""

from __future__ import annotations

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

from ..models import CartItem
from ._purchase import cart_lines, is_update, item_of, pick, verdict

__all__ = ["SaveForLater"]


class SaveForLater(TaskFamily):
    """Move an item the shopper names from the cart to "Saved for later".

    ## Description
    One of the cart's lines (not already saved) is named by its product title and options; the
    agent opens the cart and saves that line for later.

    ## Goal
    "In your cart, move "Summitfox Kite Sleeping Bag, Compression Sack" (Colour: Red) to
    Saved for later."

    ## Parameters
    - `item_id`: the cart line; `product_id`, `variant_id`, `title`, `options`, ...: its
      variant (see `_purchase.Item`); `quantity`: its units.

    ## Success criteria
    The line is saved for later with its quantity unchanged; nothing else changed.
    """

    id = "shop/save_for_later"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            saved = {line.variant_id for line in cart_lines(s, saved=True)}
            # A line whose variant is also saved would merge into that one: another task.
            lines = [line for line in cart_lines(s, saved=False) if line.variant_id not in saved]
            line = pick(rng, lines, "cart line to save for later")
            item = item_of(s, line.variant_id)
            params = {**item.params(), "item_id": line.id, "quantity": line.quantity}
        return TaskInstance(family=self.id, params=params,
                            instruction=f"In your cart, move {item.named} to Saved for later.")

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            line = s.get(CartItem, p["item_id"])
            state = None if line is None else (line.variant_id, line.quantity, bool(line.saved))
        wanted = (p["variant_id"], p["quantity"], True)
        return verdict([Check("the item is saved for later", state == wanted,
                              f"expected {wanted}, got {state}")],
                       diff, is_update("shop_cart_item", [p["item_id"]], {"saved"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        return [act.click("nav-cart"), act.click(f"save-{instance.params['item_id']}"),
                act.stop()]
