"""Pages as an agent reads them: HTML → an accessibility-tree-like text with element ids.

Interactive elements read `[bid] role "name" state`, e.g. `[thread-12] link "Ana — Invoice"`,
`[to] textbox "To" value="ana@fernhill.test"`, `[select-12] checkbox "Select" unchecked`.
Headings read `# Inbox`; table cells are separated by `|`; structure is shown by indentation.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Element", "FieldValue", "Form", "Page", "control_value", "parse_page",
           "render_text"]

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
CONTROLS = "input, select, textarea, button"
# An element outside these tags is hidden only through one of these attributes, and shown as
# one the agent acts on only through `data-bid`: the text walk reads the attributes of just
# those elements (reading them builds a new dict, the walk's largest cost).
ATTRIBUTE_TAGS = frozenset({"a", "input", "button", "select", "textarea", "img"})
HIDING = "[hidden], [aria-hidden], [style]"
_NO_ATTRIBUTES: dict[str, str | None] = {}  # shared by elements whose attributes go unread
# What actions read of an element's attributes; a page keeps only these (a world keeps its
# page's elements for as long as the page is open).
ACTION_ATTRIBUTES = ("data-bid", "type", "href", "name", "value", "disabled", "checked",
                     "maxlength", "formaction")
MAX_NAME = 300
# Where a field's current state goes in a page's text. Lexbor turns NUL in a document into
# U+FFFD and names are JSON-quoted, so the marker never occurs in page content.
_SLOT = re.compile("\x00([0-9]+)\x00")


@dataclass(frozen=True, slots=True)
class Element:
    """An element as actions need it: one with a `data-bid`, or a control of a form.

    ## Attributes
    - `index`: its position among the page's elements (a form's submitter is found by it).
    - `tag`, `attrs`: its tag and the attributes actions read (`ACTION_ATTRIBUTES`).
    - `form`: index of its form (`Page.form`), or -1.
    - `default`: a control's value as the page gives it (checked state, text, option value).
    - `options`: a drop-down's options as (value attribute or None, text).
    """

    index: int
    tag: str
    attrs: dict[str, str | None]
    form: int
    default: FieldValue
    options: tuple[tuple[str | None, str], ...]

    @property
    def bid(self) -> str | None:
        return self.attrs.get("data-bid")

    @property
    def kind(self) -> str:
        """The lower-cased `type` attribute ("" when absent)."""
        return (self.attrs.get("type") or "").lower()


@dataclass(frozen=True, slots=True)
class Form:
    attrs: dict[str, str | None]
    controls: tuple[Element, ...]  # in document order, as a browser submits them


# A page keeps its elements as tuples of strings, (tag, attribute pairs, form, default,
# options), and makes an `Element` when an action asks for one. The garbage collector stops
# watching tuples that hold only strings and numbers (not dicts: a dict might later hold
# anything); thousands of live worlds keep tens of thousands of elements, and as objects
# they made every full collection cost tens of milliseconds.
_Pairs = tuple[tuple[str, str | None], ...]
_Row = tuple[str, _Pairs, int, FieldValue, tuple[tuple[str | None, str], ...]]
_FormRow = tuple[_Pairs, tuple[int, ...]]
_Slot = tuple[int, str, str, str]  # element index, `[bid] role "name"`, placeholder, options


class Page:
    """A loaded page: URL, HTTP status, HTML, and what the agent reads and acts on.

    The HTML is parsed once, on first use, into the page's text (with slots for field
    states) and its elements; the parsed tree (about 15 times the HTML in memory) is dropped
    at once, so thousands of live worlds each keep only their page's text and elements, and
    no action parses a page again.
    """

    def __init__(self, url: str, status: int, html: str):
        self.url, self.status, self.html = url, status, html
        self.rendered: tuple[tuple[tuple[str, FieldValue], ...], str] | None = None
        self._model: _Model | None = None

    def element(self, bid: str) -> Element | None:
        """The element with this `data-bid` (the last one if a page repeats an id)."""
        model = self._build()
        index = model.bids.get(bid)
        return None if index is None else _make_element(model.rows, index)

    def form(self, index: int) -> Form:
        model = self._build()
        attrs, controls = model.forms[index]
        return Form(dict(attrs), tuple(_make_element(model.rows, i) for i in controls))

    def _build(self) -> _Model:
        if self._model is None:
            self._model = _build_model(self.html)
        return self._model


@dataclass(frozen=True, slots=True)
class _Model:
    text: str  # the page's text with `_SLOT` markers for fields
    slots: tuple[_Slot, ...]
    rows: tuple[_Row, ...]
    bids: dict[str, int]
    forms: tuple[_FormRow, ...]


def _make_element(rows: tuple[_Row, ...], index: int) -> Element:
    tag, attrs, form, default, options = rows[index]
    return Element(index, tag, dict(attrs), form, default, options)


def parse_page(url: str, status: int, html: str) -> Page:
    return Page(url, status, html)


def control_value(element: Element, values: Mapping[str, FieldValue]) -> FieldValue:
    """The current value of a form control: what the agent set, else the page's default."""
    bid = element.bid
    if bid is not None and bid in values:
        return values[bid]
    return element.default


def render_text(page: Page, values: Mapping[str, FieldValue]) -> str:
    """The page as indented text, with current field values.

    The last rendering of each page is kept: a step that changes neither the page nor a field
    (a wait, a refused action) costs nothing here, and one that changes a field only fills
    the page's slots again.
    """
    key = tuple(sorted(values.items()))
    rendered = page.rendered  # read once: pages may be shared between threads' browsers
    if rendered is not None and rendered[0] == key:
        return rendered[1]
    model = page._build()
    text = model.text
    if model.slots:
        text = _SLOT.sub(lambda match: _field_text(model, model.slots[int(match[1])], values),
                         text)
    page.rendered = (key, text)
    return text


def _field_text(model: _Model, slot: _Slot, values: Mapping[str, FieldValue]) -> str:
    index, head, placeholder, options_json = slot
    element = _make_element(model.rows, index)
    value = control_value(element, values)
    if element.tag == "select":
        state = f"value={_quote(_option_text(element, str(value)))} options={options_json}"
    elif element.tag == "input" and element.kind in {"checkbox", "radio"}:
        state = "checked" if value else "unchecked"
    elif str(value):
        state = f"value={_quote(str(value))}"
    else:
        state = f"placeholder={_quote(placeholder)}" if placeholder else ""
    if "disabled" in element.attrs:
        state = (state + " disabled").strip()
    return f"{head} {state}".rstrip()


# -- building a page's model -----------------------------------------------------------------
def _build_model(html: str) -> _Model:
    tree = LexborHTMLParser(html)
    rows: list[_Row] = []
    by_node: dict[int, int] = {}  # lexbor node → row, while the tree lives
    # lexbor node → its attributes, read once for its row and again by the text walk
    attributes: dict[int, dict[str, str | None]] = {}
    forms: list[_FormRow] = []
    for index, form in enumerate(tree.css("form")):
        controls = []
        for node in form.css(CONTROLS):
            key, attrs = node.mem_id, node.attributes
            attributes[key] = attrs
            by_node[key] = len(rows)
            controls.append(len(rows))
            rows.append(_row(node, attrs, index))
        attrs = form.attributes
        forms.append(((("action", attrs.get("action")), ("method", attrs.get("method"))),
                      tuple(controls)))
    bids: dict[str, int] = {}
    for node in tree.css("[data-bid]"):
        key = node.mem_id
        if key not in by_node:
            attributes[key] = node.attributes
            by_node[key] = len(rows)
            rows.append(_row(node, attributes[key], -1))
        bids[attributes[key]["data-bid"] or ""] = by_node[key]
    labels = {node.attributes.get("for") or "": _collapse(node.text(deep=True))
              for node in tree.css("label[for]")}
    hiding = {node.mem_id for node in tree.css(HIDING)}
    renderer = _Renderer(rows, by_node, labels, attributes, hiding)
    if tree.body is not None:
        renderer.visit(tree.body)
    renderer.flush()
    return _Model("\n".join(renderer.lines), tuple(renderer.slots), tuple(rows), bids,
                  tuple(forms))


def _row(node: LexborNode, all_attrs: dict[str, str | None], form: int) -> _Row:
    # Names from the constant tuple, and short values interned: lexbor hands out new strings
    # for every attribute, and a page keeps hundreds of these.
    pairs = tuple([(name, _intern(all_attrs[name])) for name in ACTION_ATTRIBUTES
                   if name in all_attrs])
    tag, kind = node.tag or "", (all_attrs.get("type") or "").lower()
    if tag == "input" and kind in {"checkbox", "radio"}:
        return tag, pairs, form, "checked" in all_attrs, ()
    if tag == "textarea":
        return tag, pairs, form, node.text(deep=True), ()
    if tag == "select":
        nodes = node.css("option")
        selected = [option.attributes for option in nodes]  # read once: a new dict per read
        options = tuple((attrs.get("value"), option.text(deep=True))
                        for option, attrs in zip(nodes, selected, strict=True))
        return tag, pairs, form, _selected_option(options, selected), options
    return tag, pairs, form, all_attrs.get("value") or "", ()


def _intern(value: str | None) -> str | None:
    return sys.intern(value) if value is not None and len(value) <= 16 else value


def _selected_option(options: tuple[tuple[str | None, str], ...],
                     attributes: list[dict[str, str | None]]) -> str:
    """The value a drop-down submits untouched: its `selected` option, else its first."""
    chosen = next((i for i, attrs in enumerate(attributes) if "selected" in attrs),
                  0 if options else None)
    if chosen is None:
        return ""
    value, text = options[chosen]
    return value if value is not None else _collapse(text)


class _Renderer:
    def __init__(self, rows: list[_Row], by_node: dict[int, int], labels: Mapping[str, str],
                 attributes: dict[int, dict[str, str | None]], hiding: set[int]):
        self.rows, self.by_node, self.labels = rows, by_node, labels
        self.attributes, self.hiding = attributes, hiding
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.slots: list[_Slot] = []
        self.depth = 0
        self.preformatted = 0  # inside <pre>: line breaks are content (message bodies)

    def flush(self) -> None:
        if not self.buffer:  # most blocks start and end with nothing pending
            return
        text = " ".join(self.buffer).strip().strip("|").strip()
        self.buffer.clear()
        if text:
            self.lines.append("  " * self.depth + text)

    def visit(self, element: LexborNode) -> None:
        """Render `element` (the body) and everything in it."""
        self.element_node(element, element.tag or "")

    def children(self, node: LexborNode) -> None:
        # Text straight onto the pending line, elements to `element_node`: one loop rather
        # than a call per node, as a page has hundreds of nodes, half of them text (mostly
        # blank between tags).
        child = node.child
        while child is not None:
            raw = child.text_content  # None but for text nodes, and cheaper than `tag`
            if raw is not None:
                if self.preformatted and "\n" in raw:
                    self.preformatted_text(raw)
                else:
                    words = raw.split()  # none for a blank between tags
                    if words:
                        self.buffer.append(" ".join(words))  # `_collapse`, inlined
            else:
                tag = child.tag or ""
                if tag not in SKIP_TAGS and not tag.startswith("-"):
                    self.element_node(child, tag)
            child = child.next

    def element_node(self, node: LexborNode, tag: str) -> None:
        key = node.mem_id
        attrs = self.attributes.get(key)  # read already if the element has a row
        if attrs is None:
            # A new dict on every access: read only where one of them can matter (`HIDING`).
            attrs = (node.attributes if tag in ATTRIBUTE_TAGS or key in self.hiding
                     else _NO_ATTRIBUTES)
        if (tag == "input" or key in self.hiding) and _hidden_by(tag, attrs):  # none else can be
            return
        if "data-bid" in attrs or (tag in ATTRIBUTE_TAGS and _interactive_by(tag, attrs)):
            self.buffer.append(self.element(node, tag, attrs))
        elif tag in HEADINGS:
            self.flush()
            self.lines.append("  " * self.depth + "#" * HEADINGS[tag] + " " + _text(node))
        elif tag in BLOCK_TAGS:
            self.block(node, tag, indent=tag in INDENT_TAGS and tag != "body")
        elif tag == "img":
            self.buffer.append(f"img {_quote(attrs.get('alt') or '')}")
        else:
            self.children(node)
            if tag in {"td", "th"}:
                self.buffer.append("|")

    def block(self, node: LexborNode, tag: str, indent: bool) -> None:
        self.flush()
        self.depth += indent
        pre = tag == "pre"
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

    def element(self, node: LexborNode, tag: str, attrs: dict[str, str | None]) -> str:
        """The element's text, or a slot marker for a field whose state the agent sets."""
        bid = attrs.get("data-bid")
        prefix = f"[{bid}] " if bid is not None else ""
        kind = (attrs.get("type") or "").lower()
        if tag == "a":
            return _line(prefix, "link", _name(node, attrs), "", attrs)
        if tag == "button" or (tag == "input" and kind in BUTTON_INPUTS):
            return _line(prefix, "button", _name(node, attrs) or attrs.get("value") or "", "",
                         attrs)
        if tag not in {"input", "textarea", "select"}:
            return _line(prefix, "", _text(node), "", attrs)
        if tag == "input" and kind in {"checkbox", "radio"}:
            role = kind
        elif tag == "select":
            role = "combobox"
        else:
            role = "textarea" if tag == "textarea" else ("date" if kind in DATE_INPUTS
                                                         else "textbox")
        index = self.by_node.get(node.mem_id)
        if index is None:  # a field with neither an id nor a form: only ever its default
            index = len(self.rows)
            self.rows.append(_row(node, attrs, -1))
        # The JSON array json.dumps(..., ensure_ascii=False) writes, without an encoder per field
        options = ", ".join([_quote(_collapse(text)) for _, text in self.rows[index][4]])
        self.slots.append((index, f"{prefix}{role} {_quote(self.field_name(attrs))}",
                           attrs.get("placeholder") or "", f"[{options}]"))
        return f"\x00{len(self.slots) - 1}\x00"

    def field_name(self, attrs: Attributes) -> str:
        return (attrs.get("aria-label") or self.labels.get(attrs.get("id") or "\0")
                or attrs.get("placeholder") or attrs.get("title") or attrs.get("name") or "")


def _line(prefix: str, role: str, name: str, state: str, attrs: Attributes) -> str:
    text = f"{prefix}{role} {_quote(name)}" if role else f"{prefix}{_quote(name)}"
    if "disabled" in attrs:
        state = (state + " disabled").strip()
    return f"{text} {state}".rstrip()


def _option_text(select: Element, value: str) -> str:
    for option_value, raw in select.options:
        text = _collapse(raw)
        if (option_value if option_value is not None else text) == value:
            return text
    return value


def _name(node: LexborNode, attrs: Attributes) -> str:
    return attrs.get("aria-label") or _text(node) or attrs.get("title") or ""


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
    style = attrs.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _text(node: LexborNode) -> str:
    return _clip(_collapse(node.text(deep=True, separator=" ")))


def _collapse(text: str) -> str:
    return " ".join(text.split())  # the same as collapsing `\s+` and stripping, in C


def _clip(text: str) -> str:
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _quote(text: str) -> str:
    return encode_basestring(text)  # json.dumps(text, ensure_ascii=False), without its set-up
