"""The mail site's app: HTML pages (split by area) and the JSON API under /api."""

from __future__ import annotations

from fastapi import FastAPI

from . import pages_compose, pages_lists, pages_manage, pages_settings, pages_thread
from .api import router as api_router
from .pages_common import install_error_handlers

__all__ = ["build_app"]


def build_app() -> FastAPI:
    """The mail sub-app (mounted on `mail.localhost`); docs at /docs, schema at /openapi.json."""
    app = FastAPI(title="Mail", description="A Gmail-like mailbox: HTML pages and a JSON API.",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    for module in (pages_lists, pages_thread, pages_compose, pages_manage, pages_settings):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api_router)
    install_error_handlers(app)
    return app
