"""What the shopper bought, carts and wishes: picks from the shared catalog, and the world's
stock overrides (some variants sold out, some nearly)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random

from ..models import CATALOG, Inventory
from ..services.common import stock_of

__all__ = ["Pool", "Pick", "load_pool", "override_stock"]


@dataclass(frozen=True)
class Pick:
    variant_id: int
    product_id: int


class Pool:
    """The catalog's variants by product, in id order (the same in every process)."""

    def __init__(self, rows: list[tuple[int, int]]):
        self.by_product: dict[int, list[int]] = {}
        self.product_of: dict[int, int] = {}
        for variant_id, product_id in rows:
            self.product_of[variant_id] = product_id
            self.by_product.setdefault(product_id, []).append(variant_id)
        self.products = sorted(self.by_product)
        if not self.products:
            raise RuntimeError("the shop catalog is empty; build it before generating worlds")

    def products_sample(self, rng: Random, count: int, avoid: set[int]) -> list[int]:
        """`count` distinct products not in `avoid` (which grows with them)."""
        if count > len(self.products) - len(avoid):
            raise RuntimeError(f"the catalog has too few products to pick {count}")
        chosen: list[int] = []
        while len(chosen) < count:
            product = rng.choice(self.products)
            if product not in avoid:
                avoid.add(product)
                chosen.append(product)
        return chosen

    def variant(self, rng: Random, product_id: int) -> Pick:
        return Pick(rng.choice(self.by_product[product_id]), product_id)

    def in_stock(self, s: Session, rng: Random, product_id: int, quantity: int) -> Pick | None:
        """A variant of the product with at least `quantity` in stock, if any."""
        options = [v for v in self.by_product[product_id] if stock_of(s, v) >= quantity]
        return Pick(rng.choice(options), product_id) if options else None


# Catalog uri -> its pool. Like the catalog itself, built once per process and never changed.
_POOLS: dict[str, Pool] = {}


def load_pool(s: Session, catalog_uri: str) -> Pool:
    """The pool of the catalog at `catalog_uri` (plain SQL: no ORM rows for ~5,000 variants)."""
    pool = _POOLS.get(catalog_uri)
    if pool is None:
        rows = s.connection().exec_driver_sql(
            f"SELECT id, product_id FROM {CATALOG}.variant ORDER BY id").fetchall()
        pool = _POOLS[catalog_uri] = Pool([(int(v), int(p)) for v, p in rows])
    return pool


def override_stock(s: Session, rng: Random, pool: Pool, count: int) -> dict[int, int]:
    """`count` variants with world stock: about half sold out, the rest 1–4 left.

    Rows are written directly: the world has no override yet and the variants are distinct.
    """
    products = pool.products_sample(rng, count, set())
    changed = {}
    for index, product in enumerate(products):
        pick = pool.variant(rng, product)
        stock = 0 if index % 2 == 0 else rng.randint(1, 4)
        s.add(Inventory(variant_id=pick.variant_id, stock=stock))
        changed[pick.variant_id] = stock
    s.flush()
    return changed
