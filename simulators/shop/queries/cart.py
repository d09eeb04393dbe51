"""The cart and "Saved for later"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, plain_rows, sql_rows

from ..models import CartItem, Product, Variant
from ..services.common import option_label as named_options
from .common import VariantInfo, stocks

__all__ = ["CartLine", "CartView", "cart_count", "cart_view"]


@dataclass
class CartLine:
    item: Any  # plain rows (`plain_rows`) of CartItem and Product
    product: Any
    info: VariantInfo

    @property
    def total(self) -> int:
        return self.info.variant.price_cents * self.item.quantity

    @property
    def options(self) -> str:
        """"Colour: Red · Size: M" (empty without options)."""
        return named_options(self.product, self.info.variant)


@dataclass
class CartView:
    lines: list[CartLine] = field(default_factory=list)
    saved: list[CartLine] = field(default_factory=list)
    promo_code: str | None = None

    @property
    def count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)


def cart_count(s: Session) -> int:
    """Units in the cart (not saved for later)."""
    query = select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.saved.is_(False))
    return int(s.scalar(query) or 0)


def cart_view(s: Session) -> CartView:
    """Cart lines (oldest first) and "Saved for later"."""
    items = plain_rows(s, CartItem, "ORDER BY added_at, id")
    lines = _lines(s, [(item, item.variant_id) for item in items])
    promo = sql_rows(s, "SELECT cart_promo_code FROM shop_account WHERE id = 1")
    view = CartView(promo_code=promo[0][0] if promo else None)
    for line in lines:
        (view.saved if line.item.saved else view.lines).append(line)
    return view


def _lines(s: Session, pairs: Sequence[tuple[Any, int]]) -> list[CartLine]:
    variant_ids = sorted({vid for _, vid in pairs})
    variants = {v.id: v for v in plain_rows(
        s, Variant, f"WHERE id IN ({placeholders(variant_ids)})", variant_ids)}
    product_ids = sorted({v.product_id for v in variants.values()})
    products = {p.id: p for p in plain_rows(
        s, Product, f"WHERE id IN ({placeholders(product_ids)})", product_ids)}
    stock = stocks(s, variants)
    return [CartLine(item, products[variants[vid].product_id], VariantInfo(variants[vid],
                                                                          stock[vid]))
            for item, vid in pairs if vid in variants]
