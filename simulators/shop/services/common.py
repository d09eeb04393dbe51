"""Lookups, validators and formats shared by the shop services (nothing here writes, except
`set_stock`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.memo import get_pinned
from webtwin.simulators.core.models import WorldMeta
from webtwin.simulators.core.world import World

from ..models import (
    Account,
    Address,
    CartItem,
    Inventory,
    Order,
    PaymentCard,
    Product,
    Variant,
    Wishlist,
    WishlistItem,
)
from .errors import ShopError, ShopNotFound

__all__ = [
    "DAY", "HOUR", "MAX_QUANTITY", "account", "check_quantity", "check_stock", "clean_text",
    "clock", "default_variant", "get_address", "get_card", "get_cart_item", "get_order",
    "get_product", "get_variant", "get_wishlist", "get_wishlist_item", "long_date", "money",
    "option_label", "option_text", "session_now", "set_stock", "short_date", "stock_of",
]

HOUR = 3600
DAY = 86400
MAX_QUANTITY = 10
# Spelled out: strftime's names follow the C locale, which a host may change.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

T = TypeVar("T")


def account(s: Session) -> Account:
    """The shopper (row id 1, created by the generator)."""
    found = get_pinned(s, Account, 1)
    if found is None:
        raise LookupError("this world has no shop account; generate the shop site first")
    return found


def clock(s: Session, world: World) -> int:
    """The virtual clock as this session sees it.

    Read through the session's identity map, not `world.now`: inside `World.advance` the
    clock row was changed in this very session and may not be flushed yet, and reading it
    this way needs no flush (generation calls this hundreds of times).
    """
    return session_now(s)


def session_now(s: Session) -> int:
    """The virtual clock read through the session (for services that take no `world`)."""
    row = s.get(WorldMeta, "now")
    if row is None:
        raise LookupError("world_meta has no clock")
    return int(row.value)


# -- lookups ----------------------------------------------------------------------------------
def _get(s: Session, model: type[T], key: object, what: str) -> T:
    if isinstance(key, bool) or not isinstance(key, int):
        raise ShopNotFound(f"No such {what} {key!r}")
    found = s.get(model, key)
    if found is None:
        raise ShopNotFound(f"No such {what} {key}")
    return found


def _catalog_row(s: Session, model: type[T], key: object, what: str) -> T:
    """A catalog row, kept for the session's life: the catalog never changes, and the
    session's identity map holds rows only weakly, so without this every lookup reloads."""
    held: dict[tuple[type, object], object] = s.info.setdefault("shop_catalog_rows", {})
    found = held.get((model, key))
    if found is None:
        found = held[(model, key)] = _get(s, model, key, what)
    return found  # type: ignore[return-value]


def get_product(s: Session, product_id: int) -> Product:
    return _catalog_row(s, Product, product_id, "product")


def get_variant(s: Session, variant_id: int) -> Variant:
    return _catalog_row(s, Variant, variant_id, "product variant")


def get_order(s: Session, order_id: int) -> Order:
    return _get(s, Order, order_id, "order")


def get_address(s: Session, address_id: int) -> Address:
    return _get(s, Address, address_id, "address")


def get_card(s: Session, card_id: int) -> PaymentCard:
    return _get(s, PaymentCard, card_id, "payment card")


def get_cart_item(s: Session, item_id: int) -> CartItem:
    return _get(s, CartItem, item_id, "cart item")


def get_wishlist(s: Session, wishlist_id: int) -> Wishlist:
    return _get(s, Wishlist, wishlist_id, "wish list")


def get_wishlist_item(s: Session, item_id: int) -> WishlistItem:
    return _get(s, WishlistItem, item_id, "wish-list item")


def default_variant(s: Session, product_id: int) -> Variant:
    """The variant a product page selects: the first in stock by position, else the first."""
    variants = s.scalars(select(Variant).where(Variant.product_id == product_id)
                         .order_by(Variant.position, Variant.id)).all()
    if not variants:
        raise ShopNotFound(f"No such product {product_id}")
    return next((v for v in variants if stock_of(s, v.id) > 0), variants[0])


# -- stock ------------------------------------------------------------------------------------
def stock_of(s: Session, variant_id: int) -> int:
    """Effective stock: the world's override if it has one, else the catalog's."""
    override = s.get(Inventory, variant_id)
    if override is not None:
        return override.stock
    return get_variant(s, variant_id).stock


def set_stock(s: Session, variant_id: int, stock: int) -> None:
    """Record the world's stock of a variant (an override row)."""
    row = s.get(Inventory, variant_id)
    if row is None:
        s.add(Inventory(variant_id=variant_id, stock=stock))
    else:
        row.stock = stock


def check_quantity(quantity: object) -> int:
    """A whole number from 1 to 10, or ShopError."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ShopError(f"Quantity must be a whole number from 1 to {MAX_QUANTITY}")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ShopError(f"Quantity must be from 1 to {MAX_QUANTITY} (got {quantity:,})")
    return quantity


def check_stock(s: Session, variant: Variant, quantity: int) -> None:
    """ShopError when fewer than `quantity` units are in stock."""
    stock = stock_of(s, variant.id)
    title = get_product(s, variant.product_id).title
    if stock <= 0:
        raise ShopError(f'"{title}" is out of stock')
    if quantity > stock:
        raise ShopError(f'Only {stock} left in stock of "{title}"; choose {stock} or fewer')


# -- text -------------------------------------------------------------------------------------
def clean_text(value: object, limit: int, what: str, *, required: bool = True) -> str:
    """`value` stripped; ShopError when missing (if required) or longer than `limit`."""
    if not isinstance(value, str):
        raise ShopError(f"Enter {what}")
    text = value.strip()
    if required and not text:
        raise ShopError(f"Enter {what}")
    if len(text) > limit:
        raise ShopError(f"{what[0].upper()}{what[1:]} is too long ({len(text):,} characters; "
                        f"at most {limit:,})")
    return text


def option_label(product: Product, variant: Variant) -> str:
    """"Colour: Red · Size: M" (empty for a product without options)."""
    return option_text(product.options, variant.option1, variant.option2)


def option_text(options: str | None, option1: str, option2: str) -> str:
    """`option_label` from the columns: the product's option names (JSON) and the values."""
    names = json.loads(options or "[]")
    return " · ".join(f"{name}: {value}" for name, value in zip(names, [option1, option2],
                                                                 strict=False) if value)


def money(cents: int) -> str:
    """"$1,234.56" (negative amounts as "-$5.00")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def long_date(at: int) -> str:
    """"Mar 10, 2026"."""
    moment = datetime.fromtimestamp(at, UTC)
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def short_date(at: int) -> str:
    """"Tue, Mar 10"."""
    moment = datetime.fromtimestamp(at, UTC)
    return f"{_WEEKDAYS[moment.weekday()]}, {_MONTHS[moment.month - 1]} {moment.day}"
