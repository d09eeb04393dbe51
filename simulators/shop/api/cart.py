"""API: the cart, "Saved for later" and the promo code."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from .. import queries, services
from .schemas import CartAddIn, CartLineOut, CartOut, IdPath, PromoIn, QuantityIn

__all__ = ["cart_out", "router"]

router = APIRouter(tags=["cart"])


def _line(line: queries.CartLine) -> CartLineOut:
    return CartLineOut(id=line.item.id, variant_id=line.info.variant.id,
                       product_id=line.product.id, title=line.product.title,
                       options=line.options, quantity=line.item.quantity,
                       unit_price_cents=line.info.variant.price_cents, stock=line.info.stock,
                       saved=line.item.saved)


def cart_out(s: Session) -> CartOut:
    """The cart as the API shows it after any cart change."""
    cart = queries.cart_view(s)
    return CartOut(items=[_line(x) for x in cart.lines], saved=[_line(x) for x in cart.saved],
                   count=cart.count, subtotal_cents=cart.subtotal, promo_code=cart.promo_code)


@router.get("/cart", response_model=CartOut)
async def get_cart(world: WorldDep) -> CartOut:
    """The cart lines and "Saved for later"."""
    with world.session() as s:
        return cart_out(s)


@router.post("/cart/items", response_model=CartOut, status_code=201)
async def add_to_cart(world: WorldDep, body: CartAddIn) -> CartOut:
    """Add a variant (merged into its line when already in the cart)."""
    with world.transaction() as s:
        services.add_to_cart(s, world, body.variant_id, body.quantity)
        return cart_out(s)


@router.patch("/cart/items/{item_id}", response_model=CartOut)
async def set_quantity(world: WorldDep, item_id: IdPath, body: QuantityIn) -> CartOut:
    """Change a line's quantity."""
    with world.transaction() as s:
        services.set_quantity(s, item_id, body.quantity)
        return cart_out(s)


@router.delete("/cart/items/{item_id}", response_model=CartOut)
async def remove_from_cart(world: WorldDep, item_id: IdPath) -> CartOut:
    """Remove a cart or saved line."""
    with world.transaction() as s:
        services.remove_from_cart(s, item_id)
        return cart_out(s)


@router.post("/cart/items/{item_id}/save", response_model=CartOut)
async def save_for_later(world: WorldDep, item_id: IdPath) -> CartOut:
    """Move a line to "Saved for later"."""
    with world.transaction() as s:
        services.save_for_later(s, item_id)
        return cart_out(s)


@router.post("/cart/items/{item_id}/move", response_model=CartOut)
async def move_to_cart(world: WorldDep, item_id: IdPath) -> CartOut:
    """Move a saved line back to the cart."""
    with world.transaction() as s:
        services.move_to_cart(s, item_id)
        return cart_out(s)


@router.post("/cart/promo", response_model=CartOut)
async def apply_promo(world: WorldDep, body: PromoIn) -> CartOut:
    """Apply a promo code (valid now for the cart's subtotal)."""
    with world.transaction() as s:
        services.apply_promo(s, world, body.code)
        return cart_out(s)


@router.delete("/cart/promo", response_model=CartOut)
async def remove_promo(world: WorldDep) -> CartOut:
    """Take the promo code off the cart."""
    with world.transaction() as s:
        services.remove_promo(s)
        return cart_out(s)
