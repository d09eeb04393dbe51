"""Create a wish list and put two named products on it."""

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
    inserted,
    is_insert,
)
from webtwin.simulators.core.world import World

from ..models import Wishlist, WishlistItem
from ..search import SearchQuery, search
from ._orders import names_of_products, pick, same_text, verdict

__all__ = ["LIST_NAMES", "CreateWishlistAndAdd"]

LIST_NAMES = ("Gift ideas", "Garden projects", "Back to school", "Holiday gifts",
              "New apartment", "Road trip", "Home gym", "Weekend hobbies", "Spring cleaning",
              "For the kids", "Office setup", "Treat myself")


class CreateWishlistAndAdd(TaskFamily):
    """Create a wish list with a given name and add two named products to it.

    ## Description
    Neither product is on any list yet, and each is the first result when searching the
    store for its name. The agent creates the list on the wish-list page, then adds each
    product from its page ("Add to List", choosing the new list).

    ## Goal
    'Create a wish list called "Garden projects" and add the "Pantrywise Comet Electric
    Kettle" and the "Northpeak Halo Soccer Ball" to it.'

    ## Parameters
    - `name`: the new list's name.
    - `product_ids`, `product_names`: the two products.

    ## Success criteria
    Exactly one list was created, named `name` (ignoring case and spacing), holding exactly
    the two products (any variant); nothing else changed.
    """

    id = "shop/create_wishlist_and_add"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            taken = {name.casefold() for name in s.scalars(select(Wishlist.name))}
            name = pick(rng, [n for n in LIST_NAMES if n.casefold() not in taken],
                        "unused list name")
            listed = set(s.scalars(select(WishlistItem.product_id)))
            names = names_of_products(s)
            candidates = [pid for pid in sorted(names) if pid not in listed]
            chosen: list[int] = []
            for _ in range(40):
                pid = pick(rng, candidates, "product on no list")
                if pid not in chosen and _found_first(s, world, names[pid], pid):
                    chosen.append(pid)
                if len(chosen) == 2:
                    break
            if len(chosen) < 2:
                raise TaskUnavailable("found no two products that searching finds first")
        wanted = [names[pid] for pid in chosen]
        return TaskInstance(
            family=self.id,
            params={"name": name, "product_ids": chosen, "product_names": wanted},
            instruction=(f'Create a wish list called "{name}" and add the "{wanted[0]}" and '
                         f'the "{wanted[1]}" to it.'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        lists = inserted(diff, "shop_wishlist")
        made = lists[0] if len(lists) == 1 else None
        made_id = made["id"] if made is not None else None
        products = sorted(row["product_id"] for row in inserted(diff, "shop_wishlist_item")
                          if row["wishlist_id"] == made_id)
        return verdict(
            [Check("exactly one list created", made is not None, f"{len(lists)} lists"),
             Check("named as asked", made is not None and same_text(made["name"], p["name"]),
                   f"expected {p['name']!r}, got {made and made['name']!r}"),
             Check("holding the two products", products == sorted(p["product_ids"]),
                   f"expected {sorted(p['product_ids'])}, got {products}")],
            diff, is_insert("shop_wishlist", lambda row: row["id"] == made_id),
            is_insert("shop_wishlist_item", lambda row: row["wishlist_id"] == made_id
                      and row["product_id"] in p["product_ids"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        steps = [act.click("nav-wishlists"), act.fill("new-wishlist-name", p["name"]),
                 act.click("create-wishlist")]
        for pid, name in zip(p["product_ids"], p["product_names"], strict=True):
            steps += [act.fill("search-input", name), act.click("search-submit"),
                      act.click(f"product-{pid}"), act.select_option("wishlist-select", p["name"]),
                      act.click("add-to-wishlist")]
        return [*steps, act.stop()]


def _found_first(s: Session, world: World, name: str, product_id: int) -> bool:
    """Whether searching the store for `name` lists the product first."""
    page = search(s, world, SearchQuery(q=name, sort="relevance"))
    return bool(page.results) and page.results[0].product_id == product_id
