"""The product page (variants, buy box, details, rating) and a product's reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, plain_rows, sql_rows

from ..models import Brand, CatalogReview, Category, Product, Review
from ..services.pricing import FREE_SHIPPING_MIN_CENTS, SHIPPING, estimated_delivery
from .common import DAY, VariantInfo, default_variant, json_list, midnight, variant_infos

__all__ = [
    "Delivery", "ProductView", "Rating", "ReviewRow", "ReviewsPage", "all_reviews",
    "delivery_estimates", "has_received", "own_review", "product_view", "rating_of",
    "reviewed_products", "reviews_page", "sort_reviews",
]


@dataclass
class Delivery:
    """Delivery promises for one unit at `price_cents` (the product page's buy box)."""

    standard_day: int
    standard_cents: int
    fastest_day: int | None


def delivery_estimates(now: int, price_cents: int, fast: bool) -> Delivery:
    """Standard delivery (free from $35) and, for Swift items, next-day delivery."""
    cost = 0 if price_cents >= FREE_SHIPPING_MIN_CENTS else SHIPPING["standard"][0]
    return Delivery(estimated_delivery("standard", now), cost,
                    estimated_delivery("next_day", now) if fast else None)


@dataclass
class Rating:
    """Average, count and histogram rows (stars, count, percent), 5 stars first."""

    avg: float
    count: int
    hist: list[tuple[int, int, int]]


@dataclass
class ReviewRow:
    key: str
    author: str
    rating: int
    title: str
    body: str
    at: int
    helpful: int
    verified: bool
    mine: bool = False


@dataclass
class ProductView:
    product: Any  # plain rows (`plain_rows`) of Product, Brand and Category
    brand: Any
    category: Any
    variants: list[VariantInfo]
    selected: VariantInfo
    option_names: list[str]
    specs: list[tuple[str, str]]
    bullets: list[str]
    rating: Rating
    top_reviews: list[ReviewRow]
    own: ReviewRow | None
    can_review: bool
    delivery: Delivery


@dataclass
class ReviewsPage:
    rows: list[ReviewRow]
    page: int
    pages: int
    total: int


def product_view(s: Session, now: int, product_id: int,
                 variant_id: int | None = None) -> ProductView | None:
    """Everything the product page shows, or None for an unknown product."""
    row = _product_row(s, product_id)
    infos = variant_infos(s, [product_id])[product_id]
    chosen = next((i for i in infos if i.variant.id == variant_id), None) or default_variant(infos)
    if row is None or chosen is None:
        return None
    product, brand, category = row
    own = own_review(s, product_id)
    reviews = [r for r in all_reviews(s, now, product_id) if not r.mine]
    return ProductView(
        product, brand, category, infos, chosen, [str(o) for o in json_list(product.options)],
        _specs(product), [str(b) for b in json_list(product.bullets)], rating_of(product, own),
        sort_reviews(reviews, "top")[:5], own, has_received(s, product_id),
        delivery_estimates(now, chosen.variant.price_cents, product.fast_delivery))


def _product_row(s: Session, product_id: int) -> tuple[Any, Any, Any] | None:
    """The product with its brand and department (plain rows), or None."""
    found = plain_rows(s, Product, "WHERE id = ?", (product_id,))
    if not found:
        return None
    product = found[0]
    brand = plain_rows(s, Brand, "WHERE id = ?", (product.brand_id,))
    category = plain_rows(s, Category, "WHERE id = ?", (product.category_id,))
    return (product, brand[0], category[0]) if brand and category else None


def _specs(product: Product) -> list[tuple[str, str]]:
    pairs = []
    for pair in json_list(product.specs):
        if isinstance(pair, list) and len(pair) == 2:
            pairs.append((str(pair[0]), str(pair[1])))
    return pairs


def own_review(s: Session, product_id: int) -> ReviewRow | None:
    """The shopper's own review of a product, as a review row."""
    found = plain_rows(s, Review, "WHERE product_id = ? ORDER BY id LIMIT 1", (product_id,))
    if not found:
        return None
    mine = found[0]
    names = sql_rows(s, "SELECT name FROM shop_account WHERE id = 1")
    return ReviewRow(f"own-{mine.id}", names[0][0] if names else "You", mine.rating, mine.title,
                     mine.body, mine.created_at, 0, True, mine=True)


def reviewed_products(s: Session, product_ids: Sequence[int]) -> set[int]:
    """Those of the products the shopper has reviewed (one statement for an order's items)."""
    ids = sorted(set(product_ids))
    rows = sql_rows(s, f"SELECT product_id FROM shop_review WHERE product_id IN "
                       f"({placeholders(ids)})", ids)
    return {product_id for (product_id,) in rows}


def rating_of(product: Product, own: ReviewRow | None) -> Rating:
    """The catalog's rating summary, with the shopper's own review counted in."""
    hist = {n: int(getattr(product, f"hist_{n}")) for n in range(1, 6)}
    if own is None:
        count, avg = product.rating_count, product.rating_avg
    else:
        hist[own.rating] += 1
        count = sum(hist.values())
        avg = round(sum(n * c for n, c in hist.items()) / count, 1)
    total = sum(hist.values()) or 1
    return Rating(avg, count, [(n, hist[n], round(hist[n] * 100 / total)) for n in range(5, 0, -1)])


def all_reviews(s: Session, now: int, product_id: int) -> list[ReviewRow]:
    """Catalog reviews (dated relative to the clock) and the shopper's own, unsorted."""
    found = plain_rows(s, CatalogReview, "WHERE product_id = ? ORDER BY id", (product_id,))
    rows = [ReviewRow(str(r.id), r.author, r.rating, r.title, r.body,
                      midnight(now) - r.days_ago * DAY, r.helpful, r.verified)
            for r in found]
    own = own_review(s, product_id)
    return rows + ([own] if own else [])


def sort_reviews(rows: list[ReviewRow], sort: str) -> list[ReviewRow]:
    """`top`: most helpful first; `recent`: newest first (ties by key)."""
    if sort == "recent":
        return sorted(rows, key=lambda r: (-r.at, r.key))
    return sorted(rows, key=lambda r: (-r.helpful, -r.at, r.key))


def reviews_page(s: Session, now: int, product_id: int, sort: str, stars: int | None,
                 page: int, per_page: int = 10) -> ReviewsPage:
    """A page of a product's reviews, sorted and optionally filtered by star count."""
    rows = [r for r in all_reviews(s, now, product_id) if stars is None or r.rating == stars]
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    chosen = sort_reviews(rows, sort)[(page - 1) * per_page: page * per_page]
    return ReviewsPage(chosen, page, pages, len(rows))


def has_received(s: Session, product_id: int) -> bool:
    """Whether an order delivered this product to the shopper (so they may review it)."""
    return bool(sql_rows(s, _RECEIVED, (product_id,)))


_RECEIVED = """
SELECT 1 FROM shop_order_item i JOIN shop_order o ON o.id = i.order_id
WHERE i.product_id = ? AND o.delivered_at IS NOT NULL LIMIT 1
"""
