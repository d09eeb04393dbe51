"""Deterministic build of the shared catalog: tables, rows and the full-text index.

## Description
`build_catalog(connection)` runs once per process (see `core/shared.py`) on a connection
that has the catalog attached as schema `catalog`. Tables come from `CatalogBase.metadata`;
rows from `rows.catalog_rows()` (fixed seed), inserted in bulk in one transaction; then the
FTS4 index `catalog.product_fts` (docid = product id) and its vocabulary
`catalog.search_term` (the words of titles, brands and departments, with their length), which
search uses for "did you mean".

FTS4, not FTS5: FTS5 caches index structure per connection, which goes stale when a world's
connection takes another image (`World.restore`; see `mail/search.py`).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from ..models import CATALOG, CatalogBase
from .rows import CatalogRows, catalog_rows

__all__ = ["FTS_TABLE", "TERMS_TABLE", "build_catalog"]

FTS_TABLE = "product_fts"
TERMS_TABLE = "search_term"

_INSERTS = {
    "categories": "INSERT INTO {s}.category (id, slug, name, description) VALUES (?, ?, ?, ?)",
    "brands": "INSERT INTO {s}.brand (id, slug, name) VALUES (?, ?, ?)",
    "products": "INSERT INTO {s}.product (id, category_id, brand_id, title, description, "
                "bullets, specs, options, image, price_cents, rating_avg, rating_count, hist_1, "
                "hist_2, hist_3, hist_4, hist_5, released_days_ago, fast_delivery) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "variants": "INSERT INTO {s}.variant (id, product_id, sku, option1, option2, price_cents, "
                "list_price_cents, stock, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "reviews": "INSERT INTO {s}.review (id, product_id, author, rating, title, body, days_ago, "
               "helpful, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "search": "INSERT INTO {s}.product_fts (docid, title, brand, category, body) "
              "VALUES (?, ?, ?, ?, ?)",
}


def build_catalog(connection: sqlite3.Connection) -> None:
    """Create and fill the catalog tables in the attached schema `catalog`."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
    with engine.begin() as c:
        CatalogBase.metadata.create_all(c)
    fill_catalog(connection, catalog_rows())


def _create_terms(connection: sqlite3.Connection) -> None:
    """The vocabulary table, read off the index itself (so it tokenises exactly as search)."""
    connection.execute(f"CREATE VIRTUAL TABLE {CATALOG}.fts_vocab USING fts4aux({FTS_TABLE})")
    connection.execute(f"CREATE TABLE {CATALOG}.{TERMS_TABLE} (term TEXT PRIMARY KEY, "
                       "length INTEGER NOT NULL) WITHOUT ROWID")
    connection.execute(f"CREATE INDEX {CATALOG}.ix_{TERMS_TABLE}_length ON {TERMS_TABLE} "
                       "(length, term)")
    connection.execute(f"INSERT INTO {CATALOG}.{TERMS_TABLE} (term, length) SELECT DISTINCT "
                       f"term, length(term) FROM {CATALOG}.fts_vocab WHERE col IN (0, 1, 2) "
                       "AND length(term) > 2 AND NOT term GLOB '*[0-9]*' ORDER BY term")
    connection.execute(f"DROP TABLE {CATALOG}.fts_vocab")


def fill_catalog(connection: sqlite3.Connection, rows: CatalogRows) -> None:
    """Insert `rows` and build the full-text index, all in one transaction."""
    if not connection.in_transaction:
        connection.execute("BEGIN")
    try:
        connection.execute(
            f"CREATE VIRTUAL TABLE {CATALOG}.{FTS_TABLE} USING fts4(title, brand, category, "
            'body, tokenize=unicode61 "remove_diacritics=2")')
        for name, statement in _INSERTS.items():
            connection.executemany(statement.format(s=CATALOG), getattr(rows, name))
        # One merged b-tree per term: queries read one segment instead of dozens.
        connection.execute(f"INSERT INTO {CATALOG}.{FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        _create_terms(connection)
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
