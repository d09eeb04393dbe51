"""Test helpers for the mail site: a synchronous in-process client bound to one world."""

from __future__ import annotations

from webtwin.simulators.core.testing import SiteClient, bids

__all__ = ["Browser", "bids"]


class Browser(SiteClient):
    """A client of one mail world."""

    base_url = "http://mail.localhost"
