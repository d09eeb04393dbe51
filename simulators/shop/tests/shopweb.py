"""Test helpers for the shop pages and API: a synchronous in-process client bound to one world."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import httpx
from fastapi import FastAPI

from webtwin.simulators.core import World, WorldStore

BID = re.compile(r'data-bid="([^"]+)"')


class Shopper:
    """A synchronous, cookie-bound client of one world (no redirects followed by default)."""

    def __init__(self, app: FastAPI, store: WorldStore, world_id: str):
        self.app, self.store, self.world_id = app, store, world_id

    @property
    def world(self) -> World:
        return self.store.get(self.world_id).world

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://shop.localhost",
                                         cookies={"webtwin_world": self.world_id}) as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, data=data, **kwargs)

    def page(self, url: str) -> str:
        """A page's HTML, asserting it rendered."""
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[-500:])
        return response.text


def bids(html: str) -> list[str]:
    """Every data-bid of a page, in order."""
    return BID.findall(html)


def ids_with(html: str, prefix: str) -> list[int]:
    """The numeric suffixes of data-bids `prefix-<n>` on a page, in order."""
    return [int(bid[len(prefix) + 1:]) for bid in bids(html)
            if bid.startswith(prefix + "-") and bid[len(prefix) + 1:].isdigit()]


def repeated(html: str) -> list[str]:
    """data-bids that occur more than once (each must be unique on a page)."""
    return [bid for bid, n in Counter(bids(html)).items() if n > 1]
