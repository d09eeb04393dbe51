"""How the mail pages write values: times (in UTC, never the wall clock) and label colours.

Shared by the Jinja filters (`pages_common.templates`) and the Python renderers
(`chrome_view`, `list_view`), so both write a value the same way.
"""

from __future__ import annotations

import datetime as dt
import re

from webtwin.simulators.core.web import format_time

__all__ = ["css_color", "full_time", "long_time", "utc"]

_CSS_COLOR = re.compile(r"[a-z]{1,20}|#[0-9a-f]{3,8}")  # compiled: labels draw it ~30× a page


def css_color(value: str) -> str:
    """A label colour safe inside a style attribute (a name or #hex), else gray."""
    text = (value or "").strip().lower()
    return text if _CSS_COLOR.fullmatch(text) else "gray"


def utc(epoch: int) -> dt.datetime:
    """Epoch seconds as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def long_time(epoch: int) -> str:
    """Top-bar clock: "Tue, Mar 4, 2026, 10:32 UTC" (virtual time, never the wall clock)."""
    return utc(epoch).strftime("%a, %b %-d, %Y, %H:%M UTC")


def full_time(epoch: int) -> str:
    """A moment in full: "Tue, Mar 4, 2026, 10:32" (the core's long style)."""
    return format_time(int(epoch), style="long")
