"""Browsing: home, search and category pages, product pages, reviews, product pictures."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from webtwin.simulators.core.web import WorldDep
from webtwin.simulators.core.world import World

from . import queries
from .images import product_svg
from .models import Product, Variant
from .pages_common import chrome, page_number, path_id, render_page
from .search import SearchPage, SearchQuery, Suggestion, default_sort, search

__all__ = ["query_params", "router", "search_context"]

router = APIRouter()
SORTS = (("featured", "Featured"), ("relevance", "Relevance"),
         ("price_asc", "Price: Low to High"), ("price_desc", "Price: High to Low"),
         ("rating", "Avg. Customer Review"), ("newest", "Newest Arrivals"))
REVIEW_SORTS = (("top", "Top reviews"), ("recent", "Most recent"))
MAX_FACET_BRANDS = 15
COLOUR_AXES = ("colour", "color")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, world: WorldDep) -> HTMLResponse:
    """Departments, today's deals and "Buy again"."""
    with world.session() as s:
        again = queries.buy_again(s, 6)
        seen = {card.product.id for card in again}
        deals = [card for card in queries.deals(s, 16) if card.product.id not in seen][:6]
        return render_page("shop/home.html", ui=chrome(s, world, request, active="home"),
                           tiles=queries.department_tiles(s), deals=deals, again=again)


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Search results with filters, sorting and pages (24 per page)."""
    return _results(request, world, request.query_params)


@router.get("/c/{slug}", response_class=HTMLResponse)
async def category_page(request: Request, world: WorldDep, slug: str) -> HTMLResponse:
    """A department: the search page with `category` set."""
    with world.session() as s:
        if queries.category_by_slug(s, slug) is None:
            raise HTTPException(404, f"there is no department {slug[:40]!r}")
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "category"]
    return _results(request, world, QueryParams([*params, ("category", slug)]))


def _results(request: Request, world: World, params: QueryParams) -> HTMLResponse:
    with world.session() as s:
        found = search(s, world, SearchQuery.from_params(params))
        query = found.query  # as applied: unknown slugs dropped, page clamped
        cards = queries.product_cards(s, queries.result_ids(found.results))
        names = {c.slug: c.name for c in queries.categories(s)}
        ui = chrome(s, world, request, q=query.q, category=query.category or "")
        return render_page("shop/search.html", ui=ui, query=query, found=found, cards=cards,
                           **search_context(query, found, names))


def query_params(query: SearchQuery, **changes: Any) -> list[tuple[str, str]]:
    """The query as URL parameters, with `changes` (None drops a field)."""
    fields: dict[str, Any] = {
        "q": query.q, "category": query.category, "brand": list(query.brands),
        "min_price": query.min_price, "max_price": query.max_price,
        "min_rating": query.min_rating, "in_stock": "1" if query.in_stock else None,
        "fast": "1" if query.fast else None,
        "sort": None if query.sort == default_sort(query.q) else query.sort,
        "page": query.page if query.page > 1 else None}
    fields.update(changes)
    pairs: list[tuple[str, str]] = []
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None and one != "":
                pairs.append((key, str(one)))
    return pairs


def _link(pairs: list[tuple[str, str]]) -> str:
    return "/search" + (f"?{urlencode(pairs)}" if pairs else "")


def _suggestion_link(hint: Suggestion) -> str:
    pairs = [("q", hint.q), ("category", hint.category)]
    return _link([(key, value) for key, value in pairs if value])


def search_context(query: SearchQuery, found: SearchPage, names: dict[str, str]
                   ) -> dict[str, Any]:
    """Links and texts of the search page (every link keeps the other filters)."""
    first = (found.page - 1) * query.per_page + 1 if found.total else 0
    categories: list[tuple[str, str, int | None]] = [
        (f.slug, f.name, f.count) for f in found.facets.categories]
    categories = categories or [(slug, name, None) for slug, name in names.items()]
    pages = {"prev": found.page - 1 if found.page > 1 else None,
             "next": found.page + 1 if found.page < found.pages else None}
    return {
        "sorts": SORTS, "first": first, "last": min(found.total, found.page * query.per_page),
        "heading": f"Results for {query.q}" if query.q else names.get(query.category or "",
                                                                      "All products"),
        "category_name": names.get(query.category or "", ""),
        "kept": query_params(query, sort=None, page=None),
        "form_kept": query_params(query, brand=None, min_price=None, max_price=None,
                                  in_stock=None, fast=None, page=None),
        "categories": categories,
        "category_links": {slug: _link(query_params(query, category=slug or None, page=None,
                                                    brand=None))
                           for slug in ["", *(c[0] for c in categories)]},
        "rating_links": {n: _link(query_params(query, min_rating=n, page=None))
                         for n in (1, 2, 3, 4)},
        "brands": [(f.slug, f.name, f.count) for f in found.facets.brands[:MAX_FACET_BRANDS]],
        "clear_link": _link(query_params(query, brand=None, min_price=None, max_price=None,
                                         min_rating=None, in_stock=None, fast=None, page=None,
                                         sort=None)),
        "prev_link": _link(query_params(query, page=pages["prev"])) if pages["prev"] else "",
        "next_link": _link(query_params(query, page=pages["next"])) if pages["next"] else "",
        "suggestions": [(hint.label, _suggestion_link(hint)) for hint in found.suggestions[:6]],
    }


@router.get("/product/{product_id}", response_class=HTMLResponse)
async def product_page(request: Request, world: WorldDep, product_id: str,
                       variant: str = "") -> HTMLResponse:
    """A product: picture, variants, buy box, details and the top reviews."""
    pid = path_id(product_id, "product")
    with world.session() as s:
        view = queries.product_view(s, world.now, pid, _optional_id(variant))
        if view is None:
            raise HTTPException(404, f"there is no product {pid}")
        ui = chrome(s, world, request, category=view.category.slug)
        return render_page("shop/product.html", ui=ui, view=view, lists=queries.wishlists(s))


@router.get("/product/{product_id}/reviews", response_class=HTMLResponse)
async def reviews_page(request: Request, world: WorldDep, product_id: str, sort: str = "top",
                       stars: str = "") -> HTMLResponse:
    """Every review of a product, sorted, filtered by stars, 10 per page."""
    pid = path_id(product_id, "product")
    sort = sort if sort in dict(REVIEW_SORTS) else "top"
    star = int(stars) if stars in ("1", "2", "3", "4", "5") else None
    with world.session() as s:
        view = queries.product_view(s, world.now, pid)
        if view is None:
            raise HTTPException(404, f"there is no product {pid}")
        page = queries.reviews_page(s, world.now, pid, sort, star,
                                    page_number(request.query_params.get("page")))
        ui = chrome(s, world, request, category=view.category.slug)
        return render_page("shop/reviews.html", ui=ui, view=view, page=page, sort=sort,
                           stars=star, sorts=REVIEW_SORTS)


@router.get("/image/{product_id}.svg")
async def product_image(world: WorldDep, product_id: str, variant: str = "") -> Response:
    """The product's generated picture (`?variant=` tints colour variants)."""
    pid = path_id(product_id, "product image")
    vid = _optional_id(variant)
    with world.session() as s:
        product = s.get(Product, pid)
        if product is None:
            raise HTTPException(404, f"there is no product {pid}")
        chosen = s.get(Variant, vid) if vid is not None else None
        svg = product_svg(product, _colour_of(product, chosen))
    return Response(svg, media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=86400"})


def _colour_of(product: Product, variant: Variant | None) -> str | None:
    """The variant's value of a colour option (what tints the picture), if it has one."""
    if variant is None or variant.product_id != product.id:
        return None
    names = [str(name).lower() for name in queries.json_list(product.options)]
    values = [variant.option1, variant.option2]
    return next((values[i] for i, name in enumerate(names[:2]) if name in COLOUR_AXES), None)


def _optional_id(text: str) -> int | None:
    value = text.strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 15 else None
