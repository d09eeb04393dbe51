"""What the shopper is in the middle of: the cart, "Saved for later", wish lists and the
reviews they wrote of things that arrived."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import Order, OrderItem, Review, Wishlist
from ..services.cart import add_to_cart, save_for_later
from ..services.common import DAY, HOUR
from ..services.reviews import write_review
from ..services.wishlists import add_to_wishlist, create_wishlist
from .picks import Pool

__all__ = ["fill_cart", "fill_wishlists", "write_reviews"]


def fill_cart(s: Session, world: World, rng: Random, pool: Pool, used: set[int]) -> None:
    """1–3 lines in the cart and one saved for later, all in stock, added in the last days."""
    count = rng.randint(1, 3) + 1
    added = 0
    while added < count:
        product = pool.products_sample(rng, 1, used)[0]
        quantity = 1 if rng.random() < 0.75 else 2
        pick = pool.in_stock(s, rng, product, quantity)
        if pick is None:
            continue
        item = add_to_cart(s, world, pick.variant_id, quantity)
        item.added_at = world.now - rng.randint(HOUR, 10 * DAY) // 60 * 60
        added += 1
        if added == 1:
            save_for_later(s, item.id)
            item.added_at -= rng.randint(5, 30) * DAY
    s.flush()


def fill_wishlists(s: Session, world: World, rng: Random, pool: Pool, used: set[int],
                   corpus: dict[str, Any], sold_out: list[int]) -> None:
    """The default "Wish List" and 1–2 named lists, 2–6 items each (sometimes one sold out)."""
    default = Wishlist(id=World.next_id(s, Wishlist.__tablename__), name="Wish List",
                       is_default=True, created_at=world.now - rng.randint(200, 400) * DAY)
    s.add(default)
    s.flush()
    lists = [default]
    for name in rng.sample(corpus["wishlist_names"], rng.randint(1, 2)):
        named = create_wishlist(s, world, name)
        named.created_at = world.now - rng.randint(20, 190) * DAY
        lists.append(named)
    sold_out_products = {pool.product_of[v] for v in sold_out} - used
    for wishlist in lists:
        products = pool.products_sample(rng, rng.randint(2, 6), used)
        if sold_out_products and rng.random() < 0.5:
            products[0] = _sold_out_pick(sold_out_products, products)
            sold_out_products.discard(products[0])
        for product in products:
            variant = pool.variant(rng, product).variant_id if rng.random() < 0.5 else None
            item = add_to_wishlist(s, world, wishlist.id, product, variant)
            item.added_at = max(wishlist.created_at, world.now - rng.randint(1, 120) * DAY)
    s.flush()


def _sold_out_pick(sold_out: set[int], products: list[int]) -> int:
    """The sold-out product to put first on a list: the lowest id, unless the list already
    holds it further down (a list holds a product once; seed 145 of workday met this)."""
    pick = min(sold_out)
    if pick in products[1:]:
        others = sorted(sold_out - set(products))
        pick = others[0] if others else products[0]
    return pick


def write_reviews(s: Session, world: World, rng: Random, corpus: dict[str, Any]) -> None:
    """1–2 reviews of delivered products, written a few days after they arrived."""
    rows = s.execute(select(OrderItem.product_id, Order.delivered_at)
                     .join(Order, Order.id == OrderItem.order_id)
                     .where(Order.status == "delivered").order_by(OrderItem.id)).all()
    for product_id, delivered_at in rng.sample(rows, min(len(rows), rng.randint(1, 2))):
        rating = rng.choice(("5", "5", "4", "4", "3", "2"))
        text = rng.choice(corpus["reviews"][rating])
        review: Review = write_review(s, world, product_id, int(rating), text["title"],
                                      text["body"])
        review.created_at = min(world.now - HOUR, delivered_at + rng.randint(1, 8) * DAY)
    s.flush()


