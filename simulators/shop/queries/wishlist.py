"""The shopper's wish lists and their items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import plain_rows

from ..models import Wishlist, WishlistItem
from ..services.common import option_label as named_options
from .common import Card, VariantInfo, cards_and_variants

__all__ = ["WishLine", "wishlist_items", "wishlists"]


@dataclass
class WishLine:
    item: Any  # a WishlistItem row (`plain_rows`)
    card: Card
    chosen: VariantInfo

    @property
    def options(self) -> str:
        return named_options(self.card.product, self.chosen.variant)


def wishlists(s: Session) -> list[Any]:
    """The shopper's lists (plain rows), default first, then by creation."""
    return plain_rows(s, Wishlist, "ORDER BY is_default DESC, created_at, id")


def wishlist_items(s: Session, wishlist_id: int) -> list[WishLine]:
    """A list's items, newest first, with their product card and chosen variant."""
    items = plain_rows(s, WishlistItem, "WHERE wishlist_id = ? ORDER BY added_at DESC, id DESC",
                       (wishlist_id,))
    cards, variants = cards_and_variants(s, [i.product_id for i in items])
    found = {card.product.id: card for card in cards}
    lines = []
    for item in items:
        card = found.get(item.product_id)
        if card is None:
            continue
        chosen = next((v for v in variants[item.product_id] if v.variant.id == item.variant_id),
                      card.default)
        lines.append(WishLine(item, card, chosen))
    return lines
