"""Shared read-side pieces: effective stock, variants with stock, product cards, JSON columns."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, plain_rows, sql_rows

from ..models import CATALOG, Brand, Inventory, Product, Variant

__all__ = [
    "DAY", "LOW_STOCK", "Card", "VariantInfo", "cards_and_variants", "default_variant",
    "effective_stock", "json_list", "midnight", "option_label", "product_cards", "result_ids",
    "stocks", "variant_infos",
]

DAY = 86400
LOW_STOCK = 5  # "Only 3 left in stock" below this


@dataclass
class VariantInfo:
    """A variant (a plain row, see `plain_rows`, or an ORM object) with its effective stock."""

    variant: Any
    stock: int

    @property
    def label(self) -> str:
        return option_label(self.variant)

    @property
    def saving(self) -> int:
        return max(0, self.variant.list_price_cents - self.variant.price_cents)

    @property
    def saving_pct(self) -> int:
        listed = self.variant.list_price_cents
        return round(self.saving * 100 / listed) if listed else 0


@dataclass
class Card:
    """A product as a grid card: its default variant (what quick-add buys) and brand.

    `product` and `brand` are plain rows (`plain_rows`): pages only read them.
    """

    product: Any
    brand: Any
    default: VariantInfo

    @property
    def low_stock(self) -> bool:
        return 0 < self.default.stock < LOW_STOCK


def option_label(variant: Variant) -> str:
    """"Red · M" from a variant's option values ("" for a product without options)."""
    return " · ".join(value for value in (variant.option1, variant.option2) if value)


def midnight(epoch: int) -> int:
    """UTC midnight of the day holding `epoch`."""
    return epoch - epoch % DAY


def json_list(text: str) -> list[object]:
    """A JSON list column (specs, bullets, options), tolerating junk as empty."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


_STOCKS = f"""
SELECT v.id, coalesce(i.stock, v.stock) FROM {CATALOG}.{Variant.__tablename__} v
LEFT JOIN {Inventory.__tablename__} i ON i.variant_id = v.id WHERE v.id IN ({{ids}}) ORDER BY v.id
"""


def stocks(s: Session, variant_ids: Iterable[int]) -> dict[int, int]:
    """Effective stock by variant id (world override, else catalog)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = sql_rows(s, _STOCKS.format(ids=placeholders(ids)), ids)
    return {vid: int(stock) for vid, stock in rows}


def effective_stock(s: Session, variant_id: int) -> int:
    return stocks(s, [variant_id]).get(variant_id, 0)


def variant_infos(s: Session, product_ids: Sequence[int]) -> dict[int, list[VariantInfo]]:
    """Each product's variants by position (plain rows), with effective stock."""
    ids = sorted(set(product_ids))
    variants = plain_rows(s, Variant, f"WHERE product_id IN ({placeholders(ids)}) "
                                      "ORDER BY product_id, position, id", ids)
    stock = stocks(s, [variant.id for variant in variants])
    found: dict[int, list[VariantInfo]] = {pid: [] for pid in product_ids}
    for variant in variants:
        found[variant.product_id].append(VariantInfo(variant, stock[variant.id]))
    return found


def default_variant(infos: Sequence[VariantInfo]) -> VariantInfo | None:
    """The first variant in stock by position, else the first."""
    return next((info for info in infos if info.stock > 0), infos[0] if infos else None)


def product_cards(s: Session, product_ids: Sequence[int]) -> list[Card]:
    """Cards for `product_ids`, in that order (unknown ids skipped)."""
    return cards_and_variants(s, product_ids)[0]


def cards_and_variants(s: Session, product_ids: Sequence[int]
                       ) -> tuple[list[Card], dict[int, list[VariantInfo]]]:
    """`product_cards`, with every variant of the carded products (read for the cards)."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return [], {}
    products = plain_rows(s, Product, f"WHERE id IN ({placeholders(ids)})", ids)
    brand_ids = sorted({product.brand_id for product in products})
    brands = {brand.id: brand for brand in plain_rows(
        s, Brand, f"WHERE id IN ({placeholders(brand_ids)})", brand_ids)}
    rows = {p.id: (p, brands[p.brand_id]) for p in products if p.brand_id in brands}
    variants = variant_infos(s, [pid for pid in ids if pid in rows])
    cards_found = []
    for pid in ids:
        chosen = default_variant(variants.get(pid, []))
        if pid in rows and chosen is not None:
            cards_found.append(Card(rows[pid][0], rows[pid][1], chosen))
    return cards_found, variants


def result_ids(results: Iterable[Any]) -> list[int]:
    """Product ids of search results (rows holding a `product` or a `product_id`)."""
    ids = []
    for result in results:
        product = getattr(result, "product", None)
        ids.append(int(product.id if product is not None else result.product_id))
    return ids
