"""The catalog as plain rows, drawn from `seeds/data/shop_catalog.json` with a fixed seed.

Each product type draws its products from its own substream (named after the type), each
product's listing (stock, ratings, reviews, release) from a substream named after its title,
and one more substream shuffles the products into id order, so that adding a type to the
corpus changes no other type's products.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from webtwin.seeds import load_corpus
from webtwin.simulators.core.rng import Random, substream

from .draw import Draft, draw_product, slugify
from .ratings import draw_ratings

__all__ = ["CATALOG_SEED", "TARGET_PRODUCTS", "CatalogRows", "catalog_rows"]

CATALOG_SEED = 20260302
TARGET_PRODUCTS = 1104
FAST_SHARE = 0.4
SOLD_OUT_SHARE = 0.025  # products with every variant out of stock
EMPTY_VARIANT_SHARE = 0.035  # further variants out of stock, one by one
LOW_STOCK_SHARE = 0.1


def _rng(*names: str | int) -> Random:
    return substream(CATALOG_SEED, "shop", "catalog", *names)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass
class CatalogRows:
    """Rows per table, as tuples in the column order of the INSERTs in `build`."""

    categories: list[tuple[Any, ...]] = field(default_factory=list)
    brands: list[tuple[Any, ...]] = field(default_factory=list)
    products: list[tuple[Any, ...]] = field(default_factory=list)
    variants: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[tuple[Any, ...]] = field(default_factory=list)
    search: list[tuple[Any, ...]] = field(default_factory=list)  # docid, title, brand, ...


def _allocation(corpus: dict[str, Any]) -> dict[int, int]:
    """How many products each type gets: the target split evenly by category, then by type."""
    per_category = TARGET_PRODUCTS // len(corpus["categories"])
    counts: dict[int, int] = {}
    for category in corpus["categories"]:
        kinds = [i for i, kind in enumerate(corpus["types"])
                 if kind["category"] == category["slug"]]
        for rank, index in enumerate(kinds):
            counts[index] = per_category // len(kinds) + (rank < per_category % len(kinds))
    return counts


def _drafts(corpus: dict[str, Any], people: list[dict[str, str]]) -> list[Draft]:
    authors = sorted(f"{p['first']} {p['last']}" for p in people)
    taken: set[str] = set()
    drafts: list[Draft] = []
    for index, count in sorted(_allocation(corpus).items()):
        kind = corpus["types"][index]
        brands = sorted(b["name"] for b in corpus["brands"] if kind["category"] in b["categories"])
        rng = _rng("type", kind["category"], kind["noun"])
        drafts.extend(draw_product(rng, kind, corpus, brands, authors, taken)
                      for _ in range(count))
    _rng("order").shuffle(drafts)
    return drafts


def _stock(rng: Random, sold_out: bool) -> int:
    if sold_out or rng.random() < EMPTY_VARIANT_SHARE:
        return 0
    if rng.random() < LOW_STOCK_SHARE:
        return rng.randint(1, 5)
    return rng.randint(6, 250)


def _add_variants(rows: CatalogRows, rng: Random, product_id: int, draft: Draft) -> None:
    sold_out = rng.random() < SOLD_OUT_SHARE
    code = slugify(draft.brand).replace("-", "")[:3].upper()
    first = len(rows.variants) + 1
    for position, v in enumerate(draft.variants):
        sku = f"{code}-{product_id:05d}-{position + 1:02d}"
        rows.variants.append((first + position, product_id, sku, v.option1, v.option2,
                              v.price_cents, v.list_price_cents, _stock(rng, sold_out), position))


def _add_product(rows: CatalogRows, ids: dict[str, dict[str, int]], product_id: int,
                 draft: Draft, corpus: dict[str, Any], reviewers: list[str]) -> None:
    rng = _rng("listing", draft.title)
    released = rng.randint(1, 30) if rng.random() < 0.1 else rng.randint(1, 900)
    fast = rng.random() < FAST_SHARE
    _add_variants(rows, rng, product_id, draft)
    ratings = draw_ratings(rng, corpus, reviewers, {"brand": draft.brand, "thing": draft.thing,
                                                    "category": draft.category},
                           released)
    price = min(v.price_cents for v in draft.variants)
    rows.products.append((
        product_id, ids["category"][draft.category], ids["brand"][draft.brand], draft.title,
        draft.description, _json(draft.bullets), _json(draft.specs), _json(draft.options),
        _json(draft.image), price, ratings.average, ratings.count, *ratings.histogram,
        released, int(fast)))
    first = len(rows.reviews) + 1
    rows.reviews.extend((first + n, product_id, r.author, r.rating, r.title, r.body, r.days_ago,
                         r.helpful, int(r.verified)) for n, r in enumerate(ratings.reviews))


def _add_search(rows: CatalogRows, corpus: dict[str, Any], drafts: list[Draft]) -> None:
    names = {c["slug"]: c["name"] for c in corpus["categories"]}
    for product_id, draft in enumerate(drafts, 1):
        values = sorted({value for v in draft.variants for value in (v.option1, v.option2)
                         if value})
        body = " ".join([draft.description, *draft.bullets, *values])
        rows.search.append((product_id, draft.title, draft.brand, names[draft.category], body))


def catalog_rows() -> CatalogRows:
    """Every row of the catalog (deterministic: same rows in every process)."""
    corpus = load_corpus("shop_catalog")
    people = load_corpus("people")
    rows = CatalogRows()
    ids: dict[str, dict[str, int]] = {"category": {}, "brand": {}}
    for number, category in enumerate(corpus["categories"], 1):
        ids["category"][category["slug"]] = number
        rows.categories.append((number, category["slug"], category["name"],
                                category["description"]))
    for number, brand in enumerate(corpus["brands"], 1):
        ids["brand"][brand["name"]] = number
        rows.brands.append((number, slugify(brand["name"]), brand["name"]))
    reviewers = sorted(f"{p['first']} {p['last'][0]}." for p in people)
    drafts = _drafts(corpus, people)
    for product_id, draft in enumerate(drafts, 1):
        _add_product(rows, ids, product_id, draft, corpus, reviewers)
    _add_search(rows, corpus, drafts)
    return rows
