"""Shop search: parsing, relevance, filters, sorts, pages, facets, hostile text, stock."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from webtwin.simulators.core.world import World
from webtwin.simulators.shop import SITE
from webtwin.simulators.shop.models import Inventory
from webtwin.simulators.shop.search import PER_PAGE, SearchPage, SearchQuery, search

ALL = 5000  # a page size that holds every result


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    w = World.empty([SITE], 11)
    yield w
    w.close()


def run(world: World, **params: Any) -> SearchPage:
    with world.transaction() as s:
        return search(s, world, SearchQuery.from_params(params))


def run_all(world: World, **params: Any) -> SearchPage:
    query = dataclasses.replace(SearchQuery.from_params(params), per_page=ALL)
    with world.transaction() as s:
        return search(s, world, query)


def column(world: World, sql: str, *args: Any) -> list[Any]:
    return [row[0] for row in world.conn.execute(sql, args).fetchall()]


def ids(page: SearchPage) -> list[int]:
    return [r.product_id for r in page.results]


# -- parsing ----------------------------------------------------------------------------------
def test_from_params_defaults() -> None:
    assert SearchQuery.from_params({}) == SearchQuery()
    assert SearchQuery.from_params({"q": " tent "}).sort == "relevance"
    assert SearchQuery().sort == "featured" and SearchQuery().per_page == PER_PAGE


def test_from_params_tolerates_junk() -> None:
    query = SearchQuery.from_params({
        "q": "x" * 1000, "category": "../../etc", "brand": ["Northpeak!", "northpeak", 7],
        "min_price": "abc", "max_price": "-5", "min_rating": "9", "in_stock": "maybe",
        "fast": ["1", "0"], "sort": "DROP TABLE", "page": "0"})
    assert len(query.q) == 200 and query.category is None and query.brands == ("northpeak",)
    assert query.min_price is None and query.max_price is None and query.min_rating is None
    assert not query.in_stock and query.fast
    assert query.sort == "relevance" and query.page == 1
    assert SearchQuery.from_params({"min_price": "12.50", "page": "3"}).min_price == 12


def test_to_params_round_trip() -> None:
    query = SearchQuery(q="tent", category="sports-outdoors", brands=("northpeak", "summitfox"),
                        min_price=20, max_price=300, min_rating=4, in_stock=True, fast=True,
                        sort="price_asc", page=2)
    params: dict[str, list[str]] = {}
    for key, value in query.to_params():
        params.setdefault(key, []).append(value)
    assert SearchQuery.from_params(params) == query
    assert SearchQuery(q="tent", sort="relevance").to_params() == [("q", "tent")]


# -- relevance --------------------------------------------------------------------------------
def test_text_matches_every_word(world: World) -> None:
    found = run_all(world, q="backpacking tent")
    assert found.total >= 5
    assert all("tent" in r.title.lower() for r in found.results)
    assert set(ids(found)) <= set(ids(run_all(world, q="tent")))


def test_title_hits_rank_above_description_hits(world: World) -> None:
    found = run_all(world, q="waterproof")
    in_title = ["waterproof" in r.title.lower() for r in found.results]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True)


def test_relevance_ties_by_popularity(world: World) -> None:
    found = run_all(world, q="tent")
    top = found.results[0]
    assert "Tent" in top.title
    assert found.query.sort == "relevance"


def test_plurals_and_diacritics(world: World) -> None:
    assert ids(run_all(world, q="tents")) == ids(run_all(world, q="tent"))
    assert run(world, q="earbud").total == run(world, q="earbuds").total > 0
    assert any("Pâté" in r.title for r in run_all(world, q="pate").results)


@pytest.mark.parametrize("text", [
    '"', "'", 'tent"', "OR", "NEAR", "*", "tent OR", "(", ")", "-", "tent -tent", "AND OR NOT",
    "'; DROP TABLE catalog.product; --", "<script>alert(1)</script>", "\x00\x01", "ü" * 300,
    "title:tent", "^tent", "tent*", "NEAR(tent boot)", "%_%", "\\", "😀 tent", "    ",
])
def test_hostile_text_is_just_words(world: World, text: str) -> None:
    found = run(world, q=text)
    assert found.total >= 0 and found.page >= 1
    assert column(world, "SELECT count(*) FROM catalog.product")[0] >= 1000


def test_script_text_finds_nothing_and_suggests(world: World) -> None:
    found = run(world, q="<script>alert(1)</script>")
    assert found.total == 0 and found.suggestions


# -- filters ----------------------------------------------------------------------------------
def test_category_filter(world: World) -> None:
    found = run_all(world, category="shoes")
    expected = column(world, "SELECT p.id FROM catalog.product p JOIN catalog.category c "
                             "ON c.id = p.category_id WHERE c.slug = 'shoes'")
    assert sorted(ids(found)) == sorted(expected)
    assert run(world, category="no-such-dept").query.category is None


def test_brand_filter_and_facets(world: World) -> None:
    plain = run_all(world, category="sports-outdoors")
    brands = [f.slug for f in plain.facets.brands[:2]]
    found = run_all(world, category="sports-outdoors", brand=brands)
    names = {f.name for f in plain.facets.brands if f.slug in brands}
    assert found.total == sum(f.count for f in plain.facets.brands if f.slug in brands)
    assert {r.brand for r in found.results} == names
    assert found.facets.brands == tuple(dataclasses.replace(f, selected=f.slug in brands)
                                        for f in plain.facets.brands)
    assert run_all(world, q="tent").total == sum(f.count for f in
                                                 run(world, q="tent").facets.categories)


def test_price_rating_and_fast_filters(world: World) -> None:
    found = run_all(world, min_price="20", max_price="50", min_rating="4", fast="1")
    assert found.total > 0
    for r in found.results:
        assert 2000 <= r.price_cents <= 5000 and r.rating_avg >= 4 and r.fast_delivery
    everything = run_all(world)
    expected = [r for r in everything.results if 2000 <= r.price_cents <= 5000
                and r.rating_avg >= 4 and r.fast_delivery]
    assert found.total == len(expected)


def test_in_stock_filter(world: World) -> None:
    everything = run_all(world)
    stocked = run_all(world, in_stock="1")
    assert 0 < everything.total - stocked.total < 100
    assert all(r.in_stock for r in stocked.results)
    assert {r.product_id for r in everything.results if r.in_stock} == set(ids(stocked))


# -- sorting and pages ------------------------------------------------------------------------
def _released(world: World) -> dict[int, int]:
    rows = world.conn.execute("SELECT id, released_days_ago FROM catalog.product ORDER BY id")
    return dict(rows.fetchall())


@pytest.mark.parametrize("sort", ["featured", "price_asc", "price_desc", "rating", "newest"])
def test_sorts(world: World, sort: str) -> None:
    results = run_all(world, category="electronics", sort=sort).results
    released = _released(world)
    keys = {
        "featured": lambda r: (-r.rating_count, r.product_id),
        "price_asc": lambda r: (r.price_cents, r.product_id),
        "price_desc": lambda r: (-r.price_cents, r.product_id),
        "rating": lambda r: (-r.rating_avg, -r.rating_count, r.product_id),
        "newest": lambda r: (released[r.product_id], r.product_id),
    }
    assert list(results) == sorted(results, key=keys[sort])


def test_relevance_without_text_is_featured(world: World) -> None:
    found = run(world, sort="relevance")
    assert found.query.sort == "featured"
    assert ids(found) == ids(run(world))


def test_pagination(world: World) -> None:
    first, second = run(world, q="black"), run(world, q="black", page="2")
    assert first.total > 2 * PER_PAGE and len(first.results) == PER_PAGE
    assert first.pages == -(-first.total // PER_PAGE)
    assert ids(first) + ids(second) == ids(run_all(world, q="black"))[:2 * PER_PAGE]
    last = run(world, q="black", page="9999")
    assert last.page == first.pages and 0 < len(last.results) <= PER_PAGE


def test_no_results_suggests_spellings_and_departments(world: World) -> None:
    found = run(world, q="earbudz")
    assert found.total == 0 and found.results == ()
    assert found.suggestions[0].q == "earbuds"
    assert run(world, q=found.suggestions[0].q).total > 0
    departments = [s.category for s in found.suggestions if s.category]
    assert departments and all(run(world, category=slug).total for slug in departments)
    in_books = run(world, q="laptop", category="books")
    assert any(s.q == "laptop" and s.category == "" for s in in_books.suggestions)


# -- the world's stock ------------------------------------------------------------------------
def test_inventory_override_decides_stock() -> None:
    w = World.empty([SITE], 12)
    stocked_pid, stocked_vid = w.conn.execute(
        "SELECT p.id, min(v.id) FROM catalog.product p JOIN catalog.variant v "
        "ON v.product_id = p.id GROUP BY p.id HAVING count(*) = 1 AND min(v.stock) > 0 "
        "ORDER BY p.id LIMIT 1").fetchone()
    empty_pid, empty_vid = w.conn.execute(
        "SELECT p.id, max(v.id) FROM catalog.product p JOIN catalog.variant v "
        "ON v.product_id = p.id GROUP BY p.id HAVING max(v.stock) = 0 AND count(*) > 1 "
        "ORDER BY p.id LIMIT 1").fetchone()
    with w.transaction() as s:
        s.add_all([Inventory(variant_id=stocked_vid, stock=0),
                   Inventory(variant_id=empty_vid, stock=3)])
    results = {r.product_id: r for r in run_all(w).results}
    assert not results[stocked_pid].in_stock and results[empty_pid].in_stock
    assert results[empty_pid].variant_id == empty_vid
    stocked = set(ids(run_all(w, in_stock="1")))
    assert stocked_pid not in stocked and empty_pid in stocked
    w.close()


def test_default_variant_is_first_in_stock(world: World) -> None:
    pid, vid = world.conn.execute(
        "SELECT v.product_id, v.id FROM catalog.variant v WHERE v.stock > 0 AND EXISTS "
        "(SELECT 1 FROM catalog.variant f WHERE f.product_id = v.product_id AND f.position = 0 "
        "AND f.stock = 0) ORDER BY v.product_id, v.position LIMIT 1").fetchone()
    results = {r.product_id: r for r in run_all(world).results}
    assert results[pid].variant_id == vid and results[pid].in_stock
