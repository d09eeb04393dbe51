"""Shop markup drawn many times a page (product cards, stars, prices, pictures) in Python.

A results page draws 24 to 36 product cards, each with five or six of these pieces; as Jinja
macros they were most of the page's rendering time (a macro call costs several microseconds
before it does anything, and every `{{ }}` inside it another escape). Each function returns
`Markup` and escapes the text it interpolates (numbers, and text formatted from numbers,
go in as they are). Templates call them
through the `mk` global (`mk.card(c, ui.now)`; see `pages_common.templates`).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .queries.common import DAY, LOW_STOCK, Card
from .services.common import money, short_date

__all__ = ["card", "picture", "price", "rating", "stars", "stock_hint", "swift"]

FREE_DELIVERY_CENTS = 3500  # the card's "FREE delivery" line, as the buy box says


def _text(value: Any) -> str:
    """`value` for HTML: whole numbers as they are (they cannot hold markup), else escaped."""
    return str(value) if type(value) is int else escape(value)


def card(c: Card, now: int, add: bool = True, brand: bool = True) -> Markup:
    """A product as a grid card; `add` adds the quick "Add to cart" form (data-bid add-{variant}).

    Options priced differently show the lowest price, which is what sorting and filters use.
    """
    p, v, stock = c.product, c.default.variant, c.default.stock
    pid, vid = _text(p.id), _text(v.id)
    parts = [f'<div class="card"><a class="img" href="/product/{pid}" aria-hidden="true" '
             f'tabindex="-1">{picture(p.id, v.id if v.option1 else None)}</a><div class="body">\n']
    if brand:
        parts.append(f'<div class="brand">{escape(c.brand.name)}</div>')
    parts.append(f'<a class="t" href="/product/{pid}" data-bid="product-{pid}">'
                 f'{escape(p.title)}</a>\n')
    if p.rating_count:
        parts.append(rating(p.rating_avg, p.rating_count, 14))
    parts.append(_card_price(c))
    if p.fast_delivery:
        parts.append(f"<div>{_SWIFT}</div>")
    if stock > 0:
        free = "FREE delivery" if v.price_cents >= FREE_DELIVERY_CENTS else "Delivery"
        day = short_date(now - now % DAY + 5 * DAY)
        parts.append(f'<div class="dl">{free} <b>{day}</b></div>')
    parts.append(f"{stock_hint(stock)}\n")
    if add:
        disabled = " disabled" if stock <= 0 else ""
        parts.append(f'<form method="post" action="/cart/add"><input type="hidden" '
                     f'name="variant_id" value="{vid}"><button class="btn btn-y btn-sm" '
                     f'type="submit" data-bid="add-{vid}"{disabled}>Add to cart</button></form>')
    parts.append("</div></div>")
    return Markup("".join(parts))


def _card_price(c: Card) -> str:
    p, v = c.product, c.default.variant
    if p.price_cents < v.price_cents:
        return (f'<div class="pr"><span class="list">from</span> {price(p.price_cents, "s")}'
                "</div>\n")
    deal = (f'<span class="deal">-{_text(c.default.saving_pct)}%</span>'
            if c.default.saving_pct >= 5 else "")
    listed = (f' <span class="list">List: <s>{money(v.list_price_cents)}</s></span>'
              if v.list_price_cents > v.price_cents else "")
    return f'<div class="pr">{deal}{price(v.price_cents, "s")}{listed}</div>'


def stars(avg: float | None, size: int = 16) -> Markup:
    """Five stars filled to `avg` (the `#s5` symbol of the layout, clipped)."""
    width = escape(max(round((avg or 0) * 16, 1), 0.1))
    return Markup(
        f'<svg class="stars" width="{_text(size * 5)}" height="{_text(size)}" '
        f'viewBox="0 0 80 16" aria-hidden="true"><use href="#s5" width="80" height="16"/>'
        f'<svg width="{width}" height="16" viewBox="0 0 {width} 16"><use href="#s5" '
        f'width="80" height="16"/></svg></svg>')


def rating(avg: float, count: int, size: int = 16) -> Markup:
    """"4.3 ★★★★☆ (1,204)", with the stars for screen readers in words."""
    return Markup(
        f'<div class="rate"><span class="avg">{avg:.1f}</span>{stars(avg, size)}'
        f'<span class="sr">out of 5 stars,</span><span class="cnt">'
        f'({int(count):,})</span></div>')


def price(cents: int, cls: str = "") -> Markup:
    """A price as dollars with superscript cents (and the plain amount for screen readers)."""
    return Markup(
        f'<span class="price {escape(cls)}"><span class="sr">{money(cents)}</span>'
        f'<span aria-hidden="true"><sup>$</sup>{cents // 100:,}'
        f'<sup>{cents % 100:02d}</sup></span></span>')


_SWIFT = Markup(
    '<span class="swift"><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
    '<path d="M2 7.5l3 3 7-8" fill="none" stroke="currentColor" stroke-width="2.4"/></svg>'
    'Swift delivery</span>')


def swift() -> Markup:
    """The next-day delivery badge."""
    return _SWIFT


def picture(product_id: int, variant_id: int | None = None, size: int = 200) -> Markup:
    """A product's generated picture (decorative: empty alt text)."""
    variant = f"?variant={_text(variant_id)}" if variant_id else ""
    return Markup(
        f'<img src="/image/{_text(product_id)}.svg{variant}" alt="" width="{_text(size)}" '
        f'height="{_text(size)}" loading="lazy">')


def stock_hint(stock: int) -> Markup:
    """"Currently unavailable" or "Only 3 left in stock", else nothing."""
    if stock <= 0:
        return Markup('<div class="low">Currently unavailable</div>')
    if stock < LOW_STOCK:
        return Markup(f'<div class="low">Only {_text(stock)} left in stock - order soon.</div>')
    return Markup("")
