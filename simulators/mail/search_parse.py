"""Gmail query syntax: a query string → a small AST (terms, NOT, AND, OR). Never raises.

Stray syntax (unbalanced quotes or parentheses, a dangling OR) is ignored; unknown operators
become free text; at most `MAX_TERMS` terms are kept, so a pasted essay cannot turn into a
thousand sub-queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "OPERATORS", "And", "Node", "Not", "Or", "Term",
           "parse"]

MAX_TERMS = 40
MAX_QUERY_CHARS = 2000


# -- AST ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One search term: `op` is "" for free text; `phrase` when the value was quoted."""

    op: str
    value: str
    phrase: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or

OPERATORS = frozenset({
    "from", "to", "cc", "bcc", "subject", "label", "in", "is", "has", "filename", "category",
    "before", "after", "older_than", "newer_than", "older", "newer",
})

_TOKEN = re.compile(r'''
    (?P<open>\() | (?P<close>\)) |
    (?P<op>-?[A-Za-z_]+):(?:"(?P<opq>[^"]*)"?|(?P<opv>[^\s()]*)) |
    (?P<neg>-)?"(?P<phrase>[^"]*)"? |
    (?P<word>[^\s()"]+)
''', re.VERBOSE)


def _tokens(query: str) -> list[tuple[str, Any]]:
    """Lex into (kind, payload): kind is "(", ")", "OR", "AND" or "term" ((negated, Term))."""
    found: list[tuple[str, Any]] = []
    for match in _TOKEN.finditer(query[:MAX_QUERY_CHARS]):
        if match.group("open"):
            found.append(("(", None))
        elif match.group("close"):
            found.append((")", None))
        elif match.group("op") is not None:
            found.append(_operator_token(match))
        elif match.group("phrase") is not None:
            found.append(("term", (bool(match.group("neg")), Term("", match.group("phrase"),
                                                                  True))))
        elif match.group("word") is not None:
            found.append(_word_token(match.group("word")))
    return found


def _operator_token(match: re.Match[str]) -> tuple[str, Any]:
    name = match.group("op")
    negated = name.startswith("-")
    name = name.lstrip("-").lower()
    quoted = match.group("opq")
    value = quoted if quoted is not None else (match.group("opv") or "")
    if name not in OPERATORS:
        return ("term", (negated, Term("", match.group(0).lstrip("-"), quoted is not None)))
    return ("term", (negated, Term(name, value, quoted is not None)))


def _word_token(word: str) -> tuple[str, Any]:
    if word in {"OR", "|"}:
        return ("OR", None)
    if word == "AND":
        return ("AND", None)
    negated = word.startswith("-") and len(word) > 1
    return ("term", (negated, Term("", word[1:] if negated else word)))


def parse(query: str) -> Node:
    """Parse a Gmail query into an AST (never raises; stray syntax is ignored)."""
    parser = _Parser(_tokens(query))
    return parser.sequence(top=True)


class _Parser:
    """Recursive descent: sequence := (unary (OR unary)*)*, unary := -? (group | term)."""

    def __init__(self, tokens: list[tuple[str, Any]]):
        self.tokens = tokens
        self.at = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def sequence(self, top: bool = False) -> Node:
        parts: list[Node] = []
        while (kind := self.peek()) is not None:
            if kind == ")":
                self.at += 1
                if top:
                    continue  # an unbalanced ")" is noise
                break
            if kind in {"OR", "AND"}:
                self.at += 1
                continue
            if (node := self.disjunction()) is not None:
                parts.append(node)
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def disjunction(self) -> Node | None:
        options = [self.unary()]
        while self.peek() == "OR":
            self.at += 1
            if self.peek() in {None, ")"}:
                break
            options.append(self.unary())
        kept = [option for option in options if option is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def unary(self) -> Node | None:
        kind, payload = self.tokens[self.at]
        self.at += 1
        if kind == "(":
            return self.sequence()
        if kind != "term":
            return None
        self.terms += 1
        if self.terms > MAX_TERMS:
            return None
        negated, term = payload
        return Not(term) if negated else term
