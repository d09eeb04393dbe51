"""API: wish lists and their items."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from .. import queries, services
from .cart import cart_out
from .schemas import CartOut, IdPath, WishItemIn, WishItemOut, WishlistIn, WishlistOut, WishMoveIn

__all__ = ["router"]

router = APIRouter(tags=["wish lists"])


def _wishlists(s: Session) -> list[WishlistOut]:
    found = []
    for wishlist in queries.wishlists(s):
        items = [WishItemOut(id=line.item.id, product_id=line.item.product_id,
                             variant_id=line.item.variant_id, title=line.card.product.title,
                             price_cents=line.chosen.variant.price_cents,
                             added_at=line.item.added_at)
                 for line in queries.wishlist_items(s, wishlist.id)]
        found.append(WishlistOut(id=wishlist.id, name=wishlist.name,
                                 is_default=wishlist.is_default, items=items))
    return found


@router.get("/wishlists", response_model=list[WishlistOut])
async def list_wishlists(world: WorldDep) -> list[WishlistOut]:
    """Every list with its items."""
    with world.session() as s:
        return _wishlists(s)


@router.post("/wishlists", response_model=list[WishlistOut], status_code=201)
async def create_wishlist(world: WorldDep, body: WishlistIn) -> list[WishlistOut]:
    """Create a list."""
    with world.transaction() as s:
        services.create_wishlist(s, world, body.name)
        return _wishlists(s)


@router.patch("/wishlists/{wishlist_id}", response_model=list[WishlistOut])
async def rename_wishlist(world: WorldDep, wishlist_id: IdPath,
                          body: WishlistIn) -> list[WishlistOut]:
    """Rename a list."""
    with world.transaction() as s:
        services.rename_wishlist(s, wishlist_id, body.name)
        return _wishlists(s)


@router.delete("/wishlists/{wishlist_id}", response_model=list[WishlistOut])
async def delete_wishlist(world: WorldDep, wishlist_id: IdPath) -> list[WishlistOut]:
    """Delete a list and its items (not the default list)."""
    with world.transaction() as s:
        services.delete_wishlist(s, wishlist_id)
        return _wishlists(s)


@router.post("/wishlists/{wishlist_id}/items", response_model=list[WishlistOut],
             status_code=201)
async def add_to_wishlist(world: WorldDep, wishlist_id: IdPath,
                          body: WishItemIn) -> list[WishlistOut]:
    """Add a product (optionally a variant) to a list."""
    with world.transaction() as s:
        services.add_to_wishlist(s, world, wishlist_id, body.product_id, body.variant_id)
        return _wishlists(s)


@router.post("/wishlists/items/{item_id}/move", response_model=list[WishlistOut])
async def move_wishlist_item(world: WorldDep, item_id: IdPath,
                             body: WishMoveIn) -> list[WishlistOut]:
    """Move an item to another list."""
    with world.transaction() as s:
        services.move_wishlist_item(s, item_id, body.wishlist_id)
        return _wishlists(s)


@router.delete("/wishlists/items/{item_id}", response_model=list[WishlistOut])
async def remove_wishlist_item(world: WorldDep, item_id: IdPath) -> list[WishlistOut]:
    """Remove an item from its list."""
    with world.transaction() as s:
        services.remove_wishlist_item(s, item_id)
        return _wishlists(s)


@router.post("/wishlists/items/{item_id}/cart", response_model=CartOut, status_code=201)
async def wishlist_item_to_cart(world: WorldDep, item_id: IdPath) -> CartOut:
    """Add a list item to the cart (it stays on the list; no variant: the default one)."""
    with world.transaction() as s:
        services.wishlist_item_to_cart(s, world, item_id)
        return cart_out(s)
