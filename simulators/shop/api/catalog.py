"""API: catalog search and product details."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from webtwin.simulators.core.web import WorldDep

from .. import queries
from ..search import SearchQuery, search
from .schemas import IdPath, ProductOut, ProductSummary, SearchOut, SuggestionOut, VariantOut

__all__ = ["router", "summary"]

router = APIRouter(tags=["catalog"])


def summary(card: queries.Card) -> ProductSummary:
    """A product card as the API's product summary (its default variant's price and stock)."""
    p, v = card.product, card.default.variant
    return ProductSummary(
        id=p.id, title=p.title, brand=card.brand.name, price_cents=v.price_cents,
        list_price_cents=v.list_price_cents, rating_avg=p.rating_avg,
        rating_count=p.rating_count, fast_delivery=p.fast_delivery, default_variant_id=v.id,
        in_stock=card.default.stock > 0)


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
                     results=[summary(c) for c in cards],
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
        return ProductOut(**summary(cards[0]).model_dump(), category=view.category.slug,
                          description=view.product.description, options=view.option_names,
                          bullets=view.bullets, specs=view.specs, variants=variants)
