"""Test helpers for the mail site: a synchronous in-process client bound to one world."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from fastapi import FastAPI

from webtwin.simulators.core import World, WorldStore

BID = re.compile(r'data-bid="([^"]+)"')


class Browser:
    """A synchronous, cookie-bound client of one world (no redirects followed by default)."""

    def __init__(self, app: FastAPI, store: WorldStore, world_id: str):
        self.app, self.store, self.world_id = app, store, world_id

    @property
    def world(self) -> World:
        return self.store.get(self.world_id).world

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mail.localhost",
                                         cookies={"webtwin_world": self.world_id}) as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, data=data, **kwargs)


def bids(html: str) -> list[str]:
    """Every data-bid of a page, in order."""
    return BID.findall(html)
