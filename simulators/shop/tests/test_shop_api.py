"""Shop JSON API through the real app: schema, reads, the buying flow, refusals."""

from __future__ import annotations

import pytest
from shopweb import Shopper
from sqlalchemy import select

from webtwin.simulators.shop.models import Order, OrderItem, Product, Review, Variant


def order_id_with(shopper: Shopper, status: str) -> int:
    with shopper.world.session() as s:
        found = s.scalars(select(Order.id).where(Order.status == status)
                          .order_by(Order.id)).first()
    assert found is not None
    return found


def stocked_variant(shopper: Shopper) -> Variant:
    with shopper.world.session() as s:
        found = s.scalars(select(Variant).where(Variant.stock >= 20).order_by(Variant.id)).first()
    assert found is not None
    return found


def test_openapi_and_docs(shopper: Shopper) -> None:
    schema = shopper.get("/openapi.json").json()
    assert {"/api/products", "/api/products/{product_id}", "/api/cart", "/api/cart/items",
            "/api/cart/items/{item_id}", "/api/checkout/quote", "/api/checkout", "/api/orders",
            "/api/orders/{order_id}", "/api/orders/{order_id}/cancel",
            "/api/orders/{order_id}/returns", "/api/addresses", "/api/cards",
            "/api/wishlists"} <= set(schema["paths"])
    assert {"/api/account", "/api/addresses/{address_id}", "/api/addresses/{address_id}/default",
            "/api/cards/{card_id}", "/api/cards/{card_id}/default", "/api/reviews",
            "/api/wishlists/{wishlist_id}", "/api/wishlists/items/{item_id}",
            "/api/wishlists/items/{item_id}/move",
            "/api/wishlists/items/{item_id}/cart"} <= set(schema["paths"])
    assert all(path.startswith("/api") for path in schema["paths"])
    assert shopper.get("/docs").status_code == 200


def test_search_and_product(shopper: Shopper) -> None:
    found = shopper.get("/api/products", params={"q": "lamp", "sort": "price_asc"}).json()
    assert found["total"] >= len(found["results"]) > 0
    prices = [r["price_cents"] for r in found["results"]]
    assert found["results"][0]["title"] and prices
    product = shopper.get(f"/api/products/{found['results'][0]['id']}").json()
    assert product["variants"] and {"stock", "price_cents", "label"} <= set(product["variants"][0])
    assert shopper.get("/api/products/999999").status_code == 404
    assert shopper.get("/api/products/abc").status_code == 422
    nothing = shopper.get("/api/products", params={"q": "lmap"}).json()
    assert nothing["total"] == 0 and nothing["suggestions"]


def test_cart_flow(shopper: Shopper) -> None:
    variant = stocked_variant(shopper)
    cart = shopper.post("/api/cart/items", json={"variant_id": variant.id, "quantity": 2})
    assert cart.status_code == 201
    line = next(i for i in cart.json()["items"] if i["variant_id"] == variant.id)
    assert line["quantity"] == 2
    updated = shopper.request("PATCH", f"/api/cart/items/{line['id']}", json={"quantity": 3})
    assert next(i for i in updated.json()["items"] if i["id"] == line["id"])["quantity"] == 3
    saved = shopper.post(f"/api/cart/items/{line['id']}/save").json()
    assert any(i["id"] == line["id"] for i in saved["saved"])
    shopper.post(f"/api/cart/items/{line['id']}/move")
    gone = shopper.request("DELETE", f"/api/cart/items/{line['id']}").json()
    assert all(i["id"] != line["id"] for i in gone["items"] + gone["saved"])
    before = shopper.world.digest()
    for body in ({"variant_id": variant.id, "quantity": 0}, {"variant_id": 999999},
                 {"variant_id": "x"}, {}):
        refused = shopper.post("/api/cart/items", json=body)
        assert 400 <= refused.status_code < 500 and refused.json()["detail"], body
    assert shopper.post("/api/cart/promo", json={"code": "NOPE"}).status_code == 400
    assert shopper.world.digest() == before


def test_quote_and_place_order(shopper: Shopper) -> None:
    quote = shopper.post("/api/checkout/quote", json={"speed": "expedited"}).json()
    assert quote["total_cents"] == (quote["subtotal_cents"] - quote["discount_cents"]
                                    + quote["shipping_cents"] + quote["tax_cents"])
    assert {o["speed"] for o in quote["options"]} >= {"standard", "expedited"}
    addresses = shopper.get("/api/addresses").json()
    cards = [c for c in shopper.get("/api/cards").json() if not c["expired"]]
    order = shopper.post("/api/checkout", json={"address_id": addresses[0]["id"],
                                                "card_id": cards[0]["id"],
                                                "speed": "expedited"})
    assert order.status_code == 201
    body = order.json()
    assert body["status"] == "placed" and body["total_cents"] == quote["total_cents"]
    assert body["tracking"] and shopper.get("/api/cart").json()["items"] == []
    cancelled = shopper.post(f"/api/orders/{body['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["refunded_cents"] == body[
        "total_cents"]


def test_buy_now_quote(shopper: Shopper) -> None:
    variant = stocked_variant(shopper)
    quote = shopper.post("/api/checkout/quote", json={
        "buy_now": {"variant_id": variant.id, "quantity": 2}}).json()
    assert quote["subtotal_cents"] == 2 * variant.price_cents


@pytest.mark.parametrize("params", [{}, {"period": "all"}, {"status": "delivered",
                                                           "period": "all"},
                                    {"period": "year-2026"}, {"q": "the", "period": "all"}])
def test_orders_list(shopper: Shopper, params: dict[str, str]) -> None:
    response = shopper.get("/api/orders", params=params)
    assert response.status_code == 200
    for order in response.json():
        assert order["items"] and order["status_text"]


def test_orders_list_refuses_junk(shopper: Shopper) -> None:
    assert shopper.get("/api/orders", params={"period": "forever"}).status_code == 400
    assert shopper.get("/api/orders", params={"status": "lost"}).status_code == 400


def test_order_detail_and_return(shopper: Shopper) -> None:
    now = shopper.world.now
    with shopper.world.session() as s:
        item = s.scalars(select(OrderItem).join(Order, Order.id == OrderItem.order_id).where(
            Order.status == "delivered", Order.delivered_at >= now - 29 * 86400)
            .order_by(OrderItem.id)).first()
    assert item is not None
    detail = shopper.get(f"/api/orders/{item.order_id}").json()
    assert detail["tracking"][-1]["status"] == "delivered"
    before = shopper.world.digest()
    bad = shopper.post(f"/api/orders/{item.order_id}/returns",
                       json={"item_id": item.id, "quantity": 1, "reason": "bored"})
    assert bad.status_code == 400 and shopper.world.digest() == before
    done = shopper.post(f"/api/orders/{item.order_id}/returns",
                        json={"item_id": item.id, "quantity": 1, "reason": "damaged"})
    assert done.status_code == 201 and done.json()["refunded_cents"] >= item.unit_price_cents
    placed = order_id_with(shopper, "placed")
    assert shopper.post(f"/api/orders/{placed}/returns",
                        json={"item_id": item.id, "quantity": 1,
                              "reason": "damaged"}).status_code == 404
    assert shopper.get("/api/orders/999999").status_code == 404


def test_addresses_cards_wishlists(shopper: Shopper) -> None:
    address = shopper.post("/api/addresses", json={
        "full_name": "Kai Moreno", "line1": "4 Orchard Row", "city": "Fernhill",
        "region": "Westmark", "postal_code": "40211"})
    assert address.status_code == 201 and not address.json()["is_default"]
    year = int(shopper.get("/api/cards").json()[0]["exp_year"])
    card = shopper.post("/api/cards", json={"number": "5555 5555 5555 4444", "holder": "Kai",
                                            "exp_month": 4, "exp_year": year})
    assert card.status_code == 201 and card.json()["network"] == "Orbit"
    assert shopper.post("/api/cards", json={"number": "1234", "holder": "Kai",
                                            "exp_month": 4, "exp_year": year}).status_code == 400
    lists = shopper.post("/api/wishlists", json={"name": "Gifts"}).json()
    gifts = next(w for w in lists if w["name"] == "Gifts")
    with shopper.world.session() as s:
        pid = s.scalars(select(Product.id).order_by(Product.id)).first()
    added = shopper.post(f"/api/wishlists/{gifts['id']}/items", json={"product_id": pid})
    assert added.status_code == 201
    assert any(i["product_id"] == pid for w in added.json() if w["id"] == gifts["id"]
               for i in w["items"])
    again = shopper.post(f"/api/wishlists/{gifts['id']}/items", json={"product_id": pid})
    assert again.status_code == 400 and "already" in again.json()["detail"]


def test_orders_list_matches_order_numbers(shopper: Shopper) -> None:
    with shopper.world.session() as s:
        order = s.scalars(select(Order).order_by(Order.id)).first()
    assert order is not None
    for q in (order.number, order.number.rsplit("-", 1)[0], f"#{order.number}"):
        found = shopper.get("/api/orders", params={"period": "all", "q": q}).json()
        assert order.id in [o["id"] for o in found], q
    assert shopper.get("/api/orders", params={"period": "year-0000"}).status_code == 400


# -- refusals change nothing --------------------------------------------------------------------
def refused(shopper: Shopper, method: str, url: str, status: int, **kwargs: object) -> str:
    """Send a request that must be refused with `status`; nothing may change."""
    before = shopper.world.digest()
    response = shopper.request(method, url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.text)
    assert shopper.world.digest() == before, url
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def test_profile_update(shopper: Shopper) -> None:
    person = shopper.get("/api/account").json()
    renamed = shopper.request("PATCH", "/api/account", json={"name": "Kai Moreno"})
    assert renamed.status_code == 200
    assert renamed.json() == {**person, "name": "Kai Moreno"}
    phoned = shopper.request("PATCH", "/api/account", json={"phone": "+1 555 0100"}).json()
    assert phoned["name"] == "Kai Moreno" and phoned["phone"] == "+1 555 0100"
    refused(shopper, "PATCH", "/api/account", 400, json={"name": "   "})
    refused(shopper, "PATCH", "/api/account", 400, json={"phone": "call me"})
    refused(shopper, "PATCH", "/api/account", 422, json={"name": "x" * 100_000})


def test_address_update_default_delete(shopper: Shopper) -> None:
    book = shopper.get("/api/addresses").json()
    old_default, other = book[0], book[1]
    assert old_default["is_default"] and not other["is_default"]
    fields = {k: v for k, v in other.items() if k not in ("id", "is_default")}
    updated = shopper.request("PUT", f"/api/addresses/{other['id']}",
                              json={**fields, "city": "Fernhill"})
    assert updated.status_code == 200
    assert updated.json() == {**other, "city": "Fernhill"}
    made = shopper.post(f"/api/addresses/{other['id']}/default").json()
    assert made[0]["id"] == other["id"] and made[0]["is_default"]
    assert [a["is_default"] for a in made].count(True) == 1
    assert "default" in refused(shopper, "DELETE", f"/api/addresses/{other['id']}", 400)
    refused(shopper, "DELETE", "/api/addresses/999999", 404)
    refused(shopper, "POST", "/api/addresses/999999/default", 404)
    refused(shopper, "PUT", f"/api/addresses/{other['id']}", 400,
            json={**fields, "postal_code": "?"})
    left = shopper.request("DELETE", f"/api/addresses/{old_default['id']}")
    assert left.status_code == 200
    assert old_default["id"] not in [a["id"] for a in left.json()]


def test_card_default_delete(shopper: Shopper) -> None:
    cards = shopper.get("/api/cards").json()
    old_default = cards[0]
    expired = next(c for c in cards if c["expired"])
    assert "expired" in refused(shopper, "POST", f"/api/cards/{expired['id']}/default", 400)
    added = shopper.post("/api/cards", json={"number": "5555 5555 5555 4444", "holder": "Kai",
                                             "exp_month": 4,
                                             "exp_year": old_default["exp_year"]}).json()
    made = shopper.post(f"/api/cards/{added['id']}/default").json()
    assert made[0]["id"] == added["id"] and made[0]["is_default"]
    assert "default" in refused(shopper, "DELETE", f"/api/cards/{added['id']}", 400)
    refused(shopper, "DELETE", "/api/cards/999999", 404)
    left = shopper.request("DELETE", f"/api/cards/{old_default['id']}").json()
    assert old_default["id"] not in [c["id"] for c in left]


def test_wishlist_rename_and_delete(shopper: Shopper) -> None:
    lists = shopper.post("/api/wishlists", json={"name": "Gifts"}).json()
    gifts = next(w for w in lists if w["name"] == "Gifts")
    default = next(w for w in lists if w["is_default"])
    renamed = shopper.request("PATCH", f"/api/wishlists/{gifts['id']}", json={"name": "Presents"})
    assert renamed.status_code == 200
    assert next(w for w in renamed.json() if w["id"] == gifts["id"])["name"] == "Presents"
    refused(shopper, "PATCH", f"/api/wishlists/{gifts['id']}", 400,
            json={"name": default["name"].upper()})
    refused(shopper, "DELETE", f"/api/wishlists/{default['id']}", 400)
    refused(shopper, "PATCH", "/api/wishlists/999999", 404, json={"name": "Elsewhere"})
    left = shopper.request("DELETE", f"/api/wishlists/{gifts['id']}").json()
    assert gifts["id"] not in [w["id"] for w in left]


def test_wishlist_items_move_cart_remove(shopper: Shopper) -> None:
    lists = shopper.post("/api/wishlists", json={"name": "Gifts"}).json()
    gifts = next(w for w in lists if w["name"] == "Gifts")
    default = next(w for w in lists if w["is_default"])
    variant = stocked_variant(shopper)
    added = shopper.post(f"/api/wishlists/{gifts['id']}/items",
                         json={"product_id": variant.product_id, "variant_id": variant.id})
    item = next(w for w in added.json() if w["id"] == gifts["id"])["items"][0]
    moved = shopper.post(f"/api/wishlists/items/{item['id']}/move",
                         json={"wishlist_id": default["id"]}).json()
    assert item["id"] in [i["id"] for w in moved if w["id"] == default["id"] for i in w["items"]]
    refused(shopper, "POST", f"/api/wishlists/items/{item['id']}/move", 404,
            json={"wishlist_id": 999999})
    cart = shopper.post(f"/api/wishlists/items/{item['id']}/cart")
    assert cart.status_code == 201
    assert variant.id in [line["variant_id"] for line in cart.json()["items"]]
    gone = shopper.request("DELETE", f"/api/wishlists/items/{item['id']}").json()
    assert item["id"] not in [i["id"] for w in gone for i in w["items"]]
    refused(shopper, "DELETE", f"/api/wishlists/items/{item['id']}", 404)
    refused(shopper, "POST", f"/api/wishlists/items/{item['id']}/cart", 404)


def test_write_review(shopper: Shopper) -> None:
    with shopper.world.session() as s:
        reviewed = set(s.scalars(select(Review.product_id)))
        delivered = s.scalars(select(OrderItem.product_id)
                              .join(Order, Order.id == OrderItem.order_id)
                              .where(Order.delivered_at.is_not(None))
                              .order_by(OrderItem.id)).all()
        never = s.scalars(select(Product.id).where(Product.id.not_in(
            select(OrderItem.product_id))).order_by(Product.id)).first()
    pid = next(p for p in delivered if p not in reviewed)
    body = {"product_id": pid, "rating": 4, "title": "Does the job", "body": "Sturdy enough."}
    refused(shopper, "POST", "/api/reviews", 400, json={**body, "title": "x" * 201})
    assert "delivered" in refused(shopper, "POST", "/api/reviews", 400,
                                  json={**body, "product_id": never})
    refused(shopper, "POST", "/api/reviews", 404, json={**body, "product_id": 999999})
    refused(shopper, "POST", "/api/reviews", 422, json={**body, "rating": 6})
    written = shopper.post("/api/reviews", json=body)
    assert written.status_code == 201
    assert {k: written.json()[k] for k in body} == body
    assert "already" in refused(shopper, "POST", "/api/reviews", 400, json=body)


@pytest.mark.parametrize(("method", "url", "body"), [
    ("PUT", "/api/addresses/abc", {}), ("DELETE", "/api/addresses/1.5", None),
    ("POST", "/api/addresses/-1/default", None), ("DELETE", "/api/cards/abc", None),
    ("POST", f"/api/cards/{10**30}/default", None), ("PATCH", "/api/wishlists/x", {"name": "a"}),
    ("DELETE", "/api/wishlists/%00", None), ("POST", "/api/wishlists/items/x/move", {}),
    ("POST", "/api/wishlists/items/1/move", {"wishlist_id": "two"}),
    ("DELETE", "/api/wishlists/items/abc", None), ("POST", "/api/wishlists/items/abc/cart", None),
    ("POST", "/api/reviews", {"product_id": "one", "rating": 5, "title": "a", "body": "b"}),
    ("POST", "/api/reviews", {"product_id": 1, "rating": 5, "title": "a", "body": "b" * 10**6}),
    ("PATCH", "/api/account", {"name": ["list"]}), ("PATCH", "/api/account", "junk"),
    ("PUT", "/api/addresses/1", {"full_name": "x" * 10**5, "line1": "a", "city": "b",
                                 "region": "c", "postal_code": "12345"}),
])
def test_junk_is_4xx_never_500(shopper: Shopper, method: str, url: str, body: object) -> None:
    before = shopper.world.digest()
    response = shopper.request(method, url, **({} if body is None else {"json": body}))
    assert 400 <= response.status_code < 500 and response.json()["detail"], response.text
    assert shopper.world.digest() == before
