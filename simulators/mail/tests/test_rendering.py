"""The Python renderers of the mail chrome and list rows (`chrome_view`, `list_view`).

They replaced Jinja loops and had to write the very bytes those wrote; these tests pin that
markup (escaping, active entries, counts, nesting, the three kinds of rows) and the row
times against `core.web.format_time`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from webtwin.simulators.core.rng import substream
from webtwin.simulators.core.web import format_time
from webtwin.simulators.mail.chrome_view import side_nav, top_bar
from webtwin.simulators.mail.layout import LabelInfo, NavCounts, Owner
from webtwin.simulators.mail.list_view import bulk_actions, category_tabs, list_rows
from webtwin.simulators.mail.pages_common import Chrome, render_page
from webtwin.simulators.mail.queries import ListPage, Row

NOW = 1772619120  # Wed, Mar 4, 2026, 10:12 UTC
WORK = LabelInfo(3, "Work", "#188038")
HOSTILE = LabelInfo(4, "Work/<Q&A>", "url(x)")  # markup in the name, junk for a colour


def chrome(active: str = "label-4", q: str = 'from:"Bo" <x>') -> Chrome:
    owner = Owner("", "ana@example.org", "", 0, None, None, "", "", 50)
    nav = NavCounts(inbox_unread=5, drafts=2, label_unread={4: 7})
    return Chrome(owner, NOW, nav, [(WORK, 0), (HOSTILE, 1)], active, q, "")


def thread_row(**changes: object) -> Row:
    row = Row(7, "Bo <bo@x>, me (2)", "", "Tea & cake", NOW - 60, True, True, True, [HOSTILE],
              True, 2)
    for key, value in changes.items():
        setattr(row, key, value)
    return row


def test_top_bar_escapes_the_query_and_shows_the_owner() -> None:
    html = top_bar(chrome())
    assert 'name="q" value="from:&#34;Bo&#34; &lt;x&gt;"' in html
    assert "<b></b>ana@example.org · " in html  # no name: the address alone
    assert "Wed, Mar 4, 2026, 10:12 UTC</span>" in html
    assert html.endswith('style="background:#0b57d0">A</span></div>')  # initial of the address


def test_side_nav_counts_active_label_and_nesting() -> None:
    html = side_nav(chrome())
    assert ('<li><a href="/inbox" data-bid="nav-inbox"><svg width="20"' in html
            and '<span class="t">Inbox</span><span class="n">5</span></a></li>' in html)
    assert '<span class="t">Starred</span></a></li>' in html  # no count for zero
    assert ('<li><a href="/label/4" data-bid="nav-label-4" title="Work/&lt;Q&amp;A&gt;" '
            'aria-label="Label Work/&lt;Q&amp;A&gt;" class="on" aria-current="page" '
            'style="padding-left:42px"><svg width="18" height="18"') in html
    assert 'style="color:gray"' in html  # the junk colour
    assert '<span class="t">&lt;Q&amp;A&gt;</span><span class="n">7</span></a></li>' in html
    assert 'data-bid="nav-label-3" title="Work" aria-label="Label Work" style=' in html
    assert html.count("aria-current") == 1


def test_side_nav_highlights_mailboxes_and_tools() -> None:
    assert 'data-bid="nav-drafts" class="on" aria-current="page">' in side_nav(chrome("drafts"))
    html = side_nav(chrome("filters"))
    assert 'data-bid="nav-filters" class="on">' in html and "aria-current" not in html


def test_error_page_without_a_world_has_no_chrome() -> None:
    html = render_page("mail/error.html", 404, ui=None, status=404, message="gone").body
    assert b'class="side"' not in html and b'class="search"' not in html
    assert b"<body><header" in html


def test_thread_rows() -> None:
    plain = thread_row(thread_id=8, participants="Cy", subject="Plans", snippet="",
                       time=1767225600, unread=False, starred=False, important=False,
                       labels=[], has_attachment=False)
    lines = list_rows("threads", [thread_row(), plain], NOW).split("\n")
    assert lines[0] == '  <li class="row unread">'
    assert lines[1] == ('    <input type="checkbox" name="ids" value="7" data-bid="select-7" '
                        'aria-label="Select conversation (no subject)">')
    assert lines[2] == ('    <button type="submit" class="star on" formaction="/thread/7/action" '
                        'name="op" value="unstar" data-bid="star-7" aria-label="Unstar" '
                        'title="Starred">★</button>')
    assert lines[3] == '    <span class="imp" title="Important">❯</span>'
    assert lines[4] == '    <span class="who">Bo &lt;bo@x&gt;, me (2)</span>'
    assert lines[5] == ('    <a class="what" href="/thread/7" data-bid="thread-7">(no subject)'
                        '<span class="sr"> (unread)</span> <span class="chip lab" '
                        'style="--c:gray">Work/&lt;Q&amp;A&gt;</span> <span class="snip">– '
                        'Tea &amp; cake</span></a>')
    assert lines[6].startswith('    <span class="clip"><svg width="14" height="14"')
    assert lines[7:9] == ['    <span class="when">10:11</span>', "  </li>"]
    assert lines[9:] == [
        '  <li class="row">',
        '    <input type="checkbox" name="ids" value="8" data-bid="select-8" '
        'aria-label="Select conversation Plans">',
        '    <button type="submit" class="star" formaction="/thread/8/action" name="op" '
        'value="star" data-bid="star-8" aria-label="Star" title="Not starred">☆</button>',
        '    <span class="imp" title=""></span>',
        '    <span class="who">Cy</span>',
        '    <a class="what" href="/thread/8" data-bid="thread-8">Plans  '
        '<span class="snip">– </span></a>',
        '    <span class="clip"></span>',
        '    <span class="when">Jan 1</span>',
        "  </li>"]


def test_draft_and_scheduled_rows() -> None:
    row = Row(5, "", "", "Hi <you>", NOW - 86400 * 400, False, False, False, [], False, 1,
              message_id=11, to="x@y.org")
    assert list_rows("drafts", [row], NOW) == (
        '  <li class="row unread">\n'
        '    <span class="who draft-tag">Draft</span>\n'
        '    <a class="what" href="/compose?draft=11" data-bid="draft-11">(no subject) '
        '<span class="snip">– To: x@y.org – Hi &lt;you&gt;</span></a>\n'
        '    <span class="when">2025-01-28</span>\n'
        "  </li>")
    assert list_rows("scheduled", [row], NOW) == (
        '  <li class="row unread">\n'
        '    <span class="who">To: x@y.org</span>\n'
        '    <a class="what" href="/thread/5" data-bid="scheduled-11">(no subject) '
        '<span class="snip">– Hi &lt;you&gt;</span></a>\n'
        '    <span class="when">Sends Tue, Jan 28, 2025, 10:12</span>\n'
        '    <button class="btn" type="submit" formaction="/scheduled/11/cancel" '
        'data-bid="cancel-scheduled-11">Cancel send</button>\n'
        "  </li>")


def test_toolbar_and_tabs() -> None:
    assert bulk_actions([("archive", "bulk-archive", "Archive"), ("a<", "b&", 'c"')],
                        [(WORK, 0), (HOSTILE, 1)]) == (
        '<button class="btn" type="submit" name="op" value="archive" '
        'data-bid="bulk-archive">Archive</button>\n'
        '  <button class="btn" type="submit" name="op" value="a&lt;" data-bid="b&amp;">'
        "c&#34;</button>\n"
        '  <span class="vr" aria-hidden="true"></span>\n'
        '  <select name="label_id" data-bid="bulk-label" aria-label="Label to apply">\n'
        '<option value="3">Work</option><option value="4">Work/&lt;Q&amp;A&gt;</option>'
        "  </select>\n"
        '  <button class="btn" type="submit" name="op" value="add_label" '
        'data-bid="bulk-label-apply">Apply label</button>')
    tabs = category_tabs("social").split("\n")
    assert [t.split(">")[0] for t in tabs] == [
        '  <a href="/inbox" data-bid="tab-primary"',
        '  <a href="/inbox/promotions" data-bid="tab-promotions"',
        '  <a href="/inbox/social" data-bid="tab-social" class="on" aria-current="page"',
        '  <a href="/inbox/updates" data-bid="tab-updates"']
    assert tabs[2].endswith("</svg>Social</a>")


def test_list_page_puts_the_pieces_in_place() -> None:
    html = render_page("mail/list.html", ui=chrome(), page=ListPage([thread_row()], 1, 50, 1),
                       title="Inbox", tabs=True, category="primary", kind="threads",
                       toolbar=[("archive", "bulk-archive", "Archive")], label_choices=[],
                       back="/inbox", page_url="/inbox?", heading="",
                       empty_text="").body.decode()
    assert '<nav class="tabs" aria-label="Categories">\n  <a href="/inbox"' in html
    assert '</a>\n</nav>\n<form method="post"' in html
    assert ('<div class="toolbar">\n  <button class="btn" type="submit" name="op" '
            'value="archive" data-bid="bulk-archive">Archive</button>\n  <div class="pager">'
            in html)
    assert '<ul class="rows">\n  <li class="row unread">' in html and "  </li>\n</ul>" in html
    assert '  </div>\n</header>' not in html and "\n  <form class=\"search\"" in html
    assert '</div>\n</header>\n<div class="shell">\n  <nav class="side"' in html
    assert "  </nav>\n  <main class=\"main\">" in html


def _format_time_by_strftime(epoch: int, now: int) -> str:
    """`format_time(epoch, now)` the way it was first written: from datetimes, no arithmetic."""
    moment, today = (dt.datetime.fromtimestamp(t, dt.UTC) for t in (epoch, now))
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    return moment.strftime("%b %-d" if moment.year == today.year else "%Y-%m-%d")


@pytest.mark.parametrize("now", [0, NOW, NOW - NOW % 86400, NOW - NOW % 86400 + 86399,
                                 1735689600, 1735689599, -86400 * 400])
def test_row_times_read_as_strftime_writes_them(now: int) -> None:
    rng = substream(now, "row-time")  # seeded: the same epochs every run
    start = now - now % 86400
    epochs = [now, now - 1, now + 1, start, start - 1, start + 86399, start + 86400, 0, -1]
    epochs += [rng.randrange(-10**9, 3 * 10**9) for _ in range(2000)]
    epochs += [now - rng.randrange(0, 86400 * 3) for _ in range(500)]
    assert ([format_time(e, now) for e in epochs]
            == [_format_time_by_strftime(e, now) for e in epochs])
