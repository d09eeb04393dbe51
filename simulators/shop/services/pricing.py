"""The money rules: subtotal, promo discount, shipping, tax and total, in integer cents.

Percentages round half up. `price` is pure (lines, speed, time, promo) so that checkout, the
cart page and the generator's past orders compute every amount the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import SHIPPING_SPEEDS, PromoCode
from .common import (
    DAY,
    account,
    check_quantity,
    clock,
    get_product,
    get_variant,
    long_date,
    money,
    option_label,
    option_text,
    stock_of,
)
from .errors import ShopError, ShopNotFound

__all__ = [
    "FREE_SHIPPING_MIN_CENTS", "SHIPPING", "TAX_PERCENT", "Quote", "QuoteLine", "buy_now_lines",
    "cart_lines", "cart_promo", "check_speed", "discount_for", "estimated_delivery", "line_for",
    "percent_of", "price", "promo_problem", "quote", "shipping_options", "speeds_for",
]

# speed -> (price in cents, days to delivery)
SHIPPING = {"standard": (599, 5), "expedited": (999, 2), "next_day": (1499, 1)}
FREE_SHIPPING_MIN_CENTS = 3500
TAX_PERCENT = 8


@dataclass(frozen=True)
class QuoteLine:
    """One line being bought: a cart line (`cart_item_id`) or the buy-now item (None)."""

    variant_id: int
    product_id: int
    title: str
    options: str
    unit_price_cents: int
    quantity: int
    fast_delivery: bool
    stock: int
    cart_item_id: int | None = None

    @property
    def line_cents(self) -> int:
        return self.unit_price_cents * self.quantity


@dataclass(frozen=True)
class Quote:
    """What checkout would charge. `promo_code` is the cart's code even when it does not apply
    (then `discount_cents` is 0 and `promo_error` says why)."""

    lines: list[QuoteLine]
    subtotal_cents: int
    discount_cents: int
    promo_code: str | None
    shipping_cents: int
    tax_cents: int
    total_cents: int
    speed: str
    estimated_delivery: int
    promo_error: str | None = None
    speeds: list[str] = field(default_factory=list)  # the speeds offered for these lines


def percent_of(amount: int, percent: int) -> int:
    """`amount × percent / 100`, rounded half up (amounts are never negative)."""
    return (amount * percent + 50) // 100


def discount_for(promo: PromoCode, subtotal: int) -> int:
    if promo.kind == "percent":
        return percent_of(subtotal, promo.value)
    return min(promo.value, subtotal)


def promo_problem(promo: PromoCode, subtotal: int, at: int) -> str | None:
    """Why `promo` does not apply to `subtotal` at time `at`, or None when it does."""
    if at < promo.starts_at:
        return f"{promo.code} can be used from {long_date(promo.starts_at)}"
    if at >= promo.expires_at:
        return f"{promo.code} expired on {long_date(promo.expires_at - 1)}"
    if subtotal < promo.min_subtotal_cents:
        return f"Add {money(promo.min_subtotal_cents - subtotal)} more to use {promo.code}"
    return None


def estimated_delivery(speed: str, at: int) -> int:
    """UTC midnight of the day of `at` plus the speed's days."""
    return (at // DAY + SHIPPING[speed][1]) * DAY


def speeds_for(lines: list[QuoteLine]) -> list[str]:
    """Next-day delivery only when every item is eligible."""
    fast = bool(lines) and all(line.fast_delivery for line in lines)
    return [speed for speed in SHIPPING_SPEEDS if speed != "next_day" or fast]


def _shipping_cents(speed: str, after_discount: int) -> int:
    if speed == "standard" and after_discount >= FREE_SHIPPING_MIN_CENTS:
        return 0
    return SHIPPING[speed][0]


def check_speed(speed: object, lines: list[QuoteLine]) -> str:
    if speed not in SHIPPING:
        raise ShopError(f"Choose a delivery speed: {', '.join(SHIPPING_SPEEDS)}")
    assert isinstance(speed, str)
    if speed not in speeds_for(lines):
        raise ShopError("Next-day delivery is only offered when every item is eligible; "
                        "choose standard or expedited")
    return speed


def price(lines: list[QuoteLine], speed: str, at: int,
          promo: PromoCode | None = None) -> Quote:
    """The quote for `lines` shipped at `speed`, priced at time `at`."""
    speed = check_speed(speed, lines)
    subtotal = sum(line.line_cents for line in lines)
    problem = None if promo is None else promo_problem(promo, subtotal, at)
    discount = 0 if promo is None or problem else discount_for(promo, subtotal)
    shipping = _shipping_cents(speed, subtotal - discount) if lines else 0
    tax = percent_of(subtotal - discount + shipping, TAX_PERCENT)
    return Quote(lines=lines, subtotal_cents=subtotal, discount_cents=discount,
                 promo_code=promo.code if promo else None, shipping_cents=shipping,
                 tax_cents=tax, total_cents=subtotal - discount + shipping + tax, speed=speed,
                 estimated_delivery=estimated_delivery(speed, at), promo_error=problem,
                 speeds=speeds_for(lines))


# -- lines ------------------------------------------------------------------------------------
def line_for(s: Session, variant_id: int, quantity: int,
             cart_item_id: int | None = None) -> QuoteLine:
    variant = get_variant(s, variant_id)
    product = get_product(s, variant.product_id)
    return QuoteLine(variant_id=variant.id, product_id=product.id, title=product.title,
                     options=option_label(product, variant),
                     unit_price_cents=variant.price_cents, quantity=quantity,
                     fast_delivery=bool(product.fast_delivery), stock=stock_of(s, variant.id),
                     cart_item_id=cart_item_id)


def cart_lines(s: Session) -> list[QuoteLine]:
    """The cart's lines that are not saved for later, oldest first.

    One plain statement (what `line_for` reads, for every line at once): the cart and checkout
    pages price the cart several times, and ORM loads of each variant, product and stock
    cost a millisecond there.
    """
    s.flush()
    return [_cart_line(*row) for row in s.connection().exec_driver_sql(_CART_LINES)]


_CART_LINES = """
SELECT c.id, c.variant_id, c.quantity, v.product_id, p.title, p.options, v.option1, v.option2,
       v.price_cents, p.fast_delivery, coalesce(i.stock, v.stock)
FROM shop_cart_item c
LEFT JOIN catalog.variant v ON v.id = c.variant_id
LEFT JOIN catalog.product p ON p.id = v.product_id
LEFT JOIN shop_inventory i ON i.variant_id = c.variant_id
WHERE NOT c.saved ORDER BY c.added_at, c.id
"""


def _cart_line(item_id: int, variant_id: int, quantity: int, product_id: int | None,
               title: str | None, options: str, option1: str, option2: str, price_cents: int,
               fast: int, stock: int) -> QuoteLine:
    if product_id is None:
        raise ShopNotFound(f"No such product variant {variant_id}")
    if title is None:
        raise ShopNotFound(f"No such product {product_id}")
    return QuoteLine(variant_id=variant_id, product_id=product_id, title=title,
                     options=option_text(options, option1, option2),
                     unit_price_cents=price_cents, quantity=quantity, fast_delivery=bool(fast),
                     stock=int(stock), cart_item_id=item_id)


def buy_now_lines(s: Session, buy_now: tuple[int, int]) -> list[QuoteLine]:
    """The single line of a "Buy now" checkout (the cart is not involved)."""
    variant_id, quantity = buy_now
    return [line_for(s, variant_id, check_quantity(quantity))]


def cart_promo(s: Session) -> PromoCode | None:
    """The promo code applied to the cart, if any (a vanished code counts as none)."""
    code = account(s).cart_promo_code
    if code is None:
        return None
    return s.scalars(select(PromoCode).where(PromoCode.code == code)).first()


def quote(s: Session, world: World, speed: str = "standard",
          buy_now: tuple[int, int] | None = None) -> Quote:
    """What checking out the cart (or only `buy_now` = (variant id, quantity)) would cost now.

    The cart's promo code applies to cart checkouts only, never to "Buy now".
    """
    now = clock(s, world)
    if buy_now is not None:
        return price(buy_now_lines(s, buy_now), speed, now)
    return price(cart_lines(s), speed, now, cart_promo(s))


def shipping_options(s: Session, world: World,
                     buy_now: tuple[int, int] | None = None) -> list[tuple[str, int, int]]:
    """(speed, shipping cents, estimated delivery) for every speed offered."""
    now = clock(s, world)
    lines = buy_now_lines(s, buy_now) if buy_now is not None else cart_lines(s)
    promo = None if buy_now is not None else cart_promo(s)
    options = []
    for speed in speeds_for(lines):
        priced = price(lines, speed, now, promo)
        options.append((speed, priced.shipping_cents, priced.estimated_delivery))
    return options
