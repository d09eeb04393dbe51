"""Departments and the home page's shelves: deals, department tiles, "Buy again"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, plain_rows, sql_rows

from ..models import Category, Product, Variant
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


def category_by_slug(s: Session, slug: str) -> Any | None:
    """The department with this slug (a plain row, see `plain_rows`), or None."""
    found = plain_rows(s, Category, "WHERE slug = ? LIMIT 1", (slug,))
    return found[0] if found else None


def deals(s: Session, limit: int = 8) -> list[Card]:
    """Products whose best variant saves the most (list price − price), largest first."""
    key = f"deals-{limit}"
    if key not in _FROM_CATALOG:
        saving = func.max(Variant.list_price_cents - Variant.price_cents).label("saving")
        query = (select(Variant.product_id, saving).group_by(Variant.product_id)
                 .having(saving > 0).order_by(saving.desc(), Variant.product_id).limit(limit))
        _FROM_CATALOG[key] = [pid for pid, _ in s.execute(query)]
    return product_cards(s, _FROM_CATALOG[key])


def department_tiles(s: Session) -> list[tuple[Department, Any | None]]:
    """Each department with its most-rated product (a plain row; the tile's picture)."""
    if "tiles" not in _FROM_CATALOG:
        rank = func.row_number().over(
            partition_by=Product.category_id,
            order_by=(Product.rating_count.desc(), Product.id)).label("r")
        ranked = select(Product.id, Product.category_id, rank).subquery()
        top = select(ranked.c.category_id, ranked.c.id).where(ranked.c.r == 1).order_by(
            ranked.c.category_id)
        _FROM_CATALOG["tiles"] = {int(cid): int(pid) for cid, pid in s.execute(top)}
    best: dict[int, int] = _FROM_CATALOG["tiles"]
    ids = sorted(best.values())
    products = {p.id: p for p in plain_rows(
        s, Product, f"WHERE id IN ({placeholders(ids)}) ORDER BY id", ids)}
    return [(c, products.get(best.get(c.id, 0))) for c in categories(s)]


_DELIVERED = """
SELECT i.product_id, max(o.delivered_at) AS latest
FROM shop_order_item i JOIN shop_order o ON o.id = i.order_id
WHERE o.delivered_at IS NOT NULL GROUP BY i.product_id ORDER BY latest DESC, i.product_id
"""


def delivered_products(s: Session) -> list[int]:
    """Products of delivered (or returned) orders, most recently delivered first."""
    return [pid for pid, _ in sql_rows(s, _DELIVERED)]


def buy_again(s: Session, limit: int = 6) -> list[Card]:
    """"Buy again": recently delivered products."""
    return product_cards(s, delivered_products(s)[:limit])
