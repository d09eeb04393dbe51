"""Wish lists: tabs per list, create / rename / delete, and item actions."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from webtwin.simulators.core.web import FormDep, WorldDep, see_other
from webtwin.simulators.core.world import World

from . import queries, services
from .models import WishlistItem
from .pages_common import (
    chrome,
    form_id,
    path_id,
    render_page,
    set_back,
    with_notice,
)

__all__ = ["router"]

router = APIRouter()


@router.get("/wishlists", response_class=HTMLResponse)
async def wishlists_home(request: Request, world: WorldDep) -> Response:
    """Your lists: opens the default list."""
    with world.session() as s:
        lists = queries.wishlists(s)
        if lists:
            return see_other(f"/wishlists/{lists[0].id}")
        return render_page("shop/wishlist.html", ui=chrome(s, world, request, active="lists"),
                           lists=[], current=None, lines=[])


@router.get("/wishlists/{wishlist_id}", response_class=HTMLResponse)
async def wishlist_page(request: Request, world: WorldDep, wishlist_id: str) -> HTMLResponse:
    """One list and its items."""
    wid = path_id(wishlist_id, "list")
    with world.session() as s:
        lists = queries.wishlists(s)
        current = next((w for w in lists if w.id == wid), None)
        if current is None:
            raise HTTPException(404, f"there is no list {wid}")
        return render_page("shop/wishlist.html", ui=chrome(s, world, request, active="lists"),
                           lists=lists, current=current, lines=queries.wishlist_items(s, wid))


@router.post("/wishlists")
async def create_wishlist(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Create a list."""
    set_back(request, "/wishlists")
    with world.transaction() as s:
        wid = services.create_wishlist(s, world, form.get("name")[:1000]).id
    return see_other(with_notice(f"/wishlists/{wid}", "list_created"))


@router.post("/wishlists/add")
async def add_to_wishlist(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Add a product (optionally a variant of it) to a list."""
    pid = form_id(form.get("product_id"), "product_id")
    set_back(request, f"/product/{pid}")
    vid = form_id(form.get("variant_id"), "variant_id") if form.get("variant_id") else None
    wid = form_id(form.get("wishlist_id"), "wishlist_id")
    with world.transaction() as s:
        services.add_to_wishlist(s, world, wid, pid, vid)
    return see_other(with_notice(f"/wishlists/{wid}", "wish_added"))


@router.post("/wishlists/{wishlist_id}/rename")
async def rename_wishlist(request: Request, form: FormDep, world: WorldDep,
                          wishlist_id: str) -> Response:
    """Rename a list."""
    wid = path_id(wishlist_id, "list")
    set_back(request, f"/wishlists/{wid}")
    with world.transaction() as s:
        services.rename_wishlist(s, wid, form.get("name")[:1000])
    return see_other(with_notice(f"/wishlists/{wid}", "list_renamed"))


@router.post("/wishlists/{wishlist_id}/delete")
async def delete_wishlist(request: Request, world: WorldDep, wishlist_id: str) -> Response:
    """Delete a list and its items (not the default list)."""
    wid = path_id(wishlist_id, "list")
    set_back(request, f"/wishlists/{wid}")
    with world.transaction() as s:
        services.delete_wishlist(s, wid)
    return see_other(with_notice("/wishlists", "list_deleted"))


def _item_list(world: World, item_id: int) -> int:
    with world.session() as s:
        item = s.get(WishlistItem, item_id)
        if item is None:
            raise HTTPException(404, f"there is no list item {item_id}")
        return item.wishlist_id


@router.post("/wishlists/items/{item_id}/move")
async def move_item(request: Request, form: FormDep, world: WorldDep, item_id: str) -> Response:
    """Move an item to another list."""
    iid = path_id(item_id, "list item")
    source = _item_list(world, iid)
    set_back(request, f"/wishlists/{source}")
    target = form_id(form.get("wishlist_id"), "wishlist_id")
    with world.transaction() as s:
        services.move_wishlist_item(s, iid, target)
    return see_other(with_notice(f"/wishlists/{source}", "wish_moved"))


@router.post("/wishlists/items/{item_id}/delete")
async def delete_item(request: Request, world: WorldDep, item_id: str) -> Response:
    """Remove an item from its list."""
    iid = path_id(item_id, "list item")
    source = _item_list(world, iid)
    set_back(request, f"/wishlists/{source}")
    with world.transaction() as s:
        services.remove_wishlist_item(s, iid)
    return see_other(with_notice(f"/wishlists/{source}", "wish_removed"))


@router.post("/wishlists/items/{item_id}/cart")
async def item_to_cart(request: Request, world: WorldDep, item_id: str) -> Response:
    """Add a list item to the cart (it stays on the list)."""
    iid = path_id(item_id, "list item")
    set_back(request, f"/wishlists/{_item_list(world, iid)}")
    with world.transaction() as s:
        services.wishlist_item_to_cart(s, world, iid)
    return see_other(with_notice("/cart", "added"))
