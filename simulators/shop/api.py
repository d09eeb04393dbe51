"""Shop JSON API under /api: the same reads (queries, search) and changes (services) as the
pages. Reads never change state; refusals answer 4xx with `{"detail": "..."}` (404 for
unknown ids)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from . import queries, services
from .models import RETURN_REASONS, Address, Order, OrderItem, PaymentCard
from .pages_common import MAX_ID
from .search import SearchQuery, search

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["shop"])
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[int, Field(ge=1, le=10)]
Speed = Literal["standard", "expedited", "next_day"]


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


class WishlistIn(BaseModel):
    name: str = Field(max_length=1000)


class WishItemIn(BaseModel):
    product_id: Id
    variant_id: Id | None = None


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


# -- converters -------------------------------------------------------------------------------
def _summary(card: queries.Card) -> ProductSummary:
    p, v = card.product, card.default.variant
    return ProductSummary(
        id=p.id, title=p.title, brand=card.brand.name, price_cents=v.price_cents,
        list_price_cents=v.list_price_cents, rating_avg=p.rating_avg,
        rating_count=p.rating_count, fast_delivery=p.fast_delivery, default_variant_id=v.id,
        in_stock=card.default.stock > 0)


def _line(line: queries.CartLine) -> CartLineOut:
    return CartLineOut(id=line.item.id, variant_id=line.info.variant.id,
                       product_id=line.product.id, title=line.product.title,
                       options=line.options, quantity=line.item.quantity,
                       unit_price_cents=line.info.variant.price_cents, stock=line.info.stock,
                       saved=line.item.saved)


def _cart(s: Session) -> CartOut:
    cart = queries.cart_view(s)
    return CartOut(items=[_line(x) for x in cart.lines], saved=[_line(x) for x in cart.saved],
                   count=cart.count, subtotal_cents=cart.subtotal, promo_code=cart.promo_code)


def _order(s: Session, order_id: int) -> OrderOut:
    detail = queries.order_detail(s, order_id)
    if detail is None:
        raise HTTPException(404, f"there is no order {order_id}")
    return _order_out(detail.order, detail.items, [
        TrackingOut(status=e.status, at=e.at, location=e.location) for e in detail.events])


def _order_out(order: Order, items: Sequence[OrderItem], tracking: list[TrackingOut]) -> OrderOut:
    fields = {name: getattr(order, name) for name in OrderOut.model_fields
              if name not in ("items", "tracking", "status_text")}
    return OrderOut(**fields, status_text=queries.status_line(order), tracking=tracking,
                    items=[OrderItemOut.model_validate(i, from_attributes=True) for i in items])


def _address(address: Address) -> AddressOut:
    return AddressOut.model_validate(address, from_attributes=True)


def _card(card: PaymentCard, now: int) -> CardOut:
    fields = {name: getattr(card, name) for name in CardOut.model_fields if name != "expired"}
    return CardOut(**fields, expired=queries.card_expired(card, now))


def _buy_now(body: QuoteIn) -> tuple[int, int] | None:
    return None if body.buy_now is None else (body.buy_now.variant_id, body.buy_now.quantity)


# -- catalog ------------------------------------------------------------------------------------
@router.get("/products", response_model=SearchOut)
async def search_products(request: Request, world: WorldDep, q: str = "",
                          category: str = "", sort: str = "",
                          page: int = 1) -> SearchOut:
    """Search the catalog: `q`, `category`, `brand` (repeatable), `min_price`/`max_price`
    (dollars), `min_rating`, `in_stock=1`, `fast=1`, `sort`, `page` (24 per page)."""
    query = SearchQuery.from_params(request.query_params)
    with world.session() as s:
        found = search(s, world, query)
        cards = queries.product_cards(s, queries.result_ids(found.results))
    return SearchOut(total=found.total, page=found.page, pages=found.pages,
                     results=[_summary(c) for c in cards],
                     suggestions=[SuggestionOut(label=x.label, q=x.q, category=x.category)
                                  for x in found.suggestions])


@router.get("/products/{product_id}", response_model=ProductOut)
async def get_product(world: WorldDep, product_id: IdPath) -> ProductOut:
    """A product with its variants (effective stock), specs and bullets."""
    with world.session() as s:
        view = queries.product_view(s, world.now, product_id)
        cards = queries.product_cards(s, [product_id])
        if view is None or not cards:
            raise HTTPException(404, f"there is no product {product_id}")
        variants = [VariantOut(id=i.variant.id, option1=i.variant.option1,
                               option2=i.variant.option2, label=i.label,
                               price_cents=i.variant.price_cents,
                               list_price_cents=i.variant.list_price_cents, stock=i.stock)
                    for i in view.variants]
        return ProductOut(**_summary(cards[0]).model_dump(), category=view.category.slug,
                          description=view.product.description, options=view.option_names,
                          bullets=view.bullets, specs=view.specs, variants=variants)


# -- cart -----------------------------------------------------------------------------------------
@router.get("/cart", response_model=CartOut)
async def get_cart(world: WorldDep) -> CartOut:
    """The cart lines and "Saved for later"."""
    with world.session() as s:
        return _cart(s)


@router.post("/cart/items", response_model=CartOut, status_code=201)
async def add_to_cart(world: WorldDep, body: CartAddIn) -> CartOut:
    """Add a variant (merged into its line when already in the cart)."""
    with world.transaction() as s:
        services.add_to_cart(s, world, body.variant_id, body.quantity)
        return _cart(s)


@router.patch("/cart/items/{item_id}", response_model=CartOut)
async def set_quantity(world: WorldDep, item_id: IdPath, body: QuantityIn) -> CartOut:
    """Change a line's quantity."""
    with world.transaction() as s:
        services.set_quantity(s, item_id, body.quantity)
        return _cart(s)


@router.delete("/cart/items/{item_id}", response_model=CartOut)
async def remove_from_cart(world: WorldDep, item_id: IdPath) -> CartOut:
    """Remove a cart or saved line."""
    with world.transaction() as s:
        services.remove_from_cart(s, item_id)
        return _cart(s)


@router.post("/cart/items/{item_id}/save", response_model=CartOut)
async def save_for_later(world: WorldDep, item_id: IdPath) -> CartOut:
    """Move a line to "Saved for later"."""
    with world.transaction() as s:
        services.save_for_later(s, item_id)
        return _cart(s)


@router.post("/cart/items/{item_id}/move", response_model=CartOut)
async def move_to_cart(world: WorldDep, item_id: IdPath) -> CartOut:
    """Move a saved line back to the cart."""
    with world.transaction() as s:
        services.move_to_cart(s, item_id)
        return _cart(s)


@router.post("/cart/promo", response_model=CartOut)
async def apply_promo(world: WorldDep, body: PromoIn) -> CartOut:
    """Apply a promo code (valid now for the cart's subtotal)."""
    with world.transaction() as s:
        services.apply_promo(s, world, body.code)
        return _cart(s)


@router.delete("/cart/promo", response_model=CartOut)
async def remove_promo(world: WorldDep) -> CartOut:
    """Take the promo code off the cart."""
    with world.transaction() as s:
        services.remove_promo(s)
        return _cart(s)


# -- checkout and orders ----------------------------------------------------------------------
@router.post("/checkout/quote", response_model=QuoteOut)
async def checkout_quote(world: WorldDep, body: QuoteIn) -> QuoteOut:
    """What placing the order would cost (the cart, or one `buy_now` item)."""
    with world.session() as s:
        one = _buy_now(body)
        quote = services.quote(s, world, body.speed, one)
        options = [ShippingOptionOut(speed=speed, shipping_cents=cents, estimated_delivery=day)
                   for speed, cents, day in services.shipping_options(s, world, one)]
        return QuoteOut(
            subtotal_cents=quote.subtotal_cents, discount_cents=quote.discount_cents,
            promo_code=quote.promo_code, promo_error=quote.promo_error,
            shipping_cents=quote.shipping_cents, tax_cents=quote.tax_cents,
            total_cents=quote.total_cents, speed=quote.speed,
            estimated_delivery=quote.estimated_delivery, options=options)


@router.post("/checkout", response_model=OrderOut, status_code=201)
async def place_order(world: WorldDep, body: CheckoutIn) -> OrderOut:
    """Place the order."""
    with world.transaction() as s:
        order = services.place_order(s, world, body.address_id, body.speed, body.card_id,
                                     _buy_now(body))
        return _order(s, order.id)


@router.get("/orders", response_model=list[OrderOut])
async def list_orders(world: WorldDep, period: str = "3m", status: str = "all",
                      q: str = "") -> list[OrderOut]:
    """Orders, newest first: `period` (30d, 3m, 6m, year-YYYY, all), `status` (all, open,
    delivered, cancelled, returned), `q` (item title words)."""
    if status not in queries.STATUS_FILTERS:
        raise HTTPException(400, f"status must be one of {', '.join(queries.STATUS_FILTERS)}")
    if not re.fullmatch(r"30d|3m|6m|all|year-\d{4}", period):
        raise HTTPException(400, "period must be 30d, 3m, 6m, year-YYYY or all")
    with world.session() as s:
        rows = queries.order_list(s, world.now, period, status, q[:200])
        return [_order_out(row.order, row.items, []) for row in rows]


@router.get("/orders/{order_id}", response_model=OrderOut)
async def get_order(world: WorldDep, order_id: IdPath) -> OrderOut:
    """An order with its items and tracking events."""
    with world.session() as s:
        return _order(s, order_id)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(world: WorldDep, order_id: IdPath) -> OrderOut:
    """Cancel an order that has not shipped (full refund)."""
    with world.transaction() as s:
        services.cancel_order(s, world, order_id)
        return _order(s, order_id)


@router.post("/orders/{order_id}/returns", response_model=OrderOut, status_code=201)
async def return_item(world: WorldDep, order_id: IdPath, body: ReturnIn) -> OrderOut:
    """Return units of a delivered item (refunded at once)."""
    with world.transaction() as s:
        services.return_item(s, world, order_id, body.item_id, body.quantity, body.reason,
                             body.comment)
        return _order(s, order_id)


# -- account ------------------------------------------------------------------------------------
@router.get("/addresses", response_model=list[AddressOut])
async def list_addresses(world: WorldDep) -> list[AddressOut]:
    """The address book, default first."""
    with world.session() as s:
        return [_address(a) for a in queries.addresses(s)]


@router.post("/addresses", response_model=AddressOut, status_code=201)
async def add_address(world: WorldDep, body: AddressIn) -> AddressOut:
    """Add an address."""
    fields = services.AddressFields(**body.model_dump(exclude={"make_default"}))
    with world.transaction() as s:
        return _address(services.add_address(s, world, fields, body.make_default))


@router.get("/cards", response_model=list[CardOut])
async def list_cards(world: WorldDep) -> list[CardOut]:
    """Saved cards, default first."""
    with world.session() as s:
        return [_card(c, world.now) for c in queries.cards(s)]


@router.post("/cards", response_model=CardOut, status_code=201)
async def add_card(world: WorldDep, body: CardIn) -> CardOut:
    """Save a card."""
    with world.transaction() as s:
        card = services.add_card(s, world, body.number, body.holder, body.exp_month,
                                 body.exp_year, body.make_default)
        return _card(card, world.now)


def _wishlists(s: Session) -> list[WishlistOut]:
    found = []
    for wishlist in queries.wishlists(s):
        items = [WishItemOut(id=line.item.id, product_id=line.item.product_id,
                             variant_id=line.item.variant_id, title=line.card.product.title,
                             price_cents=line.chosen.variant.price_cents,
                             added_at=line.item.added_at)
                 for line in queries.wishlist_items(s, wishlist.id)]
        found.append(WishlistOut(id=wishlist.id, name=wishlist.name,
                                 is_default=wishlist.is_default, items=items))
    return found


@router.get("/wishlists", response_model=list[WishlistOut])
async def list_wishlists(world: WorldDep) -> list[WishlistOut]:
    """Every list with its items."""
    with world.session() as s:
        return _wishlists(s)


@router.post("/wishlists", response_model=list[WishlistOut], status_code=201)
async def create_wishlist(world: WorldDep, body: WishlistIn) -> list[WishlistOut]:
    """Create a list."""
    with world.transaction() as s:
        services.create_wishlist(s, world, body.name)
        return _wishlists(s)


@router.post("/wishlists/{wishlist_id}/items", response_model=list[WishlistOut],
             status_code=201)
async def add_to_wishlist(world: WorldDep, wishlist_id: IdPath,
                          body: WishItemIn) -> list[WishlistOut]:
    """Add a product (optionally a variant) to a list."""
    with world.transaction() as s:
        services.add_to_wishlist(s, world, wishlist_id, body.product_id, body.variant_id)
        return _wishlists(s)
