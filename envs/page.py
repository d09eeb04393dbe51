"""Pages as an agent reads them: HTML → an accessibility-tree-like text with element ids.

Interactive elements read `[bid] role "name" state`, e.g. `[thread-12] link "Ana — Invoice"`,
`[to] textbox "To" value="ana@fernhill.test"`, `[select-12] checkbox "Select" unchecked`.
Headings read `# Inbox`; table cells are separated by `|`; structure is shown by indentation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from selectolax.lexbor import LexborHTMLParser, LexborNode

from webtwin.simulators.core.lru import LruCache

__all__ = ["FieldValue", "Page", "control_value", "parse_page", "render_text"]

FieldValue = str | bool
Attributes = Mapping[str, str | None]
SKIP_TAGS = frozenset({"script", "style", "head", "template", "noscript", "title", "meta",
                       "link", "svg"})
INDENT_TAGS = frozenset({"nav", "main", "form", "section", "aside", "header", "footer", "table",
                         "ul", "ol", "fieldset", "dialog", "article"})
BLOCK_TAGS = INDENT_TAGS | frozenset({
    "body", "div", "p", "li", "tr", "pre", "blockquote", "dl", "dt", "dd", "thead", "tbody",
    "tfoot", "hr", "figure", "figcaption", "legend", "caption", "br", "summary", "details"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TEXT_INPUTS = frozenset({"text", "email", "search", "url", "tel", "password", "number", ""})
DATE_INPUTS = frozenset({"date", "datetime-local", "time", "month", "week"})
BUTTON_INPUTS = frozenset({"submit", "button", "reset", "image"})
MAX_NAME = 300
_SPACE = re.compile(r"\s+")


class Page:
    """A loaded page: URL, HTTP status, HTML, and its parsed tree and elements on demand.

    A parsed tree costs about 15 times the HTML in memory (~700 KiB for a 48 KiB inbox), so
    only the most recently used pages of the process keep theirs (`_PARSED`); the others
    parse again when next needed. With thousands of live worlds this is what keeps a world
    near its database's size.
    """

    def __init__(self, url: str, status: int, html: str):
        self.url, self.status, self.html = url, status, html
        self.rendered: tuple[tuple[tuple[str, FieldValue], ...], str] | None = None
        self._parsed: tuple[LexborHTMLParser, dict[str, LexborNode], dict[str, str]] | None = None

    @property
    def tree(self) -> LexborHTMLParser:
        return self._parse()[0]

    @property
    def elements(self) -> dict[str, LexborNode]:
        """Elements by `data-bid`."""
        return self._parse()[1]

    @property
    def labels(self) -> dict[str, str]:
        """Text of `<label for=...>` by the id it names."""
        return self._parse()[2]

    def release(self) -> None:
        self._parsed = None

    def _parse(self) -> tuple[LexborHTMLParser, dict[str, LexborNode], dict[str, str]]:
        if self._parsed is None:
            tree = LexborHTMLParser(self.html)
            elements = {node.attributes["data-bid"] or "": node
                        for node in tree.css("[data-bid]")}
            labels = {node.attributes.get("for") or "": _collapse(node.text(deep=True))
                      for node in tree.css("label[for]")}
            self._parsed = (tree, elements, labels)
        _PARSED.put(id(self), self)
        return self._parsed


# The pages of this process that keep their parsed tree; the least recently used drop it.
_PARSED: LruCache[int, Page] = LruCache(32, on_evict=Page.release)


def parse_page(url: str, status: int, html: str) -> Page:
    return Page(url, status, html)


def control_value(node: LexborNode, values: Mapping[str, FieldValue],
                  attrs: Attributes | None = None) -> FieldValue:
    """The current value of a form control: what the agent set, else the page's default."""
    attrs = node.attributes if attrs is None else attrs
    bid = attrs.get("data-bid")
    if bid is not None and bid in values:
        return values[bid]
    tag, kind = node.tag, (attrs.get("type") or "").lower()
    if tag == "input" and kind in {"checkbox", "radio"}:
        return "checked" in attrs
    if tag == "textarea":
        return node.text(deep=True)
    if tag == "select":
        return _selected_option(node)
    return attrs.get("value") or ""


def render_text(page: Page, values: Mapping[str, FieldValue]) -> str:
    """The page as indented text, with current field values.

    The last rendering of each page is kept: a step that changes neither the page nor a field
    (a wait, a refused action) costs nothing here.
    """
    key = tuple(sorted(values.items()))
    if page.rendered is not None and page.rendered[0] == key:
        return page.rendered[1]
    renderer = _Renderer(page, values)
    body = page.tree.body
    if body is not None:
        renderer.visit(body)
    renderer.flush()
    text = "\n".join(renderer.lines)
    page.rendered = (key, text)
    return text


class _Renderer:
    def __init__(self, page: Page, values: Mapping[str, FieldValue]):
        self.page, self.values = page, values
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.depth = 0
        self.preformatted = 0  # inside <pre>: line breaks are content (message bodies)

    def flush(self) -> None:
        text = " ".join(self.buffer).strip().strip("|").strip()
        self.buffer.clear()
        if text:
            self.lines.append("  " * self.depth + text)

    def visit(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if tag == "-text":
            raw = node.text_content
            if self.preformatted and raw and "\n" in raw:
                self.preformatted_text(raw)
            elif raw and not raw.isspace():
                self.buffer.append(_collapse(raw))
            return
        if tag in SKIP_TAGS or tag.startswith("-"):
            return
        attrs = node.attributes  # a new dict on every access: read it once per node
        if attrs and _hidden_by(tag, attrs):
            return
        if "data-bid" in attrs or _interactive_by(tag, attrs):
            self.buffer.append(self.element(node, attrs))
        elif tag in HEADINGS:
            self.flush()
            self.lines.append("  " * self.depth + "#" * HEADINGS[tag] + " " + _text(node))
        elif tag in BLOCK_TAGS:
            self.block(node, indent=tag in INDENT_TAGS and tag != "body")
        elif tag == "img":
            self.buffer.append(f"img {_quote(attrs.get('alt') or '')}")
        else:
            self.children(node)
            if tag in {"td", "th"}:
                self.buffer.append("|")

    def block(self, node: LexborNode, indent: bool) -> None:
        self.flush()
        self.depth += indent
        pre = node.tag == "pre"
        self.preformatted += pre
        self.children(node)
        self.preformatted -= pre
        self.flush()
        self.depth -= indent

    def preformatted_text(self, raw: str) -> None:
        """One output line per source line; blank lines (paragraph breaks) are kept, once."""
        for number, line in enumerate(raw.split("\n")):
            if number:
                if not self.buffer and self.lines and self.lines[-1] != "":
                    self.lines.append("")
                self.flush()
            if line.strip():
                self.buffer.append(_collapse(line))

    def children(self, node: LexborNode) -> None:
        child = node.child
        while child is not None:
            self.visit(child)
            child = child.next

    def element(self, node: LexborNode, attrs: Attributes) -> str:
        bid = attrs.get("data-bid")
        prefix = f"[{bid}] " if bid is not None else ""
        role, name, state = _describe(node, attrs, self.page, self.values)
        text = f"{prefix}{role} {_quote(name)}" if role else f"{prefix}{_quote(name)}"
        if "disabled" in attrs:
            state = (state + " disabled").strip()
        return f"{text} {state}".rstrip()


def _describe(node: LexborNode, attrs: Attributes, page: Page,
              values: Mapping[str, FieldValue]) -> tuple[str, str, str]:
    """(role, accessible name, state) of an element."""
    tag, kind = node.tag or "", (attrs.get("type") or "").lower()
    if tag == "a":
        return "link", _name(node, attrs), ""
    if tag == "button" or (tag == "input" and kind in BUTTON_INPUTS):
        return "button", _name(node, attrs) or attrs.get("value") or "", ""
    if tag == "input" and kind in {"checkbox", "radio"}:
        checked = control_value(node, values, attrs)
        return kind, _field_name(attrs, page), "checked" if checked else "unchecked"
    if tag == "select":
        options = [_collapse(option.text(deep=True)) for option in node.css("option")]
        chosen = _option_text(node, str(control_value(node, values, attrs)))
        return "combobox", _field_name(attrs, page), (
            f"value={_quote(chosen)} options={json.dumps(options, ensure_ascii=False)}")
    if tag in {"input", "textarea"}:
        role = "textarea" if tag == "textarea" else ("date" if kind in DATE_INPUTS else "textbox")
        return role, _field_name(attrs, page), _value_state(node, attrs, values)
    return "", _text(node), ""


def _value_state(node: LexborNode, attrs: Attributes, values: Mapping[str, FieldValue]) -> str:
    value = str(control_value(node, values, attrs))
    if value:
        return f"value={_quote(value)}"
    placeholder = attrs.get("placeholder")
    return f"placeholder={_quote(placeholder)}" if placeholder else ""


def _name(node: LexborNode, attrs: Attributes) -> str:
    return attrs.get("aria-label") or _text(node) or attrs.get("title") or ""


def _field_name(attrs: Attributes, page: Page) -> str:
    return (attrs.get("aria-label") or page.labels.get(attrs.get("id") or "\0")
            or attrs.get("placeholder") or attrs.get("title") or attrs.get("name") or "")


def _selected_option(select: LexborNode) -> str:
    options = select.css("option")
    chosen = next((o for o in options if "selected" in o.attributes), options[0] if options
                  else None)
    if chosen is None:
        return ""
    value = chosen.attributes.get("value")
    return value if value is not None else _collapse(chosen.text(deep=True))


def _option_text(select: LexborNode, value: str) -> str:
    for option in select.css("option"):
        option_value = option.attributes.get("value")
        text = _collapse(option.text(deep=True))
        if (option_value if option_value is not None else text) == value:
            return text
    return value


def _interactive_by(tag: str, attrs: Attributes) -> bool:
    if tag == "a":
        return "href" in attrs
    if tag == "input":
        return (attrs.get("type") or "").lower() != "hidden"
    return tag in {"button", "select", "textarea"}


def _hidden_by(tag: str, attrs: Attributes) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if tag == "input" and (attrs.get("type") or "").lower() == "hidden":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _text(node: LexborNode) -> str:
    return _clip(_collapse(node.text(deep=True, separator=" ")))


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _clip(text: str) -> str:
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
