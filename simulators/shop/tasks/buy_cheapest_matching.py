"""Buy the cheapest product that meets several search constraints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Brand, Category, Inventory, Product, Variant
from ._purchase import (
    CART_RULE,
    cart_products,
    checkout_actions,
    pick,
    placed_order,
    purchase_verdict,
    reviewed_products,
    shopper_params,
)

__all__ = ["BuyCheapestMatching"]


@dataclass(frozen=True)
class Offer:
    """A product as the search filters see it (price: its lowest variant price)."""

    id: int
    category: str
    brand: str
    price_cents: int
    rating: float
    fast: bool
    in_stock: bool
    shown_cents: int  # the price its card and page show: of the first variant in stock


@dataclass(frozen=True)
class Criteria:
    """What the shopper asks for; `brand` None means any brand."""

    category: str
    category_name: str
    brand: str | None
    brand_name: str | None
    min_rating: int
    fast: bool

    def admits(self, offer: Offer) -> bool:
        return (offer.category == self.category and self.brand in (None, offer.brand)
                and offer.rating >= self.min_rating and offer.in_stock
                and (offer.fast or not self.fast))

    def describe(self) -> str:
        brand = f"by {self.brand_name}" if self.brand_name else "of any brand"
        traits = [f"rated {self.min_rating} stars or more", "in stock"]
        traits += ["eligible for Swift delivery"] if self.fast else []
        return (f"the cheapest product in {self.category_name} {brand} that is "
                f"{', '.join(traits[:-1])} and {traits[-1]}")


def offers(s: Session) -> dict[str, list[Offer]]:
    """Every catalog product with its stock as this world sees it, by department, by id."""
    stock: dict[int, int] = {vid: n for vid, n in s.execute(
        select(Inventory.variant_id, Inventory.stock).order_by(Inventory.variant_id))}
    variants: dict[int, list[tuple[int, int]]] = {}  # (price, stock) by position
    for vid, pid, price, base in s.execute(select(
            Variant.id, Variant.product_id, Variant.price_cents, Variant.stock)
            .order_by(Variant.product_id, Variant.position, Variant.id)):
        variants.setdefault(pid, []).append((price, stock.get(vid, base)))
    rows = s.execute(select(Product.id, Category.slug, Brand.slug, Product.price_cents,
                            Product.rating_avg, Product.fast_delivery)
                     .join(Category, Category.id == Product.category_id)
                     .join(Brand, Brand.id == Product.brand_id).order_by(Product.id)).all()
    found: dict[str, list[Offer]] = {}
    for pid, category, brand, price, rating, fast in rows:
        stocked = [cents for cents, n in variants[pid] if n > 0]
        found.setdefault(category, []).append(Offer(
            pid, category, brand, price, rating, bool(fast), bool(stocked),
            stocked[0] if stocked else variants[pid][0][0]))
    return found


def winner(criteria: Criteria, shelf: list[Offer], avoid: set[int]) -> Offer | None:
    """The unique cheapest match on `shelf` (the department's products of the brand, or of
    any brand), or None when the criteria make a poor task: fewer than two matches (three
    for any brand), a tie for cheapest, a shown price above its lowest one (its cheapest
    variant sold out or not the first), a product in the cart, or a product whose page
    rating the shopper's own review changed."""
    matches = sorted((o for o in shelf if criteria.admits(o)),
                     key=lambda o: (o.price_cents, o.id))
    if len(matches) < (3 if criteria.brand is None else 2) or any(o.id in avoid for o in shelf):
        return None
    best = matches[0]
    if best.price_cents == matches[1].price_cents or best.shown_cents != best.price_cents:
        return None
    return best


def candidates(s: Session) -> list[tuple[Criteria, Offer, bool]]:
    """(criteria, the cheapest match, whether a cheaper product on the shelf is ruled out)."""
    by_category = offers(s)
    avoid = cart_products(s) | reviewed_products(s)
    names = {c.slug: c.name for c in s.scalars(select(Category).order_by(Category.slug))}
    brands = {b.slug: b.name for b in s.scalars(select(Brand).order_by(Brand.slug))}
    found = []
    for category in sorted(by_category):
        everything = by_category[category]
        for brand in [None, *sorted({o.brand for o in everything})]:
            shelf = [o for o in everything if brand in (None, o.brand)]
            for rating, fast in ((4, True), (4, False), (3, True), (3, False)):
                criteria = Criteria(category, names[category], brand,
                                    brands[brand] if brand else None, rating, fast)
                best = winner(criteria, shelf, avoid)
                if best is not None:
                    decoy = any(o.price_cents < best.price_cents for o in shelf)
                    found.append((criteria, best, decoy))
    return found


class BuyCheapestMatching(TaskFamily):
    """Buy the cheapest product of a department that meets brand, rating, stock and delivery
    constraints.

    ## Description
    The constraints are the search page's filters: a department, a brand (or any), a minimum
    average rating (3 or 4 stars & up), in stock, and sometimes Swift delivery. Exactly one
    product is the cheapest match (its lowest price is unique, in stock and the price its card
    shows); preferably a cheaper product on the same shelf fails a constraint. The agent buys
    one unit of it, any variant, with the default address, default card and standard delivery.

    ## Goal
    "Buy the cheapest product in Pet Supplies by Tailbright that is rated 4 stars or more, in
    stock and eligible for Swift delivery: one unit (any option), standard delivery to your
    default address, paid with your default card. Don't buy or remove anything else in your
    cart (moving items to Saved for later is fine)."

    ## Parameters
    - `criteria`: `category` and `brand` slugs (brand None: any), their names, `min_rating`,
      `fast`.
    - `product_id`, `title`: the one right product; `price_cents`: its price.
    - `address_id`, `card_id`, `speed` (`standard`), `cart_line_ids`: see `shopper_params`.

    ## Success criteria
    Exactly one new order, holding one unit of that product (any variant) only, shipped to
    the default address by standard delivery, paid with the default card; nothing else changed
    but what placing it writes and other cart lines moved to "Saved for later".
    """

    id = "shop/buy_cheapest_matching"
    difficulty = "hard"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            found = candidates(s)
            found = [row for row in found if row[2]] or found
            any_brand = [row for row in found if row[0].brand is None]
            branded = [row for row in found if row[0].brand is not None]
            # Any-brand shelves rarely have a unique cheapest: ask for them a third of the time.
            pool = any_brand if any_brand and (rng.random() < 1 / 3 or not branded) else branded
            criteria, best, _ = pick(rng, pool, "well-defined cheapest product")
            product = s.get(Product, best.id)
            assert product is not None
            params: dict[str, Any] = {
                **shopper_params(s), "criteria": asdict(criteria), "product_id": best.id,
                "title": product.title, "price_cents": best.price_cents}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Buy {criteria.describe()}: one unit (any option), standard delivery "
                         f"to your default address, paid with your default card. {CART_RULE}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        return purchase_verdict(p, diff, placed_order(diff), product_id=p["product_id"])

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        c = Criteria(**p["criteria"])
        filters = [act.check(f"filter-brand-{c.brand}")] if c.brand else []
        filters += [act.check("filter-in-stock")]
        filters += [act.check("filter-fast")] if c.fast else []
        return [act.click(f"dept-{c.category}"), *filters, act.click("filter-apply"),
                act.click(f"filter-rating-{c.min_rating}"),
                act.select_option("sort", "price_asc"), act.click("sort-apply"),
                act.click(f"product-{p['product_id']}"), act.click("buy-now"),
                *checkout_actions(p["speed"]), act.stop()]
