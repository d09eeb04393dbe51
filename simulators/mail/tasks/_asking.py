"""Asking a contact who answers (a ReplyRule): whom to ask, how, and what the asking changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import Check

from ..models import BlockedSender, Contact, Filter, ReplyRule
from ._common import Allow, compose_actions, has_text, inserted, split_addresses

__all__ = ["Askable", "ask_actions", "ask_allowances", "ask_checks", "askable"]

# The agent has 50 steps of 60 s; a contact answering later than this cannot fit a task.
MAX_DELAY = 20 * 60
# How a person names what they want when the keyword alone reads oddly; the phrase keeps the
# keyword, so asking with it triggers the rule.
PHRASES = {"purchase order": "purchase order number"}


@dataclass(frozen=True)
class Askable:
    """A contact with an unanswered rule: ask them about `keyword` and they answer `fact`."""

    rule_id: int
    contact_name: str
    contact_email: str
    keyword: str
    what: str
    fact: str
    delay_seconds: int

    def params(self) -> dict[str, Any]:
        return asdict(self)


def _filtered(s: Session, name: str, email: str) -> bool:
    """Would an existing filter act on their mail (e.g. forward it and send more mail)?"""
    sender = f"{name} <{email}>".casefold()
    return any(rule.from_contains and rule.from_contains.casefold() in sender
               for rule in s.scalars(select(Filter).order_by(Filter.id)))


def askable(s: Session) -> list[Askable]:
    """Contacts with a usable rule, by rule id; blocked or filtered contacts are left out."""
    blocked = set(s.scalars(select(BlockedSender.email)))
    query = (select(ReplyRule, Contact).join(Contact, Contact.email == ReplyRule.contact_email)
             .where(ReplyRule.answered.is_(False), ReplyRule.fact != "",
                    ReplyRule.delay_seconds <= MAX_DELAY)
             .order_by(ReplyRule.id))
    return [Askable(rule.id, contact.name, contact.email, rule.keyword,
                    PHRASES.get(rule.keyword, rule.keyword), rule.fact, rule.delay_seconds)
            for rule, contact in s.execute(query).all()
            if contact.email not in blocked and not _filtered(s, contact.name, contact.email)]


def ask_actions(p: dict[str, Any]) -> list[str]:
    """Email the contact about the keyword, then wait until their answer has arrived."""
    first = p["contact_name"].split()[0]
    body = f"Hi {first},\n\nCould you send me the {p['what']}?\n\nThanks!"
    # The clock moves 60 s before each action: ceil(delay / 60) steps bring the reply, +1 spare.
    waits = -(-p["delay_seconds"] // 60) + 1
    return [*compose_actions(p["contact_email"], f"Question about the {p['what']}", body),
            act.click("send"), *[act.noop() for _ in range(waits)], act.click("nav-inbox")]


def _asks(row: Row, p: dict[str, Any]) -> bool:
    recipients = split_addresses(f"{row['to_addrs']}, {row['cc_addrs']}")
    return p["contact_email"] in recipients and has_text(f"{row['subject']}\n{row['body']}",
                                                         p["keyword"])


def ask_checks(diff: WorldDiff, p: dict[str, Any]) -> list[Check]:
    """The contact was asked (a sent message mentioning the keyword) and has answered."""
    sent = [row for row in inserted(diff, "mail_message") if row["status"] == "sent"]
    answered = [row for row in inserted(diff, "mail_message")
                if row["status"] == "received" and row["sender_email"] == p["contact_email"]]
    return [Check("asked the contact", any(_asks(row, p) for row in sent),
                  f"no sent mail to {p['contact_email']} mentions {p['keyword']!r}"),
            Check("contact answered", bool(answered), "their reply has not arrived")]


def ask_allowances(diff: WorldDiff, p: dict[str, Any]) -> list[Allow]:
    """Mail to the contact, their reply, and what the reply does to its conversation."""
    email = p["contact_email"]

    def with_contact(row: Row) -> bool:
        if row["status"] == "received":
            return row["sender_email"] == email
        return row["status"] == "sent" and split_addresses(
            f"{row['to_addrs']}, {row['cc_addrs']}, {row['bcc_addrs']}") == {email}

    threads = {row["thread_id"] for row in inserted(diff, "mail_message") if with_contact(row)}

    def allow(table: str, kind: str, old: Row | None, new: Row | None) -> bool:
        row = new if new is not None else old
        if row is None or kind == "deleted":
            return False
        if table == "mail_message":
            return kind == "inserted" and with_contact(row)
        if table == "mail_thread":
            return row["id"] in threads
        if table == "mail_thread_label":
            return kind == "inserted" and row["thread_id"] in threads
        if table == "mail_reply_rule":
            return kind == "updated" and row["id"] == p["rule_id"]
        return False
    return [allow]
