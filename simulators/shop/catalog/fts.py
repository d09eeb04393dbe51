"""Reading the catalog's full-text index: safe MATCH strings, relevance, "did you mean".

User text never reaches FTS syntax: it is split into words (letters and digits only), each
word becomes quoted phrases (`"tent" OR "tents"`) and each word is its own MATCH query, so
quotes, `OR`, `NEAR`, `*`, parentheses or SQL in a query are just more words, and the query
syntax SQLite was compiled with (standard or enhanced) never matters.
"""

from __future__ import annotations

import difflib
import re
from array import array
from typing import Any

from webtwin.simulators.core.web import placeholders

from ..models import CATALOG
from .build import FTS_TABLE, TERMS_TABLE

__all__ = ["COLUMN_WEIGHTS", "MATCHING", "MAX_WORDS", "close_words", "forms", "is_known",
           "match_scores", "word_matches", "words"]

MAX_WORDS = 8
# title, brand, category, body (description, bullets, option values): a title hit outweighs
# anything the description says.
COLUMN_WEIGHTS = (10.0, 6.0, 4.0, 1.0)
_WORD = re.compile(r"[^\W_]+")
# Skipped when the query has other words: they match most of the catalog and rank nothing.
STOPWORDS = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to",
                       "with"})
_MATCH = (f"SELECT docid, matchinfo({FTS_TABLE}, 'x') FROM {CATALOG}.{FTS_TABLE} "
          f"WHERE {FTS_TABLE} MATCH ? ORDER BY docid")
MATCHING = f"SELECT docid FROM {CATALOG}.{FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
"""The ids of the products a `word_matches` string matches, as a subquery."""
_KNOWN = f"SELECT 1 FROM {CATALOG}.{TERMS_TABLE} WHERE term IN ({{}})"
_NEAR = (f"SELECT term FROM {CATALOG}.{TERMS_TABLE} WHERE length BETWEEN ? AND ? "
         "ORDER BY length, term")


def words(text: str) -> list[str]:
    """The distinct lower-case words of `text`, in order, without stop words unless there is
    nothing else, at most `MAX_WORDS`."""
    found = list(dict.fromkeys(_WORD.findall(text.lower())))
    meaningful = [word for word in found if word not in STOPWORDS]
    return (meaningful or found)[:MAX_WORDS]


def forms(word: str) -> list[str]:
    """Singular and plural spellings of `word` (the tokenizer does no stemming)."""
    found = {word, word + "s"}
    if word.endswith("ies") and len(word) > 4:
        found.add(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4:
        found.update({word[:-2], word[:-1]})
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        found.add(word[:-1])
    if word.endswith("y") and len(word) > 3:
        found.add(word[:-1] + "ies")
    return sorted(found)


def word_matches(text: str) -> list[str]:
    """A MATCH string per word of `text`: a product matches the text when it matches every
    one."""
    return [_any_of(forms(word)) for word in words(text)]


def _any_of(variants: list[str]) -> str:
    """A MATCH string for any of `variants`, each a quoted phrase."""
    return " OR ".join(f'"{form}"' for form in variants)


def _slots(phrases: int) -> list[tuple[float, list[int]]]:
    """Per column: its weight and where matchinfo 'x' keeps each phrase's hits in this row."""
    columns = len(COLUMN_WEIGHTS)
    return [(weight, [3 * (phrase * columns + column) for phrase in range(phrases)])
            for column, weight in enumerate(COLUMN_WEIGHTS)]


def _score(info: bytes, slots: list[tuple[float, list[int]]]) -> float:
    """Weighted column hits of one row (a column counts once, plus a little per extra hit)."""
    x = array("I", info)
    score = 0.0
    for weight, where in slots:
        if hits := sum(x[i] for i in where):
            score += weight * (1 + min(hits, 3) / 10)
    return score


def match_scores(connection: Any, text: str) -> dict[int, float] | None:
    """Product id → relevance of the products matching every word of `text`.

    None when `text` has no word at all (then there is no text condition).
    """
    terms = words(text)
    if not terms:
        return None
    scores: dict[int, float] = {}
    for index, word in enumerate(terms):
        variants = forms(word)
        rows = connection.execute(_MATCH, (_any_of(variants),)).fetchall()
        slots = _slots(len(variants))
        if index == 0:
            scores = {int(docid): _score(info, slots) for docid, info in rows}
        else:  # score only the products still in the running (common words match hundreds)
            found = {int(docid): info for docid, info in rows}
            scores = {pid: score + _score(found[pid], slots)
                      for pid, score in scores.items() if pid in found}
        if not scores:
            break
    return scores


def is_known(connection: Any, word: str) -> bool:
    """Whether a title, brand or department has `word` (in any of its `forms`)."""
    variants = forms(word)
    return connection.execute(_KNOWN.format(placeholders(variants)),
                              variants).fetchone() is not None


def close_words(connection: Any, word: str, limit: int = 3) -> list[str]:
    """Words of titles, brands and departments spelled like `word`, closest first."""
    near = connection.execute(_NEAR, (len(word) - 2, len(word) + 2)).fetchall()
    return difflib.get_close_matches(word, [term for (term,) in near], n=limit, cutoff=0.72)
