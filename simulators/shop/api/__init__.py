"""Shop JSON API under /api: the same reads (queries, search) and changes (services) as the
pages, one router per resource. Reads never change state; refusals answer 4xx with
`{"detail": "..."}` (404 for unknown ids, 400 for other refusals, 422 for malformed
requests) and change nothing."""

from __future__ import annotations

from fastapi import APIRouter

from . import account, cart, catalog, orders, wishlists

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["shop"])
for _module in (catalog, cart, orders, account, wishlists):
    router.include_router(_module.router)
