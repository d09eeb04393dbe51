"""Mail services: every service succeeds, and every refusal (MailError) changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators import SITES
from webtwin.simulators.core import World
from webtwin.simulators.mail import services as sv
from webtwin.simulators.mail.models import (
    Account,
    Attachment,
    Filter,
    Label,
    Message,
    Thread,
    ThreadLabel,
)
from webtwin.simulators.mail.services import Compose, MailError

SITE = SITES["mail"]
OWNER = "asa.lindqvist@home.example"


@pytest.fixture
def world() -> Iterator[World]:
    """A blank mail world with only the account, plus one received thread with an attachment."""
    w = World.empty([SITE], 5)
    with w.transaction() as s:
        s.add(Account(id=1, name="Åsa Lindqvist", email=OWNER))
        s.add(Thread(id=World.next_id(s, "mail_thread"), subject="Hello 👋",
                     last_message_at=w.now - 60))
        s.add(Message(id=World.next_id(s, "mail_message"), thread_id=1, sender_name="Bo",
                      sender_email="bo@x.example", to_addrs=OWNER, subject="Hello 👋",
                      body="hi", sent_at=w.now - 60))
        s.add(Attachment(id=World.next_id(s, "mail_attachment"), message_id=1,
                         filename="a.pdf", mime_type="application/pdf", content="A"))
    yield w
    w.close()


def run(world: World, call: Callable[[Session], Any]) -> Any:
    with world.transaction() as s:
        return call(s)


def refused(world: World, call: Callable[[Session], Any], match: str) -> None:
    """The service raises MailError and, even if its session is committed, nothing changed."""
    before = world.digest()
    s = world.session()
    try:
        with pytest.raises(MailError, match=match):
            call(s)
        s.commit()
    finally:
        s.close()
    assert world.digest() == before


def thread(world: World, thread_id: int = 1) -> Thread:
    return run(world, lambda s: s.get(Thread, thread_id))


# -- addresses --------------------------------------------------------------------------------
def test_parse_addresses() -> None:
    text = "A@X.example, Bo Ek <b@y.test>; c@z.test, a@x.example, \"Doe, Jo\" <jo@d.test>"
    assert sv.parse_addresses(text) == ["a@x.example", "b@y.test", "c@z.test", "jo@d.test"]
    assert sv.parse_addresses("  ") == []


@pytest.mark.parametrize("text", ["bob", "a@b", "x@y..test", "a b@c.test", "<>"])
def test_parse_addresses_refuses(text: str) -> None:
    with pytest.raises(MailError, match="not a valid|enter"):
        sv.parse_addresses(text)


def test_parse_addresses_limits() -> None:
    with pytest.raises(MailError, match="too many"):
        sv.parse_addresses(", ".join(f"p{i}@x.test" for i in range(51)))
    with pytest.raises(MailError, match="not a valid"):
        sv.parse_addresses("a" * 320 + "@x.test")


# -- thread ops -------------------------------------------------------------------------------
@pytest.mark.parametrize(("op", "field", "value"), [
    ("archive", "in_inbox", False), ("spam", "spam", True), ("star", "starred", True),
    ("important", "important", True), ("trash", "trashed", True),
])
def test_thread_flag_ops(world: World, op: str, field: str, value: object) -> None:
    assert run(world, lambda s: sv.thread_op(s, world, [1], op)) == 1
    assert getattr(thread(world), field) == value
    assert run(world, lambda s: sv.thread_op(s, world, [1, 1], op)) == 0  # already so


def test_trash_restore_and_inbox_moves(world: World) -> None:
    run(world, lambda s: sv.thread_op(s, world, [1], "trash"))
    assert thread(world).trashed_at == world.now
    run(world, lambda s: sv.thread_op(s, world, [1], "restore"))
    t = thread(world)
    assert (t.trashed, t.trashed_at, t.in_inbox) == (False, None, True)
    run(world, lambda s: sv.thread_op(s, world, [1], "spam"))
    run(world, lambda s: sv.thread_op(s, world, [1], "archive"))
    run(world, lambda s: sv.thread_op(s, world, [1], "not_spam"))
    assert (thread(world).spam, thread(world).in_inbox) == (False, True)
    run(world, lambda s: sv.thread_op(s, world, [1], "trash"))
    run(world, lambda s: sv.thread_op(s, world, [1], "move_inbox"))
    assert (thread(world).trashed, thread(world).in_inbox) == (False, True)


def test_read_unread_open(world: World) -> None:
    run(world, lambda s: sv.thread_op(s, world, [1], "read"))
    assert run(world, lambda s: s.get(Message, 1).is_read)
    run(world, lambda s: sv.thread_op(s, world, [1], "unread"))
    assert not run(world, lambda s: s.get(Message, 1).is_read)
    run(world, lambda s: sv.open_thread(s, 1))
    assert run(world, lambda s: s.get(Message, 1).is_read)
    refused(world, lambda s: sv.open_thread(s, 99), "no conversation")


def test_labels_on_threads(world: World) -> None:
    label = run(world, lambda s: sv.create_label(s, world, "Clients"))
    assert run(world, lambda s: sv.thread_op(s, world, [1], "add_label", label_id=label.id)) == 1
    assert run(world, lambda s: sv.thread_op(s, world, [1], "add_label", label_id=label.id)) == 0
    assert run(world, lambda s: sv.thread_op(s, world, [1], "remove_label",
                                             label_id=label.id)) == 1
    assert run(world, lambda s: s.get(ThreadLabel, (1, label.id))) is None


def test_snooze(world: World) -> None:
    until = world.now + 3600
    run(world, lambda s: sv.thread_op(s, world, [1], "snooze", until=until))
    assert thread(world).snoozed_until == until
    run(world, lambda s: sv.thread_op(s, world, [1], "unsnooze"))
    assert thread(world).snoozed_until is None


def test_delete_forever(world: World) -> None:
    refused(world, lambda s: sv.thread_op(s, world, [1], "delete_forever"), "Trash or Spam")
    run(world, lambda s: sv.thread_op(s, world, [1], "trash"))
    assert run(world, lambda s: sv.thread_op(s, world, [1], "delete_forever")) == 1
    assert run(world, lambda s: (s.get(Thread, 1), s.get(Message, 1), s.get(Attachment, 1))) \
        == (None, None, None)


@pytest.mark.parametrize(("ids", "op", "kwargs", "match"), [
    ([1], "explode", {}, "unknown action"),
    ([], "archive", {}, "at least one"),
    ([1, 42], "archive", {}, "no conversation with id 42"),
    ([1], "add_label", {}, "choose a label"),
    ([1], "add_label", {"label_id": 9}, "no label"),
    ([1], "remove_label", {"label_id": 9}, "no label"),
    ([1], "snooze", {}, "choose a date"),
    ([1], "snooze", {"until": 0}, "future"),
])
def test_thread_op_refuses(world: World, ids: list[int], op: str, kwargs: dict[str, Any],
                           match: str) -> None:
    refused(world, lambda s: sv.thread_op(s, world, ids, op, **kwargs), match)


# -- compose ----------------------------------------------------------------------------------
def test_send_new_thread(world: World) -> None:
    message = run(world, lambda s: sv.send(s, world, Compose(
        to="Cy <CY@z.test>", cc="d@z.test", bcc="e@z.test", subject="Plan ✨", body="Hi")))
    assert (message.status, message.is_read, message.sent_at) == ("sent", True, world.now)
    assert (message.sender_email, message.to_addrs, message.cc_addrs, message.bcc_addrs) == \
        (OWNER, "cy@z.test", "d@z.test", "e@z.test")
    new = thread(world, message.thread_id)
    assert (new.in_inbox, new.category, new.subject) == (False, "primary", "Plan ✨")


def test_send_reply_joins_thread_in_place(world: World) -> None:
    run(world, lambda s: sv.thread_op(s, world, [1], "archive"))
    message = run(world, lambda s: sv.send(s, world, Compose(
        to="bo@x.example", subject="Re: Hello 👋", body="hey", in_reply_to=1)))
    assert (message.thread_id, message.in_reply_to) == (1, 1)
    assert (thread(world).last_message_at, thread(world).in_inbox) == (world.now, False)


def test_forward_copies_attachments(world: World) -> None:
    message = run(world, lambda s: sv.send(s, world, Compose(
        to="f@z.test", subject="Fwd: Hello", body="fyi", forward_of=1)))
    files = run(world, lambda s: s.scalars(select(Attachment).where(
        Attachment.message_id == message.id)).all())
    assert [(f.filename, f.content) for f in files] == [("a.pdf", "A")]
    assert files[0].id != 1


def test_draft_then_send_keeps_id(world: World) -> None:
    draft = run(world, lambda s: sv.save_draft(s, world, Compose(subject="Later")))
    assert (draft.status, thread(world, draft.thread_id).in_inbox) == ("draft", False)
    updated = run(world, lambda s: sv.save_draft(s, world, Compose(
        to="g@z.test", subject="Later!", draft_id=draft.id)))
    assert (updated.id, thread(world, draft.thread_id).subject) == (draft.id, "Later!")
    sent = run(world, lambda s: sv.send(s, world, Compose(
        to="g@z.test", subject="Later!", body="now", draft_id=draft.id)))
    assert (sent.id, sent.status) == (draft.id, "sent")
    assert run(world, lambda s: len(s.scalars(select(Message)).all())) == 2


def test_reply_draft_stays_in_thread(world: World) -> None:
    draft = run(world, lambda s: sv.save_draft(s, world, Compose(in_reply_to=1, body="x")))
    again = run(world, lambda s: sv.save_draft(s, world, Compose(draft_id=draft.id, body="y")))
    assert (draft.thread_id, again.thread_id, again.in_reply_to) == (1, 1, 1)


def test_discard_draft(world: World) -> None:
    draft = run(world, lambda s: sv.save_draft(s, world, Compose(subject="tmp")))
    run(world, lambda s: sv.discard_draft(s, draft.id))
    assert run(world, lambda s: s.get(Thread, draft.thread_id)) is None
    reply = run(world, lambda s: sv.save_draft(s, world, Compose(in_reply_to=1)))
    run(world, lambda s: sv.discard_draft(s, reply.id))
    assert thread(world) is not None
    refused(world, lambda s: sv.discard_draft(s, 1), "only drafts")
    refused(world, lambda s: sv.discard_draft(s, 99), "no message")


def test_schedule_and_cancel(world: World) -> None:
    at = world.now + 7200
    message = run(world, lambda s: sv.schedule(s, world, Compose(to="h@z.test", subject="S"), at))
    assert (message.status, message.scheduled_at) == ("scheduled", at)
    back = run(world, lambda s: sv.cancel_scheduled(s, world, message.id))
    assert (back.status, back.scheduled_at) == ("draft", None)
    refused(world, lambda s: sv.cancel_scheduled(s, world, message.id), "only a scheduled")


@pytest.mark.parametrize(("compose", "match"), [
    (Compose(subject="x"), "at least one recipient"),
    (Compose(to="nope"), "not a valid"),
    (Compose(to="a@b.test", cc="bad@"), "not a valid"),
    (Compose(to="a@b.test", subject="s" * 501), "subject is too long"),
    (Compose(to="a@b.test", body="b" * 100_001), "message is too long"),
    (Compose(to="a@b.test", in_reply_to=77), "no message with id 77"),
    (Compose(to="a@b.test", forward_of=78), "no message with id 78"),
    (Compose(to="a@b.test", draft_id=1), "not a draft"),
])
def test_send_refuses(world: World, compose: Compose, match: str) -> None:
    refused(world, lambda s: sv.send(s, world, compose), match)
    refused(world, lambda s: sv.schedule(s, world, compose, world.now + 60), match)


def test_draft_and_schedule_refuse(world: World) -> None:
    refused(world, lambda s: sv.save_draft(s, world, Compose(to="x")), "not a valid")
    refused(world, lambda s: sv.schedule(s, world, Compose(to="a@b.test"), world.now),
            "in the future")


# -- labels -----------------------------------------------------------------------------------
def test_label_tree(world: World) -> None:
    clients = run(world, lambda s: sv.create_label(s, world, " Clients "))
    child = run(world, lambda s: sv.create_label(s, world, "Nordvik", clients.id))
    assert (clients.name, child.name) == ("Clients", "Clients/Nordvik")
    run(world, lambda s: sv.rename_label(s, clients.id, "Customers"))
    assert run(world, lambda s: s.get(Label, child.id).name) == "Customers/Nordvik"
    run(world, lambda s: sv.thread_op(s, world, [1], "add_label", label_id=child.id))
    rule = run(world, lambda s: sv.create_filter(s, world, from_contains="x",
                                                 label_id=child.id))
    run(world, lambda s: sv.delete_label(s, clients.id))
    assert run(world, lambda s: s.scalars(select(Label)).all()) == []
    assert run(world, lambda s: s.scalars(select(ThreadLabel)).all()) == []
    assert run(world, lambda s: s.get(Filter, rule.id).label_id) is None


def test_label_refusals(world: World) -> None:
    clients = run(world, lambda s: sv.create_label(s, world, "Clients"))
    run(world, lambda s: sv.create_label(s, world, "Travel"))
    for name, match in [("", "enter"), ("clients", "already exists"), ("/x", "start or end"),
                        ("x/", "start or end"), ("a" * 101, "at most"), ("a//b", "empty level")]:
        refused(world, lambda s, n=name: sv.create_label(s, world, n), match)
    refused(world, lambda s: sv.create_label(s, world, "X", 99), "no label")
    refused(world, lambda s: sv.rename_label(s, clients.id, "TRAVEL"), "already exists")
    refused(world, lambda s: sv.rename_label(s, 99, "Y"), "no label")
    refused(world, lambda s: sv.delete_label(s, 99), "no label")


# -- contacts ---------------------------------------------------------------------------------
def test_contacts(world: World) -> None:
    contact = run(world, lambda s: sv.add_contact(s, world, "Zoë Ng", "ZOE@ng.test", "+1 555",
                                                  "Ng Co", "CEO", "met in Oslo"))
    assert (contact.email, contact.company) == ("zoe@ng.test", "Ng Co")
    run(world, lambda s: sv.update_contact(s, contact.id, "Zoë Ng-Lee", "zoe@ng.test"))
    assert run(world, lambda s: sv.account(s).email) == OWNER
    run(world, lambda s: sv.delete_contact(s, contact.id))
    refused(world, lambda s: sv.delete_contact(s, contact.id), "no contact")


def test_contact_refusals(world: World) -> None:
    contact = run(world, lambda s: sv.add_contact(s, world, "Ann", "ann@a.test"))
    other = run(world, lambda s: sv.add_contact(s, world, "Ben", "ben@a.test"))
    refused(world, lambda s: sv.add_contact(s, world, " ", "x@a.test"), "name")
    refused(world, lambda s: sv.add_contact(s, world, "X", "x@"), "not a valid")
    refused(world, lambda s: sv.add_contact(s, world, "X", "ANN@a.test"), "already")
    refused(world, lambda s: sv.add_contact(s, world, "X", "x@a.test", phone="1" * 61),
            "too long")
    refused(world, lambda s: sv.update_contact(s, other.id, "Ben", contact.email), "already")
    refused(world, lambda s: sv.update_contact(s, 99, "Ben", "b@a.test"), "no contact")


# -- settings, filters, blocked senders -------------------------------------------------------
def test_settings(world: World) -> None:
    owner = run(world, lambda s: sv.update_settings(s, "Åsa", True, world.now, world.now + 86400,
                                                    "Away 🌴", "Back soon"))
    assert (owner.signature, owner.vacation_enabled, owner.vacation_subject) == \
        ("Åsa", True, "Away 🌴")
    refused(world, lambda s: sv.update_settings(s, "x" * 10_001, False, None, None, "", ""),
            "signature is too long")
    refused(world, lambda s: sv.update_settings(s, "", True, 10, 5, "Away", ""), "before")
    refused(world, lambda s: sv.update_settings(s, "", True, None, 5, "Away", ""), "first")
    refused(world, lambda s: sv.update_settings(s, "", True, 1, 5, " ", ""), "subject")


def test_filters(world: World) -> None:
    rule = run(world, lambda s: sv.create_filter(s, world, has_words="budget",
                                                 forward_to="Me@Else.test"))
    assert rule.forward_to == "me@else.test"
    run(world, lambda s: sv.delete_filter(s, rule.id))
    refused(world, lambda s: sv.delete_filter(s, rule.id), "no filter")
    refused(world, lambda s: sv.create_filter(s, world, star=True), "criterion")
    refused(world, lambda s: sv.create_filter(s, world, from_contains="a"), "action")
    refused(world, lambda s: sv.create_filter(s, world, from_contains="a", forward_to="x"),
            "not a valid")
    refused(world, lambda s: sv.create_filter(s, world, from_contains="a", label_id=5),
            "no label")


def test_blocked_senders(world: World) -> None:
    blocked = run(world, lambda s: sv.block_sender(s, world, "Spam@Junk.test"))
    assert blocked.email == "spam@junk.test"
    refused(world, lambda s: sv.block_sender(s, world, "spam@junk.test"), "already blocked")
    refused(world, lambda s: sv.block_sender(s, world, "junk"), "not a valid")
    run(world, lambda s: sv.unblock_sender(s, blocked.id))
    refused(world, lambda s: sv.unblock_sender(s, blocked.id), "no blocked sender")


def test_exports() -> None:
    expected = {"MailError", "account", "thread_op", "open_thread", "Compose", "parse_addresses",
                "send", "save_draft", "schedule", "cancel_scheduled", "discard_draft",
                "create_label", "rename_label", "delete_label", "add_contact", "update_contact",
                "delete_contact", "update_settings", "create_filter", "delete_filter",
                "block_sender", "unblock_sender", "EVENT_HANDLERS"}
    assert set(sv.__all__) == expected
    assert set(sv.EVENT_HANDLERS) == {"deliver", "send_scheduled"}
