"""Suggestions for a search that found nothing: respellings and departments to try."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .fts import close_words, is_known, words

__all__ = ["MAX_SUGGESTIONS", "Suggestion", "suggestions"]

MAX_SUGGESTIONS = 6
MAX_RESPELLINGS = 3
DEPARTMENTS = 3
_POPULAR = ("SELECT c.slug FROM catalog.category AS c JOIN catalog.product AS p "
            "ON p.category_id = c.id GROUP BY c.id ORDER BY sum(p.rating_count) DESC, c.id")


@dataclass(frozen=True)
class Suggestion:
    """A link to try instead: `/search?q={q}&category={category}` ("" = every department)."""

    label: str
    q: str
    category: str


def _respellings(conn: Any, terms: list[str]) -> list[str]:
    """Queries with unknown words respelled: the best guess first, then alternatives."""
    guesses = {w: close_words(conn, w) for w in terms if len(w) > 2 and not w.isdigit()
               and not is_known(conn, w)}
    if not any(guesses.values()):
        return []
    best = " ".join((guesses.get(w) or [w])[0] for w in terms)
    found = [best]
    for word, options in guesses.items():
        found += [" ".join(alt if w == word else b for w, b in zip(terms, best.split(),
                                                                   strict=True))
                  for alt in options[1:]]
    return found[:MAX_RESPELLINGS]


def _departments(conn: Any, terms: list[str], categories: dict[str, tuple[int, str]]) -> list[str]:
    """Department slugs named like a query word, then the most reviewed ones."""
    named = {word.lower(): slug for slug, (_, name) in categories.items()
             for word in name.replace("&", " ").split()}
    close = [named[m] for term in terms
             for m in difflib.get_close_matches(term, sorted(named), n=1, cutoff=0.72)]
    popular = [slug for (slug,) in conn.execute(_POPULAR).fetchall()]
    return list(dict.fromkeys(close + popular))[:DEPARTMENTS]


def suggestions(conn: Any, q: str, category: str | None,
                categories: dict[str, tuple[int, str]]) -> tuple[Suggestion, ...]:
    """What to offer when `q` (in `category`, with whatever filters) found nothing."""
    terms = words(q)
    found = [Suggestion(text, text, category or "")
             for text in _respellings(conn, terms)]
    if category and q:
        found.append(Suggestion(f"{q} in all departments", q, ""))
    found += [Suggestion(categories[slug][1], "", slug)
              for slug in _departments(conn, terms, categories) if slug != category]
    seen: set[tuple[str, str]] = set()
    ordered = []
    for suggestion in found:
        if (key := (suggestion.q, suggestion.category)) not in seen:
            seen.add(key)
            ordered.append(suggestion)
    return tuple(ordered[:MAX_SUGGESTIONS])
