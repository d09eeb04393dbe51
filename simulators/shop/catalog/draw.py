"""Drawing one product (title, options, variants, specs, text) from a corpus product type.

Every draw comes from the `Random` handed in, which the builder derives from a fixed seed and
the product type's name, so a product never depends on the draws made for another type.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from webtwin.simulators.core.rng import Random

__all__ = ["Draft", "DraftVariant", "draw_product", "plain_noun", "slugify"]

MAX_VARIANTS = 12
# Axes whose values are ordered (S < M < L, 128 GB < 256 GB): a product offers a contiguous
# run of them, as a real listing does, and never e.g. "S" and "XL" alone.
ORDERED_AXES = frozenset({"Size", "Waist", "Storage", "Capacity", "Pack size", "Weight",
                          "Thickness", "Configuration", "Format"})
SALE_SHARE = 0.35
PRICE_ENDINGS = (99, 99, 99, 99, 49, 95, 0)


@dataclass
class DraftVariant:
    option1: str
    option2: str
    price_cents: int
    list_price_cents: int
    stock: int = 0


@dataclass
class Draft:
    """A product before it has an id (the builder numbers drafts after shuffling them)."""

    category: str
    brand: str
    title: str
    description: str
    bullets: list[str]
    specs: list[list[str]]
    options: list[str]
    image: dict[str, Any]
    thing: str  # the product type as prose ("wireless earbuds"), for review templates
    variants: list[DraftVariant] = field(default_factory=list)


def slugify(name: str) -> str:
    """`Marigold & Moss` → `marigold-moss`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def plain_noun(noun: str) -> str:
    """The noun as prose: `Smart TV` → `smart TV` (acronyms keep their capitals)."""
    return " ".join(word if sum(ch.isupper() for ch in word) > 1 else word.lower()
                    for word in noun.split())


def charm_price(cents: float, ending: int) -> int:
    """A shop-looking price near `cents` with the given cents `ending`: $24.99, $40.00."""
    whole = max(2, round(cents / 100))
    return whole * 100 if ending == 0 else (whole - 1) * 100 + ending


def _axis_counts(rng: Random, axes: list[dict[str, Any]]) -> list[int]:
    counts = [min(rng.randint(*axis["pick"]), len(axis["values"])) for axis in axes]
    while math.prod(count for count in counts if count) > MAX_VARIANTS:
        largest = max(range(len(counts)), key=lambda i: (counts[i], -i))
        counts[largest] -= 1
    return counts


def _pick_values(rng: Random, axis: dict[str, Any], count: int) -> list[int]:
    """Indexes (into the axis's values) of the `count` values a product offers, in order."""
    total = len(axis["values"])
    if axis["name"] in ORDERED_AXES or "step" in axis:
        start = rng.randint(0, total - count)
        return list(range(start, start + count))
    return sorted(rng.sample(range(total), count))


def draw_axes(rng: Random, kind: dict[str, Any]) -> list[tuple[dict[str, Any], list[int]]]:
    """The option axes a product keeps (an axis drawn with 0 values is dropped)."""
    axes = kind["options"]
    counts = _axis_counts(rng, axes)
    return [(axis, _pick_values(rng, axis, count))
            for axis, count in zip(axes, counts, strict=True) if count]


def _variant_price(base: int, chosen: list[tuple[dict[str, Any], int]]) -> float:
    factor = 1.0
    for axis, index in chosen:
        factor *= max(0.3, 1 + axis.get("step", 0.0) * index)
    return base * factor


def draw_variants(rng: Random, kind: dict[str, Any],
                  axes: list[tuple[dict[str, Any], list[int]]]) -> list[DraftVariant]:
    """Every combination of the kept axes' values, priced from one base price."""
    low, high = kind["price"]
    base = math.exp(rng.uniform(math.log(low * 100), math.log(high * 100)))
    discount = rng.uniform(0.1, 0.45) if rng.random() < SALE_SHARE else 0.0
    ending = rng.choice(PRICE_ENDINGS)  # one per product, so equal variants cost the same
    combos: list[list[tuple[dict[str, Any], int]]] = [[]]
    for axis, indexes in axes:
        combos = [combo + [(axis, index)] for combo in combos for index in indexes]
    variants = []
    for combo in combos:
        price = charm_price(_variant_price(round(base), combo), ending)
        listed = charm_price(price / (1 - discount), 99) if discount else price
        values = [axis["values"][index] for axis, index in combo] + ["", ""]
        variants.append(DraftVariant(values[0], values[1], price, max(listed, price)))
    return variants


def _features(rng: Random, kind: dict[str, Any]) -> list[str]:
    pool: list[str] = kind.get("features", [])
    if not pool:
        return []
    chosen = rng.sample(range(len(pool)), min(len(pool), rng.randint(1, 2)))
    return [pool[i] for i in sorted(chosen)]


def _model(rng: Random, kind: dict[str, Any], corpus: dict[str, Any]) -> str:
    model = rng.choice(kind.get("models") or corpus["model_words"])
    if kind.get("suffix"):
        model += rng.choice(corpus["model_suffixes"])
    return str(model)


def _fields(rng: Random, kind: dict[str, Any], corpus: dict[str, Any], brand: str,
            author: str) -> dict[str, str]:
    names = kind.get("names")
    name = f"{rng.choice(names[0])} {rng.choice(names[1])}" if names else ""
    return {"brand": brand, "model": _model(rng, kind, corpus), "noun": kind["noun"],
            "thing": kind.get("thing") or plain_noun(kind["noun"]), "name": name, "author": author,
            "features": ", ".join(_features(rng, kind))}


def draw_title(rng: Random, kind: dict[str, Any], corpus: dict[str, Any], brands: list[str],
               authors: list[str]) -> tuple[str, dict[str, str]]:
    """A title (and the fields it was made from), before any colour suffix."""
    author = rng.choice(authors) if kind.get("author") else ""
    fields = _fields(rng, kind, corpus, rng.choice(brands), author)
    template = kind.get("title", "{brand} {model} {noun}, {features}")
    return template.format_map(fields).rstrip(", "), fields


def _specs(rng: Random, kind: dict[str, Any], fields: dict[str, str]) -> list[list[str]]:
    specs = [["Brand", fields["brand"]]]
    if fields["author"]:
        specs = [["Author", fields["author"]], ["Publisher", fields["brand"]]]
    elif "{model}" in kind.get("title", "{model}"):
        specs.append(["Model", fields["model"]])
    specs.extend([name, rng.choice(values)] for name, values in kind["specs"])
    return specs


def _text(rng: Random, kind: dict[str, Any], category: dict[str, Any],
          fields: dict[str, str]) -> tuple[str, list[str]]:
    sentences = kind["description"]
    chosen = sentences[:1] + rng.sample(sentences[1:], min(len(sentences) - 1, rng.randint(1, 2)))
    description = " ".join([*chosen, rng.choice(category["closers"])]).format_map(fields)
    pool = kind["bullets"]
    bullets = [pool[i].format_map(fields)
               for i in sorted(rng.sample(range(len(pool)), min(len(pool), rng.randint(3, 5))))]
    return description, bullets


def _image(rng: Random, kind: dict[str, Any], corpus: dict[str, Any],
           axes: list[tuple[dict[str, Any], list[int]]], brand: str) -> dict[str, Any]:
    colours = corpus["colours"]
    colour_slot = next((slot for slot, (axis, _) in enumerate(axes, 1)
                        if axis["name"] == "Colour"), 0)
    if colour_slot:
        axis, indexes = axes[colour_slot - 1]
        colour = colours[axis["values"][indexes[0]]]
    else:
        colour = rng.choice(sorted(colours.values()))
    return {"shape": kind["shape"], "colour": colour,
            "accent": rng.choice(sorted(colours.values())),
            "background": rng.choice(("#f3f5f8", "#f6f2ea", "#eef5f0", "#f4eef4", "#eef2f8")),
            "colour_option": colour_slot, "label": brand, "variation": rng.randrange(1000)}


def draw_product(rng: Random, kind: dict[str, Any], corpus: dict[str, Any],
                 brands: list[str], authors: list[str], taken: set[str]) -> Draft:
    """A product of type `kind` whose title is not in `taken` (which it then joins)."""
    category = next(c for c in corpus["categories"] if c["slug"] == kind["category"])
    axes = draw_axes(rng, kind)
    for _attempt in range(200):
        title, fields = draw_title(rng, kind, corpus, brands, authors)
        colour = [axis["values"][idx[0]] for axis, idx in axes
                  if axis["name"] == "Colour" and len(idx) == 1]
        title = f"{title}, {colour[0]}" if colour else title
        if title not in taken:
            break
    else:
        raise RuntimeError(f"no unique title left for {kind['noun']!r}; widen its corpus lists")
    taken.add(title)
    description, bullets = _text(rng, kind, category, fields)
    return Draft(category=kind["category"], brand=fields["brand"], title=title,
                 description=description, bullets=bullets, specs=_specs(rng, kind, fields),
                 options=[axis["name"] for axis, _ in axes],
                 image=_image(rng, kind, corpus, axes, fields["brand"]), thing=fields["thing"],
                 variants=draw_variants(rng, kind, axes))
