"""Add a given variant and quantity of a product to the cart."""

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
)
from webtwin.simulators.core.world import World

from ._purchase import (
    Item,
    cart_products,
    is_insert,
    open_product_actions,
    pick_item,
    stocked_variants,
    verdict,
)

__all__ = ["AddVariantToCart"]


class AddVariantToCart(TaskFamily):
    """Put a named variant of a product in the cart, in a given quantity, without buying it.

    ## Description
    A product with several variants that is not in the cart yet is named by its title, the
    variant by its option values; the agent finds the product, selects the variant and the
    quantity (2–4, all in stock) and adds it to the cart.

    ## Goal
    "Add 3 of "Ashgrove Women's Pleated Midi Skirt, A-Line" (Colour: Black, Size: S) to your
    cart. Don't check out."

    ## Parameters
    - `product_id`, `variant_id`, `title`, `options`, ...: the variant (see `_purchase.Item`).
    - `quantity`: how many units the cart line must hold.

    ## Success criteria
    Exactly one new cart line, not saved for later, of that variant with exactly `quantity`
    units; nothing else changed (no order, no other line touched).
    """

    id = "shop/add_variant_to_cart"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        quantity = rng.randint(2, 4)
        with world.session() as s:
            variants = stocked_variants(s, quantity, avoid=cart_products(s), min_variants=2,
                                        with_options=True)
            item = pick_item(s, rng, variants, "product variant to add")
        return TaskInstance(
            family=self.id, params={**item.params(), "quantity": quantity},
            instruction=f"Add {quantity} of {item.named} to your cart. Don't check out.")

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        lines = [(row["variant_id"], row["quantity"], bool(row["saved"]))
                 for row in inserted(diff, "shop_cart_item")]
        wanted = (p["variant_id"], p["quantity"], False)
        return verdict(
            [Check("the variant is in the cart in that quantity", lines == [wanted],
                   f"expected {wanted}, new lines {lines}")],
            diff, is_insert("shop_cart_item", lambda row: (
                row["variant_id"], row["quantity"], bool(row["saved"])) == wanted))

    def solve(self, instance: TaskInstance) -> list[str]:
        item = Item.from_params(instance.params)
        return [*open_product_actions(item),
                act.select_option("quantity", str(instance.params["quantity"])),
                act.click("add-to-cart"), act.stop()]
