"""Checkout: turning the cart (or one "Buy now" item) into an order."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import derive_seed
from webtwin.simulators.core.world import World

from ..models import Address, CartItem, Order, OrderItem, PaymentCard
from .account import card_expired
from .common import (
    account,
    check_stock,
    clock,
    get_address,
    get_card,
    get_variant,
    set_stock,
    stock_of,
)
from .errors import ShopError
from .notices import placed_text
from .notify import notify
from .orders import add_tracking, ship_at
from .pricing import Quote, buy_now_lines, cart_lines, cart_promo, price

__all__ = ["create_order", "order_number", "place_order", "ship_to_text"]


def place_order(s: Session, world: World, address_id: int, speed: str, card_id: int,
                buy_now: tuple[int, int] | None = None) -> Order:
    """Place an order for the cart's lines (or only `buy_now` = (variant id, quantity)).

    Checks everything first: lines, stock, speed, address, card (not expired), the cart's promo
    code. Then takes the stock, empties the bought cart lines and the cart's promo code,
    sends the confirmation and schedules shipping.
    """
    now = clock(s, world)
    lines = buy_now_lines(s, buy_now) if buy_now is not None else cart_lines(s)
    if not lines:
        raise ShopError("Your cart is empty; add items before checking out")
    for line in lines:
        check_stock(s, get_variant(s, line.variant_id), line.quantity)
    promo = None if buy_now is not None else cart_promo(s)
    priced = price(lines, speed, now, promo)
    if priced.promo_error:
        raise ShopError(f"Promo code {priced.promo_code} no longer applies: "
                        f"{priced.promo_error}. Remove it or change your cart")
    address, card = get_address(s, address_id), get_card(s, card_id)
    if card_expired(card, now):
        raise ShopError(f"Your {card.network} ending in {card.last4} expired "
                        f"({card.exp_month:02d}/{card.exp_year}); choose another card")
    order = create_order(s, world, priced, address, card, now)
    for line in lines:
        _take_stock(s, line.variant_id, line.quantity)
    if buy_now is None:
        s.execute(delete(CartItem).where(CartItem.saved.is_(False)))
        account(s).cart_promo_code = None
    subject, body = placed_text(s, order)
    notify(s, world, "order_placed", subject, body, order.id, sender="orders")
    world.schedule(s, ship_at(order), "shop", "ship", {"order_id": order.id})
    s.flush()
    return order


def create_order(s: Session, world: World, priced: Quote, address: Address, card: PaymentCard,
                 at: int) -> Order:
    """The order and item rows for a quote, placed at `at` (no stock, cart or notice)."""
    order_id = World.next_id(s, Order.__tablename__)
    order = Order(
        id=order_id, number=order_number(s, world, order_id), placed_at=at, status="placed",
        shipping_speed=priced.speed, address_id=address.id, ship_to=ship_to_text(address),
        payment_card_id=card.id, payment_label=f"{card.network} ending in {card.last4}",
        promo_code=priced.promo_code if priced.discount_cents else None,
        subtotal_cents=priced.subtotal_cents, discount_cents=priced.discount_cents,
        shipping_cents=priced.shipping_cents, tax_cents=priced.tax_cents,
        total_cents=priced.total_cents, estimated_delivery=priced.estimated_delivery)
    s.add(order)
    for line in priced.lines:
        s.add(OrderItem(id=World.next_id(s, OrderItem.__tablename__), order_id=order_id,
                        product_id=line.product_id, variant_id=line.variant_id,
                        title=line.title, options=line.options,
                        unit_price_cents=line.unit_price_cents, quantity=line.quantity))
    add_tracking(s, order, "placed", at)
    return order


def order_number(s: Session, world: World, order_id: int) -> str:
    """"123-4567890-1234567", derived from the world's seed and the order id (unique)."""
    for attempt in range(100):
        digits = f"{derive_seed(world.seed, 'shop', 'order', order_id, attempt) % 10**17:017d}"
        number = f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"
        if s.scalars(select(Order.id).where(Order.number == number)).first() is None:
            return number
    raise RuntimeError("could not derive a unique order number")  # 1e-17 chance per try


def ship_to_text(address: Address) -> str:
    """The address as the lines a label shows."""
    lines = [address.full_name, address.line1, address.line2,
             f"{address.city}, {address.region} {address.postal_code}", address.country]
    return "\n".join(line for line in lines if line)


def _take_stock(s: Session, variant_id: int, quantity: int) -> None:
    set_stock(s, variant_id, stock_of(s, variant_id) - quantity)

