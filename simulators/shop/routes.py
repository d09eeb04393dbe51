"""The shop's app: HTML pages (split by area) and the JSON API under /api."""

from __future__ import annotations

from fastapi import FastAPI

from . import (
    pages_account,
    pages_cart,
    pages_catalog,
    pages_messages,
    pages_orders,
    pages_wishlists,
)
from .api import router as api_router
from .pages_common import install_error_handlers

__all__ = ["build_app"]


def build_app() -> FastAPI:
    """The shop sub-app (mounted on `shop.localhost`); docs at /docs, schema at /openapi.json."""
    app = FastAPI(title="Cartwheel", description="An online store: HTML pages and a JSON API.",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    for module in (pages_catalog, pages_cart, pages_orders, pages_account, pages_wishlists,
                   pages_messages):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api_router)
    install_error_handlers(app)
    return app
