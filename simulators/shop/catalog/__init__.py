"""The shared catalog: built once per process from `seeds/data/shop_catalog.json`."""

from __future__ import annotations

from webtwin.simulators.core.shared import SharedDatabase

from ..models import CATALOG, CatalogBase
from .build import build_catalog

CATALOG_DB = SharedDatabase(schema=CATALOG, metadata=CatalogBase.metadata, build=build_catalog,
                            version="1")

__all__ = ["CATALOG_DB", "build_catalog"]
