"""Recognising a calendar date in free text, in the ways people write one.

"Tue, Jun 9", "June 9th", "9 June", "the 9th of June", "2026-06-09", "6/9", "06/09/2026" and
"9.6.2026" all name 9 June 2026. Only formats that cannot be read as another day of the same
year are accepted (no "9/6", which is 6 September in the US).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["date_patterns", "mentions_date"]

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


def date_patterns(day: dt.date) -> list[re.Pattern[str]]:
    """Regexes (for case-folded text) that each match `day` written one way."""
    full = MONTHS[day.month - 1]
    names = sorted({full, full[:3], "sept" if day.month == 9 else full[:3]}, key=len,
                   reverse=True)
    month = rf"(?:{'|'.join(names)})\.?"
    number = rf"0?{day.day}(?:st|nd|rd|th)?"
    year = rf"(?:{day.year}|{day.year % 100:02d})"
    return [re.compile(p) for p in (
        rf"\b{month}\s*,?\s*{number}(?![\d])",                      # June 9, Jun. 9th
        rf"(?<![\d/.]){number}\s+(?:of\s+)?{month}\b",               # 9 June, 9th of June
        rf"\b{day.year}-{day.month:02d}-{day.day:02d}\b",            # 2026-06-09
        rf"(?<![\d/.])0?{day.month}/0?{day.day}(?:/{year})?(?![\d/])",  # 6/9, 06/09/2026
        rf"(?<![\d/.])0?{day.day}\.0?{day.month}\.{year}(?![\d])",   # 9.6.2026
    )]


def mentions_date(text: str, at: int) -> bool:
    """Does `text` name the UTC calendar day of epoch second `at`?"""
    day = dt.datetime.fromtimestamp(at, dt.UTC).date()
    folded = " ".join(text.casefold().split())
    return any(pattern.search(folded) for pattern in date_patterns(day))
