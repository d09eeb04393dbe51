"""Departments and the home page's shelves: deals, department tiles, "Buy again"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Category, Order, OrderItem, Product, Variant
from .common import Card, product_cards

__all__ = [
    "Department",
    "buy_again", "categories", "category_by_slug", "deals", "delivered_products",
    "department_tiles",
]


@dataclass(frozen=True)
class Department:
    id: int
    slug: str
    name: str


# The catalog is the same for every world of the process and never changes, so what depends
# on it alone (the departments every header lists, the home page's deals and department
# pictures) is computed once per process; stock, which worlds change, is read per page.
_FROM_CATALOG: dict[str, Any] = {}


def categories(s: Session) -> tuple[Department, ...]:
    """The departments, by name."""
    if "departments" not in _FROM_CATALOG:
        rows = s.execute(select(Category.id, Category.slug, Category.name)
                         .order_by(Category.name, Category.id))
        _FROM_CATALOG["departments"] = tuple(Department(*row) for row in rows)
    departments: tuple[Department, ...] = _FROM_CATALOG["departments"]
    return departments


def category_by_slug(s: Session, slug: str) -> Category | None:
    return s.scalars(select(Category).where(Category.slug == slug).limit(1)).first()


def deals(s: Session, limit: int = 8) -> list[Card]:
    """Products whose best variant saves the most (list price − price), largest first."""
    key = f"deals-{limit}"
    if key not in _FROM_CATALOG:
        saving = func.max(Variant.list_price_cents - Variant.price_cents).label("saving")
        query = (select(Variant.product_id, saving).group_by(Variant.product_id)
                 .having(saving > 0).order_by(saving.desc(), Variant.product_id).limit(limit))
        _FROM_CATALOG[key] = [pid for pid, _ in s.execute(query)]
    return product_cards(s, _FROM_CATALOG[key])


def department_tiles(s: Session) -> list[tuple[Department, Product | None]]:
    """Each department with its most-rated product (the tile's picture)."""
    if "tiles" not in _FROM_CATALOG:
        rank = func.row_number().over(
            partition_by=Product.category_id,
            order_by=(Product.rating_count.desc(), Product.id)).label("r")
        ranked = select(Product.id, Product.category_id, rank).subquery()
        top = select(ranked.c.category_id, ranked.c.id).where(ranked.c.r == 1).order_by(
            ranked.c.category_id)
        _FROM_CATALOG["tiles"] = {int(cid): int(pid) for cid, pid in s.execute(top)}
    best: dict[int, int] = _FROM_CATALOG["tiles"]
    products = {p.id: p for p in s.scalars(select(Product).where(
        Product.id.in_(sorted(best.values()))).order_by(Product.id))}
    return [(c, products.get(best.get(c.id, 0))) for c in categories(s)]


def delivered_products(s: Session) -> list[int]:
    """Products of delivered (or returned) orders, most recently delivered first."""
    latest = func.max(Order.delivered_at).label("latest")
    query = (select(OrderItem.product_id, latest).join(Order, Order.id == OrderItem.order_id)
             .where(Order.delivered_at.is_not(None)).group_by(OrderItem.product_id)
             .order_by(latest.desc(), OrderItem.product_id))
    return [pid for pid, _ in s.execute(query)]


def buy_again(s: Session, limit: int = 6) -> list[Card]:
    """"Buy again": recently delivered products."""
    return product_cards(s, delivered_products(s)[:limit])
