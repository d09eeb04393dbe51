"""Move a product from one wish list to another."""

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
    is_delete,
    is_insert,
    is_update,
)
from webtwin.simulators.core.world import World

from ..models import Wishlist, WishlistItem
from ._orders import names_of_products, pick, verdict

__all__ = ["MoveWishlistItem"]


class MoveWishlistItem(TaskFamily):
    """Move a named product from one named wish list to another.

    ## Description
    A product on one list (and not on the other) is named the way a person would; the agent
    moves it with the list page's "Move" control (or removes it and adds it to the other
    list from the product page).

    ## Goal
    'Move the "Summitfox Kite Sleeping Bag" from my "Wish List" list to my "Camping trip"
    list.'

    ## Parameters
    - `item_id`, `product_id`, `product_name`: the list item and its product.
    - `from_id`, `from_name`, `to_id`, `to_name`: the lists.

    ## Success criteria
    The product is on `to_id` and no longer on `from_id`; besides moving that item (or
    removing it and adding the product to `to_id`) nothing changed.
    """

    id = "shop/move_wishlist_item"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            lists = list(s.scalars(select(Wishlist).order_by(Wishlist.id)))
            items = list(s.scalars(select(WishlistItem).order_by(WishlistItem.id)))
            names = names_of_products(s)
        held = {(item.wishlist_id, item.product_id) for item in items}
        moves = [(item, target) for item in items for target in lists
                 if target.id != item.wishlist_id and (target.id, item.product_id) not in held]
        item, target = pick(rng, moves, "wish-list item to move")
        source = next(w for w in lists if w.id == item.wishlist_id)
        params = {"item_id": item.id, "product_id": item.product_id,
                  "product_name": names[item.product_id], "from_id": source.id,
                  "from_name": source.name, "to_id": target.id, "to_name": target.name}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f'Move the "{params["product_name"]}" from my "{source.name}" list '
                         f'to my "{target.name}" list.'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            on = set(s.scalars(select(WishlistItem.wishlist_id)
                               .where(WishlistItem.product_id == p["product_id"])))
        return verdict(
            [Check("on the new list", p["to_id"] in on, f'"{p["to_name"]}"'),
             Check("off the old list", p["from_id"] not in on, f'"{p["from_name"]}"')],
            diff, is_update("shop_wishlist_item", [p["item_id"]], {"wishlist_id"}),
            is_delete("shop_wishlist_item", lambda row: row["id"] == p["item_id"]),
            is_insert("shop_wishlist_item", lambda row: row["wishlist_id"] == p["to_id"]
                      and row["product_id"] == p["product_id"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click("nav-wishlists"), act.click(f"wishlist-{p['from_id']}"),
                act.select_option(f"wish-move-{p['item_id']}", p["to_name"]),
                act.click(f"wish-move-submit-{p['item_id']}"), act.stop()]
