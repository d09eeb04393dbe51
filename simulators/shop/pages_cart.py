"""The cart (lines, saved for later, promo code) and checkout."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import FormDep, WorldDep, see_other
from webtwin.simulators.core.world import UserError, World

from . import queries, services
from .models import SHIPPING_SPEEDS, Variant
from .pages_common import (
    chrome,
    form_id,
    form_int,
    path_id,
    render_page,
    set_back,
    with_notice,
)

__all__ = ["router"]

router = APIRouter()
SPEED_NAMES = {"standard": "Standard delivery", "expedited": "Expedited delivery",
               "next_day": "Next-day delivery"}


@router.post("/cart/add")
async def add_to_cart(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Add a variant to the cart, or go straight to a one-item checkout ("Buy Now")."""
    variant_id = form_id(form.get("variant_id"), "variant_id")
    with world.session() as s:
        variant = s.get(Variant, variant_id)
        if variant is None:
            raise HTTPException(404, f"there is no product variant {variant_id}")
        set_back(request, f"/product/{variant.product_id}?variant={variant_id}")
    quantity = form_int(form.get("quantity", "1") or "1", "quantity", 1, 10)
    action = form.get("action", "add") or "add"
    if action == "buy_now":
        return see_other("/checkout?" + urlencode({"buy_now": variant_id, "quantity": quantity}))
    if action != "add":
        raise HTTPException(400, f"action must be add or buy_now, not {action[:40]!r}")
    with world.transaction() as s:
        services.add_to_cart(s, world, variant_id, quantity)
    return see_other(with_notice("/cart", "added"))


@router.get("/cart", response_class=HTMLResponse)
async def cart_page(request: Request, world: WorldDep) -> HTMLResponse:
    """The cart, its subtotal box with the promo code, and "Saved for later"."""
    with world.session() as s:
        cart = queries.cart_view(s)
        quote = services.quote(s, world) if cart.lines else None
        return render_page("shop/cart.html", ui=chrome(s, world, request, active="cart"),
                           cart=cart, quote=quote)


def _line_action(request: Request, world: World, item_text: str, notice: str,
                 action: str, quantity: int = 0) -> Response:
    item_id = path_id(item_text, "cart item")
    set_back(request, "/cart")
    with world.transaction() as s:
        if action == "quantity":
            services.set_quantity(s, item_id, quantity)
        elif action == "delete":
            services.remove_from_cart(s, item_id)
        elif action == "save":
            services.save_for_later(s, item_id)
        else:
            services.move_to_cart(s, item_id)
    return see_other(with_notice("/cart", notice))


@router.post("/cart/{item_id}/quantity")
async def set_quantity(request: Request, form: FormDep, world: WorldDep,
                       item_id: str) -> Response:
    """Change a cart line's quantity."""
    set_back(request, "/cart")
    quantity = form_int(form.get("quantity"), "quantity", 1, 10)
    return _line_action(request, world, item_id, "cart_updated", "quantity", quantity)


@router.post("/cart/{item_id}/delete")
async def delete_line(request: Request, world: WorldDep, item_id: str) -> Response:
    """Remove a cart or saved line."""
    return _line_action(request, world, item_id, "cart_removed", "delete")


@router.post("/cart/{item_id}/save")
async def save_line(request: Request, world: WorldDep, item_id: str) -> Response:
    """Move a cart line to "Saved for later"."""
    return _line_action(request, world, item_id, "saved", "save")


@router.post("/cart/{item_id}/move")
async def move_line(request: Request, world: WorldDep, item_id: str) -> Response:
    """Move a saved line back to the cart."""
    return _line_action(request, world, item_id, "moved", "move")


@router.post("/cart/promo")
async def apply_promo(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Apply a promo code to the cart."""
    set_back(request, "/cart")
    with world.transaction() as s:
        services.apply_promo(s, world, form.get("code")[:100])
    return see_other(with_notice("/cart", "promo_applied"))


@router.post("/cart/promo/remove")
async def remove_promo(request: Request, world: WorldDep) -> Response:
    """Take the promo code off the cart."""
    set_back(request, "/cart")
    with world.transaction() as s:
        services.remove_promo(s)
    return see_other(with_notice("/cart", "promo_removed"))


# -- checkout ---------------------------------------------------------------------------------
def _buy_now(variant_text: str, quantity_text: str) -> tuple[int, int] | None:
    if not variant_text.strip():
        return None
    return (form_id(variant_text, "buy_now"),
            form_int(quantity_text.strip() or "1", "quantity", 1, 10))


def _checkout_url(buy_now: tuple[int, int] | None) -> str:
    if buy_now is None:
        return "/checkout"
    return "/checkout?" + urlencode({"buy_now": buy_now[0], "quantity": buy_now[1]})


@router.get("/checkout", response_class=HTMLResponse)
async def checkout_page(request: Request, world: WorldDep, buy_now: str = "",
                        quantity: str = "1", speed: str = "standard") -> Response:
    """Address, delivery speed, payment and the order summary."""
    one = _buy_now(buy_now, quantity)
    set_back(request, f"/product/{one[0]}" if one else "/cart")
    with world.session() as s:
        if one is None and not queries.cart_view(s).lines:
            return see_other("/cart")
        return _render_checkout(request, s, world, one, speed)


def _render_checkout(request: Request, s: Session, world: World, one: tuple[int, int] | None,
                     speed: str) -> HTMLResponse:
    if one is not None and s.get(Variant, one[0]) is None:
        raise HTTPException(404, f"there is no product variant {one[0]}")
    options = services.shipping_options(s, world, one)
    offered = [option[0] for option in options]
    chosen = speed if speed in offered else "standard"
    quote = services.quote(s, world, chosen, one)
    return render_page(
        "shop/checkout.html", ui=chrome(s, world, request, active="cart"), quote=quote,
        options=options, chosen=chosen, speed_names=SPEED_NAMES, one=one,
        addresses=queries.addresses(s), cards=queries.cards(s), now=world.now,
        expired=queries.card_expired, back=_checkout_url(one))


@router.post("/checkout")
async def place_order(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Place the order; the confirmation is the order page."""
    one = _buy_now(form.get("buy_now"), form.get("quantity"))
    set_back(request, _checkout_url(one))
    if not form.get("address_id").strip():
        raise UserError("Choose a delivery address (or add one) before placing your order")
    if not form.get("card_id").strip():
        raise UserError("Choose a payment method (or add a card) before placing your order")
    speed = form.get("speed", "standard") or "standard"
    if speed not in SHIPPING_SPEEDS:
        raise UserError(f"Choose a delivery speed: {', '.join(SHIPPING_SPEEDS)}")
    address_id = form_id(form.get("address_id"), "address_id")
    card_id = form_id(form.get("card_id"), "card_id")
    with world.transaction() as s:
        order = services.place_order(s, world, address_id, speed, card_id, one)
        order_id = order.id
    return see_other(f"/orders/{order_id}?placed=1")
