"""The chrome of every mail page (top bar and left navigation), as ready-made markup.

Every page draws it, so it is Python rather than Jinja in `mail/base.html`: as a template it
was most of a page's rendering time (one `{{ }}`, one escape and one `icon()` call per entry,
plus one loop iteration per label). Each function returns `Markup` and escapes the text it
interpolates; whole numbers (ids, counts) go in as they are, as they cannot hold markup. The
layout calls them through the `top_bar` and `side_nav` globals (see `pages_common.templates`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .formats import css_color, long_time
from .icons import icon

if TYPE_CHECKING:
    from .layout import LabelInfo, NavCounts
    from .pages_common import Chrome

__all__ = ["side_nav", "top_bar"]

_SEARCH_ICON = (
    '<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10" '
    'cy="10" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M15 15l6 6" '
    'stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>')
_CLOCK_ICON = icon("clock", 14)


def top_bar(ui: Chrome) -> Markup:
    """The top bar right of the logo: the search form (holding the current query) and the
    owner's name, address, virtual clock and initial."""
    owner = ui.owner
    initial = escape((owner.name or owner.email)[:1].upper())
    return Markup(
        '<form class="search" method="get" action="/search" role="search">\n'
        f'    <input class="q" type="search" name="q" value="{escape(ui.q)}" '
        'placeholder="Search mail" aria-label="Search mail" data-bid="search-input" '
        'maxlength="2000">\n'
        '    <button type="submit" data-bid="search-submit" aria-label="Search" '
        'title="Search">\n'
        f'      {_SEARCH_ICON}<span class="sr"> Search</span>\n'
        '    </button>\n'
        '  </form>\n'
        f'  <div class="who"><span class="acct"><b>{escape(owner.name)}</b>'
        f'{escape(owner.email)} · <span class="clock" title="Current time (UTC)">'
        f'{_CLOCK_ICON}{escape(long_time(ui.now))}</span></span><span class="avatar me" '
        f'aria-hidden="true" style="background:#0b57d0">{initial}</span></div>')


_COMPOSE = (
    '<a class="compose-btn" href="/compose" data-bid="compose">\n'
    '      <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 17.25'
    'V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zM20.7 7.04a1 1 0 000-1.41l-2.34-2.34a1 1 0 00-1.41 '
    '0l-1.83 1.83 3.75 3.75 1.83-1.83z" fill="currentColor"/></svg>\n'
    '      Compose</a>\n')
# The mailboxes, in Gmail's order: (key = path, data-bid suffix and icon; text).
_MAILBOXES = [("inbox", "Inbox"), ("starred", "Starred"), ("snoozed", "Snoozed"),
              ("important", "Important"), ("sent", "Sent"), ("drafts", "Drafts"),
              ("scheduled", "Scheduled"), ("all", "All Mail"), ("spam", "Spam"),
              ("trash", "Trash")]
# The entries under the labels: (key = data-bid suffix and icon, path, text).
_TOOLS = [("labels", "/labels", "Manage labels"), ("contacts", "/contacts", "Contacts"),
          ("settings", "/settings", "Settings"), ("filters", "/settings/filters", "Filters"),
          ("blocked", "/settings/blocked", "Blocked addresses")]
# An entry's markup either side of its "on" class, built once: only the state varies.
_MAILBOX_PARTS = [(key, f'      <li><a href="/{key}" data-bid="nav-{key}"',
                   f'>{icon(key)}<span class="t">{text}</span>') for key, text in _MAILBOXES]
_TOOL_PARTS = [(key, f'      <li><a href="{path}" data-bid="nav-{key}"',
                f'>{icon(key, 18)}<span class="t">{text}</span></a></li>\n')
               for key, path, text in _TOOLS]
_ON = ' class="on"'
_ON_PAGE = ' class="on" aria-current="page"'  # the mailboxes and labels are pages of mail


def side_nav(ui: Chrome) -> Markup:
    """The left navigation: Compose, the mailboxes with their counts, the labels (nested by
    indentation) and the management pages; `ui.active` is highlighted."""
    return Markup(
        '<nav class="side" aria-label="Mailboxes">\n'
        f'    {_COMPOSE}'
        '    <ul class="nav">\n'
        f'{_mailbox_entries(ui.nav, ui.active)}'
        '    </ul>\n'
        '    <h3>Labels</h3>\n'
        '    <ul class="nav">\n'
        f'{_label_entries(ui.labels, ui.nav.label_unread, ui.active)}'
        '    </ul>\n'
        '    <ul class="nav small">\n'
        f'{_tool_entries(ui.active)}'
        '    </ul>\n'
        '  </nav>')


def _count(number: int) -> str:
    """The number right of an entry; none for zero."""
    return f'<span class="n">{number}</span>' if number else ""


def _mailbox_entries(nav: NavCounts, active: str) -> str:
    # Counts only where Gmail shows them (unread in Inbox and Spam, totals of the others).
    counts = {"inbox": nav.inbox_unread, "snoozed": nav.snoozed, "drafts": nav.drafts,
              "scheduled": nav.scheduled, "spam": nav.spam_unread}
    return "".join(f"{head}{_ON_PAGE if key == active else ''}{tail}"
                   f"{_count(counts.get(key, 0))}</a></li>\n"
                   for key, head, tail in _MAILBOX_PARTS)


def _label_entries(labels: list[tuple[LabelInfo, int]], unread: dict[int, int],
                   active: str) -> str:
    """One entry per label, named by its last part and indented 16 px per level."""
    lines = []
    for label, depth in labels:
        head, tail = _label_parts(label, depth)
        on = _ON_PAGE if active == f"label-{label.id}" else ""
        lines.append(f"{head}{on}{tail}{_count(unread.get(label.id, 0))}</a></li>\n")
    return "".join(lines)


@functools.lru_cache(maxsize=1024)  # a few labels a world, the same on every page
def _label_parts(label: LabelInfo, depth: int) -> tuple[str, str]:
    """A label entry's markup either side of its "on" class, up to its count."""
    name = escape(label.name)
    head = (f'      <li><a href="/label/{label.id}" data-bid="nav-label-{label.id}" '
            f'title="{name}" aria-label="Label {name}"')
    tail = (f' style="padding-left:{26 + depth * 16}px">'
            f'{icon("label", 18, css_color(label.color))}<span class="t">'
            f'{escape(label.name.rsplit("/", 1)[-1])}</span>')
    return head, tail


def _tool_entries(active: str) -> str:
    return "".join(f"{head}{_ON if key == active else ''}{tail}"
                   for key, head, tail in _TOOL_PARTS)
