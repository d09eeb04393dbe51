"""Per-session reuse of reads that one request makes several times (the owner, the clock).

A page asks for the same few rows from its layout, its list and its form parts. The session's
identity map holds objects weakly, so once a caller drops the owner's row the next
`s.get(Account, 1)` loads it again (~0.3 ms of ORM work each time).

- `get_pinned(s, Model, key)`: `s.get`, keeping the object alive for the session's life, so
  later gets come from the identity map; the object is the session's own, so changes made
  through it are seen exactly as without the pin.
- `memo(s, key, compute)`: a computed answer (a list query), kept until the session next
  flushes, so a request that changes state never reads a value from before its change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["get_pinned", "memo"]

T = TypeVar("T")
_KEY = "webtwin.memo"
_PINS = "webtwin.pins"


def get_pinned(s: Session, model: type[T], key: Any) -> T | None:
    """`s.get(model, key)`, with the object kept alive while the session lives."""
    found = s.get(model, key)
    if found is not None:
        s.info.setdefault(_PINS, {})[(model, key)] = found
    return found


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
