"""Helpers shared by the shop's cart and purchase families: picking, naming, oracle navigation
and what placing an order may change.

Every pick goes through `pick` over a list built from queries with ORDER BY, so an instance
depends only on the world and the seeded rng. A product is named as a person names it: its
title and, when it has options, the variant's values ("Colour: Red, Size: M"). Purchase
verifiers read the row diff (`agent_changes`) and allow exactly what placing one order writes
(`placing`), plus the shopper moving other cart lines to "Saved for later" to leave them out of
a cart checkout (`setting_aside`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import (
    Allow,
    Check,
    TaskUnavailable,
    Verdict,
    allow_any,
    changed,
    inserted,
    is_insert,
    is_update,
    only_expected_changes,
    pick,
)

from ..models import (
    Address,
    CartItem,
    Inventory,
    PaymentCard,
    Product,
    Review,
    Variant,
)

__all__ = [
    "CART_RULE", "SPEED_NAMES", "Item", "Placed", "address_actions", "allow_any",
    "cart_checkout_actions", "cart_lines", "cart_products", "checkout_actions",
    "default_address_id", "default_card_id", "is_insert", "is_update", "item_of",
    "open_product_actions", "order_checks", "pick", "pick_item", "placed_order", "placing",
    "purchase_verdict", "reviewed_products", "set_aside_actions", "setting_aside",
    "shopper_params", "stocked_variants", "verdict",
]

# Said in every purchase instruction: a cart checkout buys every cart line, so a shopper who
# goes through the cart sets the others aside; "Buy now" leaves the cart alone.
CART_RULE = ("Don't buy or remove anything else in your cart (moving items to Saved for later "
             "is fine).")
SPEED_NAMES = {"standard": "standard delivery", "expedited": "expedited delivery",
               "next_day": "next-day delivery"}
# What the clock may write on a new order while the episode runs (shipping a next-day order).
ORDER_LIFECYCLE = frozenset({"status", "shipped_at", "carrier", "tracking_number"})


@dataclass(frozen=True)
class Item:
    """A product variant as a person names it (and the ids an oracle needs)."""

    product_id: int
    variant_id: int
    title: str
    options: str  # "Colour: Red, Size: M", "" for a product without options
    variants: int  # how many variants the product has (a page shows links when > 1)
    price_cents: int
    fast: bool
    stock: int

    @property
    def named(self) -> str:
        """'"Title"' or '"Title" (Colour: Red, Size: M)'."""
        return f'"{self.title}"' + (f" ({self.options})" if self.options else "")

    def params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Item:
        return cls(**{key: params[key] for key in cls.__dataclass_fields__})


# -- lookups ----------------------------------------------------------------------------------
def _options(product: Product, variant: Variant) -> str:
    names = json.loads(product.options or "[]")
    values = (variant.option1, variant.option2)
    return ", ".join(f"{name}: {value}" for name, value in zip(names, values, strict=False)
                     if value)


_STOCK = func.coalesce(Inventory.stock, Variant.stock)


def item_of(s: Session, variant_id: int) -> Item:
    row = s.execute(select(Variant, Product, _STOCK)
                    .join(Product, Product.id == Variant.product_id)
                    .outerjoin(Inventory, Inventory.variant_id == Variant.id)
                    .where(Variant.id == variant_id)).first()
    if row is None:
        raise TaskUnavailable(f"the catalog has no variant {variant_id}")
    variant, product, stock = row
    count = s.scalar(select(func.count()).where(Variant.product_id == product.id))
    return Item(product.id, variant.id, product.title, _options(product, variant), int(count or 1),
                variant.price_cents, bool(product.fast_delivery), int(stock))


def stocked_variants(s: Session, quantity: int = 1, *, avoid: Iterable[int] = (),
                     fast: bool | None = None, min_variants: int = 1, min_price: int = 0,
                     with_options: bool = False) -> list[int]:
    """Ids of variants with at least `quantity` in stock, of products not in `avoid`
    (`min_variants`: of products with that many variants; `with_options`: named by options)."""
    counts = (select(Variant.product_id).group_by(Variant.product_id)
              .having(func.count() >= min_variants))
    query = (select(Variant.id).join(Product, Product.id == Variant.product_id)
             .outerjoin(Inventory, Inventory.variant_id == Variant.id)
             .where(_STOCK >= quantity, Variant.price_cents >= min_price,
                    Product.id.not_in(sorted(set(avoid))), Product.id.in_(counts))
             .order_by(Variant.id))
    if fast is not None:
        query = query.where(Product.fast_delivery.is_(fast))
    if with_options:
        query = query.where(Variant.option1 != "")
    return list(s.scalars(query))


def pick_item(s: Session, rng: Random, variant_ids: Sequence[int], what: str) -> Item:
    """One of `variant_ids` (in a deterministic order), as an item."""
    return item_of(s, pick(rng, variant_ids, what))


def cart_lines(s: Session, *, saved: bool | None = None) -> list[CartItem]:
    """Cart lines by id (`saved` None: both the cart and "Saved for later")."""
    query = select(CartItem).order_by(CartItem.id)
    if saved is not None:
        query = query.where(CartItem.saved.is_(saved))
    return list(s.scalars(query))


def cart_products(s: Session) -> set[int]:
    """Products with a line in the cart or in "Saved for later"."""
    ids = [line.variant_id for line in cart_lines(s)]
    return set(s.scalars(select(Variant.product_id).where(Variant.id.in_(ids))))


def reviewed_products(s: Session) -> set[int]:
    """Products the shopper reviewed (their pages count that review in the rating)."""
    return set(s.scalars(select(Review.product_id)))


def default_address_id(s: Session) -> int:
    found = s.scalars(select(Address.id).where(Address.is_default.is_(True))
                      .order_by(Address.id)).first()
    if found is None:
        raise TaskUnavailable("this world has no default address")
    return found


def default_card_id(s: Session) -> int:
    found = s.scalars(select(PaymentCard.id).where(PaymentCard.is_default.is_(True))
                      .order_by(PaymentCard.id)).first()
    if found is None:
        raise TaskUnavailable("this world has no default card")
    return found


# -- oracle navigation ------------------------------------------------------------------------
def open_product_actions(item: Item) -> list[str]:
    """Search the title, open the product and select the variant, as a person would."""
    steps = [act.fill("search-input", item.title), act.click("search-submit"),
             act.click(f"product-{item.product_id}")]
    return steps + ([act.click(f"variant-{item.variant_id}")] if item.variants > 1 else [])


def set_aside_actions(line_ids: Sequence[int]) -> list[str]:
    """On the cart page: move these lines to "Saved for later"."""
    return [act.click(f"save-{line_id}") for line_id in line_ids]


def checkout_actions(speed: str = "standard", address_id: int | None = None) -> list[str]:
    """On the checkout page: choose the address (default: as checked), the speed, place it."""
    steps = [act.click(f"address-{address_id}")] if address_id is not None else []
    steps += [act.click(f"speed-{speed}")] if speed != "standard" else []
    return [*steps, act.click("place-order")]


def cart_checkout_actions(p: dict[str, Any], promo: str | None = None) -> list[str]:
    """On the cart page: set the other lines aside, apply `promo`, check out as `p` asks."""
    steps = set_aside_actions(p["cart_line_ids"])
    steps += [act.fill("promo-code", promo), act.click("apply-promo")] if promo else []
    return [*steps, act.click("checkout"), *checkout_actions(p["speed"])]


def address_actions(fields: dict[str, str]) -> list[str]:
    """On the address form: fill every given field and save (country is prefilled)."""
    bids = {"full_name": "full-name", "line1": "line1", "line2": "line2", "city": "city",
            "region": "region", "postal_code": "postal-code", "country": "country",
            "phone": "phone"}
    return [*(act.fill(f"address-{bids[key]}", value) for key, value in fields.items()
              if value), act.click("save-address")]


# -- verification -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Placed:
    """The agent's new orders and, when there is exactly one, its row and item rows."""

    count: int
    order: Row | None
    items: list[Row]

    @property
    def order_id(self) -> int | None:
        return self.order["id"] if self.order else None

    @property
    def bought(self) -> list[tuple[int, int]]:
        """(variant id, quantity) of the order's lines."""
        return [(row["variant_id"], row["quantity"]) for row in self.items]


def placed_order(diff: WorldDiff) -> Placed:
    orders = inserted(diff, "shop_order")
    order = orders[0] if len(orders) == 1 else None
    items = [row for row in inserted(diff, "shop_order_item")
             if order is not None and row["order_id"] == order["id"]]
    return Placed(len(orders), order, items)


def order_checks(placed: Placed, *, variant_id: int | None = None,
                 product_id: int | None = None, quantity: int = 1,
                 address_id: int | None, card_id: int, speed: str) -> list[Check]:
    """One new order holding only the item (a variant, or any variant of a product), shipped
    to `address_id` at `speed` and paid with `card_id`."""
    order = placed.order or {}
    lines = [(row["product_id"], row["variant_id"], row["quantity"]) for row in placed.items]
    right = len(lines) == 1 and lines[0][2] == quantity and (
        lines[0][1] == variant_id if variant_id is not None else lines[0][0] == product_id)
    return [
        Check("exactly one order placed", placed.count == 1, f"{placed.count} placed"),
        Check("the order holds only the item", right,
              f"expected {quantity} of {variant_id or f'product {product_id}'}, got {lines}"),
        Check("shipped to the address", address_id is not None
              and order.get("address_id") == address_id,
              f"expected {address_id}, got {order.get('address_id')}"),
        Check("paid with the default card", order.get("payment_card_id") == card_id,
              f"expected {card_id}, got {order.get('payment_card_id')}"),
        Check(SPEED_NAMES[speed], order.get("shipping_speed") == speed,
              f"got {order.get('shipping_speed')}"),
    ]


def _stock_taken(variants: set[int]) -> Allow:
    """The order's stock: an inventory row of a bought variant written or lowered."""
    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        row = new if new is not None else old
        return (table == "shop_inventory" and kind in ("inserted", "updated")
                and row is not None and row["variant_id"] in variants)
    return allow


def placing(placed: Placed) -> Allow:
    """Every row placing the one new order writes: the order, its items, its tracking and
    notices, the stock it took (and the clock moving it on if the episode runs that long)."""
    oid = placed.order_id

    def of_order(row: Row) -> bool:
        return oid is not None and row["order_id"] == oid

    return allow_any(
        is_insert("shop_order", lambda row: row["id"] == oid),
        is_update("shop_order", [oid], ORDER_LIFECYCLE),
        is_insert("shop_order_item", of_order), is_insert("shop_tracking_event", of_order),
        is_insert("shop_notification", of_order),
        _stock_taken({variant for variant, _ in placed.bought}))


def setting_aside(line_ids: Iterable[int]) -> Allow:
    """Cart lines `line_ids` moved to "Saved for later" (and nothing else about them)."""
    wanted = set(line_ids)

    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        return (table == "shop_cart_item" and kind == "updated" and old is not None
                and new is not None and old["id"] in wanted and changed(old, new) == {"saved"}
                and bool(new["saved"]))
    return allow


def verdict(checks: Sequence[Check], diff: WorldDiff, *allows: Allow) -> Verdict:
    """The task's checks plus "nothing else changed" with the given allowances."""
    return Verdict(checks=(*checks, only_expected_changes(diff, allow_any(*allows))))


def shopper_params(s: Session, speed: str = "standard") -> dict[str, Any]:
    """What every purchase verifier needs: the default address and card, the speed asked
    for, and the cart lines a cart checkout must leave out."""
    return {"address_id": default_address_id(s), "card_id": default_card_id(s),
            "speed": speed, "cart_line_ids": [line.id for line in cart_lines(s, saved=False)]}


def purchase_verdict(p: dict[str, Any], diff: WorldDiff, placed: Placed, *,
                     variant_id: int | None = None, product_id: int | None = None,
                     extra: Sequence[Check] = (), allows: Sequence[Allow] = ()) -> Verdict:
    """One order of one unit as `p` (`shopper_params`: address, card, speed, cart lines)
    asks, and nothing else changed but what placing it writes and other cart lines set
    aside."""
    checks = order_checks(placed, variant_id=variant_id, product_id=product_id,
                          address_id=p["address_id"], card_id=p["card_id"], speed=p["speed"])
    return verdict([*checks, *extra], diff, placing(placed),
                   setting_aside(p["cart_line_ids"]), *allows)
