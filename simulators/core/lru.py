"""A small least-recently-used map, shared by the caches of worlds, start pages and parsed pages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["LruCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most `capacity` items; the least recently used goes first, through `on_evict`.

    Safe to share between threads (browser envs reset and step from a thread each).
    """

    def __init__(self, capacity: int, on_evict: Callable[[V], None] | None = None):
        self.capacity = capacity
        self.on_evict = on_evict
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: K, item: V) -> None:
        evicted: list[V] = []
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                evicted.append(self._items.popitem(last=False)[1])
        if self.on_evict is not None:
            for old in evicted:
                self.on_evict(old)

    def __len__(self) -> int:
        return len(self._items)
