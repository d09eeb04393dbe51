"""Generated product pictures: a deterministic SVG per product (and colour variant).

## Description
`product_svg(product, variant_option)` draws the product's type as a simple flat shape (a
phone, a shoe, a bottle, a book...) from the product's `image` parameters (see
`catalog/draw.py`), on a soft background, with the brand underneath. When `variant_option`
names a colour of the corpus palette ("Navy"), the shape takes that colour, so colour
variants look different; any other option value ("XL") leaves the default colour.

The picture is self-contained: a 300x300 viewBox, no external references, no scripts, and
every piece of text is XML-escaped.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from webtwin.seeds import load_corpus

from .catalog.shapes import SHAPES

__all__ = ["colour_hex", "colour_option", "product_svg"]

FALLBACK_SHAPE = "box"


@functools.cache
def _palette() -> Mapping[str, str]:
    colours: dict[str, str] = load_corpus("shop_catalog")["colours"]
    return colours


def colour_hex(name: str | None) -> str | None:
    """The hex colour of a colour option value ("Navy" → "#1f3a5f"), None if not a colour."""
    return _palette().get(name or "")


def _params(product: Any) -> dict[str, Any]:
    raw = getattr(product, "image", product)
    params = json.loads(raw) if isinstance(raw, str) else raw
    return dict(params) if isinstance(params, Mapping) else {}


def colour_option(product: Any, option1: str, option2: str) -> str | None:
    """Which of a variant's option values is its colour (None when the product has none)."""
    slot = _params(product).get("colour_option", 0)
    return option1 if slot == 1 else option2 if slot == 2 else None


def _mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` of the way towards `other` (both `#rrggbb`)."""
    channels = [round(int(colour[i:i + 2], 16) * (1 - share) + int(other[i:i + 2], 16) * share)
                for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in channels)


def _hex(value: Any, default: str) -> str:
    text = str(value)
    ok = len(text) == 7 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    return text.lower() if ok else default


def _colours(params: Mapping[str, Any], variant_option: str | None) -> dict[str, str]:
    main = colour_hex(variant_option) or _hex(params.get("colour"), "#8d9299")
    return {"m": main, "d": _mix(main, "#000000", 0.45), "l": _mix(main, "#ffffff", 0.55),
            "a": _hex(params.get("accent"), "#2f6fd0"), "k": "#2b2f36", "w": "#ffffff"}


def _tilt(params: Mapping[str, Any]) -> int:
    """A small per-product rotation (-3°..3°), so a row of results does not look stamped."""
    variation = params.get("variation", 0)
    return variation % 7 - 3 if isinstance(variation, int) else 0


def product_svg(product: Any, variant_option: str | None = None) -> str:
    """The picture of `product` (anything with an `image` JSON attribute, or the parameters
    themselves), tinted for a colour option value."""
    params = _params(product)
    shape = SHAPES.get(str(params.get("shape")), SHAPES[FALLBACK_SHAPE])
    colours = _colours(params, variant_option)
    label = escape(str(params.get("label", ""))[:40], {'"': "&quot;", "'": "&#39;"})
    background = _hex(params.get("background"), "#f3f5f8")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300" width="300" '
        f'height="300" role="img" aria-label="{label}">'
        f'<rect width="300" height="300" rx="18" fill="{background}"/>'
        '<ellipse cx="150" cy="252" rx="92" ry="9" fill="#000000" fill-opacity="0.08"/>'
        f'<g transform="rotate({_tilt(params)} 150 150)">{shape.format_map(colours)}</g>'
        '<text x="150" y="286" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="13" fill="#5b616b">{label}</text></svg>')
