"""Shipping notices: the tracking number and product each states, read once at sample time."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.seeds import load_corpus

from ._common import live_threads, received

__all__ = ["Shipment", "shipments"]

# The generator's format (generation/text.py: tracking_number); the word boundary keeps it tight.
TRACKING = re.compile(r"\bNWX\d{10}\b")


@dataclass(frozen=True)
class Shipment:
    thread_id: int
    message_id: int
    subject: str
    sender_name: str
    product: str
    tracking: str

    def params(self) -> dict[str, Any]:
        return asdict(self)


def _products() -> list[str]:
    # Longest first, so a product whose name contains another's is recognised as itself.
    return sorted(load_corpus("mail_templates")["products"], key=lambda p: (-len(p), p))


def shipments(s: Session) -> list[Shipment]:
    """Update notices naming exactly one product and one tracking number, whose product no
    other notice names with a different number (so "my <product> shipment" is unambiguous)."""
    products = _products()
    found: list[Shipment] = []
    for thread in live_threads(s):
        for message in received(thread):
            text = f"{message.subject}\n{message.body}"
            numbers = sorted(set(TRACKING.findall(text)))
            named = [p for p in products if p in text]
            if thread.category == "updates" and len(numbers) == 1 and len(named) >= 1:
                found.append(Shipment(thread.id, message.id, thread.subject, message.sender_name,
                                      named[0], numbers[0]))
    numbers_of: dict[str, set[str]] = {}
    for item in found:
        numbers_of.setdefault(item.product, set()).add(item.tracking)
    return [item for item in found if len(numbers_of[item.product]) == 1]
