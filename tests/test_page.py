"""HTML → text: roles, names, values, hidden elements, escaping."""

from __future__ import annotations

from webtwin.envs.page import parse_page, render_text

HTML = """<!doctype html><html><head><title>t</title><style>b{}</style>
<script>var secret = 1;</script></head><body>
<nav><a data-bid="nav-inbox" href="/inbox">Inbox <span>3</span></a></nav>
<main><h1>Inbox</h1>
<form method="post" action="/x"><table><tr>
<td><input type="checkbox" name="ids" value="3" data-bid="select-3" aria-label="Select"></td>
<td><a data-bid="thread-3" href="/thread/3">Zoë &lt;script&gt;alert(1)&lt;/script&gt;</a></td>
</tr></table>
<label for="q">Search mail</label><input id="q" name="q" data-bid="search-input">
<textarea name="body" data-bid="body">Hi</textarea>
<select name="label_id" data-bid="label"><option value="">None</option>
<option value="7">Receipts</option></select>
<input type="hidden" name="token" value="hidden-value">
<div hidden>invisible text</div>
<button data-bid="go" name="op" value="archive">Archive</button></form></main></body></html>"""


def test_elements_render_with_roles_names_and_state() -> None:
    page = parse_page("http://mail.localhost/inbox", 200, HTML)
    text = render_text(page, {})
    assert '[nav-inbox] link "Inbox 3"' in text
    assert '# Inbox' in text
    assert '[select-3] checkbox "Select" unchecked' in text
    assert '[thread-3] link "Zoë <script>alert(1)</script>"' in text
    assert '[search-input] textbox "Search mail"' in text
    assert '[body] textarea "body" value="Hi"' in text
    assert '[label] combobox "label_id" value="None" options=["None", "Receipts"]' in text
    assert '[go] button "Archive"' in text


def test_hidden_things_never_show() -> None:
    text = render_text(parse_page("u", 200, HTML), {})
    for secret in ("secret", "hidden-value", "invisible text", "b{}"):
        assert secret not in text


def test_current_values_override_defaults() -> None:
    page = parse_page("u", 200, HTML)
    text = render_text(page, {"select-3": True, "search-input": "from:zoë", "label": "7"})
    assert '[select-3] checkbox "Select" checked' in text
    assert 'value="from:zoë"' in text
    assert 'value="Receipts"' in text


def test_preformatted_text_keeps_its_lines_and_paragraph_breaks() -> None:
    html = ("<html><body><pre class='body'>Ship to:\nAna Souza\n12 Elm Row, Apt 4\n\n"
            "Thanks!</pre><p>a\nb</p></body></html>")
    text = render_text(parse_page("http://mail.localhost/x", 200, html), {})
    assert text.splitlines() == ["Ship to:", "Ana Souza", "12 Elm Row, Apt 4", "", "Thanks!",
                                 "a b"]


def test_a_field_change_gives_the_text_a_fresh_page_would() -> None:
    values = {"select-3": True, "search-input": 'say "hi" | \x00', "label": "7", "body": ""}
    page = parse_page("u", 200, HTML)
    render_text(page, {})
    render_text(page, {"search-input": "other"})
    assert render_text(page, values) == render_text(parse_page("u", 200, HTML), values)
    assert '[body] textarea "body" [label]' in render_text(page, values)  # emptied: no value


def test_a_page_keeps_its_forms_and_elements_in_document_order() -> None:
    page = parse_page("u", 200, HTML)
    form = page.form(0)
    assert [c.attrs.get("name") for c in form.controls] == [
        "ids", "q", "body", "label_id", "token", "op"]
    assert form.attrs == {"action": "/x", "method": "post"}
    go, inbox, label = page.element("go"), page.element("nav-inbox"), page.element("label")
    assert go is not None and inbox is not None and label is not None
    assert go.index == form.controls[-1].index and go.form == 0 and inbox.form == -1
    assert label.default == "" and label.options == (("", "None"), ("7", "Receipts"))
    assert page.element("body") is not None and page.element("body").default == "Hi"
    assert page.element("nope") is None
