"""Test helpers for the shop pages and API: a synchronous in-process client bound to one world."""

from __future__ import annotations

from collections import Counter

from webtwin.simulators.core.testing import SiteClient, bids

__all__ = ["Shopper", "bids", "ids_with", "repeated"]


class Shopper(SiteClient):
    """A client of one shop world."""

    base_url = "http://shop.localhost"


def ids_with(html: str, prefix: str) -> list[int]:
    """The numeric suffixes of data-bids `prefix-<n>` on a page, in order."""
    return [int(bid[len(prefix) + 1:]) for bid in bids(html)
            if bid.startswith(prefix + "-") and bid[len(prefix) + 1:].isdigit()]


def repeated(html: str) -> list[str]:
    """data-bids that occur more than once (each must be unique on a page)."""
    return [bid for bid, n in Counter(bids(html)).items() if n > 1]
