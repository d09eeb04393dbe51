"""Wish lists: a default "Wish List" plus named lists of products."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import CartItem, Wishlist, WishlistItem
from .cart import add_to_cart
from .common import (
    clean_text,
    clock,
    default_variant,
    get_product,
    get_variant,
    get_wishlist,
    get_wishlist_item,
)
from .errors import ShopError

__all__ = ["add_to_wishlist", "create_wishlist", "delete_wishlist", "move_wishlist_item",
           "remove_wishlist_item", "rename_wishlist", "wishlist_item_to_cart"]

MAX_NAME = 60


def _name(s: Session, name: object, exclude: int | None = None) -> str:
    """A list name: 1–60 characters, unique (ignoring case)."""
    clean = clean_text(name, MAX_NAME, "a name for the list")
    taken = s.scalars(select(Wishlist.id).where(func.lower(Wishlist.name) == clean.lower(),
                                                Wishlist.id != (exclude or 0))).first()
    if taken is not None:
        raise ShopError(f'You already have a list named "{clean}"')
    return clean


def create_wishlist(s: Session, world: World, name: str) -> Wishlist:
    clean = _name(s, name)
    wishlist = Wishlist(id=World.next_id(s, Wishlist.__tablename__), name=clean,
                        is_default=False, created_at=clock(s, world))
    s.add(wishlist)
    s.flush()
    return wishlist


def rename_wishlist(s: Session, wishlist_id: int, name: str) -> Wishlist:
    wishlist = get_wishlist(s, wishlist_id)
    wishlist.name = _name(s, name, exclude=wishlist.id)
    s.flush()
    return wishlist


def delete_wishlist(s: Session, wishlist_id: int) -> None:
    """Delete a list and its items (not the default list)."""
    wishlist = get_wishlist(s, wishlist_id)
    if wishlist.is_default:
        raise ShopError(f'"{wishlist.name}" is your default list and cannot be deleted')
    s.execute(delete(WishlistItem).where(WishlistItem.wishlist_id == wishlist.id))
    s.delete(wishlist)
    s.flush()


def _check_absent(s: Session, wishlist: Wishlist, product_id: int) -> None:
    found = s.scalars(select(WishlistItem.id).where(WishlistItem.wishlist_id == wishlist.id,
                                                    WishlistItem.product_id == product_id)
                      ).first()
    if found is not None:
        raise ShopError(f'This product is already on "{wishlist.name}"')


def add_to_wishlist(s: Session, world: World, wishlist_id: int, product_id: int,
                    variant_id: int | None = None) -> WishlistItem:
    """Add a product (optionally a chosen variant) to a list, once per list."""
    wishlist = get_wishlist(s, wishlist_id)
    product = get_product(s, product_id)
    if variant_id is not None and get_variant(s, variant_id).product_id != product.id:
        raise ShopError(f"Variant {variant_id} is not a variant of this product")
    _check_absent(s, wishlist, product.id)
    item = WishlistItem(id=World.next_id(s, WishlistItem.__tablename__),
                        wishlist_id=wishlist.id, product_id=product.id, variant_id=variant_id,
                        added_at=clock(s, world))
    s.add(item)
    s.flush()
    return item


def move_wishlist_item(s: Session, item_id: int, wishlist_id: int) -> WishlistItem:
    item = get_wishlist_item(s, item_id)
    target = get_wishlist(s, wishlist_id)
    if target.id == item.wishlist_id:
        raise ShopError(f'This item is already on "{target.name}"')
    _check_absent(s, target, item.product_id)
    item.wishlist_id = target.id
    s.flush()
    return item


def remove_wishlist_item(s: Session, item_id: int) -> None:
    s.delete(get_wishlist_item(s, item_id))
    s.flush()


def wishlist_item_to_cart(s: Session, world: World, item_id: int) -> CartItem:
    """Put one unit of the item (its variant, else the product's default) in the cart; the
    item stays on the list."""
    item = get_wishlist_item(s, item_id)
    variant_id = item.variant_id or default_variant(s, item.product_id).id
    return add_to_cart(s, world, variant_id, 1)
