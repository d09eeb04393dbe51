"""The shared catalog: size, consistency, fictional names, determinism, pictures."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from xml.etree import ElementTree

import pytest

from webtwin.seeds import load_corpus
from webtwin.simulators.shop.catalog.build import build_catalog
from webtwin.simulators.shop.catalog.ratings import average
from webtwin.simulators.shop.catalog.shapes import SHAPES
from webtwin.simulators.shop.images import colour_option, product_svg

ROOT = Path(__file__).resolve().parents[3]
TABLES = ("brand", "category", "product", "review", "search_term", "variant")
# Real brands an agent might recognise and go looking for.
REAL_BRANDS = ("Apple", "Samsung", "Nike", "Sony", "Amazon", "Adidas", "Google", "Microsoft",
               "Dell", "Lenovo", "Bose", "Philips", "Lego", "Hasbro", "Mattel", "Levi", "Kindle",
               "iPhone", "Dyson", "KitchenAid", "Canon", "Nikon", "GoPro", "Logitech", "Puma",
               "Reebok", "Colgate", "Nestle", "Purina", "Ikea", "Walmart", "Patagonia",
               "Fitbit", "Garmin", "Xbox", "PlayStation", "Nintendo", "Intel", "Nvidia", "Asus",
               "Acer", "Sharpie", "Crayola", "Duracell", "Gillette", "Nivea", "Maybelline",
               "Starbucks", "Keurig", "Nespresso", "Vitamix", "Cuisinart", "Pyrex", "Yeti",
               "Coleman", "Weber", "Lululemon", "Uniqlo", "Zara", "Ray-Ban", "Fisher-Price")
_URIS = count()


def _connect() -> sqlite3.Connection:
    """A plain connection with a fresh, empty in-memory database attached as `catalog`."""
    connection = sqlite3.connect(":memory:", uri=True)
    connection.isolation_level = None
    uri = f"file:test-shop-catalog-{os.getpid()}-{next(_URIS)}?mode=memory&cache=shared"
    connection.execute("ATTACH DATABASE ? AS catalog", (uri,))
    return connection


def _digest(connection: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        for row in connection.execute(f"SELECT * FROM catalog.{table} ORDER BY 1"):
            digest.update(repr(row).encode())
    rows = connection.execute("SELECT docid, title, brand, category, body "
                              "FROM catalog.product_fts ORDER BY docid")
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    connection = _connect()
    build_catalog(connection)
    yield connection
    connection.close()


def _one(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def test_size(db: sqlite3.Connection) -> None:
    assert _one(db, "SELECT count(*) FROM catalog.product") >= 1000
    assert _one(db, "SELECT count(*) FROM catalog.category") >= 10
    assert _one(db, "SELECT count(DISTINCT category_id) FROM catalog.product") >= 10
    assert 60 <= _one(db, "SELECT count(*) FROM catalog.brand") <= 100
    ids = [pid for (pid,) in db.execute("SELECT id FROM catalog.product ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1))


def test_variants_and_reviews_per_product(db: sqlite3.Connection) -> None:
    per_product = db.execute(
        "SELECT p.id, (SELECT count(*) FROM catalog.variant v WHERE v.product_id = p.id), "
        "(SELECT count(*) FROM catalog.review r WHERE r.product_id = p.id) "
        "FROM catalog.product p ORDER BY p.id").fetchall()
    assert all(1 <= variants <= 12 for _, variants, _ in per_product)
    assert all(5 <= reviews <= 12 for _, _, reviews in per_product)
    assert any(variants >= 8 for _, variants, _ in per_product)


def test_no_real_brand_names(db: sqlite3.Connection) -> None:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, REAL_BRANDS)) + r")\b", re.I)
    names = [name for (name,) in db.execute("SELECT name FROM catalog.brand ORDER BY id")]
    assert not [n for n in names if pattern.search(n)]
    texts = db.execute("SELECT title || ' ' || description || ' ' || bullets || ' ' || specs "
                       "FROM catalog.product ORDER BY id")
    assert not [t for (t,) in texts if pattern.search(t)]
    titles = db.execute("SELECT p.title, b.name FROM catalog.product p "
                        "JOIN catalog.brand b ON b.id = p.brand_id ORDER BY p.id")
    assert all(brand in title for title, brand in titles)


def test_titles_and_skus_unique(db: sqlite3.Connection) -> None:
    assert _one(db, "SELECT count(DISTINCT title) - count(*) FROM catalog.product") == 0
    assert _one(db, "SELECT count(DISTINCT sku) - count(*) FROM catalog.variant") == 0


def test_prices(db: sqlite3.Connection) -> None:
    assert _one(db, "SELECT count(*) FROM catalog.variant WHERE price_cents <= 0 "
                    "OR list_price_cents < price_cents") == 0
    assert _one(db, "SELECT count(*) FROM catalog.product p WHERE price_cents != "
                    "(SELECT min(price_cents) FROM catalog.variant v "
                    "WHERE v.product_id = p.id)") == 0
    on_sale = _one(db, "SELECT count(DISTINCT product_id) FROM catalog.variant "
                       "WHERE list_price_cents > price_cents")
    assert 200 < on_sale < 600


def test_stock_and_delivery_shares(db: sqlite3.Connection) -> None:
    empty = db.execute("SELECT avg(stock = 0) FROM catalog.variant").fetchone()[0]
    assert 0.03 <= empty <= 0.1
    sold_out = _one(db, "SELECT count(*) FROM catalog.product p WHERE NOT EXISTS (SELECT 1 "
                        "FROM catalog.variant v WHERE v.product_id = p.id AND v.stock > 0)")
    assert sold_out >= 10
    fast = db.execute("SELECT avg(fast_delivery) FROM catalog.product").fetchone()[0]
    assert 0.33 <= fast <= 0.47
    assert _one(db, "SELECT count(*) FROM catalog.product WHERE released_days_ago NOT "
                    "BETWEEN 1 AND 900") == 0


def test_ratings_match_histogram_and_reviews(db: sqlite3.Connection) -> None:
    stored: dict[int, Counter[int]] = {}
    for pid, rating in db.execute("SELECT product_id, rating FROM catalog.review ORDER BY id"):
        stored.setdefault(pid, Counter())[rating] += 1
    products = db.execute("SELECT id, rating_avg, rating_count, hist_1, hist_2, hist_3, hist_4, "
                          "hist_5 FROM catalog.product ORDER BY id")
    for pid, avg, total, *hist in products:
        assert sum(hist) == total > sum(stored[pid].values())
        assert avg == average(tuple(hist))
        assert abs(avg - sum(k * n for k, n in enumerate(hist, 1)) / total) <= 0.05 + 1e-9
        assert all(hist[star - 1] >= n for star, n in stored[pid].items())
    assert _one(db, "SELECT count(*) FROM catalog.review r JOIN catalog.product p "
                    "ON p.id = r.product_id WHERE r.days_ago NOT BETWEEN 1 "
                    "AND p.released_days_ago") == 0


def test_json_columns(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT p.id, p.bullets, p.specs, p.options, p.image, "
                      "max(v.option1 != ''), max(v.option2 != '') FROM catalog.product p "
                      "JOIN catalog.variant v ON v.product_id = p.id GROUP BY p.id ORDER BY p.id")
    for _, bullets, specs, options, image, has1, has2 in rows:
        assert len(json.loads(bullets)) >= 3
        assert all(len(pair) == 2 for pair in json.loads(specs))
        assert len(json.loads(options)) == has1 + has2
        assert json.loads(image)["shape"] in SHAPES


def test_full_text_index(db: sqlite3.Connection) -> None:
    hits = db.execute("SELECT docid FROM catalog.product_fts WHERE product_fts MATCH 'tent' "
                      "ORDER BY docid").fetchall()
    titles = db.execute("SELECT id FROM catalog.product WHERE title GLOB '* Tent*' ORDER BY id")
    assert {pid for (pid,) in titles} <= {pid for (pid,) in hits}
    assert _one(db, "SELECT count(*) FROM catalog.search_term WHERE term = 'earbuds'") == 1


def test_build_is_deterministic(db: sqlite3.Connection) -> None:
    other = _connect()
    build_catalog(other)
    assert _digest(other) == _digest(db)
    other.close()


def test_build_ignores_hash_seed(db: sqlite3.Connection) -> None:
    script = ("import sqlite3\n"
              "from webtwin.simulators.shop.tests.test_shop_catalog import _connect, _digest\n"
              "from webtwin.simulators.shop.catalog.build import build_catalog\n"
              "c = _connect(); build_catalog(c); print(_digest(c))\n")
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, text=True,
                          capture_output=True, check=True)
    assert done.stdout.strip() == _digest(db)


# -- corpus and pictures ----------------------------------------------------------------------
def test_corpus_is_consistent() -> None:
    corpus = load_corpus("shop_catalog")
    slugs = {c["slug"] for c in corpus["categories"]}
    brands = Counter(c for b in corpus["brands"] for c in b["categories"])
    assert set(brands) == slugs and min(brands.values()) >= 4
    for kind in corpus["types"]:
        assert kind["category"] in slugs and kind["shape"] in SHAPES
        for axis in kind["options"]:
            if axis["name"] == "Colour":
                assert set(axis["values"]) <= set(corpus["colours"]), kind["noun"]


def _product(db: sqlite3.Connection, pid: int) -> object:
    image, = db.execute("SELECT image FROM catalog.product WHERE id = ?", (pid,)).fetchone()
    return type("ProductLike", (), {"image": image})()


def _safe(svg: str) -> None:
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox") == "0 0 300 300"
    lowered = svg.lower()
    assert "<script" not in lowered and "href" not in lowered and "url(" not in lowered
    assert not re.search(r"\son\w+=", lowered)


def test_svg_is_deterministic_and_safe(db: sqlite3.Connection) -> None:
    for pid in (1, 2, 3, 500, 1000):
        svg = product_svg(_product(db, pid))
        assert svg == product_svg(_product(db, pid))
        _safe(svg)
    for shape in sorted(SHAPES):
        _safe(product_svg({"shape": shape, "colour": "#123456", "label": "<b>&'\"</b>"}))


def test_svg_tints_colour_variants(db: sqlite3.Connection) -> None:
    pid, image = db.execute("SELECT id, image FROM catalog.product WHERE options LIKE "
                            "'[\"Colour\"%' ORDER BY id LIMIT 1").fetchone()
    product = _product(db, pid)
    values = [v for (v,) in db.execute("SELECT option1 FROM catalog.variant WHERE product_id = ? "
                                       "ORDER BY position", (pid,))]
    assert colour_option(product, values[0], "") == values[0]
    assert product_svg(product, "Navy") != product_svg(product, "Coral")
    assert "#1f3a5f" in product_svg(product, "Navy")
    assert product_svg(product, "XL") == product_svg(product)
    hostile = product_svg({"shape": "nope", "colour": "red\"/><script>", "label": "<script>"})
    _safe(hostile)
    assert json.loads(image)["colour_option"] == 1
