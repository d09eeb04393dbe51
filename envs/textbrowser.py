"""A browser without a screen: follows links and submits forms the way Chromium would.

It keeps the current page, the values the agent typed (sent only when a form is submitted),
the history and the world cookie, and performs parsed actions against the in-process app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from . import element_rules as rules
from .actions import ParsedAction
from .asgi import AsgiClient, Response
from .page import (
    BUTTON_INPUTS,
    Element,
    FieldValue,
    Form,
    Page,
    control_value,
    parse_page,
    render_text,
)

__all__ = ["BrowserState", "TextBrowser", "ActionOutcome"]

MAX_REDIRECTS = 10


@dataclass(frozen=True)
class ActionOutcome:
    """What an action did: an error for the agent, and the answer if it ended the episode."""

    error: str = ""
    finished: bool = False
    answer: str | None = None


@dataclass
class BrowserState:
    """Everything needed to put a browser back exactly where it was."""

    url: str = "about:blank"
    status: int = 200
    html: str = ""
    values: dict[str, FieldValue] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    position: int = -1


class TextBrowser:
    """Performs actions on pages of the simulated sites, in-process.

    ## Parameters
    - `client`: the in-process client of the app.
    - `cookies`: cookies sent with every request (the world binding).
    - `hosts`: host names an agent may open (the simulated sites).
    """

    def __init__(self, client: AsgiClient, cookies: Mapping[str, str], hosts: set[str]):
        self.client = client
        self.cookies = dict(cookies)
        self.hosts = hosts
        self.state = BrowserState()
        self.page = parse_page(self.state.url, 200, "")

    # -- observation ----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.state.url

    def text(self) -> str:
        return render_text(self.page, self.state.values)

    def save(self) -> BrowserState:
        s = self.state
        return BrowserState(s.url, s.status, s.html, dict(s.values), list(s.history), s.position)

    def load(self, state: BrowserState, page: Page | None = None) -> None:
        """Put the browser back in `state`; `page`, if given, is that state's page already
        parsed (pages are never changed, so many browsers may share one)."""
        self.state = BrowserState(state.url, state.status, state.html, dict(state.values),
                                  list(state.history), state.position)
        self.page = page or parse_page(state.url, state.status, state.html)

    # -- navigation -----------------------------------------------------------------------
    def open(self, url: str) -> str:
        """Start afresh at `url` (a reset): history cleared."""
        self.state = BrowserState()
        return self.navigate("GET", url)

    def navigate(self, method: str, url: str, body: bytes = b"", record: bool = True) -> str:
        """Load a page (following redirects); returns an error text or ""."""
        response, final_url = self._fetch(method, url, body)
        html = response.body.decode("utf-8", errors="replace")
        self.state.url, self.state.status, self.state.html = final_url, response.status, html
        self.state.values = {}
        self.page = parse_page(final_url, response.status, html)
        if record:
            del self.state.history[self.state.position + 1:]
            self.state.history.append(final_url)
            self.state.position = len(self.state.history) - 1
        return "" if response.status < 400 else f"the server answered HTTP {response.status}"

    def _fetch(self, method: str, url: str, body: bytes) -> tuple[Response, str]:
        headers = [("cookie", "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items())))]
        if method == "POST":
            headers.append(("content-type", "application/x-www-form-urlencoded"))
        for _ in range(MAX_REDIRECTS):
            response = self.client.request(method, url, body, headers)
            location = response.header("location")
            if response.status not in {301, 302, 303, 307, 308} or location is None:
                return response, url
            url = urljoin(url, location)
            if response.status in {301, 302, 303}:
                method, body = "GET", b""
        raise RuntimeError(f"more than {MAX_REDIRECTS} redirects from {url}")

    # -- actions --------------------------------------------------------------------------
    def perform(self, action: ParsedAction) -> ActionOutcome:
        handler = getattr(self, f"_do_{action.name}")
        try:
            result: ActionOutcome | str = handler(*action.args)
        except LookupError as error:
            return ActionOutcome(error=str(error.args[0]))
        return result if isinstance(result, ActionOutcome) else ActionOutcome(error=result)

    def _element(self, bid: str) -> Element:
        return rules.element(self.page, bid)

    def _do_click(self, bid: str) -> str:
        node = self._element(bid)
        tag, kind = node.tag, node.kind
        if tag == "a":
            href = node.attrs.get("href")
            return self._go(urljoin(self.url, href)) if href else ""
        if tag == "input" and kind in {"checkbox", "radio"}:
            return self._set_checked(node, not control_value(node, self.state.values)
                                     if kind == "checkbox" else True)
        if (tag == "button" and kind in {"submit", ""}) or (tag == "input" and kind in
                                                            {"submit", "image"}):
            return self._submit(node, submitter=node)
        return ""  # focusing a field or pressing a script-only button changes nothing

    def _do_fill(self, bid: str, text: str) -> str:
        error = rules.fill_error(self._element(bid), bid, text)
        if not error:
            self.state.values[bid] = text
        return error

    def _do_select_option(self, bid: str, option: str) -> str:
        self.state.values[bid] = rules.option_value(self._element(bid), bid, option)
        return ""

    def _do_check(self, bid: str) -> str:
        return self._set_checked(self._element(bid), True)

    def _do_uncheck(self, bid: str) -> str:
        node = self._element(bid)
        return rules.uncheck_error(node, bid) or self._set_checked(node, False)

    def _set_checked(self, node: Element, checked: bool) -> str:
        kind = rules.kind_of(node)
        bid = node.bid or ""
        error = rules.checkbox_error(node)
        if error:
            return error
        if kind == "radio" and checked:
            for other in self._form_controls(node):
                if other.attrs.get("name") == node.attrs.get("name"):
                    self.state.values[other.bid or ""] = False
        self.state.values[bid] = checked
        return ""

    def _do_press(self, bid: str, key: str) -> str:
        node = self._element(bid)
        if key != "Enter":
            return ""  # other keys only move focus or type nothing in a page without script
        if node.tag == "input" and node.form >= 0:
            buttons = [c for c in self._form_controls(node) if rules.is_submit(c)]
            return self._submit(node, submitter=buttons[0] if buttons else None)
        return self._do_click(bid) if node.tag in {"a", "button"} else ""

    def _do_goto(self, url: str) -> str:
        return self._go(urljoin(self.url, url.strip()))

    def _do_go_back(self) -> str:
        return self._step_history(-1)

    def _do_go_forward(self) -> str:
        return self._step_history(+1)

    def _do_scroll(self, dx: float, dy: float) -> str:
        return ""  # the text page always holds the whole document

    def _do_noop(self) -> str:
        return ""

    def _do_stop(self, answer: str) -> ActionOutcome:
        return ActionOutcome(finished=True, answer=answer)

    def _do_send_msg_to_user(self, text: str) -> ActionOutcome:
        return ActionOutcome(finished=True, answer=text)

    def _step_history(self, delta: int) -> str:
        target = self.state.position + delta
        if not 0 <= target < len(self.state.history):
            return "no page to go " + ("back" if delta < 0 else "forward") + " to"
        self.state.position = target
        return self.navigate("GET", self.state.history[target], record=False)

    def _go(self, url: str) -> str:
        error = rules.unreachable(url, self.hosts)
        if error:
            return error
        return self.navigate("GET", urlunsplit(urlsplit(url)._replace(fragment="")))

    # -- forms ----------------------------------------------------------------------------
    def _form_of(self, node: Element) -> Form | None:
        return self.page.form(node.form) if node.form >= 0 else None

    def _form_controls(self, node: Element) -> tuple[Element, ...]:
        form = self._form_of(node)
        return form.controls if form is not None else ()

    def _submit(self, node: Element, submitter: Element | None) -> str:
        form = self._form_of(node)
        if form is None:
            return ""  # a button outside any form does nothing without script
        fields = self._form_fields(form, submitter)
        attrs = form.attrs
        action = (submitter.attrs.get("formaction") if submitter is not None else None) \
            or attrs.get("action") or self.url
        target = urljoin(self.url, action)
        if (attrs.get("method") or "get").lower() == "post":
            return self._post(target, urlencode(fields).encode())
        parts = urlsplit(target)
        return self._go(urlunsplit(parts._replace(query=urlencode(fields), fragment="")))

    def _post(self, url: str, body: bytes) -> str:
        if (urlsplit(url).hostname or "") not in self.hosts:
            return f"cannot submit to {url[:200]!r}: not a simulated site"
        return self.navigate("POST", url, body)

    def _form_fields(self, form: Form, submitter: Element | None) -> list[tuple[str, str]]:
        fields: list[tuple[str, str]] = []
        for control in form.controls:
            name = control.attrs.get("name")
            if not name or "disabled" in control.attrs:
                continue
            fields.extend((name, value) for value in self._submitted(control, submitter))
        return fields

    def _submitted(self, control: Element, submitter: Element | None) -> list[str]:
        kind = control.kind
        if control.tag == "button" or (control.tag == "input" and kind in BUTTON_INPUTS):
            if submitter is None or control.index != submitter.index:
                return []
            return [control.attrs.get("value") or ""]
        if control.tag == "input" and kind == "file":
            return []
        value = control_value(control, self.state.values)
        if control.tag == "input" and kind in {"checkbox", "radio"}:
            return [control.attrs.get("value") or "on"] if value else []
        return [str(value)]
