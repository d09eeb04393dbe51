"""Request and response bodies of the shop JSON API (and the id/quantity types they share).

Text fields are capped well above the services' own limits: the cap only turns a huge
payload into a 422, while the services' messages explain the real limits (400)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from ..models import RETURN_REASONS
from ..pages_common import MAX_ID

__all__ = [
    "AccountOut", "AddressIn", "AddressOut", "BuyNowIn", "CardIn", "CardOut", "CartAddIn",
    "CartLineOut", "CartOut", "CheckoutIn", "Id", "IdPath", "OrderItemOut", "OrderOut",
    "ProductOut", "ProductSummary", "ProfileIn", "PromoIn", "Quantity", "QuantityIn", "QuoteIn",
    "QuoteOut", "ReturnIn", "ReviewIn", "ReviewOut", "SearchOut", "ShippingOptionOut", "Speed",
    "SuggestionOut", "TrackingOut", "VariantOut", "WishItemIn", "WishItemOut", "WishMoveIn",
    "WishlistIn", "WishlistOut",
]

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[int, Field(ge=1, le=10)]
Speed = Literal["standard", "expedited", "next_day"]


# -- catalog ------------------------------------------------------------------------------------
class VariantOut(BaseModel):
    id: int
    option1: str
    option2: str
    label: str
    price_cents: int
    list_price_cents: int
    stock: int


class ProductSummary(BaseModel):
    id: int
    title: str
    brand: str
    price_cents: int
    list_price_cents: int
    rating_avg: float
    rating_count: int
    fast_delivery: bool
    default_variant_id: int
    in_stock: bool


class ProductOut(ProductSummary):
    category: str
    description: str
    options: list[str]
    bullets: list[str]
    specs: list[tuple[str, str]]
    variants: list[VariantOut]


class SuggestionOut(BaseModel):
    label: str
    q: str
    category: str


class SearchOut(BaseModel):
    total: int
    page: int
    pages: int
    results: list[ProductSummary]
    suggestions: list[SuggestionOut]


# -- cart and checkout --------------------------------------------------------------------------
class CartLineOut(BaseModel):
    id: int
    variant_id: int
    product_id: int
    title: str
    options: str
    quantity: int
    unit_price_cents: int
    stock: int
    saved: bool


class CartOut(BaseModel):
    items: list[CartLineOut]
    saved: list[CartLineOut]
    count: int
    subtotal_cents: int
    promo_code: str | None


class CartAddIn(BaseModel):
    variant_id: Id
    quantity: Quantity = 1


class QuantityIn(BaseModel):
    quantity: Quantity


class PromoIn(BaseModel):
    code: str = Field(max_length=100)


class BuyNowIn(BaseModel):
    variant_id: Id
    quantity: Quantity = 1


class QuoteIn(BaseModel):
    speed: Speed = "standard"
    buy_now: BuyNowIn | None = None


class ShippingOptionOut(BaseModel):
    speed: str
    shipping_cents: int
    estimated_delivery: int


class QuoteOut(BaseModel):
    subtotal_cents: int
    discount_cents: int
    promo_code: str | None
    promo_error: str | None
    shipping_cents: int
    tax_cents: int
    total_cents: int
    speed: str
    estimated_delivery: int
    options: list[ShippingOptionOut]


class CheckoutIn(QuoteIn):
    address_id: Id
    card_id: Id


# -- orders and reviews -------------------------------------------------------------------------
class OrderItemOut(BaseModel):
    id: int
    product_id: int
    variant_id: int
    title: str
    options: str
    unit_price_cents: int
    quantity: int
    returned_quantity: int


class TrackingOut(BaseModel):
    status: str
    at: int
    location: str


class OrderOut(BaseModel):
    id: int
    number: str
    status: str
    status_text: str
    placed_at: int
    shipping_speed: str
    ship_to: str
    payment_label: str
    promo_code: str | None
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    total_cents: int
    refunded_cents: int
    estimated_delivery: int
    carrier: str
    tracking_number: str
    delivered_at: int | None
    items: list[OrderItemOut]
    tracking: list[TrackingOut] = []


class ReturnIn(BaseModel):
    item_id: Id
    quantity: Quantity = 1
    reason: str = Field(max_length=40, description=", ".join(RETURN_REASONS))
    comment: str = Field("", max_length=2000)


class ReviewIn(BaseModel):
    product_id: Id
    rating: int = Field(ge=1, le=5)
    title: str = Field(max_length=1000, description="1-200 characters")
    body: str = Field(max_length=20000, description="1-5,000 characters")


class ReviewOut(BaseModel):
    id: int
    product_id: int
    rating: int
    title: str
    body: str
    created_at: int


# -- account ------------------------------------------------------------------------------------
class AccountOut(BaseModel):
    name: str
    email: str
    phone: str
    member_since: int


class ProfileIn(BaseModel):
    """Omitted fields keep their value; `phone: ""` clears the phone number."""

    name: str | None = Field(None, max_length=1000)
    phone: str | None = Field(None, max_length=100)


class AddressIn(BaseModel):
    full_name: str = Field(max_length=1000)
    line1: str = Field(max_length=1000)
    line2: str = Field("", max_length=1000)
    city: str = Field(max_length=1000)
    region: str = Field(max_length=1000)
    postal_code: str = Field(max_length=100)
    country: str = Field("United States", max_length=1000)
    phone: str = Field("", max_length=100)
    make_default: bool = False


class AddressOut(BaseModel):
    id: int
    full_name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    is_default: bool


class CardIn(BaseModel):
    number: str = Field(max_length=40)
    holder: str = Field(max_length=1000)
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=1000, le=9999)
    make_default: bool = False


class CardOut(BaseModel):
    id: int
    network: str
    last4: str
    holder: str
    exp_month: int
    exp_year: int
    is_default: bool
    expired: bool


# -- wish lists ---------------------------------------------------------------------------------
class WishlistIn(BaseModel):
    name: str = Field(max_length=1000)


class WishItemIn(BaseModel):
    product_id: Id
    variant_id: Id | None = None


class WishMoveIn(BaseModel):
    wishlist_id: Id


class WishItemOut(BaseModel):
    id: int
    product_id: int
    variant_id: int | None
    title: str
    price_cents: int
    added_at: int


class WishlistOut(BaseModel):
    id: int
    name: str
    is_default: bool
    items: list[WishItemOut]
