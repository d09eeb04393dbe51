"""The cart: lines, "Saved for later" and the cart's promo code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import CartItem, PromoCode
from .common import (
    MAX_QUANTITY,
    account,
    check_quantity,
    check_stock,
    clock,
    get_cart_item,
    get_variant,
)
from .errors import ShopError
from .pricing import cart_lines, promo_problem

__all__ = ["add_to_cart", "apply_promo", "move_to_cart", "remove_from_cart", "remove_promo",
           "save_for_later", "set_quantity"]


def add_to_cart(s: Session, world: World, variant_id: int, quantity: int) -> CartItem:
    """Add `quantity` units, merged into the variant's cart line when there is one."""
    quantity = check_quantity(quantity)
    variant = get_variant(s, variant_id)
    line = _line(s, variant.id, saved=False)
    total = quantity + (line.quantity if line else 0)
    _check_total(total, line)
    check_stock(s, variant, total)
    if line is None:
        line = CartItem(id=World.next_id(s, CartItem.__tablename__), variant_id=variant.id,
                        quantity=total, saved=False, added_at=clock(s, world))
        s.add(line)
    line.quantity = total
    s.flush()
    return line


def set_quantity(s: Session, item_id: int, quantity: int) -> CartItem:
    """Change a line's quantity (stock is checked for lines in the cart, not saved ones)."""
    item = get_cart_item(s, item_id)
    quantity = check_quantity(quantity)
    if not item.saved:
        check_stock(s, get_variant(s, item.variant_id), quantity)
    item.quantity = quantity
    s.flush()
    return item


def remove_from_cart(s: Session, item_id: int) -> None:
    """Delete a cart or saved-for-later line."""
    s.delete(get_cart_item(s, item_id))
    s.flush()


def save_for_later(s: Session, item_id: int) -> CartItem:
    """Move a cart line to "Saved for later" (merged with a saved line of the same variant,
    at most 10 units)."""
    item = get_cart_item(s, item_id)
    if item.saved:
        raise ShopError("This item is already saved for later")
    saved = _line(s, item.variant_id, saved=True)
    if saved is None:
        item.saved = True
        s.flush()
        return item
    saved.quantity = min(MAX_QUANTITY, saved.quantity + item.quantity)
    s.delete(item)
    s.flush()
    return saved


def move_to_cart(s: Session, item_id: int) -> CartItem:
    """Move a saved line back to the cart (merged with the variant's cart line)."""
    item = get_cart_item(s, item_id)
    if not item.saved:
        raise ShopError("This item is already in your cart")
    line = _line(s, item.variant_id, saved=False)
    total = item.quantity + (line.quantity if line else 0)
    _check_total(total, line)
    check_stock(s, get_variant(s, item.variant_id), total)
    if line is None:
        item.saved = False
        s.flush()
        return item
    line.quantity = total
    s.delete(item)
    s.flush()
    return line


def apply_promo(s: Session, world: World, code: str) -> PromoCode:
    """Put a promo code on the cart; it must be valid now for the cart's subtotal."""
    wanted = (code or "").strip().upper() if isinstance(code, str) else ""
    if not wanted:
        raise ShopError("Enter a promo code")
    promo = s.scalars(select(PromoCode).where(PromoCode.code == wanted)).first()
    if promo is None:
        raise ShopError(f"{wanted[:40]} is not a valid promo code")
    lines = cart_lines(s)
    if not lines:
        raise ShopError("Your cart is empty; add items before applying a promo code")
    problem = promo_problem(promo, sum(line.line_cents for line in lines), clock(s, world))
    if problem:
        raise ShopError(problem)
    account(s).cart_promo_code = promo.code
    s.flush()
    return promo


def remove_promo(s: Session) -> None:
    """Take the promo code off the cart."""
    owner = account(s)
    if owner.cart_promo_code is None:
        raise ShopError("No promo code is applied to your cart")
    owner.cart_promo_code = None
    s.flush()


def _line(s: Session, variant_id: int, *, saved: bool) -> CartItem | None:
    return s.scalars(select(CartItem).where(CartItem.variant_id == variant_id,
                                            CartItem.saved.is_(saved))
                     .order_by(CartItem.id)).first()


def _check_total(total: int, line: CartItem | None) -> None:
    if total > MAX_QUANTITY:
        held = f" (your cart already has {line.quantity})" if line else ""
        raise ShopError(f"At most {MAX_QUANTITY} of an item per order{held}")
