"""The shop side of workday tasks: things to buy, the shopper's defaults, checks of a new
order, and the side effects of shopping that a verifier tolerates.

Placing an order also writes tracking rows, takes stock, records a notice and mails a
confirmation; a return records a refund notice and mails it. Those follow from doing the task
and are allowed; anything else in the shop (another order, a changed default, a cart line
gone) is not. The shopper's cart may hold lines before the task: buying only what was asked
means leaving them in the cart or saving them for later, never deleting them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import Allow, Check, changed, inserted, pick
from webtwin.simulators.shop.models import (
    Address,
    CartItem,
    OrderItem,
    PaymentCard,
    WishlistItem,
)
from webtwin.simulators.shop.services.common import get_product, get_variant, option_label

from ._common import SHOP

__all__ = [
    "Item", "buy_items", "cart_lines", "defaults", "order_allowances", "order_checks",
    "pick_items", "product_actions", "save_cart_actions", "touched_products",
]

# Stock left after buying: enough that a task never runs into "Only 2 left".
MIN_STOCK = 12


@dataclass(frozen=True)
class Item:
    """A variant to buy, as a person names it, and how many."""

    product_id: int
    variant_id: int
    title: str
    options: str  # "Colour: Blue · Size: 7" ("" without options)
    price_cents: int
    quantity: int = 1

    @property
    def named(self) -> str:
        """"Trail Runner 2 (Colour: Blue, Size: 7)"."""
        return f"{self.title} ({self.options.replace(' · ', ', ')})" if self.options \
            else self.title

    def params(self) -> dict[str, Any]:
        return asdict(self)


def touched_products(s: Session) -> set[int]:
    """Products already in the shopper's orders, cart or wish lists (left out of new picks,
    so an instruction never names something the shopper already has somewhere)."""
    ordered = set(s.scalars(select(OrderItem.product_id)))
    wished = set(s.scalars(select(WishlistItem.product_id)))
    carted = {get_variant(s, v).product_id for v in s.scalars(select(CartItem.variant_id))}
    return ordered | wished | carted


_CANDIDATES = text("""
SELECT v.id, v.product_id, v.price_cents, COALESCE(i.stock, v.stock) AS stock
FROM catalog.variant v JOIN catalog.product p ON p.id = v.product_id
JOIN catalog.category c ON c.id = p.category_id
LEFT JOIN shop_inventory i ON i.variant_id = v.id
WHERE (:category = '' OR c.slug = :category) AND v.price_cents BETWEEN :low AND :high
ORDER BY v.id
""")


def pick_items(s: Session, rng: Random, count: int, *, category: str = "",
               low_cents: int = 0, high_cents: int = 10**9,
               quantities: Iterable[int] = (1,)) -> list[Item]:
    """`count` variants of distinct, untouched products in stock, priced in [low, high]."""
    avoid = touched_products(s)
    rows = s.execute(_CANDIDATES, {"category": category, "low": low_cents,
                                   "high": high_cents}).all()
    choices = sorted(set(quantities))
    chosen: list[Item] = []
    for _ in range(count):
        taken = avoid | {item.product_id for item in chosen}
        pool = [(int(v), int(p), int(c)) for v, p, c, stock in rows
                if int(p) not in taken and int(stock) >= MIN_STOCK + max(choices)]
        variant_id, product_id, cents = pick(rng, pool, "product in stock to buy")
        product, variant = get_product(s, product_id), get_variant(s, variant_id)
        chosen.append(Item(product_id, variant_id, product.title, option_label(product, variant),
                           cents, choices[rng.randrange(len(choices))]))
    return chosen


def defaults(s: Session) -> tuple[int, int]:
    """(default address id, default card id)."""
    address = s.scalars(select(Address.id).where(Address.is_default.is_(True))
                        .order_by(Address.id)).first()
    card = s.scalars(select(PaymentCard.id).where(PaymentCard.is_default.is_(True))
                     .order_by(PaymentCard.id)).first()
    if address is None or card is None:
        raise LookupError("the shopper has no default address or card")
    return address, card


def cart_lines(s: Session) -> list[int]:
    """Ids of the lines in the cart (not saved for later), as the cart page lists them."""
    return list(s.scalars(select(CartItem.id).where(CartItem.saved.is_(False))
                          .order_by(CartItem.added_at, CartItem.id)))


# -- verification -----------------------------------------------------------------------------
def order_checks(diff: WorldDiff, want: dict[int, int], address_id: int | None, card_id: int,
                 speed: str = "standard") -> tuple[Row | None, list[Check]]:
    """Exactly one new order, holding exactly `want` (variant id → quantity), shipped to
    `address_id` (None: checked by the caller) with `card_id` at `speed`."""
    orders = inserted(diff, "shop_order")
    order = orders[0] if len(orders) == 1 else None
    if order is None:
        return None, [Check("exactly one new order", False, f"{len(orders)} new orders")]
    lines: dict[int, int] = {}
    for row in inserted(diff, "shop_order_item"):
        if row["order_id"] == order["id"]:
            lines[row["variant_id"]] = lines.get(row["variant_id"], 0) + row["quantity"]
    checks = [
        Check("exactly one new order", True),
        Check("the right items", lines == want, f"expected {want}, got {lines}"),
        Check("paid with the default card", order["payment_card_id"] == card_id,
              f"card {order['payment_card_id']}"),
        Check(f"{speed} shipping", order["shipping_speed"] == speed, order["shipping_speed"]),
    ]
    if address_id is not None:
        checks.append(Check("to the default address", order["address_id"] == address_id,
                            f"address {order['address_id']}"))
    return order, checks


def order_allowances(diff: WorldDiff, order_ids: set[int], *, cart: bool = True) -> list[Allow]:
    """What placing (or returning from) the orders `order_ids` writes besides the order row:
    items, tracking, notices, returns, refunds, stock of the variants bought; with `cart`, the
    cart's promo code and earlier lines saved for later (or moved back)."""
    bought = {row["variant_id"] for row in inserted(diff, "shop_order_item")
              if row["order_id"] in order_ids}
    children = {"shop_order_item", "shop_tracking_event", "shop_notification", "shop_return"}

    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        row = new if new is not None else old
        if row is None:
            return False
        if table == "shop_order":
            return row["id"] in order_ids and kind != "deleted"
        if table in children:
            return row["order_id"] in order_ids and (kind == "inserted" or (
                table == "shop_order_item" and kind == "updated"
                and changed(old, new) <= {"returned_quantity"}))
        if table == "shop_inventory":
            return row["variant_id"] in bought and kind != "deleted"
        if table == "shop_account":
            return cart and kind == "updated" and changed(old, new) <= {"cart_promo_code"}
        return (cart and table == "shop_cart_item" and kind == "updated"
                and changed(old, new) <= {"saved"})
    return [allow]


# -- oracle navigation ------------------------------------------------------------------------
def product_actions(item: Item) -> list[str]:
    """Open the item's variant page and choose its quantity."""
    steps = [act.goto(f"{SHOP}/product/{item.product_id}?variant={item.variant_id}")]
    if item.quantity != 1:
        steps.append(act.select_option("quantity", str(item.quantity)))
    return steps


def save_cart_actions(cart_item_ids: list[int]) -> list[str]:
    """Open the cart and save what is in it for later (so checkout buys only the new lines)."""
    return [act.goto(f"{SHOP}/cart"), *[act.click(f"save-{i}") for i in cart_item_ids]]


def buy_items(items: list[Item], cart_item_ids: list[int]) -> list[str]:
    """Put exactly `items` in the cart, the earlier lines saved for later."""
    steps = save_cart_actions(cart_item_ids)
    for item in items:
        steps += [*product_actions(item), act.click("add-to-cart")]
    return steps
