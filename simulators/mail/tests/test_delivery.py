"""Mail that arrives as the clock moves: deliveries, filters, blocked senders, the vacation
responder, contacts' reply rules, scheduled sends and snooze."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators import SITES
from webtwin.simulators.core import World, WorldFactory
from webtwin.simulators.core.models import ScheduledEvent
from webtwin.simulators.mail import services as sv
from webtwin.simulators.mail.models import (
    Account,
    Attachment,
    Message,
    ReplyRule,
    Thread,
    ThreadLabel,
)
from webtwin.simulators.mail.services import Compose

SITE = SITES["mail"]
OWNER = "asa.lindqvist@home.example"
HOUR = 3600


@cache
def template(seed: int) -> bytes:
    return WorldFactory().template([SITE], seed)


@pytest.fixture
def world() -> Iterator[World]:
    """A blank world with the account and a contact who answers questions about badges."""
    w = World.empty([SITE], 3)
    with w.transaction() as s:
        s.add(Account(id=1, name="Åsa Lindqvist", email=OWNER))
        sv.add_contact(s, w, "Kofi Mensah", "kofi@partner.test")
        s.add(ReplyRule(id=World.next_id(s, "mail_reply_rule"), contact_email="kofi@partner.test",
                        keyword="Badge Number", reply_body="My badge number is B-77.",
                        fact="B-77", delay_seconds=300))
    yield w
    w.close()


def run(world: World, call: Callable[[Session], Any]) -> Any:
    with world.transaction() as s:
        return call(s)


def incoming(world: World, delay: int = 60, **fields: Any) -> None:
    """Schedule a delivery `delay` seconds from now."""
    payload = {"sender_name": "Lin Wu", "sender_email": "lin@shop.test", "subject": "Hello",
               "body": "A note", **fields}
    run(world, lambda s: world.schedule(s, world.now + delay, "mail", "deliver", payload))


def messages(world: World) -> list[Message]:
    return run(world, lambda s: s.scalars(select(Message).order_by(Message.id)).all())


def thread_of(world: World, message: Message) -> Thread:
    return run(world, lambda s: s.get(Thread, message.thread_id))


def test_deliver_new_thread(world: World) -> None:
    pdf = {"id": 40, "filename": "invoice-INV-12345.pdf", "mime_type": "application/pdf",
           "content": "INVOICE"}
    incoming(world, thread_id=30, message_id=31, category="updates", attachments=[pdf])
    assert world.advance(120) == 1
    [message] = messages(world)
    assert (message.id, message.thread_id, message.status, message.is_read) == \
        (31, 30, "received", False)
    assert message.to_addrs == OWNER
    assert thread_of(world, message).category == "updates"
    assert run(world, lambda s: s.get(Attachment, 40).message_id) == 31


def test_reply_unarchives_but_keeps_snooze(world: World) -> None:
    incoming(world, thread_id=5, message_id=6)
    world.advance(60)
    until = world.now + 10 * HOUR
    run(world, lambda s: sv.thread_op(s, world, [5], "archive"))
    run(world, lambda s: sv.thread_op(s, world, [5], "snooze", until=until))
    incoming(world, thread_id=5, message_id=7, in_reply_to=6, subject="Re: Hello")
    world.advance(120)
    thread = run(world, lambda s: s.get(Thread, 5))
    assert (thread.in_inbox, thread.snoozed_until, thread.last_message_at) == \
        (True, until, world.now - 60)


def test_blocked_sender_goes_to_spam(world: World) -> None:
    run(world, lambda s: sv.block_sender(s, world, "LIN@shop.test"))
    incoming(world)
    world.advance(60)
    assert thread_of(world, messages(world)[0]).spam


def test_filter_actions(world: World) -> None:
    label = run(world, lambda s: sv.create_label(s, world, "Receipts"))
    run(world, lambda s: sv.create_filter(
        s, world, from_contains="shop.test", subject_contains="receipt", has_words="total paid",
        has_attachment=True, label_id=label.id, archive=True, star=True, mark_read=True,
        forward_to="books@acct.test"))
    run(world, lambda s: sv.create_filter(s, world, to_contains="nobody@", delete=True))
    receipt = [{"filename": "r.pdf", "content": "R"}]
    incoming(world, subject="Your Receipt", body="Total: 5. Paid.", attachments=receipt)
    incoming(world, delay=90, subject="Your receipt", body="Total: 5. Paid.")  # no attachment
    world.advance(120)
    # Rows the clock creates have lineage ids (not in creation order): pick them by content.
    by_kind = {(m.status, m.subject): m for m in messages(world)}
    first, second = by_kind["received", "Your Receipt"], by_kind["received", "Your receipt"]
    forward = by_kind["sent", "Fwd: Your Receipt"]
    thread = thread_of(world, first)
    assert (thread.in_inbox, thread.starred, first.is_read, thread.trashed) == \
        (False, True, True, False)
    assert run(world, lambda s: s.get(ThreadLabel, (thread.id, label.id))) is not None
    assert (forward.status, forward.to_addrs, forward.subject) == \
        ("sent", "books@acct.test", "Fwd: Your Receipt")
    assert thread_of(world, forward).in_inbox is False
    assert run(world, lambda s: [a.filename for a in s.get(Message, forward.id).attachments]) \
        == ["r.pdf"]
    assert thread_of(world, second).in_inbox and not second.is_read


def test_filter_delete(world: World) -> None:
    run(world, lambda s: sv.create_filter(s, world, from_contains="Lin Wu", delete=True))
    incoming(world)
    world.advance(60)
    thread = thread_of(world, messages(world)[0])
    assert thread.trashed and thread.trashed_at == world.now


def test_vacation_responder(world: World) -> None:
    day = world.now // 86400 * 86400
    run(world, lambda s: sv.update_settings(s, "", True, day, day, "Away 🌴", "Back Monday."))
    incoming(world)
    incoming(world, delay=120, subject="Again")
    incoming(world, delay=180, sender_email="no-reply@shop.test", subject="Receipt")
    world.advance(200)
    replies = [m for m in messages(world) if m.status == "sent"]
    assert [(m.to_addrs, m.subject, m.body) for m in replies] == \
        [("lin@shop.test", "Away 🌴", "Back Monday.")]
    assert replies[0].thread_id == messages(world)[0].thread_id
    world.advance(2 * 86400)  # after the last day nobody gets an answer
    incoming(world, sender_email="new@shop.test")
    world.advance(60)
    assert len([m for m in messages(world) if m.status == "sent"]) == 1


def test_reply_rule_answers_once_in_thread(world: World) -> None:
    run(world, lambda s: sv.send(s, world, Compose(to="Kofi <kofi@partner.test>",
                                                   subject="Visit", body="What's your badge "
                                                   "number?")))
    sent = messages(world)[0]
    run(world, lambda s: sv.thread_op(s, world, [sent.thread_id], "archive"))
    assert world.advance(299) == 0
    assert world.advance(1) == 1
    reply = messages(world)[1]
    assert (reply.thread_id, reply.in_reply_to, reply.sender_name, reply.subject) == \
        (sent.thread_id, sent.id, "Kofi Mensah", "Re: Visit")
    assert "B-77" in reply.body and thread_of(world, reply).in_inbox
    assert run(world, lambda s: s.get(ReplyRule, 1).answered)
    run(world, lambda s: sv.send(s, world, Compose(to="kofi@partner.test", subject="badge number",
                                                   body="again")))
    assert world.advance(3600) == 0


def test_scheduled_send(world: World) -> None:
    at = world.now + HOUR
    message = run(world, lambda s: sv.schedule(s, world, Compose(
        to="kofi@partner.test", subject="Badge number?", body="please"), at))
    world.advance(HOUR)
    sent = run(world, lambda s: s.get(Message, message.id))
    assert (sent.status, sent.sent_at, sent.scheduled_at) == ("sent", at, None)
    world.advance(300)  # the reply rule answers the scheduled mail too
    assert [m.sender_email for m in messages(world)] == [OWNER, "kofi@partner.test"]


def test_cancelled_and_rescheduled_sends(world: World) -> None:
    first = run(world, lambda s: sv.schedule(s, world, Compose(to="x@y.test"), world.now + 60))
    run(world, lambda s: sv.cancel_scheduled(s, world, first.id))
    world.advance(120)
    assert run(world, lambda s: s.get(Message, first.id).status) == "draft"
    run(world, lambda s: sv.schedule(s, world, Compose(to="x@y.test", draft_id=first.id),
                                     world.now + 600))
    run(world, lambda s: sv.cancel_scheduled(s, world, first.id))
    run(world, lambda s: sv.schedule(s, world, Compose(to="x@y.test", draft_id=first.id),
                                     world.now + 1200))
    world.advance(700)  # the first, stale event must not send it early
    assert run(world, lambda s: s.get(Message, first.id).status) == "scheduled"
    world.advance(600)
    assert run(world, lambda s: s.get(Message, first.id).status) == "sent"


def _deliveries(world: World) -> list[dict[str, Any]]:
    rows = run(world, lambda s: s.scalars(select(ScheduledEvent).where(
        ScheduledEvent.kind == "deliver").order_by(ScheduledEvent.id)).all())
    return [json.loads(row.payload) for row in rows]


def test_generated_future_mail_arrives_with_reserved_ids() -> None:
    world = World.from_bytes([SITE], template(4))
    payloads = _deliveries(world)
    assert world.advance(6 * HOUR) >= len(payloads) >= 6
    for payload in payloads:
        message = run(world, lambda s, p=payload: s.get(Message, p["message_id"]))
        assert (message.thread_id, message.subject) == (payload["thread_id"], payload["subject"])


def test_reserved_ids_do_not_depend_on_agent_actions() -> None:
    quiet, busy = (World.from_bytes([SITE], template(9)) for _ in range(2))
    run(busy, lambda s: sv.send(s, busy, Compose(to="z@z.test", subject="Hi", body="x")))
    run(busy, lambda s: sv.create_label(s, busy, "Mine"))
    for world in (quiet, busy):
        world.advance(6 * HOUR)
    for payload in _deliveries(quiet):
        pair = [run(w, lambda s, p=payload: (s.get(Message, p["message_id"]).subject,
                                             s.get(Message, p["message_id"]).thread_id))
                for w in (quiet, busy)]
        assert pair[0] == pair[1]


def test_generated_reply_rules_fire() -> None:
    world = World.from_bytes([SITE], template(11))
    rule = run(world, lambda s: s.scalars(select(ReplyRule).order_by(ReplyRule.id)).first())
    run(world, lambda s: sv.send(s, world, Compose(
        to=rule.contact_email, subject="Quick question", body=f"What is the {rule.keyword}?")))
    world.advance(900)
    reply = run(world, lambda s: s.scalars(select(Message).where(
        Message.sender_email == rule.contact_email).order_by(Message.id.desc())).first())
    assert rule.fact in reply.body and reply.subject == "Re: Quick question"
