"""Shop read side: catalog cards, product views, cart, orders, lists and the account.

## Description
Pages, the JSON API and tasks read through these functions (services change state). The
catalog lives in the attached `catalog` schema and never changes; a variant's effective stock
is the world's `shop_inventory` row when there is one, else the catalog's. Every query that
feeds a page has a total `ORDER BY`, so pages are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import (
    Account,
    Address,
    Brand,
    CartItem,
    CatalogReview,
    Category,
    Inventory,
    Notification,
    Order,
    OrderItem,
    PaymentCard,
    Product,
    Return,
    Review,
    TrackingEvent,
    Variant,
    Wishlist,
    WishlistItem,
)
from .services.account import card_expired
from .services.common import long_date, short_date
from .services.common import option_label as named_options
from .services.pricing import FREE_SHIPPING_MIN_CENTS, SHIPPING, estimated_delivery

__all__ = [
    "Card", "CartLine", "CartView", "DAY", "Delivery", "OPEN_STATUSES", "OrderDetail", "OrderRow",
    "PERIOD_NAMES", "ProductView", "Rating", "ReviewRow", "ReviewsPage", "STATUS_FILTERS",
    "VariantInfo", "WishLine", "account", "addresses", "all_reviews", "buy_again", "card_expired",
    "cards", "cart_count", "cart_view", "categories", "category_by_slug", "deals",
    "default_address", "default_variant", "delivered_products", "delivery_estimates",
    "department_tiles", "effective_stock", "has_received", "json_list", "midnight",
    "normalize_period", "notifications", "option_label", "order_detail", "order_list",
    "order_years", "own_review", "period_range", "product_cards", "product_view", "rating_of",
    "result_ids", "returnable", "reviews_page", "sort_reviews", "status_line", "stocks",
    "timeline", "variant_infos", "wishlist_items", "wishlists",
]

DAY = 86400
LOW_STOCK = 5  # "Only 3 left in stock" below this


@dataclass
class VariantInfo:
    """A variant with its effective stock."""

    variant: Variant
    stock: int

    @property
    def label(self) -> str:
        return option_label(self.variant)

    @property
    def saving(self) -> int:
        return max(0, self.variant.list_price_cents - self.variant.price_cents)

    @property
    def saving_pct(self) -> int:
        listed = self.variant.list_price_cents
        return round(self.saving * 100 / listed) if listed else 0


@dataclass
class Card:
    """A product as a grid card: its default variant (what quick-add buys) and brand."""

    product: Product
    brand: Brand
    default: VariantInfo

    @property
    def low_stock(self) -> bool:
        return 0 < self.default.stock < LOW_STOCK


@dataclass
class Delivery:
    """Delivery promises for one unit at `price_cents` (the product page's buy box)."""

    standard_day: int
    standard_cents: int
    fastest_day: int | None


def option_label(variant: Variant) -> str:
    """"Red · M" from a variant's option values ("" for a product without options)."""
    return " · ".join(value for value in (variant.option1, variant.option2) if value)


def midnight(epoch: int) -> int:
    """UTC midnight of the day holding `epoch`."""
    return epoch - epoch % DAY


# -- account ----------------------------------------------------------------------------------
def account(s: Session) -> Account | None:
    """The shopper (one row, id 1; absent only in a world not generated yet)."""
    return s.get(Account, 1)


def default_address(s: Session) -> Address | None:
    query = select(Address).order_by(Address.is_default.desc(), Address.id).limit(1)
    return s.scalars(query).first()


def addresses(s: Session) -> list[Address]:
    """The address book, default first."""
    return list(s.scalars(select(Address).order_by(Address.is_default.desc(), Address.id)))


def cards(s: Session) -> list[PaymentCard]:
    """Saved cards, default first."""
    query = select(PaymentCard).order_by(PaymentCard.is_default.desc(), PaymentCard.id)
    return list(s.scalars(query))


def notifications(s: Session) -> list[Notification]:
    """The message center, newest first."""
    query = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(s.scalars(query))


# -- catalog ----------------------------------------------------------------------------------
def categories(s: Session) -> list[Category]:
    """The departments, by name."""
    return list(s.scalars(select(Category).order_by(Category.name, Category.id)))


def category_by_slug(s: Session, slug: str) -> Category | None:
    return s.scalars(select(Category).where(Category.slug == slug).limit(1)).first()


def stocks(s: Session, variant_ids: Iterable[int]) -> dict[int, int]:
    """Effective stock by variant id (world override, else catalog)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    query = (select(Variant.id, func.coalesce(Inventory.stock, Variant.stock))
             .outerjoin(Inventory, Inventory.variant_id == Variant.id)
             .where(Variant.id.in_(ids)).order_by(Variant.id))
    return {vid: int(stock) for vid, stock in s.execute(query)}


def effective_stock(s: Session, variant_id: int) -> int:
    return stocks(s, [variant_id]).get(variant_id, 0)


def variant_infos(s: Session, product_ids: Sequence[int]) -> dict[int, list[VariantInfo]]:
    """Each product's variants by position, with effective stock."""
    query = (select(Variant, func.coalesce(Inventory.stock, Variant.stock))
             .outerjoin(Inventory, Inventory.variant_id == Variant.id)
             .where(Variant.product_id.in_(sorted(set(product_ids))))
             .order_by(Variant.product_id, Variant.position, Variant.id))
    found: dict[int, list[VariantInfo]] = {pid: [] for pid in product_ids}
    for variant, stock in s.execute(query):
        found[variant.product_id].append(VariantInfo(variant, int(stock)))
    return found


def default_variant(infos: Sequence[VariantInfo]) -> VariantInfo | None:
    """The first variant in stock by position, else the first."""
    return next((info for info in infos if info.stock > 0), infos[0] if infos else None)


def product_cards(s: Session, product_ids: Sequence[int]) -> list[Card]:
    """Cards for `product_ids`, in that order (unknown ids skipped)."""
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return []
    query = (select(Product, Brand).join(Brand, Brand.id == Product.brand_id)
             .where(Product.id.in_(ids)).order_by(Product.id))
    rows = {product.id: (product, brand) for product, brand in s.execute(query)}
    variants = variant_infos(s, [pid for pid in ids if pid in rows])
    cards_found = []
    for pid in ids:
        chosen = default_variant(variants.get(pid, []))
        if pid in rows and chosen is not None:
            cards_found.append(Card(rows[pid][0], rows[pid][1], chosen))
    return cards_found


def result_ids(results: Iterable[Any]) -> list[int]:
    """Product ids of search results (rows holding a `product` or a `product_id`)."""
    ids = []
    for result in results:
        product = getattr(result, "product", None)
        ids.append(int(product.id if product is not None else result.product_id))
    return ids


def deals(s: Session, limit: int = 8) -> list[Card]:
    """Products whose best variant saves the most (list price − price), largest first."""
    saving = func.max(Variant.list_price_cents - Variant.price_cents).label("saving")
    query = (select(Variant.product_id, saving).group_by(Variant.product_id)
             .having(saving > 0).order_by(saving.desc(), Variant.product_id).limit(limit))
    return product_cards(s, [pid for pid, _ in s.execute(query)])


def department_tiles(s: Session) -> list[tuple[Category, Product | None]]:
    """Each department with its most-rated product (the tile's picture)."""
    rank = func.row_number().over(partition_by=Product.category_id,
                                  order_by=(Product.rating_count.desc(), Product.id)).label("r")
    ranked = select(Product.id, Product.category_id, rank).subquery()
    top = select(ranked.c.category_id, ranked.c.id).where(ranked.c.r == 1).order_by(
        ranked.c.category_id)
    best = {int(cid): int(pid) for cid, pid in s.execute(top)}
    products = {p.id: p for p in s.scalars(select(Product).where(
        Product.id.in_(sorted(best.values()))).order_by(Product.id))}
    return [(c, products.get(best.get(c.id, 0))) for c in categories(s)]


def delivered_products(s: Session) -> list[int]:
    """Products of delivered (or returned) orders, most recently delivered first."""
    latest = func.max(Order.delivered_at).label("latest")
    query = (select(OrderItem.product_id, latest).join(Order, Order.id == OrderItem.order_id)
             .where(Order.delivered_at.is_not(None)).group_by(OrderItem.product_id)
             .order_by(latest.desc(), OrderItem.product_id))
    return [pid for pid, _ in s.execute(query)]


def buy_again(s: Session, limit: int = 6) -> list[Card]:
    """"Buy again": recently delivered products."""
    return product_cards(s, delivered_products(s)[:limit])


def delivery_estimates(now: int, price_cents: int, fast: bool) -> Delivery:
    """Standard delivery (free from $35) and, for Swift items, next-day delivery."""
    cost = 0 if price_cents >= FREE_SHIPPING_MIN_CENTS else SHIPPING["standard"][0]
    return Delivery(estimated_delivery("standard", now), cost,
                    estimated_delivery("next_day", now) if fast else None)


# -- cart ---------------------------------------------------------------------------------------
@dataclass
class CartLine:
    item: CartItem
    product: Product
    info: VariantInfo

    @property
    def total(self) -> int:
        return self.info.variant.price_cents * self.item.quantity

    @property
    def options(self) -> str:
        """"Colour: Red · Size: M" (empty without options)."""
        return named_options(self.product, self.info.variant)


@dataclass
class CartView:
    lines: list[CartLine] = field(default_factory=list)
    saved: list[CartLine] = field(default_factory=list)
    promo_code: str | None = None

    @property
    def count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)


def cart_count(s: Session) -> int:
    """Units in the cart (not saved for later)."""
    query = select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.saved.is_(False))
    return int(s.scalar(query) or 0)


def cart_view(s: Session) -> CartView:
    """Cart lines (oldest first) and "Saved for later"."""
    items = list(s.scalars(select(CartItem).order_by(CartItem.added_at, CartItem.id)))
    lines = _lines(s, [(item, item.variant_id) for item in items])
    person = account(s)
    view = CartView(promo_code=person.cart_promo_code if person else None)
    for line in lines:
        (view.saved if line.item.saved else view.lines).append(line)
    return view


def _lines(s: Session, pairs: Sequence[tuple[CartItem, int]]) -> list[CartLine]:
    variants = {v.id: v for v in s.scalars(select(Variant).where(
        Variant.id.in_(sorted({vid for _, vid in pairs}))).order_by(Variant.id))}
    products = {p.id: p for p in s.scalars(select(Product).where(Product.id.in_(
        sorted({v.product_id for v in variants.values()}))).order_by(Product.id))}
    stock = stocks(s, variants)
    return [CartLine(item, products[variants[vid].product_id], VariantInfo(variants[vid],
                                                                          stock[vid]))
            for item, vid in pairs if vid in variants]


# -- wish lists ---------------------------------------------------------------------------------
@dataclass
class WishLine:
    item: WishlistItem
    card: Card
    chosen: VariantInfo

    @property
    def options(self) -> str:
        return named_options(self.card.product, self.chosen.variant)


def wishlists(s: Session) -> list[Wishlist]:
    """The shopper's lists, default first, then by creation."""
    query = select(Wishlist).order_by(Wishlist.is_default.desc(), Wishlist.created_at, Wishlist.id)
    return list(s.scalars(query))


def wishlist_items(s: Session, wishlist_id: int) -> list[WishLine]:
    """A list's items, newest first, with their product card and chosen variant."""
    items = list(s.scalars(select(WishlistItem).where(WishlistItem.wishlist_id == wishlist_id)
                           .order_by(WishlistItem.added_at.desc(), WishlistItem.id.desc())))
    found = {card.product.id: card for card in product_cards(s, [i.product_id for i in items])}
    variants = variant_infos(s, sorted(found))
    lines = []
    for item in items:
        card = found.get(item.product_id)
        if card is None:
            continue
        chosen = next((v for v in variants[item.product_id] if v.variant.id == item.variant_id),
                      card.default)
        lines.append(WishLine(item, card, chosen))
    return lines


def json_list(text: str) -> list[object]:
    """A JSON list column (specs, bullets, options), tolerating junk as empty."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


# -- product page and reviews -------------------------------------------------------------------
@dataclass
class Rating:
    """Average, count and histogram rows (stars, count, percent), 5 stars first."""

    avg: float
    count: int
    hist: list[tuple[int, int, int]]


@dataclass
class ReviewRow:
    key: str
    author: str
    rating: int
    title: str
    body: str
    at: int
    helpful: int
    verified: bool
    mine: bool = False


@dataclass
class ProductView:
    product: Product
    brand: Brand
    category: Category
    variants: list[VariantInfo]
    selected: VariantInfo
    option_names: list[str]
    specs: list[tuple[str, str]]
    bullets: list[str]
    rating: Rating
    top_reviews: list[ReviewRow]
    own: ReviewRow | None
    can_review: bool
    delivery: Delivery


@dataclass
class ReviewsPage:
    rows: list[ReviewRow]
    page: int
    pages: int
    total: int


def product_view(s: Session, now: int, product_id: int,
                 variant_id: int | None = None) -> ProductView | None:
    """Everything the product page shows, or None for an unknown product."""
    row = s.execute(select(Product, Brand, Category).join(Brand, Brand.id == Product.brand_id)
                    .join(Category, Category.id == Product.category_id)
                    .where(Product.id == product_id)).first()
    infos = variant_infos(s, [product_id])[product_id]
    chosen = next((i for i in infos if i.variant.id == variant_id), None) or default_variant(infos)
    if row is None or chosen is None:
        return None
    product, brand, category = row
    own = own_review(s, product_id)
    reviews = [r for r in all_reviews(s, now, product_id) if not r.mine]
    return ProductView(
        product, brand, category, infos, chosen, [str(o) for o in json_list(product.options)],
        _specs(product), [str(b) for b in json_list(product.bullets)], rating_of(product, own),
        sort_reviews(reviews, "top")[:5], own, has_received(s, product_id),
        delivery_estimates(now, chosen.variant.price_cents, product.fast_delivery))


def _specs(product: Product) -> list[tuple[str, str]]:
    pairs = []
    for pair in json_list(product.specs):
        if isinstance(pair, list) and len(pair) == 2:
            pairs.append((str(pair[0]), str(pair[1])))
    return pairs


def own_review(s: Session, product_id: int) -> ReviewRow | None:
    """The shopper's own review of a product, as a review row."""
    mine = s.scalars(select(Review).where(Review.product_id == product_id)
                     .order_by(Review.id).limit(1)).first()
    if mine is None:
        return None
    person = account(s)
    return ReviewRow(f"own-{mine.id}", person.name if person else "You", mine.rating, mine.title,
                     mine.body, mine.created_at, 0, True, mine=True)


def rating_of(product: Product, own: ReviewRow | None) -> Rating:
    """The catalog's rating summary, with the shopper's own review counted in."""
    hist = {n: int(getattr(product, f"hist_{n}")) for n in range(1, 6)}
    if own is None:
        count, avg = product.rating_count, product.rating_avg
    else:
        hist[own.rating] += 1
        count = sum(hist.values())
        avg = round(sum(n * c for n, c in hist.items()) / count, 1)
    total = sum(hist.values()) or 1
    return Rating(avg, count, [(n, hist[n], round(hist[n] * 100 / total)) for n in range(5, 0, -1)])


def all_reviews(s: Session, now: int, product_id: int) -> list[ReviewRow]:
    """Catalog reviews (dated relative to the clock) and the shopper's own, unsorted."""
    query = select(CatalogReview).where(CatalogReview.product_id == product_id).order_by(
        CatalogReview.id)
    rows = [ReviewRow(str(r.id), r.author, r.rating, r.title, r.body,
                      midnight(now) - r.days_ago * DAY, r.helpful, r.verified)
            for r in s.scalars(query)]
    own = own_review(s, product_id)
    return rows + ([own] if own else [])


def sort_reviews(rows: list[ReviewRow], sort: str) -> list[ReviewRow]:
    """`top`: most helpful first; `recent`: newest first (ties by key)."""
    if sort == "recent":
        return sorted(rows, key=lambda r: (-r.at, r.key))
    return sorted(rows, key=lambda r: (-r.helpful, -r.at, r.key))


def reviews_page(s: Session, now: int, product_id: int, sort: str, stars: int | None,
                 page: int, per_page: int = 10) -> ReviewsPage:
    """A page of a product's reviews, sorted and optionally filtered by star count."""
    rows = [r for r in all_reviews(s, now, product_id) if stars is None or r.rating == stars]
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    chosen = sort_reviews(rows, sort)[(page - 1) * per_page: page * per_page]
    return ReviewsPage(chosen, page, pages, len(rows))


def has_received(s: Session, product_id: int) -> bool:
    """Whether an order delivered this product to the shopper (so they may review it)."""
    query = (select(OrderItem.id).join(Order, Order.id == OrderItem.order_id)
             .where(OrderItem.product_id == product_id, Order.delivered_at.is_not(None))
             .order_by(OrderItem.id).limit(1))
    return s.scalar(query) is not None


# -- orders -----------------------------------------------------------------------------------
OPEN_STATUSES = ("placed", "shipped", "out_for_delivery")
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "all": (), "open": OPEN_STATUSES, "delivered": ("delivered",), "cancelled": ("cancelled",),
    "returned": ("returned",)}
PERIOD_DAYS = {"30d": 30, "3m": 90, "6m": 180}
PERIOD_NAMES = {"30d": "past 30 days", "3m": "past 3 months", "6m": "past 6 months",
                "all": "all time"}
RETURN_DAYS = 30


@dataclass
class OrderRow:
    order: Order
    items: list[OrderItem]


@dataclass
class OrderDetail:
    order: Order
    items: list[OrderItem]
    events: list[TrackingEvent]
    returns: list[Return]


def period_range(period: str, now: int) -> tuple[int | None, int | None]:
    """[start, end) of an orders period: `30d`, `3m`, `6m`, `year-YYYY` or `all`."""
    if period in PERIOD_DAYS:
        return now - PERIOD_DAYS[period] * DAY, None
    if period.startswith("year-") and period[5:].isdigit() and len(period) == 9:
        year = int(period[5:])
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        return int(start.timestamp()), int(start.replace(year=year + 1).timestamp())
    return None, None


def normalize_period(period: str, years: Sequence[int]) -> str:
    """The period if the page offers it, else the default (`3m`)."""
    offered = [*PERIOD_DAYS, "all", *(f"year-{y}" for y in years)]
    return period if period in offered else "3m"


def order_years(s: Session) -> list[int]:
    """Years with orders, newest first (the period select's `year-YYYY` options)."""
    stamps = s.scalars(select(Order.placed_at).order_by(Order.placed_at.desc()))
    return sorted({dt.datetime.fromtimestamp(t, dt.UTC).year for t in stamps}, reverse=True)


def order_list(s: Session, now: int, period: str = "3m", status: str = "all",
               q: str = "") -> list[OrderRow]:
    """Orders in a period, with a status filter and item-title words, newest first."""
    query = select(Order).order_by(Order.placed_at.desc(), Order.id.desc())
    start, end = period_range(period, now)
    if start is not None:
        query = query.where(Order.placed_at >= start)
    if end is not None:
        query = query.where(Order.placed_at < end)
    if STATUS_FILTERS.get(status):
        query = query.where(Order.status.in_(STATUS_FILTERS[status]))
    for word in q.split()[:10]:
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        query = query.where(Order.id.in_(select(OrderItem.order_id).where(
            func.lower(OrderItem.title).like(pattern, escape="\\"))))
    orders = list(s.scalars(query))
    items = _items_by_order(s, [o.id for o in orders])
    return [OrderRow(o, items.get(o.id, [])) for o in orders]


def _items_by_order(s: Session, order_ids: Sequence[int]) -> dict[int, list[OrderItem]]:
    found: dict[int, list[OrderItem]] = {}
    query = select(OrderItem).where(OrderItem.order_id.in_(sorted(order_ids))).order_by(
        OrderItem.order_id, OrderItem.id)
    for item in s.scalars(query):
        found.setdefault(item.order_id, []).append(item)
    return found


def order_detail(s: Session, order_id: int) -> OrderDetail | None:
    order = s.get(Order, order_id)
    if order is None:
        return None
    events = s.scalars(select(TrackingEvent).where(TrackingEvent.order_id == order_id)
                       .order_by(TrackingEvent.at, TrackingEvent.id))
    returns = s.scalars(select(Return).where(Return.order_id == order_id)
                        .order_by(Return.created_at, Return.id))
    return OrderDetail(order, _items_by_order(s, [order_id]).get(order_id, []), list(events),
                       list(returns))


def status_line(order: Order) -> str:
    """"Arriving Tue, Mar 10", "Delivered Mar 3", "Cancelled"... for an order."""
    if order.status in ("placed", "shipped"):
        return f"Arriving {short_date(order.estimated_delivery)}"
    if order.status == "out_for_delivery":
        return "Out for delivery: arriving today"
    if order.status == "delivered":
        return f"Delivered {long_date(order.delivered_at or order.estimated_delivery)[:-6]}"
    if order.status == "returned":
        return "Returned: refund issued"
    return "Cancelled"


def returnable(order: Order, item: OrderItem, now: int) -> int:
    """How many units of an item may still be returned now (0 when none)."""
    if order.status != "delivered" or order.delivered_at is None:
        return 0
    if now > order.delivered_at + RETURN_DAYS * DAY:
        return 0
    return max(0, item.quantity - item.returned_quantity)


def timeline(order: Order, events: Sequence[TrackingEvent]) -> list[tuple[str, int | None]]:
    """The tracking steps (label, time or None when still to come)."""
    seen = {event.status: event.at for event in events}
    if order.status == "cancelled":
        return [("Ordered", order.placed_at), ("Cancelled", order.cancelled_at)]
    steps = [("Ordered", "placed"), ("Shipped", "shipped"),
             ("Out for delivery", "out_for_delivery"), ("Delivered", "delivered")]
    found = {"placed": order.placed_at, "shipped": order.shipped_at,
             "delivered": order.delivered_at}
    return [(label, seen.get(key, found.get(key))) for label, key in steps]
