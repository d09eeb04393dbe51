"""What an element-id action may do, decided on the page's HTML: the same checks and the
same messages in every mode (the text browser, and the browser env before it touches Chromium).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .page import Element, Page

__all__ = [
    "FILLABLE", "checkbox_error", "element", "fill_error", "is_submit", "kind_of",
    "option_value", "unreachable", "uncheck_error",
]

FILLABLE = frozenset({"text", "email", "search", "url", "tel", "password", "number", "date",
                      "datetime-local", "time", "month", "week", ""})


def element(page: Page, bid: str) -> Element:
    """The element an action names; LookupError (its message for the agent) if unusable."""
    node = page.element(bid)
    if node is None:
        raise LookupError(f'no element with id "{bid}" on this page')
    if "disabled" in node.attrs:
        raise LookupError(f'element "{bid}" is disabled')
    return node


def kind_of(node: Element) -> str:
    return node.kind


def fill_error(node: Element, bid: str, text: str) -> str:
    """Why `fill(bid, text)` is refused, or ""."""
    if node.tag == "textarea" or (node.tag == "input" and kind_of(node) in FILLABLE):
        limit = node.attrs.get("maxlength")
        if limit and limit.isdigit() and len(text) > int(limit):
            return f'"{bid}" accepts at most {limit} characters; got {len(text)}'
        return ""
    return f'element "{bid}" is a {node.tag}, not a text field; use click or select_option'


def option_value(node: Element, bid: str, option: str) -> str:
    """The value `select_option(bid, option)` chooses (by value or visible text)."""
    if node.tag != "select":
        raise LookupError(f'element "{bid}" is not a drop-down')
    for value, raw in node.options:
        text = " ".join(raw.split())
        if option in {value, text}:
            return value if value is not None else text
    choices = [" ".join(raw.split()) for _, raw in node.options]
    raise LookupError(f'"{bid}" has no option {option!r}; options: {choices}')


def checkbox_error(node: Element) -> str:
    """Why the element cannot be checked or unchecked, or ""."""
    if node.tag != "input" or kind_of(node) not in {"checkbox", "radio"}:
        return f'element "{node.bid or ""}" is not a checkbox'
    return ""


def uncheck_error(node: Element, bid: str) -> str:
    if kind_of(node) == "radio":
        return f'"{bid}" is a radio button; check another option instead'
    return ""


def is_submit(node: Element) -> bool:
    kind = kind_of(node)
    return (node.tag == "button" and kind in {"submit", ""}) or (
        node.tag == "input" and kind in {"submit", "image"})


def unreachable(url: str, hosts: set[str] | frozenset[str]) -> str:
    """Why an agent may not open `url` (only the simulated sites are reachable), or ""."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or (parts.hostname or "") not in hosts:
        return (f"cannot open {url[:200]!r}: only the simulated sites are reachable "
                f"({', '.join(sorted(hosts))})")
    return ""
