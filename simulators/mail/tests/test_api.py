"""Mail JSON API through the real app."""

from __future__ import annotations

import pytest
from mailweb import Browser
from sqlalchemy import select

from webtwin.simulators.mail.models import Message, Thread


def test_openapi_and_docs(browser: Browser) -> None:
    schema = browser.get("/openapi.json").json()
    assert {"/api/threads", "/api/threads/{thread_id}", "/api/threads/{thread_id}/action",
            "/api/messages", "/api/labels", "/api/contacts", "/api/settings"} <= set(
        schema["paths"])
    assert not any(not path.startswith("/api") for path in schema["paths"])
    assert browser.get("/docs").status_code == 200


@pytest.mark.parametrize("view", ["inbox", "inbox/social", "starred", "sent", "drafts",
                                  "scheduled", "all", "spam", "trash"])
def test_list_views(browser: Browser, view: str) -> None:
    body = browser.get("/api/threads", params={"view": view}).json()
    assert body["view"] == view and body["total"] >= len(body["threads"])
    assert " of " in body["range"]


def test_search_and_label_views(browser: Browser) -> None:
    found = browser.get("/api/threads", params={"view": "search", "q": "invoice"}).json()
    assert found["total"] >= 1
    labels = browser.get("/api/labels").json()
    assert labels and {"id", "name", "color", "unread"} <= set(labels[0])
    labelled = browser.get("/api/threads", params={"view": "label",
                                                   "label_id": labels[0]["id"]})
    assert labelled.status_code == 200
    assert browser.get("/api/threads", params={"view": "label"}).status_code == 400
    assert browser.get("/api/threads", params={"view": "nope"}).json()["detail"]


def test_get_thread_does_not_mark_read(browser: Browser) -> None:
    with browser.world.session() as s:
        message = s.scalars(select(Message).where(Message.is_read.is_(False))
                            .order_by(Message.id)).first()
        assert message is not None
    before = browser.world.digest()
    body = browser.get(f"/api/threads/{message.thread_id}").json()
    assert any(m["id"] == message.id and not m["is_read"] for m in body["messages"])
    assert browser.world.digest() == before


def test_thread_action(browser: Browser) -> None:
    thread_id = browser.get("/api/threads").json()["threads"][0]["thread_id"]
    response = browser.post(f"/api/threads/{thread_id}/action", json={"op": "archive"})
    assert response.status_code == 200 and response.json()["thread"]["in_inbox"] is False
    before = browser.world.digest()
    for bad in ({"op": "explode"}, {"op": "add_label", "label_id": 999999},
                {"op": "snooze", "until": 1}, {"op": "snooze", "until": 10**30}, {}):
        refused = browser.post(f"/api/threads/{thread_id}/action", json=bad)
        assert 400 <= refused.status_code < 500 and refused.json()["detail"], bad
    assert browser.post("/api/threads/999999/action", json={"op": "star"}).status_code == 400
    assert browser.get("/api/threads/abc").status_code == 422
    assert browser.world.digest() == before


def test_messages_send_draft_schedule(browser: Browser) -> None:
    sent = browser.post("/api/messages", json={"to": "a@b.example", "subject": "API",
                                               "body": "hi"})
    assert sent.status_code == 201 and sent.json()["status"] == "sent"
    draft = browser.post("/api/messages", json={"action": "draft", "subject": "D"}).json()
    assert draft["status"] == "draft"
    later = browser.world.now + 3600
    scheduled = browser.post("/api/messages", json={"action": "schedule", "to": "a@b.example",
                                                    "subject": "S", "schedule_at": later})
    assert scheduled.json()["scheduled_at"] == later
    before = browser.world.digest()
    assert browser.post("/api/messages", json={"to": "nope"}).status_code == 400
    assert browser.post("/api/messages", json={"action": "schedule",
                                               "to": "a@b.example"}).status_code == 422
    assert browser.world.digest() == before
    with browser.world.session() as s:
        thread = s.get(Thread, sent.json()["thread_id"])
        assert thread is not None and thread.subject == "API"


def test_labels_contacts_settings(browser: Browser) -> None:
    label = browser.post("/api/labels", json={"name": "From API"})
    assert label.status_code == 201 and label.json()["name"] == "From API"
    assert browser.post("/api/labels", json={"name": "From API"}).status_code == 400
    contact = browser.post("/api/contacts", json={"name": "Api Person",
                                                  "email": "api@person.example"})
    assert contact.status_code == 201
    assert any(c["email"] == "api@person.example"
               for c in browser.get("/api/contacts").json())
    assert browser.post("/api/contacts", json={"name": "X", "email": "bad"}).status_code == 400
    settings = browser.get("/api/settings").json()
    assert {"name", "email", "signature", "vacation_enabled", "page_size"} <= set(settings)
