"""Orders: the list with filters, an order's page and tracking, cancel, returns, reviews."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from webtwin.simulators.core.web import FormDep, WorldDep, see_other
from webtwin.simulators.core.world import UserError

from . import queries, services
from .models import RETURN_REASONS, OrderItem
from .pages_common import (
    chrome,
    form_id,
    form_int,
    path_id,
    render_page,
    set_back,
    with_notice,
)

__all__ = ["REASON_NAMES", "router"]

router = APIRouter()
STATUS_NAMES = (("all", "All orders"), ("open", "Not yet delivered"), ("delivered", "Delivered"),
                ("cancelled", "Cancelled"), ("returned", "Returned"))
REASON_NAMES = {
    "damaged": "Item arrived damaged", "wrong_item": "Wrong item was sent",
    "not_as_described": "Item not as described", "no_longer_needed": "No longer needed",
    "better_price": "Found a better price", "arrived_late": "Arrived too late",
}
MAX_QUERY = 200


@router.get("/orders", response_class=HTMLResponse)
async def orders_page(request: Request, world: WorldDep, period: str = "3m",
                      status: str = "all", q: str = "") -> HTMLResponse:
    """Your orders, filtered by period, status and item title words."""
    with world.session() as s:
        years = queries.order_years(s)
        period = queries.normalize_period(period, years)
        status = status if status in queries.STATUS_FILTERS else "all"
        rows = queries.order_list(s, world.now, period, status, q[:MAX_QUERY])
        periods = [(key, name.capitalize()) for key, name in queries.PERIOD_NAMES.items()
                   if key != "all"]
        periods += [(f"year-{y}", str(y)) for y in years] + [("all", "All time")]
        return render_page("shop/orders.html", ui=chrome(s, world, request, active="orders"),
                           rows=rows, period=period, status=status, q=q[:MAX_QUERY],
                           periods=periods, statuses=STATUS_NAMES,
                           period_name=dict(periods)[period])


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def order_page(request: Request, world: WorldDep, order_id: str) -> HTMLResponse:
    """An order: status, tracking, items, payment and returns."""
    oid = path_id(order_id, "order")
    with world.session() as s:
        detail = queries.order_detail(s, oid)
        if detail is None:
            raise HTTPException(404, f"there is no order {oid}")
        reviewed = queries.reviewed_products(s, [item.product_id for item in detail.items])
        return render_page(
            "shop/order.html", ui=chrome(s, world, request, active="orders"), detail=detail,
            reviewed=reviewed, now=world.now, reasons=REASON_NAMES,
            placed=request.query_params.get("placed") == "1",
            steps=queries.timeline(detail.order, detail.events))


@router.post("/orders/{order_id}/cancel")
async def cancel_order(request: Request, world: WorldDep, order_id: str) -> Response:
    """Cancel an order that has not shipped."""
    oid = path_id(order_id, "order")
    set_back(request, f"/orders/{oid}")
    with world.transaction() as s:
        services.cancel_order(s, world, oid)
    return see_other(with_notice(f"/orders/{oid}", "cancelled"))


def _order_item(detail: queries.OrderDetail | None, oid: int, item_text: str) -> OrderItem:
    if detail is None:
        raise HTTPException(404, f"there is no order {oid}")
    item_id = form_id(item_text, "item")
    item = next((i for i in detail.items if i.id == item_id), None)
    if item is None:
        raise HTTPException(404, f"order {oid} has no item {item_id}")
    return item


@router.get("/orders/{order_id}/return", response_class=HTMLResponse)
async def return_form(request: Request, world: WorldDep, order_id: str,
                      item: str = "") -> HTMLResponse:
    """The return form for one item of a delivered order."""
    oid = path_id(order_id, "order")
    set_back(request, f"/orders/{oid}")
    with world.session() as s:
        detail = queries.order_detail(s, oid)
        chosen = _order_item(detail, oid, item)
        assert detail is not None
        left = queries.returnable(detail.order, chosen, world.now)
        cards = queries.product_cards(s, [chosen.product_id])
        return render_page("shop/return.html", ui=chrome(s, world, request, active="orders"),
                           order=detail.order, item=chosen, left=left,
                           card=cards[0] if cards else None, reasons=REASON_NAMES)


@router.post("/orders/{order_id}/return")
async def submit_return(request: Request, form: FormDep, world: WorldDep,
                        order_id: str) -> Response:
    """Return some units of an item; the refund is issued at once."""
    oid = path_id(order_id, "order")
    set_back(request, f"/orders/{oid}")
    item_id = form_id(form.get("item_id"), "item_id")
    set_back(request, f"/orders/{oid}/return?item={item_id}")
    quantity = form_int(form.get("quantity"), "quantity", 1, 10)
    reason = form.get("reason")
    if reason not in RETURN_REASONS:
        raise UserError("Choose a reason for the return")
    with world.transaction() as s:
        services.return_item(s, world, oid, item_id, quantity, reason, form.get("comment"))
    return see_other(with_notice(f"/orders/{oid}", "returned"))


@router.get("/review/new", response_class=HTMLResponse)
async def review_form(request: Request, world: WorldDep, product: str = "") -> HTMLResponse:
    """Write a review of a product that was delivered to you."""
    pid = form_id(product, "product")
    with world.session() as s:
        view = queries.product_view(s, world.now, pid)
        if view is None:
            raise HTTPException(404, f"there is no product {pid}")
        return render_page("shop/review_form.html", ui=chrome(s, world, request), view=view,
                           received=queries.has_received(s, pid))


@router.post("/reviews")
async def post_review(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Publish the shopper's review of a product."""
    pid = form_id(form.get("product_id"), "product_id")
    set_back(request, f"/review/new?product={pid}")
    if not form.get("rating").strip():
        raise UserError("Choose a star rating from 1 to 5 stars")
    rating = form_int(form.get("rating"), "the star rating", 1, 5)
    with world.transaction() as s:
        services.write_review(s, world, pid, rating, form.get("title"), form.get("body"))
    return see_other(with_notice(f"/product/{pid}", "review_posted"))
