"""Filling corpus templates: dates, amounts, codes and ASCII addresses, all from a seeded rng."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from webtwin.simulators.core.rng import Random

__all__ = [
    "DAY", "HOUR", "MONTHS", "WEEKDAYS", "ascii_slug", "fill", "format_amount", "format_date",
    "invoice_number", "phone_number", "promo_code", "random_values", "tracking_number",
]

HOUR = 3600
DAY = 86400
# Spelled out here: strftime's names follow the C locale, which a host may change.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_TIMES = ("9:00", "9:30", "10:00", "11:15", "13:00", "14:30", "15:00", "16:45")
_PROMO_WORDS = ("SPRING", "SUMMER", "WELCOME", "FLASH", "HELLO", "THANKS", "MEMBER", "WEEKEND")
# Letters NFKD does not split into base + accent.
_SPECIAL = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae",
                          "Æ": "ae", "đ": "d", "Đ": "d", "ı": "i", "œ": "oe", "þ": "th",
                          "ð": "d"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` ("Søren Østergaard" -> "sorenostergaard")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def format_date(when: int) -> str:
    """"16 March 2026"."""
    moment = datetime.fromtimestamp(when, UTC)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def format_amount(rng: Random, low: int = 40, high: int = 4800) -> str:
    """A currency amount like "$1,284.50"."""
    currency = rng.choice(("$", "$", "€", "£"))
    return f"{currency}{rng.randint(low, high):,}.{rng.choice((0, 0, 50, 25, 99, 40)):02d}"


def invoice_number(rng: Random) -> str:
    return f"INV-{rng.randint(10000, 99999)}"


def tracking_number(rng: Random) -> str:
    return f"NWX{rng.randint(0, 10**10 - 1):010d}"


def promo_code(rng: Random) -> str:
    return f"{rng.choice(_PROMO_WORDS)}{rng.choice((10, 15, 20, 25, 30))}"


def phone_number(rng: Random) -> str:
    """A fictional number in the reserved 555-01xx range: "+1 555 0147 962"."""
    return f"+1 555 01{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}"


def fill(template: str, values: dict[str, Any]) -> str:
    """`str.format_map` over `values` (every placeholder of the corpus must be present)."""
    return template.format_map(values)


def random_values(rng: Random, corpus: dict[str, Any], now: int) -> dict[str, str]:
    """Values for the placeholders that do not name people: dates, products, codes."""
    return {
        "weekday": rng.choice(WEEKDAYS), "time": rng.choice(_TIMES),
        "date": format_date(now + rng.randint(-20, 20) * DAY),
        "due_date": format_date(now + rng.randint(5, 40) * DAY),
        "amount": format_amount(rng), "invoice_no": invoice_number(rng),
        "tracking": tracking_number(rng), "product": rng.choice(corpus["products"]),
        "promo_code": promo_code(rng), "discount": f"{rng.choice((10, 15, 20, 25, 30, 40))}%",
        "city": rng.choice(corpus["cities"]), "topic": rng.choice(corpus["topics"]),
    }
