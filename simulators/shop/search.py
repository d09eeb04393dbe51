"""Shop search: the `/search` page's query, its results, facets and suggestions (read only).

## Description
`SearchQuery.from_params` turns request parameters into a query, leniently: junk numbers are
ignored, an unknown sort falls back to the default, text is capped at `MAX_Q_CHARS`.
`search(s, world, query)` answers one page of results:

1. words of `q` → products matching every word, scored by the full-text index (`catalog/fts`);
2. one grouped query applies the price, rating, delivery and stock filters (stock is the
   world's `shop_inventory` override, else the catalog's) and counts the matches per
   department and brand: department counts ignore the category filter, brand counts the
   brand filter, and the total honours both;
3. a second query orders and pages them (ties always by product id; relevance is ordered in
   Python from the scores), and a third reads the page's rows.

With no results it proposes close spellings of the query's words and a few departments.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.web import placeholders, sqlite_connection
from webtwin.simulators.core.world import World

from .catalog.fts import MATCHING, match_scores, word_matches
from .catalog.suggest import Suggestion, suggestions

__all__ = ["FacetCount", "Facets", "MAX_Q_CHARS", "PER_PAGE", "SORTS", "SearchPage",
           "SearchQuery", "SearchResult", "Suggestion", "search"]

PER_PAGE = 24
MAX_Q_CHARS = 200
MAX_PAGE = 10_000
SORTS = ("relevance", "featured", "price_asc", "price_desc", "rating", "newest")
_TRUE = frozenset({"1", "true", "on", "yes"})
_STOCKED = ("EXISTS (SELECT 1 FROM catalog.variant AS v LEFT JOIN shop_inventory AS i "
            "ON i.variant_id = v.id WHERE v.product_id = p.id AND coalesce(i.stock, v.stock) > 0)")


def _values(params: Mapping[str, Any], key: str) -> list[str]:
    """Every value of `key` (a multi-dict's `getlist`, a list, or one value)."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if callable(getlist) else params.get(key)
    items = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    return [item for item in items if isinstance(item, str)]


def _first(params: Mapping[str, Any], key: str) -> str:
    found = _values(params, key)
    return found[0].strip() if found else ""


def _number(text: str, low: int, high: int) -> int | None:
    """A whole number in [low, high] ("12.50" → 12), or None for anything else."""
    whole = text.split(".", 1)[0] if text.count(".") <= 1 else ""
    if not (whole.isascii() and whole.isdigit() and len(whole) <= 9):
        return None
    value = int(whole)
    return value if low <= value <= high else None


def _slug(text: str) -> str | None:
    slug = text.strip().lower()
    ok = 0 < len(slug) <= 60 and slug.isascii() and all(c.isalnum() or c == "-" for c in slug)
    return slug if ok else None


@dataclass(frozen=True)
class SearchQuery:
    """What the shopper asked for. Prices are whole dollars; `brands` are brand slugs."""

    q: str = ""
    category: str | None = None
    brands: tuple[str, ...] = ()
    min_price: int | None = None
    max_price: int | None = None
    min_rating: int | None = None
    in_stock: bool = False
    fast: bool = False
    sort: str = "featured"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchQuery:
        """A query from request parameters; anything malformed is ignored, never an error."""
        q = " ".join(_first(params, "q")[:MAX_Q_CHARS].split())
        sort = _first(params, "sort")
        brands = [b for b in map(_slug, _values(params, "brand")) if b is not None]
        return cls(q=q, category=_slug(_first(params, "category")),
                   brands=tuple(sorted(set(brands))),
                   min_price=_number(_first(params, "min_price"), 0, 10**7),
                   max_price=_number(_first(params, "max_price"), 0, 10**7),
                   min_rating=_number(_first(params, "min_rating"), 1, 4),
                   in_stock=_first(params, "in_stock").lower() in _TRUE,
                   fast=_first(params, "fast").lower() in _TRUE,
                   sort=sort if sort in SORTS else default_sort(q),
                   page=min(_number(_first(params, "page"), 1, 10**9) or 1, MAX_PAGE))

    def to_params(self) -> list[tuple[str, str]]:
        """The query as URL parameters, defaults left out (for links and forms)."""
        pairs = [("q", self.q)] if self.q else []
        pairs += [("category", self.category)] if self.category else []
        pairs += [("brand", brand) for brand in self.brands]
        for key in ("min_price", "max_price", "min_rating"):
            if (value := getattr(self, key)) is not None:
                pairs.append((key, str(value)))
        pairs += [("in_stock", "1")] if self.in_stock else []
        pairs += [("fast", "1")] if self.fast else []
        pairs += [("sort", self.sort)] if self.sort != default_sort(self.q) else []
        pairs += [("page", str(self.page))] if self.page > 1 else []
        return pairs

    @property
    def has_filters(self) -> bool:
        return bool(self.category or self.brands or self.min_price is not None
                    or self.max_price is not None or self.min_rating or self.in_stock
                    or self.fast)


def default_sort(q: str) -> str:
    return "relevance" if q.strip() else "featured"


@dataclass(frozen=True)
class SearchResult:
    """One result row. `price_cents` is the lowest variant price; `variant_id` the default
    variant (first in stock by position, else the first)."""

    product_id: int
    title: str
    brand: str
    price_cents: int
    list_price_cents: int
    rating_avg: float
    rating_count: int
    fast_delivery: bool
    in_stock: bool
    variant_id: int


@dataclass(frozen=True)
class FacetCount:
    slug: str
    name: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facets:
    """Departments (counted without the category filter) and brands (without the brand
    filter), most results first."""

    categories: tuple[FacetCount, ...] = ()
    brands: tuple[FacetCount, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """One page of results; `query` is the query as applied (unknown slugs dropped, page
    clamped to the last page, the sort actually used)."""

    query: SearchQuery
    results: tuple[SearchResult, ...]
    total: int
    page: int
    pages: int
    facets: Facets
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class _Where:
    """A WHERE clause under construction: SQL fragments and their bound values."""

    clauses: list[str]
    args: list[Any]

    def add(self, clause: str, *args: Any) -> _Where:
        return _Where([*self.clauses, clause], [*self.args, *args])

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) or "1"


def _names(conn: Any, table: str) -> dict[str, tuple[int, str]]:
    rows = conn.execute(f"SELECT slug, id, name FROM catalog.{table} ORDER BY id").fetchall()
    return {slug: (int(pid), name) for slug, pid, name in rows}


def _filters(query: SearchQuery) -> _Where:
    """Every filter except category and brand (the facets are counted without them). The
    words of `q` are matched in the full-text index again here, each word a subquery, rather
    than handing SQL the ids `match_scores` found (as a list, `json_each` would be needed, and
    it is not used on a world's connection: see `World.restore`)."""
    where = _Where([], [])
    for match in word_matches(query.q):
        where = where.add(f"p.id IN ({MATCHING})", match)
    if query.min_price is not None:
        where = where.add("p.price_cents >= ?", query.min_price * 100)
    if query.max_price is not None:
        where = where.add("p.price_cents <= ?", query.max_price * 100)
    if query.min_rating is not None:
        where = where.add("p.rating_avg >= ?", query.min_rating)
    where = where.add("p.fast_delivery = 1") if query.fast else where
    return where.add(_STOCKED) if query.in_stock else where


_GROUPS = ("SELECT p.category_id, p.brand_id, count(*) FROM catalog.product AS p WHERE {} "
           "GROUP BY p.category_id, p.brand_id ORDER BY p.category_id, p.brand_id")
_ORDER_SQL = {
    "featured": "p.rating_count DESC, p.id",
    "price_asc": "p.price_cents, p.id",
    "price_desc": "p.price_cents DESC, p.id",
    "rating": "p.rating_avg DESC, p.rating_count DESC, p.id",
    "newest": "p.released_days_ago, p.id",
}


def _counts(conn: Any, where: _Where, category: int | None,
            brands: set[int]) -> tuple[Counter[int], Counter[int], int]:
    """(results per category ignoring the category filter, per brand ignoring the brand
    filter, total) from one grouped query."""
    per_category: Counter[int] = Counter()
    per_brand: Counter[int] = Counter()
    total = 0
    for cid, bid, n in conn.execute(_GROUPS.format(where.sql), tuple(where.args)):
        in_brands, in_category = not brands or bid in brands, category in (None, cid)
        per_category[cid] += n if in_brands else 0
        per_brand[bid] += n if in_category else 0
        total += n if in_brands and in_category else 0
    return per_category, per_brand, total


def _page_ids(conn: Any, where: _Where, sort: str, scores: dict[int, float] | None,
              offset: int, limit: int) -> list[int]:
    if sort != "relevance" or scores is None:
        sql = (f"SELECT p.id FROM catalog.product AS p WHERE {where.sql} "
               f"ORDER BY {_ORDER_SQL[sort]} LIMIT ? OFFSET ?")
        return [pid for (pid,) in conn.execute(sql, (*where.args, limit, offset))]
    sql = f"SELECT p.id, p.rating_count FROM catalog.product AS p WHERE {where.sql} ORDER BY p.id"
    rows = conn.execute(sql, tuple(where.args)).fetchall()
    rows.sort(key=lambda row: (-scores[row[0]], -row[1], row[0]))
    return [pid for pid, _ in rows[offset:offset + limit]]


def _facet(counts: Counter[int], names: dict[str, tuple[int, str]],
           selected: set[str]) -> tuple[FacetCount, ...]:
    found = [FacetCount(slug, name, counts.get(pid, 0), slug in selected)
             for slug, (pid, name) in names.items() if counts.get(pid) or slug in selected]
    return tuple(sorted(found, key=lambda f: (-f.count, f.name, f.slug)))


_PAGE_ROWS = (
    "SELECT p.id, p.title, b.name, p.price_cents, "
    "(SELECT v.list_price_cents FROM catalog.variant AS v WHERE v.product_id = p.id "
    "ORDER BY v.price_cents, v.position, v.id LIMIT 1), p.rating_avg, p.rating_count, "
    f"p.fast_delivery, {_STOCKED}, "
    "(SELECT v.id FROM catalog.variant AS v LEFT JOIN shop_inventory AS i "
    "ON i.variant_id = v.id WHERE v.product_id = p.id "
    "ORDER BY coalesce(i.stock, v.stock) > 0 DESC, v.position, v.id LIMIT 1) "
    "FROM catalog.product AS p JOIN catalog.brand AS b ON b.id = p.brand_id "
    "WHERE p.id IN ({}) ORDER BY p.id")


def _results(conn: Any, ids: list[int]) -> tuple[SearchResult, ...]:
    if not ids:
        return ()
    rows = conn.execute(_PAGE_ROWS.format(placeholders(ids)), ids).fetchall()
    by_id = {row[0]: SearchResult(int(row[0]), row[1], row[2], int(row[3]), int(row[4]),
                                  float(row[5]), int(row[6]), bool(row[7]), bool(row[8]),
                                  int(row[9])) for row in rows}
    return tuple(by_id[pid] for pid in ids)


def search(s: Session, world: World, query: SearchQuery) -> SearchPage:
    """One page of products for `query` in `world` (stock as the world sees it)."""
    conn = sqlite_connection(s)
    categories, brands = _names(conn, "category"), _names(conn, "brand")
    category = categories.get(query.category or "")
    chosen = {brands[slug][0] for slug in query.brands if slug in brands}
    scores = match_scores(conn, query.q)
    where = _filters(query)
    per_category, per_brand, total = (_counts(conn, where, category and category[0], chosen)
                                      if scores != {} else (Counter(), Counter(), 0))
    pages = max(1, -(-total // query.per_page))
    applied = dataclasses.replace(
        query, category=query.category if category else None, page=min(query.page, pages),
        sort="featured" if query.sort == "relevance" and scores is None else query.sort,
        brands=tuple(slug for slug in query.brands if slug in brands))
    if category:
        where = where.add("p.category_id = ?", category[0])
    if chosen:
        where = where.add(f"p.brand_id IN ({placeholders(chosen)})", *sorted(chosen))
    ids = _page_ids(conn, where, applied.sort, scores, (applied.page - 1) * query.per_page,
                    query.per_page) if total else []
    facets = Facets(_facet(per_category, categories, {applied.category or ""}),
                    _facet(per_brand, brands, set(applied.brands)))
    hints = suggestions(conn, applied.q, applied.category, categories) if not total else ()
    return SearchPage(applied, _results(conn, ids), total, applied.page, pages, facets, hints)
