"""The shopper's wish lists and their items."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Wishlist, WishlistItem
from ..services.common import option_label as named_options
from .common import Card, VariantInfo, product_cards, variant_infos

__all__ = ["WishLine", "wishlist_items", "wishlists"]


@dataclass
class WishLine:
    item: WishlistItem
    card: Card
    chosen: VariantInfo

    @property
    def options(self) -> str:
        return named_options(self.card.product, self.chosen.variant)


def wishlists(s: Session) -> list[Wishlist]:
    """The shopper's lists, default first, then by creation."""
    query = select(Wishlist).order_by(Wishlist.is_default.desc(), Wishlist.created_at, Wishlist.id)
    return list(s.scalars(query))


def wishlist_items(s: Session, wishlist_id: int) -> list[WishLine]:
    """A list's items, newest first, with their product card and chosen variant."""
    items = list(s.scalars(select(WishlistItem).where(WishlistItem.wishlist_id == wishlist_id)
                           .order_by(WishlistItem.added_at.desc(), WishlistItem.id.desc())))
    found = {card.product.id: card for card in product_cards(s, [i.product_id for i in items])}
    variants = variant_infos(s, sorted(found))
    lines = []
    for item in items:
        card = found.get(item.product_id)
        if card is None:
            continue
        chosen = next((v for v in variants[item.product_id] if v.variant.id == item.variant_id),
                      card.default)
        lines.append(WishLine(item, card, chosen))
    return lines
