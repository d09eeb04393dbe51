"""The loops of a mail list page (category tabs, bulk toolbar, rows), as ready-made markup.

List pages are the commonest pages and draw up to 50 rows of a dozen values each, so the
rows are Python rather than a Jinja loop in `mail/list.html` (a loop iteration, and every
`{{ }}` in it an escape, cost several times more there); so are the tabs and the toolbar,
loops too. Each function returns `Markup` and escapes the text it interpolates; whole
numbers (ids) and times formatted from numbers go in as they are, as they cannot hold
markup. The list page calls them through the `category_tabs`, `bulk_actions` and
`list_rows` globals (see `pages_common.templates`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from markupsafe import Markup, escape

from webtwin.simulators.core.web import format_time

from .formats import css_color, full_time
from .icons import icon
from .layout import LabelInfo
from .queries import Row

__all__ = ["bulk_actions", "category_tabs", "list_rows"]

# The Inbox tabs: (category = data-bid suffix and icon, path, text).
_CATEGORIES = [("primary", "/inbox", "Primary"), ("promotions", "/inbox/promotions", "Promotions"),
               ("social", "/inbox/social", "Social"), ("updates", "/inbox/updates", "Updates")]
_ON_PAGE = ' class="on" aria-current="page"'


@functools.lru_cache(maxsize=8)  # the same four strings every time
def category_tabs(active: str) -> Markup:
    """The Inbox's category tabs, one per line, the `active` one highlighted."""
    return Markup("\n".join(
        f'  <a href="{path}" data-bid="tab-{key}"{_ON_PAGE if key == active else ""}>'
        f"{icon(key)}{text}</a>" for key, path, text in _CATEGORIES))


def bulk_actions(toolbar: list[tuple[str, str, str]],
                 label_choices: list[tuple[LabelInfo, int]]) -> Markup:
    """The thread toolbar's buttons (op, data-bid, text) and, if there are labels, the label
    picker with its "Apply label" button; lines after the first indented as in the page.

    `pages_lists.toolbar` never gives an empty list of buttons, so there is a first line."""
    lines = [_bulk_button(*button) for button in toolbar]
    if label_choices:
        options = "".join(f'<option value="{label.id}">{escape(label.name)}</option>'
                          for label, _depth in label_choices)
        lines += ['<span class="vr" aria-hidden="true"></span>',
                  '<select name="label_id" data-bid="bulk-label" aria-label="Label to apply">\n'
                  f"{options}  </select>",  # the options on one unindented line
                  '<button class="btn" type="submit" name="op" value="add_label" '
                  'data-bid="bulk-label-apply">Apply label</button>']
    return Markup("\n  ".join(lines))


@functools.lru_cache(maxsize=64)  # the buttons are the constants of `pages_lists.toolbar`
def _bulk_button(op: str, bid: str, text: str) -> str:
    """One bulk-action button, submitting the form with `op`."""
    return (f'<button class="btn" type="submit" name="op" value="{escape(op)}" '
            f'data-bid="{escape(bid)}">{escape(text)}</button>')


def list_rows(kind: str, rows: list[Row], now: int) -> Markup:
    """The `<li>` of each row, one after the other (`kind` is "threads", "drafts" or
    "scheduled"); `now` decides how times read ("10:32" today, "Mar 4" this year)."""
    draw: Callable[[Row, int], str] = (
        _thread_row if kind == "threads" else _draft_row if kind == "drafts"
        else _scheduled_row)
    return Markup("\n".join([draw(row, now) for row in rows]))


_CLIP = (
    '<svg width="14" height="14" viewBox="0 0 24 24" role="img" aria-label="Has attachment">'
    '<path d="M16.5 6v11.5a4 4 0 01-8 0V5a2.5 2.5 0 015 0v10.5a1 1 0 01-2 0V6H10v9.5a2.5 2.5 '
    '0 005 0V5a4 4 0 00-8 0v12.5a5.5 5.5 0 0011 0V6h-1.5z" fill="currentColor"/></svg>')
# The star button's varying attributes: (class, op, aria-label, title, glyph).
_STARRED = (" on", "unstar", "Unstar", "Starred", "★")
_NOT_STARRED = ("", "star", "Star", "Not starred", "☆")
_IMPORTANT = '<span class="imp" title="Important">❯</span>'
_NOT_IMPORTANT = '<span class="imp" title=""></span>'
_UNREAD = '<span class="sr"> (unread)</span>'  # bold in a browser, words in text mode


def _subject(row: Row) -> Markup:
    return escape(row.subject or "(no subject)")


def _thread_row(row: Row, now: int) -> str:
    """A conversation: select box, star, importance, participants, subject with labels and
    snippet, attachment clip and time; the star posts to the thread, the box to the bulk
    toolbar."""
    tid, subject = row.thread_id, _subject(row)
    star_class, op, star_label, star_title, glyph = _STARRED if row.starred else _NOT_STARRED
    unread = row.unread
    return (
        f'  <li class="row{" unread" if unread else ""}">\n'
        f'    <input type="checkbox" name="ids" value="{tid}" data-bid="select-{tid}" '
        f'aria-label="Select conversation {subject}">\n'
        f'    <button type="submit" class="star{star_class}" formaction="/thread/{tid}/action" '
        f'name="op" value="{op}" data-bid="star-{tid}" aria-label="{star_label}" '
        f'title="{star_title}">{glyph}</button>\n'
        f'    {_IMPORTANT if row.important else _NOT_IMPORTANT}\n'
        f'    <span class="who">{escape(row.participants)}</span>\n'
        f'    <a class="what" href="/thread/{tid}" data-bid="thread-{tid}">{subject}'
        f'{_UNREAD if unread else ""} {_chips(row.labels)} '
        f'<span class="snip">– {escape(row.snippet)}</span></a>\n'
        f'    <span class="clip">{_CLIP if row.has_attachment else ""}</span>\n'
        f'    <span class="when">{format_time(row.time, now)}</span>\n'
        '  </li>')


def _chips(labels: list[LabelInfo]) -> str:
    """The thread's user labels as coloured chips."""
    return "".join([_chip(label) for label in labels])


@functools.lru_cache(maxsize=1024)  # a few labels a world, on many rows
def _chip(label: LabelInfo) -> str:
    # `css_color` leaves only a colour name or #hex: nothing to escape.
    return (f'<span class="chip lab" style="--c:{css_color(label.color)}">'
            f'{escape(label.name)}</span>')


def _draft_row(row: Row, now: int) -> str:
    """A draft: opens in the compose form."""
    mid = row.message_id
    return (
        '  <li class="row unread">\n'
        '    <span class="who draft-tag">Draft</span>\n'
        f'    <a class="what" href="/compose?draft={mid}" data-bid="draft-{mid}">'
        f'{_subject(row)} <span class="snip">– To: {escape(row.to)} – {escape(row.snippet)}'
        '</span></a>\n'
        f'    <span class="when">{format_time(row.time, now)}</span>\n'
        '  </li>')


def _scheduled_row(row: Row, now: int) -> str:
    """A message waiting to be sent: opens its thread; the button turns it back to a draft.
    It shows its full send time, so `now` goes unused."""
    mid = row.message_id
    return (
        '  <li class="row unread">\n'
        f'    <span class="who">To: {escape(row.to)}</span>\n'
        f'    <a class="what" href="/thread/{row.thread_id}" data-bid="scheduled-{mid}">'
        f'{_subject(row)} <span class="snip">– {escape(row.snippet)}</span></a>\n'
        f'    <span class="when">Sends {full_time(row.time)}</span>\n'
        f'    <button class="btn" type="submit" formaction="/scheduled/{mid}/cancel" '
        f'data-bid="cancel-scheduled-{mid}">Cancel send</button>\n'
        '  </li>')
