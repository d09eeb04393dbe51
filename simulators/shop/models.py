"""Shop tables: the shared catalog (schema `catalog`, one per process) and the world's own.

Money is integer cents; times are virtual epoch seconds (UTC). The catalog never changes
during an episode; everything a shopper changes lives in the world's `shop_*` tables. A
variant's stock is the catalog's `stock` unless the world overrides it in `shop_inventory`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "CATALOG", "CatalogBase", "Category", "Brand", "Product", "Variant", "CatalogReview",
    "ShopBase", "Account", "Address", "PaymentCard", "Inventory", "CartItem", "PromoCode",
    "Order", "OrderItem", "TrackingEvent", "Return", "Review", "Wishlist", "WishlistItem",
    "Notification", "ORDER_STATUSES", "SHIPPING_SPEEDS", "RETURN_REASONS",
]

CATALOG = "catalog"

# placed → shipped → out_for_delivery → delivered, moved by the clock; cancelled before
# shipping; returned once every item of a delivered order has been returned.
ORDER_STATUSES = ("placed", "shipped", "out_for_delivery", "delivered", "cancelled", "returned")
SHIPPING_SPEEDS = ("standard", "expedited", "next_day")
RETURN_REASONS = ("damaged", "wrong_item", "not_as_described", "no_longer_needed",
                  "better_price", "arrived_late")


class CatalogBase(DeclarativeBase):
    """Declarative base of the shared catalog (every table in schema `catalog`)."""

    metadata = MetaData(schema=CATALOG)


class Category(CatalogBase):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")


class Brand(CatalogBase):
    __tablename__ = "brand"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Product(CatalogBase):
    """A product page. Prices live on variants; `price_cents` is the lowest, for sorting.

    `rating_avg` (0–5, one decimal) and `hist_1..hist_5` summarise the catalog's reviews;
    `released_days_ago` orders "newest" relative to any world's clock; `fast_delivery` marks
    items eligible for next-day delivery ("Swift"). `options` names the variant axes
    (JSON list, e.g. ["Colour", "Size"], possibly empty); `specs` is a JSON list of
    [name, value] pairs; `bullets` a JSON list of strings; `image` a JSON object of the
    generated picture's parameters.
    """

    __tablename__ = "product"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    bullets: Mapped[str] = mapped_column(Text, default="[]")
    specs: Mapped[str] = mapped_column(Text, default="[]")
    options: Mapped[str] = mapped_column(Text, default="[]")
    image: Mapped[str] = mapped_column(Text, default="{}")
    price_cents: Mapped[int] = mapped_column(Integer, index=True)
    rating_avg: Mapped[float] = mapped_column(default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    hist_1: Mapped[int] = mapped_column(Integer, default=0)
    hist_2: Mapped[int] = mapped_column(Integer, default=0)
    hist_3: Mapped[int] = mapped_column(Integer, default=0)
    hist_4: Mapped[int] = mapped_column(Integer, default=0)
    hist_5: Mapped[int] = mapped_column(Integer, default=0)
    released_days_ago: Mapped[int] = mapped_column(Integer, default=0)
    fast_delivery: Mapped[bool] = mapped_column(default=False)

    # Search counts results per department and brand under the price, rating and delivery
    # filters: this index answers that without reading the (large) product rows.
    __table_args__ = (Index("ix_product_facets", "category_id", "brand_id", "price_cents",
                            "rating_avg", "fast_delivery"),)


class Variant(CatalogBase):
    """A buyable variant (one per product when it has no options). `option1`/`option2` are
    the values of the product's first/second option ("" when absent)."""

    __tablename__ = "variant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    option1: Mapped[str] = mapped_column(String(60), default="")
    option2: Mapped[str] = mapped_column(String(60), default="")
    price_cents: Mapped[int] = mapped_column(Integer)
    list_price_cents: Mapped[int] = mapped_column(Integer)  # strike-through price (>= price)
    stock: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    # "In stock" (search filter, cards) reads a product's variants' stock from this index alone.
    __table_args__ = (Index("ix_variant_product_stock", "product_id", "stock"),)


class CatalogReview(CatalogBase):
    """A review other customers wrote (`days_ago` relative to any world's clock)."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    days_ago: Mapped[int] = mapped_column(Integer)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[bool] = mapped_column(default=True)


# --- the world's own tables ------------------------------------------------------------------


class ShopBase(DeclarativeBase):
    """Declarative base of the shop's per-world tables."""


class Account(ShopBase):
    """The shopper (exactly one row, id 1) and their cart-level state."""

    __tablename__ = "shop_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(60), default="")
    cart_promo_code: Mapped[str | None] = mapped_column(String(40), default=None)
    member_since: Mapped[int] = mapped_column(Integer)


class Address(ShopBase):
    __tablename__ = "shop_address"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(60), default="")
    is_default: Mapped[bool] = mapped_column(default=False)


class PaymentCard(ShopBase):
    """A fictional card: `network` is e.g. "Novacard"; expiry is relative to the world clock
    at generation, so a card is expired or valid in every world, whatever the real date."""

    __tablename__ = "shop_payment_card"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network: Mapped[str] = mapped_column(String(40))
    last4: Mapped[str] = mapped_column(String(4))
    holder: Mapped[str] = mapped_column(String(200))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(default=False)


class Inventory(ShopBase):
    """The world's stock of a variant, when it differs from the catalog's."""

    __tablename__ = "shop_inventory"
    variant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stock: Mapped[int] = mapped_column(Integer)


class CartItem(ShopBase):
    """A cart line (`saved=True`: "Saved for later", not bought at checkout)."""

    __tablename__ = "shop_cart_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    variant_id: Mapped[int] = mapped_column(Integer, index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    saved: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[int] = mapped_column(Integer)


class PromoCode(ShopBase):
    """`kind` "percent" (value = percent off) or "amount" (value = cents off); valid from
    `starts_at` to `expires_at` with a subtotal of at least `min_subtotal_cents`."""

    __tablename__ = "shop_promo_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int] = mapped_column(Integer)
    min_subtotal_cents: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300), default="")


class Order(ShopBase):
    """A placed order; address and payment are copied as text so later edits of the address
    book never rewrite history."""

    __tablename__ = "shop_order"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    placed_at: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20))
    shipping_speed: Mapped[str] = mapped_column(String(20))
    address_id: Mapped[int | None] = mapped_column(Integer, default=None)
    ship_to: Mapped[str] = mapped_column(Text)
    payment_card_id: Mapped[int | None] = mapped_column(Integer, default=None)
    payment_label: Mapped[str] = mapped_column(String(100))
    promo_code: Mapped[str | None] = mapped_column(String(40), default=None)
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    discount_cents: Mapped[int] = mapped_column(Integer, default=0)
    shipping_cents: Mapped[int] = mapped_column(Integer, default=0)
    tax_cents: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Integer)
    estimated_delivery: Mapped[int] = mapped_column(Integer)  # UTC midnight of the day
    carrier: Mapped[str] = mapped_column(String(60), default="")
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    shipped_at: Mapped[int | None] = mapped_column(Integer, default=None)
    delivered_at: Mapped[int | None] = mapped_column(Integer, default=None)
    cancelled_at: Mapped[int | None] = mapped_column(Integer, default=None)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)


class OrderItem(ShopBase):
    __tablename__ = "shop_order_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    product_id: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    options: Mapped[str] = mapped_column(String(200), default="")  # "Colour: Red · Size: M"
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    returned_quantity: Mapped[int] = mapped_column(Integer, default=0)


class TrackingEvent(ShopBase):
    __tablename__ = "shop_tracking_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")


class Return(ShopBase):
    """A return of some quantity of one order item; refunded at once (`refund_cents`)."""

    __tablename__ = "shop_return"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("shop_order_item.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    refund_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(Integer)


class Review(ShopBase):
    """A review the shopper wrote (only for a product of a delivered order; one per product)."""

    __tablename__ = "shop_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(Integer)


class Wishlist(ShopBase):
    __tablename__ = "shop_wishlist"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[int] = mapped_column(Integer)


class WishlistItem(ShopBase):
    __tablename__ = "shop_wishlist_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wishlist_id: Mapped[int] = mapped_column(ForeignKey("shop_wishlist.id"), index=True)
    product_id: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[int | None] = mapped_column(Integer, default=None)
    added_at: Mapped[int] = mapped_column(Integer)


class Notification(ShopBase):
    """A message the shop sent the shopper ("Message center"); also mailed when the world
    has a mailbox (order confirmations, shipping notices, refunds, newsletters)."""

    __tablename__ = "shop_notification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int | None] = mapped_column(Integer, default=None)
