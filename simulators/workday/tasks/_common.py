"""Helpers shared by the workday families: who writes to the owner, planting their email, and
the mail side of a verdict.

A planted email goes through the mail site's own `deliver` handler with reserved ids, so its
thread and message look exactly like mail that arrived. Its sender is a contact who does not
answer automatically (no reply rule), is not blocked and is matched by no filter, so the email
lands unread in the Primary inbox and the agent's answer triggers nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.models import IdCounter
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import (
    Allow,
    Check,
    Verdict,
    allow_any,
    changed,
    inserted,
    is_update,
    only_expected_changes,
    pick,
)
from webtwin.simulators.core.world import World
from webtwin.simulators.mail.models import BlockedSender, Contact, Filter, Thread
from webtwin.simulators.mail.services.delivery import deliver
from webtwin.simulators.mail.tasks._common import (
    THREAD_ACTIVITY,
    domain_of,
    has_text,
    owner,
    reading_mail,
    rule_emails,
    split_addresses,
)

__all__ = [
    "MAIL", "SHOP", "THREAD_ACTIVITY", "Person", "Planted", "first_name", "has_text",
    "is_update", "mail_reply_checks", "new_text", "open_mail_thread", "owner_first", "peek_id",
    "pick_writer", "plant_email", "quiet_reply", "reading_mail", "received_shop_mail",
    "reply_actions", "says", "sent_messages", "split_addresses", "verdict", "writers",
]

MAIL = "http://mail.localhost"
SHOP = "http://shop.localhost"
CARTWHEEL_DOMAIN = "cartwheel.example"


# -- people -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """A contact who may write to the owner."""

    name: str
    email: str

    @property
    def first(self) -> str:
        return first_name(self.name)


def first_name(name: str) -> str:
    return name.split(" ")[0]


def owner_first(s: Session) -> str:
    """The mailbox owner's first name (how colleagues greet them)."""
    return first_name(owner(s).name)


def _filtered(rules: Sequence[Filter], name: str, email: str) -> bool:
    """Would a filter's sender criterion act on their mail (archive, label, forward...)?"""
    sender = f"{name} <{email}>".casefold()
    return any(rule.from_contains and rule.from_contains.casefold() in sender for rule in rules)


def writers(s: Session, kind: str) -> list[Person]:
    """Contacts who can write a planted email, by contact id.

    `kind` is `colleague` (the owner's company domain), `friend` (no company) or `any` (both).
    """
    me = owner(s)
    quiet = rule_emails(s) | set(s.scalars(select(BlockedSender.email)))
    rules = list(s.scalars(select(Filter).order_by(Filter.id)))
    found = []
    for contact in s.scalars(select(Contact).order_by(Contact.id)):
        colleague = domain_of(contact.email) == domain_of(me.email)
        wanted = {"colleague": colleague, "friend": not contact.company,
                  "any": colleague or not contact.company}[kind]
        if wanted and contact.email not in quiet and contact.email != me.email \
                and not _filtered(rules, contact.name, contact.email):
            found.append(Person(contact.name, contact.email))
    return found


def pick_writer(s: Session, rng: Any, kind: str) -> Person:
    return pick(rng, writers(s, kind), f"{kind} contact to write from")


# -- planting ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Planted:
    """A planted email: its conversation, message and who wrote it."""

    thread_id: int
    message_id: int
    subject: str
    sender_name: str
    sender_email: str

    def params(self) -> dict[str, Any]:
        return {"thread_id": self.thread_id, "message_id": self.message_id,
                "subject": self.subject, "sender_name": self.sender_name,
                "sender_email": self.sender_email}


def plant_email(s: Session, world: World, sender: Person, subject: str, body: str,
                sent_at: int) -> Planted:
    """Deliver a new Primary email from `sender` (back-dated to `sent_at`) through mail's own
    `deliver` handler, with reserved ids; it must land unread in the inbox."""
    thread_id = World.next_id(s, Thread.__tablename__)
    message_id = World.next_id(s, "mail_message")
    deliver(s, world, {"sender_name": sender.name, "sender_email": sender.email,
                       "subject": subject, "body": body, "thread_id": thread_id,
                       "message_id": message_id, "category": "primary", "sent_at": sent_at})
    s.flush()
    thread = s.get(Thread, thread_id)
    if thread is None or not thread.in_inbox or thread.spam or thread.trashed:
        raise RuntimeError(f"the planted email {subject!r} did not land in the inbox")
    return Planted(thread_id, message_id, subject, sender.name, sender.email)


def peek_id(s: Session, table: str) -> int:
    """The id the next row of `table` will get (without taking it): oracles need it."""
    counter = s.get(IdCounter, table)
    return 1 if counter is None else counter.next_id


# -- mail side of verdicts --------------------------------------------------------------------
def sent_messages(diff: WorldDiff) -> list[Row]:
    return [row for row in inserted(diff, "mail_message") if row["status"] == "sent"]


def received_shop_mail(diff: WorldDiff) -> list[Allow]:
    """Mail the shop sends while the agent works (order confirmations, refunds): new received
    messages from Cartwheel, the threads that hold them and labels filters put on them."""
    rows = [row for row in inserted(diff, "mail_message") if row["status"] == "received"
            and domain_of(row["sender_email"]) == CARTWHEEL_DOMAIN]
    ids = {row["id"] for row in rows}
    threads = {row["thread_id"] for row in rows}
    new_threads = {row["id"] for row in inserted(diff, "mail_thread")} & threads

    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        if kind != "inserted" or new is None:
            return False
        return ((table == "mail_message" and new["id"] in ids)
                or (table == "mail_thread" and new["id"] in new_threads)
                or (table == "mail_thread_label" and new["thread_id"] in new_threads))
    return [allow]


def quiet_reply(p: dict[str, Any]) -> list[Allow]:
    """A courtesy reply to the planted email (to its sender only, in its conversation)."""
    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        if table == "mail_thread":
            return kind == "updated" and new is not None and new["id"] == p["thread_id"] \
                and changed(old, new) <= THREAD_ACTIVITY
        return (table == "mail_message" and kind == "inserted" and new is not None
                and new["status"] == "sent" and new["thread_id"] == p["thread_id"]
                and split_addresses(f"{new['to_addrs']}, {new['cc_addrs']}, "
                                    f"{new['bcc_addrs']}") == {p["sender_email"]})
    return [allow]


def mail_reply_checks(diff: WorldDiff, p: dict[str, Any]) -> tuple[Row | None, list[Check]]:
    """Exactly one message sent, in the planted conversation, to its sender."""
    sent = sent_messages(diff)
    reply = sent[0] if len(sent) == 1 else None
    return reply, [
        Check("exactly one message sent", reply is not None, f"{len(sent)} sent"),
        Check("in the conversation", reply is not None and reply["thread_id"] == p["thread_id"]),
        Check("to the sender", reply is not None
              and p["sender_email"] in split_addresses(reply["to_addrs"])),
    ]


def new_text(body: str) -> str:
    """What the agent wrote in a reply: without the quoted message and its attribution line."""
    kept = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(">") or (stripped.startswith("On ") and
                                        stripped.endswith("wrote:")):
            continue
        kept.append(line)
    return "\n".join(kept)


def says(row: Row | None, text: str) -> bool:
    return row is not None and has_text(new_text(row["body"]), text)


def verdict(checks: Sequence[Check], diff: WorldDiff, *allows: Allow) -> Verdict:
    """The task's checks plus "nothing else changed" (reading mail is always allowed)."""
    return Verdict(checks=(*checks, only_expected_changes(diff, allow_any(*allows,
                                                                          reading_mail))))


# -- oracle navigation ------------------------------------------------------------------------
def open_mail_thread(query: str, thread_id: int) -> list[str]:
    """From any page: go to the mailbox, search, open the conversation."""
    return [act.goto(f"{MAIL}/inbox"), act.fill("search-input", query),
            act.click("search-submit"), act.click(f"thread-{thread_id}")]


def reply_actions(p: dict[str, Any], body: str) -> list[str]:
    """Open the planted conversation and reply to it with `body`."""
    return [act.goto(f"{MAIL}/thread/{p['thread_id']}"), act.click(f"reply-{p['message_id']}"),
            act.fill("body", body), act.click("send")]
