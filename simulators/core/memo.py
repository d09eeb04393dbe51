"""Per-session memo for reads that one request makes several times (the owner, the labels).

A page asks for the same few rows from its layout, its list and its form parts; through the
ORM each ask costs a statement and object loading (~0.3 ms). `memo(s, key, compute)` keeps the
first answer in the session until the session next flushes, so a request that changes state
never reads a value from before its change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["memo"]

T = TypeVar("T")
_KEY = "webtwin.memo"


def memo(s: Session, key: Hashable, compute: Callable[[Session], T]) -> T:
    """`compute(s)`, computed once per session between flushes."""
    cache: dict[Hashable, Any] = s.info.setdefault(_KEY, {})
    if key not in cache:
        cache[key] = compute(s)
    value: T = cache[key]
    return value


@event.listens_for(Session, "after_flush")
def _forget(s: Session, _context: Any) -> None:
    s.info.pop(_KEY, None)
