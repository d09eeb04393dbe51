"""Mail HTML pages through the real app: views, thread, compose, bulk and settings forms."""

from __future__ import annotations

from collections import Counter

import pytest
from mailweb import Browser, bids
from sqlalchemy import func, select

from webtwin.simulators.mail.models import (
    Account,
    Attachment,
    BlockedSender,
    Contact,
    Filter,
    Label,
    Message,
    Thread,
    ThreadLabel,
)

LAYOUT = ["compose", "nav-inbox", "nav-starred", "nav-snoozed", "nav-important", "nav-sent",
          "nav-drafts", "nav-scheduled", "nav-all", "nav-spam", "nav-trash", "nav-labels",
          "nav-contacts", "nav-settings", "nav-filters", "nav-blocked", "search-input",
          "search-submit"]
VIEWS = ["/inbox", "/inbox/promotions", "/inbox/social", "/inbox/updates", "/starred",
         "/snoozed", "/important", "/sent", "/drafts", "/scheduled", "/all", "/spam", "/trash",
         "/search?q=invoice", "/labels", "/contacts", "/contacts/new", "/settings",
         "/settings/filters", "/settings/blocked", "/compose"]


def scalar(b: Browser, query: object) -> object:
    with b.world.session() as s:
        return s.scalar(query)  # type: ignore[call-overload]


def inbox_threads(b: Browser, limit: int = 3) -> list[int]:
    html = b.get("/inbox").text
    return [int(bid.split("-")[1]) for bid in bids(html) if bid.startswith("thread-")][:limit]


def first_received(b: Browser) -> Message:
    with b.world.session() as s:
        query = (select(Message).join(Thread).where(Message.status == "received",
                                                    Thread.trashed.is_(False),
                                                    Thread.spam.is_(False))
                 .order_by(Message.id))
        found = s.scalars(query).first()
        assert found is not None
        return found


def assert_unique(html: str) -> None:
    repeated = [bid for bid, n in Counter(bids(html)).items() if n > 1]
    assert not repeated, repeated


@pytest.mark.parametrize("url", VIEWS)
def test_every_view_renders_with_layout_ids(browser: Browser, url: str) -> None:
    response = browser.get(url)
    assert response.status_code == 200
    assert set(LAYOUT) <= set(bids(response.text))
    assert_unique(response.text)
    assert "<script" not in response.text.lower()
    assert "http://" not in response.text and "https://" not in response.text


def test_inbox_rows_tabs_and_toolbar(browser: Browser) -> None:
    html = browser.get("/inbox").text
    found = set(bids(html))
    assert {"tab-primary", "tab-promotions", "tab-social", "tab-updates", "bulk-archive",
            "bulk-trash", "bulk-spam", "bulk-read", "bulk-unread", "bulk-star", "bulk-label",
            "bulk-label-apply"} <= found
    thread_id = inbox_threads(browser, 1)[0]
    assert {f"thread-{thread_id}", f"select-{thread_id}", f"star-{thread_id}"} <= found
    assert " of " in html and "–" in html


def test_trash_and_spam_toolbars(browser: Browser) -> None:
    assert {"bulk-restore", "bulk-delete-forever"} <= set(bids(browser.get("/trash").text))
    assert {"bulk-not-spam", "bulk-delete-forever"} <= set(bids(browser.get("/spam").text))


def test_top_bar_shows_virtual_time_and_owner(browser: Browser) -> None:
    html = browser.get("/inbox").text
    with browser.world.session() as s:
        owner = s.get(Account, 1)
        assert owner is not None and owner.name in html
    assert " UTC" in html


def test_pagination_links(browser: Browser) -> None:
    with browser.world.transaction() as s:
        s.get(Account, 1).page_size = 5  # type: ignore[union-attr]
    html = browser.get("/all").text
    assert "1–5 of" in html and "page-next" in bids(html) and "page-prev" not in bids(html)
    second = browser.get("/all?page=2").text
    assert "6–10 of" in second and "page-prev" in bids(second)
    assert browser.get("/all?page=abc").status_code == 200
    assert browser.get("/all?page=99999999999").status_code == 200


def test_thread_page_marks_read_and_has_ids(browser: Browser) -> None:
    message = first_received(browser)
    with browser.world.transaction() as s:
        s.get(Message, message.id).is_read = False  # type: ignore[union-attr]
    html = browser.get(f"/thread/{message.thread_id}").text
    found = set(bids(html))
    assert {"trash", "spam", "mark-unread", "star", "important", "snooze-until", "snooze",
            f"reply-{message.id}", f"reply-all-{message.id}", f"forward-{message.id}",
            f"block-sender-{message.id}"} <= found
    assert_unique(html)
    with browser.world.session() as s:
        assert s.get(Message, message.id).is_read  # type: ignore[union-attr]


def test_attachment_link_and_page(browser: Browser) -> None:
    with browser.world.session() as s:
        item = s.scalars(select(Attachment).order_by(Attachment.id)).first()
        assert item is not None
        thread_id = s.get(Message, item.message_id).thread_id  # type: ignore[union-attr]
    assert f"attachment-{item.id}" in bids(browser.get(f"/thread/{thread_id}").text)
    page = browser.get(f"/attachment/{item.id}")
    assert page.status_code == 200 and item.filename in page.text


@pytest.mark.parametrize("url", ["/thread/999999", "/attachment/999999", "/label/999999",
                                 "/contacts/999999", "/compose?draft=999999",
                                 "/compose?reply_to=999999", "/inbox/nonsense", "/nowhere"])
def test_unknown_ids_are_404_pages(browser: Browser, url: str) -> None:
    response = browser.get(url)
    assert response.status_code == 404
    assert "error-back" in bids(response.text)


@pytest.mark.parametrize("method,url", [
    ("GET", "/thread/abc"), ("GET", "/thread/-1"), ("GET", "/thread/99999999999999999999999"),
    ("GET", "/compose?draft=x"), ("POST", "/thread/abc/action"), ("POST", "/labels/x/delete"),
    ("POST", "/contacts/1.5/delete")])
def test_non_integer_ids_are_4xx(browser: Browser, method: str, url: str) -> None:
    before = browser.world.digest()
    response = browser.request(method, url, data={"op": "star"})
    assert 400 <= response.status_code < 500
    assert browser.world.digest() == before


def test_bulk_archive_and_star_toggle(browser: Browser) -> None:
    first, second = inbox_threads(browser, 2)
    response = browser.post("/threads/action", data={"ids": [first, second], "op": "archive",
                                                     "back": "/inbox"})
    assert response.status_code == 303
    assert response.headers["location"] == "/inbox?notice=archived"
    with browser.world.session() as s:
        assert not s.get(Thread, first).in_inbox and not s.get(Thread, second).in_inbox  # type: ignore[union-attr]
    assert "Conversation archived." in browser.get(response.headers["location"]).text
    star = browser.post(f"/thread/{first}/action", data={"op": "star", "back": "/all"})
    assert star.headers["location"] == "/all?notice=starred"
    assert scalar(browser, select(Thread.starred).where(Thread.id == first))


def test_bulk_label_and_refusals_change_nothing(browser: Browser) -> None:
    thread_id = inbox_threads(browser, 1)[0]
    label_id = scalar(browser, select(Label.id).order_by(Label.id))
    ok = browser.post("/threads/action", data={"ids": thread_id, "op": "add_label",
                                               "label_id": label_id, "back": "/inbox"})
    assert ok.status_code == 303
    assert scalar(browser, select(func.count()).select_from(ThreadLabel).where(
        ThreadLabel.thread_id == thread_id, ThreadLabel.label_id == label_id)) == 1
    before = browser.world.digest()
    for data in ({"ids": thread_id, "op": "explode"}, {"op": "archive"},
                 {"ids": "x", "op": "archive"}, {"ids": [thread_id, 999999], "op": "archive"},
                 {"ids": thread_id, "op": "add_label", "label_id": "999999"},
                 {"ids": thread_id, "op": "snooze", "until": "yesterday"}):
        response = browser.post("/threads/action", data=data)
        assert 400 <= response.status_code < 500, data
    assert browser.world.digest() == before


def test_back_url_never_leaves_the_site(browser: Browser) -> None:
    thread_id = inbox_threads(browser, 1)[0]
    response = browser.post("/threads/action", data={"ids": thread_id, "op": "read",
                                                     "back": "https://evil.example/x"})
    assert response.headers["location"] == "/inbox?notice=read"
    response = browser.post("/threads/action", data={"ids": thread_id, "op": "read",
                                                     "back": "//evil.example"})
    assert response.headers["location"] == "/inbox?notice=read"


def test_thread_actions_labels_snooze_trash(browser: Browser) -> None:
    thread_id = inbox_threads(browser, 1)[0]
    label_id = scalar(browser, select(Label.id).order_by(Label.id.desc()))
    browser.post(f"/thread/{thread_id}/action", data={"op": "add_label", "label_id": label_id})
    html = browser.get(f"/thread/{thread_id}").text
    assert f"label-remove-{label_id}" in bids(html)
    browser.post(f"/thread/{thread_id}/action", data={"op": "remove_label", "label_id": label_id})
    snooze = browser.post(f"/thread/{thread_id}/action",
                          data={"op": "snooze", "until": "2099-01-01T09:00"})
    assert snooze.headers["location"] == "/inbox?notice=snoozed"
    assert f"thread-{thread_id}" in bids(browser.get("/snoozed").text)
    assert f"thread-{thread_id}" not in bids(browser.get("/inbox").text)
    assert "unsnooze" in bids(browser.get(f"/thread/{thread_id}").text)
    browser.post(f"/thread/{thread_id}/action", data={"op": "trash"})
    assert {"restore", "delete-forever"} <= set(bids(browser.get(f"/thread/{thread_id}").text))
    browser.post(f"/thread/{thread_id}/action", data={"op": "delete_forever"})
    assert browser.get(f"/thread/{thread_id}").status_code == 404


def test_compose_send_new_message(browser: Browser) -> None:
    assert {"to", "cc", "bcc", "subject", "body", "send", "save-draft", "schedule-at",
            "schedule-send", "discard"} <= set(bids(browser.get("/compose").text))
    response = browser.post("/compose", data={"to": "Bo <bo@example.test>", "subject": "Hello",
                                              "body": "Hi Bo", "action": "send"})
    assert response.status_code == 303 and response.headers["location"] == "/inbox?notice=sent"
    sent = scalar(browser, select(Message).where(Message.subject == "Hello"))
    assert sent.status == "sent" and sent.to_addrs == "bo@example.test"  # type: ignore[attr-defined]


def test_compose_refusal_rerenders_form(browser: Browser) -> None:
    before = browser.world.digest()
    response = browser.post("/compose", data={"to": "not an address", "subject": "Keep me",
                                              "body": "text", "action": "send"})
    assert response.status_code == 422
    assert "Keep me" in response.text and "not a valid email" in response.text
    assert browser.world.digest() == before
    assert browser.post("/compose", data={"action": "launch"}).status_code == 400
    bad_time = browser.post("/compose", data={"to": "a@b.example", "action": "schedule",
                                              "schedule_at": "soon"})
    assert bad_time.status_code == 422 and browser.world.digest() == before


def test_compose_draft_edit_and_discard(browser: Browser) -> None:
    saved = browser.post("/compose", data={"to": "", "subject": "Plan", "body": "draft text",
                                           "action": "save"})
    assert saved.headers["location"] == "/drafts?notice=draft_saved"
    draft = scalar(browser, select(Message).where(Message.subject == "Plan"))
    assert draft.status == "draft"  # type: ignore[attr-defined]
    assert f"draft-{draft.id}" in bids(browser.get("/drafts").text)  # type: ignore[attr-defined]
    page = browser.get(f"/compose?draft={draft.id}").text  # type: ignore[attr-defined]
    assert "draft text" in page and f'name="draft_id" value="{draft.id}"' in page  # type: ignore[attr-defined]
    gone = browser.post("/compose", data={"draft_id": draft.id, "action": "discard"})  # type: ignore[attr-defined]
    assert gone.headers["location"] == "/inbox?notice=discarded"
    assert scalar(browser, select(Message).where(Message.subject == "Plan")) is None


def test_compose_schedule_and_cancel(browser: Browser) -> None:
    response = browser.post("/compose", data={"to": "a@b.example", "subject": "Later",
                                              "body": "x", "schedule_at": "2099-05-01T08:00",
                                              "action": "schedule"})
    assert response.headers["location"] == "/scheduled?notice=scheduled"
    message = scalar(browser, select(Message).where(Message.subject == "Later"))
    html = browser.get("/scheduled").text
    assert f"cancel-scheduled-{message.id}" in bids(html)  # type: ignore[attr-defined]
    browser.post(f"/scheduled/{message.id}/cancel")  # type: ignore[attr-defined]
    status = scalar(browser, select(Message.status).where(Message.subject == "Later"))
    assert status == "draft"


def test_reply_prefill_and_send_joins_thread(browser: Browser) -> None:
    original = first_received(browser)
    page = browser.get(f"/compose?reply_to={original.id}&mode=reply").text
    assert f'value="{original.sender_email}"' in page
    assert "wrote:" in page and "&gt; " in page and "Re: Re:" not in page
    assert f'name="in_reply_to" value="{original.id}"' in page
    signature = scalar(browser, select(Account.signature))
    if signature:
        assert "-- \n" in page
    response = browser.post("/compose", data={"to": original.sender_email, "subject": "Re: x",
                                              "body": "ok", "in_reply_to": original.id,
                                              "action": "send"})
    assert response.headers["location"] == f"/thread/{original.thread_id}?notice=sent"


def test_forward_prefill_lists_attachments(browser: Browser) -> None:
    with browser.world.session() as s:
        item = s.scalars(select(Attachment).order_by(Attachment.id)).first()
        assert item is not None
        message_id = item.message_id
    page = browser.get(f"/compose?reply_to={message_id}&mode=forward").text
    assert "Forwarded message" in page and item.filename in page and "Fwd: " in page
    assert f"attachment-{item.id}" in bids(page)


def test_reply_all_excludes_owner(browser: Browser) -> None:
    original = first_received(browser)
    owner = scalar(browser, select(Account.email))
    page = browser.get(f"/compose?reply_to={original.id}&mode=reply_all").text
    to_value = page.split('name="to" value="')[1].split('"')[0]
    assert owner not in to_value and original.sender_email in to_value


def test_script_in_subject_is_escaped(browser: Browser) -> None:
    browser.post("/compose", data={"subject": "<script>alert(1)</script>", "body": "<b>x</b>",
                                   "action": "save"})
    html = browser.get("/drafts").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    search = browser.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert" not in search
    assert "<script" not in browser.get("/inbox?notice=<script>").text


def test_labels_forms(browser: Browser) -> None:
    assert browser.post("/labels", data={"name": "Zeta", "parent_id": ""}).status_code == 303
    label_id = scalar(browser, select(Label.id).where(Label.name == "Zeta"))
    html = browser.get("/labels").text
    assert {"new-label-name", "new-label-parent", "create-label", f"rename-label-{label_id}",
            f"rename-label-submit-{label_id}", f"delete-label-{label_id}"} <= set(bids(html))
    assert f"nav-label-{label_id}" in bids(html)
    browser.post("/labels", data={"name": "Child", "parent_id": label_id})
    assert scalar(browser, select(Label.id).where(Label.name == "Zeta/Child")) is not None
    browser.post(f"/labels/{label_id}/rename", data={"name": "Eta"})
    assert scalar(browser, select(Label.name).where(Label.id == label_id)) == "Eta"
    before = browser.world.digest()
    assert browser.post("/labels", data={"name": "Eta"}).status_code == 400
    assert browser.world.digest() == before
    browser.post(f"/labels/{label_id}/delete")
    assert scalar(browser, select(Label.id).where(Label.id == label_id)) is None


def test_contacts_forms(browser: Browser) -> None:
    page = browser.get("/contacts/new?name=Ann%20Lee&email=ann@lee.example").text
    assert 'value="Ann Lee"' in page and 'value="ann@lee.example"' in page
    assert {"contact-name", "contact-email", "contact-phone", "contact-company",
            "contact-title", "contact-notes", "save-contact"} <= set(bids(page))
    created = browser.post("/contacts", data={"name": "Ann Lee", "email": "ann@lee.example",
                                              "phone": "1", "company": "", "title": "",
                                              "notes": ""})
    contact_id = scalar(browser, select(Contact.id).where(Contact.email == "ann@lee.example"))
    assert created.headers["location"] == f"/contacts/{contact_id}?notice=contact_saved"
    listing = set(bids(browser.get("/contacts").text))
    assert {"new-contact", f"contact-{contact_id}", f"edit-contact-{contact_id}",
            f"delete-contact-{contact_id}"} <= listing
    browser.post(f"/contacts/{contact_id}", data={"name": "Ann B. Lee",
                                                 "email": "ann@lee.example"})
    assert scalar(browser, select(Contact.name).where(Contact.id == contact_id)) == "Ann B. Lee"
    before = browser.world.digest()
    refused = browser.post("/contacts", data={"name": "X", "email": "nope"})
    assert refused.status_code == 422 and browser.world.digest() == before
    browser.post(f"/contacts/{contact_id}/delete")
    assert scalar(browser, select(Contact.id).where(Contact.id == contact_id)) is None


def test_settings_form(browser: Browser) -> None:
    assert {"signature", "vacation-enabled", "vacation-start", "vacation-end",
            "vacation-subject", "vacation-body", "save-settings"} <= set(
        bids(browser.get("/settings").text))
    response = browser.post("/settings", data={
        "signature": "Cheers", "vacation_enabled": "on", "vacation_start": "2026-10-01",
        "vacation_end": "2026-10-05", "vacation_subject": "Away", "vacation_body": "Back soon"})
    assert response.status_code == 303
    with browser.world.session() as s:
        owner = s.get(Account, 1)
        assert owner is not None and owner.vacation_enabled and owner.signature == "Cheers"
    before = browser.world.digest()
    assert browser.post("/settings", data={"vacation_start": "tomorrow"}).status_code == 422
    assert browser.world.digest() == before
    assert "-- \nCheers" in browser.get("/compose").text


def test_filters_and_blocked_forms(browser: Browser) -> None:
    html = browser.get("/settings/filters").text
    assert {"filter-from", "filter-to", "filter-subject", "filter-words",
            "filter-has-attachment", "filter-label", "filter-archive", "filter-star",
            "filter-mark-read", "filter-delete", "filter-forward", "create-filter"} <= set(
        bids(html))
    browser.post("/settings/filters", data={"from_contains": "news@", "archive": "on",
                                            "label_id": ""})
    filter_id = scalar(browser, select(Filter.id).where(Filter.from_contains == "news@"))
    assert f"delete-filter-{filter_id}" in bids(browser.get("/settings/filters").text)
    browser.post(f"/settings/filters/{filter_id}/delete")
    assert scalar(browser, select(Filter.id).where(Filter.id == filter_id)) is None
    browser.post("/settings/blocked", data={"email": "pest@spam.example"})
    blocked_id = scalar(browser, select(BlockedSender.id).where(
        BlockedSender.email == "pest@spam.example"))
    assert f"unblock-{blocked_id}" in bids(browser.get("/settings/blocked").text)
    assert {"block-email", "block-submit"} <= set(bids(browser.get("/settings/blocked").text))
    browser.post(f"/settings/blocked/{blocked_id}/delete")
    assert scalar(browser, select(BlockedSender.id).where(BlockedSender.id == blocked_id)) is None


def test_block_sender_from_thread(browser: Browser) -> None:
    message = first_received(browser)
    response = browser.post("/settings/blocked", data={"email": message.sender_email,
                                                       "back": f"/thread/{message.thread_id}"})
    assert response.headers["location"] == f"/thread/{message.thread_id}?notice=blocked"


def test_worlds_are_isolated(browser: Browser, other_browser: Browser) -> None:
    mine = scalar(browser, select(Account.email))
    theirs = scalar(other_browser, select(Account.email))
    assert mine != theirs
    assert f"</b>{mine} ·" in browser.get("/inbox").text
    assert f"</b>{mine} ·" not in other_browser.get("/inbox").text
    before = other_browser.world.digest()
    browser.post("/labels", data={"name": "Only mine"})
    assert "Only mine" not in other_browser.get("/labels").text
    assert other_browser.world.digest() == before
