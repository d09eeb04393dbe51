"""Shop: an Amazon-like store ("Cartwheel").

## Description
A shared catalog of a thousand-odd products (variants, specs, reviews, generated pictures),
full-text search with filters and sorting, cart with promo codes, checkout with an address
book and cards, orders whose tracking advances with the virtual clock, cancellations,
returns with refunds, reviews, wish lists and a message center. Order confirmations and
shipping notices also arrive in the world's mailbox when it has one.

## Registered ids
`webtwin/shop-text-v0` (and `webtwin/workday-text-v0`, whose world holds every site).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from webtwin.simulators.core.site import SiteSpec

from .catalog import CATALOG_DB
from .generate import generate_shop
from .models import ShopBase
from .routes import build_app
from .services import EVENT_HANDLERS

if TYPE_CHECKING:
    from webtwin.simulators.core.tasks import TaskFamily


def _task_families() -> Sequence[type[TaskFamily]]:
    from .tasks import FAMILIES

    return FAMILIES


SITE = SiteSpec(
    name="shop",
    title="Shop",
    metadata=ShopBase.metadata,
    generate=generate_shop,
    build_app=build_app,
    task_families=_task_families,
    event_handlers=EVENT_HANDLERS,
    start_path="/",
    templates_dir=Path(__file__).parent / "templates",
    shared=CATALOG_DB,
)

__all__ = ["SITE"]
