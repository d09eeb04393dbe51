"""Shop JSON API through the real app: schema, reads, the buying flow, refusals."""

from __future__ import annotations

import pytest
from shopweb import Shopper
from sqlalchemy import select

from webtwin.simulators.shop.models import Order, OrderItem, Product, Variant


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
