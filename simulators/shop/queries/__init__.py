"""Shop read side: catalog cards, product views, cart, orders, lists and the account.

## Description
Pages, the JSON API and tasks read through these functions (services change state). The
catalog lives in the attached `catalog` schema and never changes; a variant's effective stock
is the world's `shop_inventory` row when there is one, else the catalog's. Every query that
feeds a page has a total `ORDER BY`, so pages are the same on every run.

Modules by area: `common` (stock, variants, product cards), `shopper` (account, addresses,
cards, messages), `catalog` (departments, home shelves), `product` (product page, reviews),
`cart`, `wishlist` and `orders`. This package re-exports their public names, so callers
write `queries.product_view(...)`.
"""

from __future__ import annotations

from .cart import CartLine, CartView, cart_count, cart_view
from .catalog import (
    Department,
    buy_again,
    categories,
    category_by_slug,
    deals,
    delivered_products,
    department_tiles,
)
from .common import (
    DAY,
    Card,
    VariantInfo,
    default_variant,
    effective_stock,
    json_list,
    midnight,
    option_label,
    product_cards,
    result_ids,
    stocks,
    variant_infos,
)
from .orders import (
    OPEN_STATUSES,
    PERIOD_NAMES,
    STATUS_FILTERS,
    OrderDetail,
    OrderRow,
    normalize_period,
    order_detail,
    order_list,
    order_years,
    period_range,
    returnable,
    status_line,
    timeline,
)
from .product import (
    Delivery,
    ProductView,
    Rating,
    ReviewRow,
    ReviewsPage,
    all_reviews,
    delivery_estimates,
    has_received,
    own_review,
    product_view,
    rating_of,
    reviewed_products,
    reviews_page,
    sort_reviews,
)
from .shopper import (
    HeaderLine,
    account,
    account_row,
    addresses,
    card_expired,
    cards,
    default_address,
    header_line,
    notifications,
)
from .wishlist import WishLine, wishlist_items, wishlists

__all__ = [
    "Card", "CartLine", "CartView", "DAY", "Delivery", "Department", "HeaderLine", "OPEN_STATUSES",
    "OrderDetail", "OrderRow", "header_line", "PERIOD_NAMES", "ProductView", "Rating", "ReviewRow",
    "ReviewsPage", "STATUS_FILTERS", "VariantInfo", "WishLine", "account", "account_row",
    "addresses", "all_reviews", "buy_again", "card_expired", "cards", "cart_count", "cart_view",
    "categories", "category_by_slug", "deals", "default_address", "default_variant",
    "delivered_products", "delivery_estimates", "department_tiles", "effective_stock",
    "has_received", "json_list", "midnight", "normalize_period", "notifications", "option_label",
    "order_detail", "order_list", "order_years", "own_review", "period_range", "product_cards",
    "product_view", "rating_of", "result_ids", "returnable", "reviewed_products", "reviews_page",
    "sort_reviews", "status_line", "stocks", "timeline", "variant_infos", "wishlist_items",
    "wishlists",
]
