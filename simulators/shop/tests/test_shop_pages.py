"""Shop HTML pages through the real app: every page, its element ids, forms end to end, and
refusals that change nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from shopweb import Shopper, bids, ids_with, repeated
from sqlalchemy import func, select

from webtwin.simulators.shop.models import (
    Account,
    Address,
    CartItem,
    Category,
    Order,
    OrderItem,
    PaymentCard,
    Product,
    PromoCode,
    Return,
    Review,
    Variant,
    Wishlist,
    WishlistItem,
)
from webtwin.simulators.shop.services.common import short_date

LAYOUT = ["home", "search-input", "search-category", "search-submit", "nav-orders",
          "nav-account", "nav-wishlists", "nav-messages", "nav-cart"]
STATIC_PAGES = ["/", "/search", "/search?q=lamp", "/search?q=zzqqxx", "/cart", "/checkout",
                "/orders", "/orders?period=all", "/account", "/account/addresses",
                "/account/addresses/new", "/account/payments", "/account/payments/new",
                "/messages", "/wishlists/1"]
MAX_PAGE_BYTES = 60_000


def scalar(shopper: Shopper, query: Any) -> Any:
    with shopper.world.session() as s:
        return s.scalar(query)


def first_category(shopper: Shopper) -> Category:
    found = scalar(shopper, select(Category).order_by(Category.name))
    assert isinstance(found, Category)
    return found


def order_with(shopper: Shopper, status: str) -> Order:
    found = scalar(shopper, select(Order).where(Order.status == status).order_by(Order.id))
    assert isinstance(found, Order), status
    return found


def in_stock_variant(shopper: Shopper, fast: bool | None = None) -> Variant:
    """A variant with plenty of stock (and, if asked, of a Swift product or not)."""
    query = (select(Variant).join(Product, Product.id == Variant.product_id)
             .where(Variant.stock >= 20).order_by(Variant.id))
    if fast is not None:
        query = query.where(Product.fast_delivery.is_(fast))
    found = scalar(shopper, query)
    assert isinstance(found, Variant)
    return found


def returnable_item(shopper: Shopper) -> OrderItem:
    now = shopper.world.now
    query = (select(OrderItem).join(Order, Order.id == OrderItem.order_id)
             .where(Order.status == "delivered", Order.delivered_at >= now - 29 * 86400,
                    OrderItem.returned_quantity < OrderItem.quantity).order_by(OrderItem.id))
    found = scalar(shopper, query)
    assert isinstance(found, OrderItem)
    return found


class _Fields(HTMLParser):
    """Collects visible form controls and the ids that `<label for>` names."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.labelled.add(found["for"] or "")
        if tag in ("select", "textarea") or (tag == "input" and found.get("type") != "hidden"):
            self.controls.append(found)


def unlabelled_controls(html: str) -> list[str]:
    parser = _Fields()
    parser.feed(html)
    return [str(c.get("data-bid")) for c in parser.controls
            if not (c.get("aria-label") or c.get("id") in parser.labelled)]


def assert_healthy(html: str) -> None:
    assert set(LAYOUT) <= set(bids(html))
    assert not repeated(html), repeated(html)
    assert "<script" not in html.lower()
    assert not re.search(r'(href|src|action)="(https?:)?//', html)  # no other host
    assert len(html.encode()) < MAX_PAGE_BYTES, len(html.encode())
    assert not unlabelled_controls(html), unlabelled_controls(html)


# -- every page ------------------------------------------------------------------------------
@pytest.mark.parametrize("url", STATIC_PAGES)
def test_static_pages_render_with_layout(shopper: Shopper, url: str) -> None:
    assert_healthy(shopper.page(url))


def test_pages_of_generated_rows_render(shopper: Shopper) -> None:
    category = first_category(shopper)
    delivered = order_with(shopper, "delivered")
    item = returnable_item(shopper)
    urls = [f"/c/{category.slug}", f"/product/{item.product_id}",
            f"/product/{item.product_id}/reviews", f"/orders/{delivered.id}",
            f"/orders/{item.order_id}/return?item={item.id}", "/messages/1",
            f"/review/new?product={item.product_id}", "/account/addresses/1/edit",
            f"/checkout?buy_now={item.variant_id}&quantity=1"]
    for url in urls:
        assert_healthy(shopper.page(url))


def test_layout_shows_cart_count_and_departments(shopper: Shopper) -> None:
    html = shopper.page("/")
    count = scalar(shopper, select(func.sum(CartItem.quantity)).where(CartItem.saved.is_(False)))
    assert f"Cart ({count})" in html
    with shopper.world.session() as s:
        slugs = s.scalars(select(Category.slug).order_by(Category.slug)).all()
    assert {f"dept-{slug}" for slug in slugs} <= set(bids(html))
    name = scalar(shopper, select(Account.name))
    assert f"Deliver to {str(name).split()[0]}" in html


def test_home_has_deals_and_buy_again(shopper: Shopper) -> None:
    html = shopper.page("/")
    assert "Today's Deals" in html and "Buy again" in html
    assert ids_with(html, "product") and ids_with(html, "add")


# -- search and browsing ----------------------------------------------------------------------
def test_search_results_filters_and_pages(shopper: Shopper) -> None:
    html = shopper.page("/search")
    found = set(bids(html))
    assert {"filter-min-price", "filter-max-price", "filter-in-stock", "filter-fast",
            "filter-apply", "filter-clear", "sort", "sort-apply", "page-next",
            "filter-rating-4", "filter-rating-1"} <= found
    assert "page-prev" not in found
    assert len(ids_with(html, "product")) == 24 and len(ids_with(html, "add")) == 24
    assert re.search(r"1-24 of [\d,]+ results", html)
    second = shopper.page("/search?page=2")
    assert "page-prev" in bids(second) and re.search(r"25-48 of", second)


def test_search_query_header_and_brand_filter(shopper: Shopper) -> None:
    html = shopper.page("/search?q=lamp")
    assert re.search(r'of \d+ results for <span class="q">"lamp"</span>', html)
    brand = next(b[len("filter-brand-"):] for b in bids(html) if b.startswith("filter-brand-"))
    narrowed = shopper.page(f"/search?q=lamp&brand={brand}")
    assert f'value="{brand}" data-bid="filter-brand-{brand}" aria-label=' in narrowed
    assert "checked" in narrowed.split(f'data-bid="filter-brand-{brand}"')[1][:200]
    assert len(ids_with(narrowed, "product")) <= len(ids_with(html, "product"))


def test_no_results_offer_suggestions(shopper: Shopper) -> None:
    html = shopper.page("/search?q=lmap")
    assert "No results" in html
    assert any(bid.startswith("suggestion-") for bid in bids(html))


def test_category_page_and_filter_links(shopper: Shopper) -> None:
    category = first_category(shopper)
    html = shopper.page(f"/c/{category.slug}")
    assert f"filter-category-{category.slug}" in bids(html)
    assert f"in <span class=\"q\">{category.name.replace('&', '&amp;')}</span>" in html
    assert shopper.get("/c/no-such-department").status_code == 404


def test_product_page_ids(shopper: Shopper) -> None:
    item = returnable_item(shopper)
    html = shopper.page(f"/product/{item.product_id}")
    found = set(bids(html))
    category = scalar(shopper, select(Category.slug).join(
        Product, Product.category_id == Category.id).where(Product.id == item.product_id))
    assert {"quantity", "add-to-cart", "buy-now", "wishlist-select", "add-to-wishlist",
            "see-reviews", f"breadcrumb-{category}"} <= found
    reviewed = scalar(shopper, select(Review.id).where(Review.product_id == item.product_id))
    assert ("write-review" in found) == (reviewed is None)
    assert "Customer reviews" in html and "global ratings" in html


def test_product_variants_are_links_and_selection_follows(shopper: Shopper) -> None:
    with shopper.world.session() as s:
        pid = s.scalars(select(Variant.product_id).group_by(Variant.product_id)
                        .having(func.count() >= 3).order_by(Variant.product_id)).first()
        vids = s.scalars(select(Variant.id).where(Variant.product_id == pid)
                         .order_by(Variant.position, Variant.id)).all()
    html = shopper.page(f"/product/{pid}?variant={vids[-1]}")
    assert {f"variant-{v}" for v in vids} <= set(bids(html))
    assert f'name="variant_id" value="{vids[-1]}"' in html
    assert f'data-bid="variant-{vids[-1]}" class="on' in html
    assert shopper.get(f"/product/{pid}?variant=junk").status_code == 200


def test_write_review_only_for_delivered_products(shopper: Shopper) -> None:
    with shopper.world.session() as s:
        bought = set(s.scalars(select(OrderItem.product_id).order_by(OrderItem.product_id)))
        never = s.scalars(select(Product.id).where(Product.id.not_in(bought))
                          .order_by(Product.id)).first()
    assert "write-review" not in bids(shopper.page(f"/product/{never}"))


def test_reviews_page_sort_filter_pages(shopper: Shopper) -> None:
    pid = scalar(shopper, select(Product.id).order_by(Product.id))
    html = shopper.page(f"/product/{pid}/reviews")
    assert {"reviews-sort", "reviews-apply", "stars-5", "stars-1", "back-to-product"} <= set(
        bids(html))
    recent = shopper.page(f"/product/{pid}/reviews?sort=recent&stars=5")
    assert '<option value="recent" selected>' in recent
    assert shopper.get(f"/product/{pid}/reviews?sort=x&stars=9&page=abc").status_code == 200


def test_product_image_is_svg(shopper: Shopper) -> None:
    response = shopper.get("/image/1.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "image/svg+xml")
    assert "<svg" in response.text
    assert shopper.get("/image/999999.svg").status_code == 404
    assert shopper.get("/image/abc.svg").status_code == 404
    with shopper.world.session() as s:
        pid = s.scalars(select(Product.id).where(Product.options == '["Colour"]')
                        .order_by(Product.id)).first()
        colours = s.scalars(select(Variant.id).where(Variant.product_id == pid)
                            .order_by(Variant.position)).all()
    tinted = {shopper.get(f"/image/{pid}.svg?variant={vid}").text for vid in colours[:2]}
    assert len(colours) < 2 or len(tinted) == 2


# -- cart and checkout ------------------------------------------------------------------------
def cart_line(shopper: Shopper, variant_id: int, saved: bool = False) -> CartItem | None:
    found = scalar(shopper, select(CartItem).where(CartItem.variant_id == variant_id,
                                                   CartItem.saved.is_(saved)))
    return found if isinstance(found, CartItem) else None


def test_add_to_cart_and_line_actions(shopper: Shopper) -> None:
    variant = in_stock_variant(shopper)
    response = shopper.post("/cart/add", {"variant_id": variant.id, "quantity": "2",
                                          "action": "add"})
    assert response.status_code == 303 and response.headers["location"] == "/cart?notice=added"
    line = cart_line(shopper, variant.id)
    assert line is not None and line.quantity == 2
    html = shopper.page("/cart?notice=added")
    assert {f"cart-item-{line.id}", f"quantity-{line.id}", f"update-{line.id}",
            f"delete-{line.id}", f"save-{line.id}", "checkout", "promo-code",
            "apply-promo"} <= set(bids(html))
    assert "Added to Cart." in html
    assert shopper.post(f"/cart/{line.id}/quantity", {"quantity": "3"}).status_code == 303
    updated = cart_line(shopper, variant.id)
    assert updated is not None and updated.quantity == 3
    assert shopper.post(f"/cart/{line.id}/save").status_code == 303
    saved = cart_line(shopper, variant.id, saved=True)
    assert saved is not None
    assert {f"saved-item-{saved.id}", f"move-{saved.id}"} <= set(bids(shopper.page("/cart")))
    assert shopper.post(f"/cart/{saved.id}/move").status_code == 303
    moved = cart_line(shopper, variant.id)
    assert moved is not None
    assert shopper.post(f"/cart/{moved.id}/delete").status_code == 303
    assert cart_line(shopper, variant.id) is None


def test_buy_now_redirects_to_one_item_checkout(shopper: Shopper) -> None:
    variant = in_stock_variant(shopper)
    before = shopper.world.digest()
    response = shopper.post("/cart/add", {"variant_id": variant.id, "quantity": "2",
                                          "action": "buy_now"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/checkout?buy_now={variant.id}&quantity=2"
    assert shopper.world.digest() == before
    html = shopper.page(response.headers["location"])
    assert 'name="buy_now"' in html and "Checkout (2 items)" in html


def test_promo_codes_valid_and_expired(shopper: Shopper) -> None:
    now = shopper.world.now
    with shopper.world.session() as s:
        valid = s.scalars(select(PromoCode.code).where(
            PromoCode.starts_at <= now, PromoCode.expires_at > now,
            PromoCode.min_subtotal_cents == 0).order_by(PromoCode.code)).first()
        expired = s.scalars(select(PromoCode.code).where(PromoCode.expires_at <= now)
                            .order_by(PromoCode.code)).first()
    assert valid and expired
    before = shopper.world.digest()
    refused = shopper.post("/cart/promo", {"code": expired})
    assert refused.status_code == 400 and "expired" in refused.text
    assert "error-back" in bids(refused.text) and 'href="/cart"' in refused.text
    assert shopper.world.digest() == before
    assert shopper.post("/cart/promo", {"code": valid.lower()}).status_code == 303
    html = shopper.page("/cart")
    assert "remove-promo" in bids(html) and f"Promotion {valid}" in html
    assert shopper.post("/cart/promo/remove").status_code == 303
    assert scalar(shopper, select(Account.cart_promo_code)) is None


def test_checkout_page_and_place_order(shopper: Shopper) -> None:
    html = shopper.page("/checkout")
    address = scalar(shopper, select(Address.id).where(Address.is_default.is_(True)))
    card = scalar(shopper, select(PaymentCard.id).where(PaymentCard.is_default.is_(True)))
    found = set(bids(html))
    assert {f"address-{address}", f"card-{card}", "add-address", "add-card",
            "speed-standard", "speed-expedited", "place-order"} <= found
    assert re.search(rf'data-bid="address-{address}"[^>]*checked', html)
    assert re.search(r'data-bid="speed-standard"[^>]*checked', html)
    expired = [c for c in ids_with(html, "card")
               if re.search(rf'data-bid="card-{c}"[^>]*disabled', html)]
    assert expired, "the generated expired card is shown disabled"
    response = shopper.post("/checkout", {"address_id": address, "speed": "expedited",
                                          "card_id": card})
    assert response.status_code == 303
    match = re.fullmatch(r"/orders/(\d+)\?placed=1", response.headers["location"])
    assert match
    page = shopper.page(response.headers["location"])
    assert "Order placed, thank you!" in page and "cancel-order" in bids(page)
    assert scalar(shopper, select(func.count()).select_from(CartItem).where(
        CartItem.saved.is_(False))) == 0


def test_buy_now_checkout_leaves_cart(shopper: Shopper) -> None:
    variant = in_stock_variant(shopper)
    cart_before = scalar(shopper, select(func.count()).select_from(CartItem))
    response = shopper.post("/checkout", {"address_id": "1", "speed": "standard", "card_id": "1",
                                          "buy_now": variant.id, "quantity": "1"})
    assert response.status_code == 303
    assert scalar(shopper, select(func.count()).select_from(CartItem)) == cart_before


def test_checkout_refusals_change_nothing(shopper: Shopper) -> None:
    expired = scalar(shopper, select(PaymentCard.id).where(PaymentCard.exp_year < 2026)
                     .order_by(PaymentCard.id)) or scalar(
        shopper, select(PaymentCard.id).where(PaymentCard.is_default.is_(False)))
    slow = in_stock_variant(shopper, fast=False)
    before = shopper.world.digest()
    for data in ({"address_id": "", "speed": "standard", "card_id": "1"},
                 {"address_id": "1", "speed": "standard", "card_id": ""},
                 {"address_id": "1", "speed": "warp", "card_id": "1"},
                 {"address_id": "999999", "speed": "standard", "card_id": "1"},
                 {"address_id": "1", "speed": "standard", "card_id": str(expired)},
                 {"address_id": "1", "speed": "next_day", "card_id": "1",
                  "buy_now": slow.id},
                 {"address_id": "1", "speed": "standard", "card_id": "1", "buy_now": "x"}):
        response = shopper.post("/checkout", data)
        assert 400 <= response.status_code < 500, (data, response.status_code)
        assert "error-back" in bids(response.text)
    assert shopper.world.digest() == before


# -- orders -----------------------------------------------------------------------------------
def test_orders_list_filters(shopper: Shopper) -> None:
    html = shopper.page("/orders?period=all")
    assert {"period", "status", "orders-search", "orders-apply"} <= set(bids(html))
    with shopper.world.session() as s:
        every = s.scalars(select(Order.id).order_by(Order.id)).all()
        delivered = s.scalars(select(Order.id).where(Order.status == "delivered")
                              .order_by(Order.id)).all()
        title = s.scalars(select(OrderItem.title).order_by(OrderItem.id)).first()
    assert set(ids_with(html, "order")) == set(every)
    only = shopper.page("/orders?period=all&status=delivered")
    assert set(ids_with(only, "order")) == set(delivered)
    words = " ".join(str(title).split()[:2])
    found = ids_with(shopper.page(f"/orders?period=all&q={words}"), "order")
    assert found and set(found) <= set(every)
    assert "ORDER PLACED" in html and "Delivered " in html
    assert shopper.get("/orders?period=junk&status=junk").status_code == 200


@pytest.mark.parametrize("part", ["whole", "first two groups", "middle digits", "hash"])
def test_orders_search_by_number(shopper: Shopper, part: str) -> None:
    with shopper.world.session() as s:
        order = s.scalars(select(Order).order_by(Order.placed_at, Order.id)).first()
        numbers = s.scalars(select(Order.number).order_by(Order.id)).all()
    assert order is not None
    number = order.number
    q = {"whole": number, "first two groups": number.rsplit("-", 1)[0],
         "middle digits": number.split("-")[1][2:6], "hash": f"#{number}"}[part]
    html = shopper.page("/orders?" + urlencode({"period": "all", "q": q}))
    expected = {n for n in numbers if q.lstrip("#") in n}
    assert order.id in ids_with(html, "order")
    assert len(ids_with(html, "order")) == len(expected)
    assert f"ORDER # {number}" in html


def test_orders_search_short_digits_match_titles_only(shopper: Shopper) -> None:
    html = shopper.page("/orders?period=all&q=12")
    with shopper.world.session() as s:
        titled = s.scalars(select(OrderItem.order_id).where(OrderItem.title.contains("12"))
                           .order_by(OrderItem.order_id)).all()
    assert set(ids_with(html, "order")) == set(titled)


def test_order_page_ids_and_tracking(shopper: Shopper) -> None:
    item = returnable_item(shopper)
    html = shopper.page(f"/orders/{item.order_id}")
    assert {f"return-{item.id}", f"buy-again-{item.id}", f"product-{item.product_id}",
            "back-to-orders"} <= set(bids(html))
    assert "cancel-order" not in bids(html)
    assert "Tracking ID" in html and "Delivered" in html
    transit = order_with(shopper, "placed")
    assert "Arriving" in shopper.page(f"/orders/{transit.id}")


def test_out_for_delivery_shows_the_date(shopper: Shopper) -> None:
    order = order_with(shopper, "out_for_delivery")
    line = f"Out for delivery: arriving today, {short_date(order.estimated_delivery)}"
    assert line in shopper.page(f"/orders/{order.id}")
    assert line in shopper.page("/orders?period=all")
    assert shopper.get(f"/api/orders/{order.id}").json()["status_text"] == line


def test_cancel_order(shopper: Shopper) -> None:
    placed = order_with(shopper, "placed")
    delivered = order_with(shopper, "delivered")
    before = shopper.world.digest()
    refused = shopper.post(f"/orders/{delivered.id}/cancel")
    assert refused.status_code == 400 and "error-back" in bids(refused.text)
    assert shopper.world.digest() == before
    response = shopper.post(f"/orders/{placed.id}/cancel")
    assert response.headers["location"] == f"/orders/{placed.id}?notice=cancelled"
    assert scalar(shopper, select(Order.status).where(Order.id == placed.id)) == "cancelled"
    assert "Cancelled" in shopper.page(f"/orders/{placed.id}")


def test_return_an_item(shopper: Shopper) -> None:
    item = returnable_item(shopper)
    form = shopper.page(f"/orders/{item.order_id}/return?item={item.id}")
    assert {"return-quantity", "return-reason", "return-comment", "submit-return"} <= set(
        bids(form))
    before = shopper.world.digest()
    for bad in ({"item_id": item.id, "quantity": "1", "reason": "bored"},
                {"item_id": item.id, "quantity": "11", "reason": "damaged"},
                {"item_id": "x", "quantity": "1", "reason": "damaged"},
                {"item_id": 999999, "quantity": "1", "reason": "damaged"}):
        assert 400 <= shopper.post(f"/orders/{item.order_id}/return", bad).status_code < 500
    assert shopper.world.digest() == before
    response = shopper.post(f"/orders/{item.order_id}/return",
                            {"item_id": item.id, "quantity": "1", "reason": "damaged",
                             "comment": "<script>alert(1)</script>"})
    assert response.status_code == 303
    assert scalar(shopper, select(func.count()).select_from(Return).where(
        Return.order_item_id == item.id)) >= 1
    assert "Refunded" in shopper.page(f"/orders/{item.order_id}")


def test_write_a_review(shopper: Shopper) -> None:
    with shopper.world.session() as s:
        reviewed = set(s.scalars(select(Review.product_id).order_by(Review.product_id)))
        pid = s.scalars(select(OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
                        .where(Order.delivered_at.is_not(None),
                               OrderItem.product_id.not_in(reviewed))
                        .order_by(OrderItem.id)).first()
    form = shopper.page(f"/review/new?product={pid}")
    assert {"rating-1", "rating-5", "review-title", "review-body", "submit-review"} <= set(
        bids(form))
    before = shopper.world.digest()
    assert shopper.post("/reviews", {"product_id": pid, "rating": "6", "title": "x",
                                     "body": "y"}).status_code == 400
    assert shopper.post("/reviews", {"product_id": pid, "title": "x",
                                     "body": "y"}).status_code == 400
    assert shopper.world.digest() == before
    response = shopper.post("/reviews", {"product_id": pid, "rating": "4",
                                         "title": "Solid <b>buy</b>", "body": "Works well."})
    assert response.headers["location"] == f"/product/{pid}?notice=review_posted"
    html = shopper.page(f"/product/{pid}")
    assert "Your review" in html and "Solid &lt;b&gt;buy&lt;/b&gt;" in html
    assert "write-review" not in bids(html)


# -- account ----------------------------------------------------------------------------------
def test_profile_update(shopper: Shopper) -> None:
    html = shopper.page("/account")
    assert {"profile-name", "profile-phone", "save-profile", "nav-addresses",
            "nav-payments"} <= set(bids(html))
    response = shopper.post("/account", {"name": "Zoë Ångström", "phone": "+1 555 0100"})
    assert response.headers["location"] == "/account?notice=profile_saved"
    assert scalar(shopper, select(Account.name)) == "Zoë Ångström"
    assert shopper.post("/account", {"name": "", "phone": ""}).status_code == 400


ADDRESS = {"full_name": "Kai Moreno", "line1": "4 Orchard Row", "line2": "", "city": "Fernhill",
           "region": "Westmark", "postal_code": "40211", "country": "United States",
           "phone": "555-0101"}


def test_address_book_crud(shopper: Shopper) -> None:
    html = shopper.page("/account/addresses")
    default = scalar(shopper, select(Address.id).where(Address.is_default.is_(True)))
    assert {"new-address", f"address-{default}", f"edit-address-{default}",
            f"delete-address-{default}"} <= set(bids(html))
    assert f"default-address-{default}" not in bids(html)
    form = shopper.page("/account/addresses/new?back=/checkout")
    assert {"address-full-name", "address-line1", "address-line2", "address-city",
            "address-region", "address-postal-code", "address-country", "address-phone",
            "address-make-default", "save-address"} <= set(bids(form))
    response = shopper.post("/account/addresses", {**ADDRESS, "back": "/checkout"})
    assert response.headers["location"] == "/checkout?notice=address_saved"
    new = scalar(shopper, select(Address.id).where(Address.full_name == "Kai Moreno"))
    edited = shopper.post(f"/account/addresses/{new}", {**ADDRESS, "city": "Bramble Falls",
                                                       "make_default": "1"})
    assert edited.status_code == 303
    assert scalar(shopper, select(Address.city).where(Address.id == new)) == "Bramble Falls"
    assert scalar(shopper, select(Address.is_default).where(Address.id == new))
    before = shopper.world.digest()
    assert shopper.post(f"/account/addresses/{new}/delete").status_code == 400
    assert shopper.post("/account/addresses", {**ADDRESS, "postal_code": "!"}).status_code == 400
    assert shopper.world.digest() == before
    assert shopper.post(f"/account/addresses/{default}/default").status_code == 303
    assert shopper.post(f"/account/addresses/{new}/delete").status_code == 303
    assert scalar(shopper, select(Address.id).where(Address.id == new)) is None


def test_cards_crud(shopper: Shopper) -> None:
    form = shopper.page("/account/payments/new")
    assert {"card-number", "card-holder", "card-exp-month", "card-exp-year",
            "card-make-default", "save-card"} <= set(bids(form))
    year = int(re.findall(r'<option value="(\d{4})"', form)[2])
    before = shopper.world.digest()
    bad = shopper.post("/account/payments", {"card_number": "4111 1111 1111 1112",
                                             "holder": "Kai", "exp_month": "5",
                                             "exp_year": str(year)})
    assert bad.status_code == 400 and "not valid" in bad.text
    assert shopper.world.digest() == before
    response = shopper.post("/account/payments", {"card_number": "4111 1111 1111 1111",
                                                  "holder": "Kai Moreno", "exp_month": "5",
                                                  "exp_year": str(year), "make_default": "1"})
    assert response.headers["location"] == "/account/payments?notice=card_saved"
    card = scalar(shopper, select(PaymentCard).where(PaymentCard.last4 == "1111"))
    assert isinstance(card, PaymentCard) and card.is_default and card.network == "Novacard"
    html = shopper.page("/account/payments")
    assert {"new-card", f"card-{card.id}", f"delete-card-{card.id}"} <= set(bids(html))
    assert shopper.post(f"/account/payments/{card.id}/delete").status_code == 400
    other = scalar(shopper, select(PaymentCard.id).where(PaymentCard.id != card.id,
                                                         PaymentCard.exp_year >= year - 2)
                   .order_by(PaymentCard.id))
    assert shopper.post(f"/account/payments/{other}/default").status_code == 303
    assert shopper.post(f"/account/payments/{card.id}/delete").status_code == 303


# -- wish lists and messages ------------------------------------------------------------------
def test_wishlists_end_to_end(shopper: Shopper) -> None:
    assert shopper.get("/wishlists").headers["location"].startswith("/wishlists/")
    default = scalar(shopper, select(Wishlist.id).where(Wishlist.is_default.is_(True)))
    html = shopper.page(f"/wishlists/{default}")
    assert {f"wishlist-{default}", "new-wishlist-name", "create-wishlist", "rename-wishlist",
            "rename-wishlist-submit"} <= set(bids(html))
    assert "delete-wishlist" not in bids(html)
    created = shopper.post("/wishlists", {"name": "Gifts"})
    gifts = scalar(shopper, select(Wishlist.id).where(Wishlist.name == "Gifts"))
    assert created.headers["location"] == f"/wishlists/{gifts}?notice=list_created"
    variant = in_stock_variant(shopper)
    added = shopper.post("/wishlists/add", {"product_id": variant.product_id,
                                            "variant_id": variant.id, "wishlist_id": gifts})
    assert added.status_code == 303
    item = scalar(shopper, select(WishlistItem.id).where(WishlistItem.wishlist_id == gifts))
    page = shopper.page(f"/wishlists/{gifts}")
    assert {f"wish-item-{item}", f"wish-move-{item}", f"wish-move-submit-{item}",
            f"wish-delete-{item}", f"wish-cart-{item}", "delete-wishlist"} <= set(bids(page))
    assert shopper.post(f"/wishlists/items/{item}/cart").status_code == 303
    assert cart_line(shopper, variant.id) is not None
    assert shopper.post(f"/wishlists/items/{item}/move",
                        {"wishlist_id": default}).status_code == 303
    assert scalar(shopper, select(WishlistItem.wishlist_id).where(
        WishlistItem.id == item)) == default
    assert shopper.post(f"/wishlists/{gifts}/rename", {"name": "Presents"}).status_code == 303
    assert shopper.post(f"/wishlists/items/{item}/delete").status_code == 303
    before = shopper.world.digest()
    assert shopper.post(f"/wishlists/{default}/delete").status_code == 400
    assert shopper.post("/wishlists", {"name": ""}).status_code == 400
    assert shopper.world.digest() == before
    assert shopper.post(f"/wishlists/{gifts}/delete").status_code == 303
    assert scalar(shopper, select(Wishlist.id).where(Wishlist.id == gifts)) is None


def test_messages(shopper: Shopper) -> None:
    html = shopper.page("/messages")
    ids = ids_with(html, "message")
    assert ids
    page = shopper.page(f"/messages/{ids[0]}")
    assert "back-to-messages" in bids(page)


# -- junk input -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/product/999999", "/product/abc", "/product/-1", "/product/1.5",
    "/product/99999999999999999999999", "/product/..%2F..%2Fetc%2Fpasswd",
    "/product/999999/reviews", "/orders/999999", "/orders/abc",
    "/orders/999999/return?item=1", "/orders/1/return?item=999999", "/messages/999999",
    "/wishlists/999999", "/wishlists/x", "/account/addresses/999999/edit", "/c/nope",
    "/review/new?product=999999", "/checkout?buy_now=999999", "/nowhere"])
def test_unknown_ids_are_404_pages(shopper: Shopper, url: str) -> None:
    response = shopper.get(url)
    assert response.status_code == 404, response.status_code
    assert "error-back" in bids(response.text)


@pytest.mark.parametrize("method,url,data", [
    ("POST", "/cart/add", {"variant_id": "abc"}),
    ("POST", "/cart/add", {"variant_id": "1", "quantity": "lots"}),
    ("POST", "/cart/add", {"variant_id": "1", "quantity": "99999999999999999999"}),
    ("POST", "/cart/add", {"variant_id": "1", "quantity": "0"}),
    ("POST", "/cart/add", {"variant_id": "1", "action": "steal"}),
    ("POST", "/cart/add", {"variant_id": "999999"}),
    ("POST", "/cart/add", {"variant_id": "1' OR 1=1 --"}),
    ("POST", "/cart/1/quantity", {"quantity": "<script>"}),
    ("POST", "/cart/abc/quantity", {"quantity": "1"}),
    ("POST", "/cart/999999/delete", {}),
    ("POST", "/cart/999999/save", {}),
    ("POST", "/cart/promo", {"code": "X" * 5000}),
    ("POST", "/cart/promo", {"code": "'; DROP TABLE shop_order; --"}),
    ("POST", "/orders/abc/cancel", {}),
    ("POST", "/orders/999999/cancel", {}),
    ("POST", "/orders/1/return", {"item_id": "1", "quantity": "x", "reason": "damaged"}),
    ("POST", "/reviews", {"product_id": "../../etc", "rating": "5"}),
    ("POST", "/account/addresses/abc/delete", {}),
    ("POST", "/account/addresses/999999/default", {}),
    ("POST", "/account/payments", {"card_number": "4111", "exp_month": "13", "exp_year": "y"}),
    ("POST", "/account/payments/999999/delete", {}),
    ("POST", "/wishlists/add", {"product_id": "1", "wishlist_id": "nope"}),
    ("POST", "/wishlists/add", {"product_id": "999999", "wishlist_id": "1"}),
    ("POST", "/wishlists/items/999999/move", {"wishlist_id": "1"}),
    ("POST", "/wishlists/items/abc/cart", {}),
    ("POST", "/wishlists/1/rename", {"name": "N" * 5000}),
])
def test_bad_input_is_4xx_and_changes_nothing(shopper: Shopper, method: str, url: str,
                                              data: dict[str, str]) -> None:
    before = shopper.world.digest()
    response = shopper.request(method, url, data=data)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[-300:])
    assert "error-back" in bids(response.text)
    assert shopper.world.digest() == before


def test_user_text_is_escaped(shopper: Shopper) -> None:
    html = shopper.page("/search?q=<script>alert(1)</script>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    shopper.post("/wishlists", {"name": "<img src=x onerror=alert(1)>"})
    lists = shopper.page("/wishlists/1")
    assert "<img src=x" not in lists and "&lt;img src=x" in lists


def test_back_links_never_leave_the_site(shopper: Shopper) -> None:
    response = shopper.post("/account/addresses", {**ADDRESS, "back": "https://evil.example/x"})
    assert response.headers["location"] == "/account/addresses?notice=address_saved"
    form = shopper.page("/account/payments/new?back=//evil.example")
    assert "evil.example" not in form
