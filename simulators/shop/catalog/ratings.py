"""A product's rating histogram and the handful of reviews the catalog stores in full.

The histogram counts every rating, stored reviews included, so `hist_k` is never below the
number of stored `k`-star reviews, and `rating_avg` is the histogram's mean rounded half up
to one decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from webtwin.simulators.core.rng import Random

__all__ = ["DraftReview", "Ratings", "average", "draw_ratings"]

STORED_REVIEWS = (5, 12)
VERIFIED_SHARE = 0.85
_MOOD = {1: "bad", 2: "bad", 3: "mixed", 4: "good", 5: "good"}  # category review phrases


@dataclass(frozen=True)
class DraftReview:
    author: str
    rating: int
    title: str
    body: str
    days_ago: int
    helpful: int
    verified: bool


@dataclass(frozen=True)
class Ratings:
    histogram: tuple[int, int, int, int, int]  # counts of 1..5 stars
    reviews: list[DraftReview]

    @property
    def count(self) -> int:
        return sum(self.histogram)

    @property
    def average(self) -> float:
        return average(self.histogram)


def average(histogram: tuple[int, ...]) -> float:
    """Mean stars rounded half up to one decimal (integer arithmetic: no float ties)."""
    count = sum(histogram)
    if not count:
        return 0.0
    stars = sum(star * n for star, n in enumerate(histogram, 1))
    return (stars * 20 + count) // (2 * count) / 10


def _weights(quality: float) -> list[float]:
    """Star probabilities: J-shaped like real shops (many 5s, a bump of angry 1s)."""
    tilt = (quality - 3.0) * 1.3
    weights = [math.exp(tilt * (star - 3)) for star in range(1, 6)]
    weights[0] += 0.06 * sum(weights)
    return weights


def _histogram(rng: Random, weights: list[float], total: int,
               stored: list[int]) -> tuple[int, int, int, int, int]:
    rest = total - len(stored)
    scale = sum(weights)
    counts = [int(rest * w / scale) for w in weights]
    for _ in range(rest - sum(counts)):  # hand out the rounding remainder by weight
        counts[rng.choices(range(5), weights)[0]] += 1
    for star in stored:
        counts[star - 1] += 1
    h1, h2, h3, h4, h5 = counts
    return h1, h2, h3, h4, h5


def _review(rng: Random, star: int, corpus: dict[str, Any], authors: list[str],
            fields: dict[str, str], released_days_ago: int) -> DraftReview:
    parts = corpus["reviews"][str(star)]
    category = next(c for c in corpus["categories"] if c["slug"] == fields["category"])
    middles = parts["middles"] + category["review_phrases"][_MOOD[star]]
    body = " ".join((rng.choice(parts["openers"]), rng.choice(middles),
                     rng.choice(parts["closers"])))
    return DraftReview(author=rng.choice(authors), rating=star,
                       title=rng.choice(parts["titles"]), body=body.format_map(fields),
                       days_ago=rng.randint(1, released_days_ago),
                       helpful=min(900, int(rng.expovariate(1 / 9))),
                       verified=rng.random() < corpus.get("verified_authors_share",
                                                           VERIFIED_SHARE))


def draw_ratings(rng: Random, corpus: dict[str, Any], authors: list[str],
                 fields: dict[str, str], released_days_ago: int) -> Ratings:
    """Histogram and stored reviews of a product released `released_days_ago` days ago.

    `fields` fills the review templates (`brand`, `thing`) and names the `category`, whose
    own review phrases join the generic ones."""
    quality = rng.triangular(2.4, 4.95, 4.4)
    weights = _weights(quality)
    stored = [rng.choices(range(1, 6), weights)[0]
              for _ in range(rng.randint(*STORED_REVIEWS))]
    ceiling = 40 + released_days_ago * 14
    total = max(len(stored) + 1,
                round(math.exp(rng.uniform(math.log(len(stored) + 1), math.log(ceiling)))))
    histogram = _histogram(rng, weights, total, stored)
    reviews = [_review(rng, star, corpus, authors, fields, released_days_ago)
               for star in stored]
    return Ratings(histogram, reviews)
