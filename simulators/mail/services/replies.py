"""Contacts who answer: reply rules fire when the owner's mail mentions their keyword.

The reply arrives later as a `deliver` event in the same thread; its message id is reserved
when the owner's mail is sent, so the reply's id depends only on the actions taken.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Contact, Message, ReplyRule
from .common import account

__all__ = ["recipients_of", "reply_subject", "sender_name_for", "trigger_reply_rules"]


def recipients_of(message: Message) -> list[str]:
    """Every address in To, Cc and Bcc, in order, without duplicates."""
    found: list[str] = []
    for field in (message.to_addrs, message.cc_addrs, message.bcc_addrs):
        for email in (part.strip() for part in field.split(",")):
            if email and email not in found:
                found.append(email)
    return found


def reply_subject(subject: str) -> str:
    """"Re: <subject>", without stacking prefixes."""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def sender_name_for(s: Session, email: str) -> str:
    """A display name for `email`: the contact's, else the last one seen on mail, else the
    local part (a person keeps answering after they are removed from the address book)."""
    contact = s.scalars(select(Contact).where(Contact.email == email).order_by(Contact.id)).first()
    if contact is not None:
        return contact.name
    seen = s.scalars(select(Message.sender_name).where(Message.sender_email == email)
                     .order_by(Message.sent_at.desc(), Message.id.desc())).first()
    return seen or email.split("@")[0]


def trigger_reply_rules(s: Session, world: World, message: Message, now: int) -> None:
    """Schedule the replies of recipients whose unanswered rule's keyword `message` mentions."""
    recipients = recipients_of(message)
    if not recipients:
        return
    text = f"{message.subject}\n{message.body}".casefold()
    rules = s.scalars(select(ReplyRule).where(ReplyRule.contact_email.in_(recipients),
                                              ReplyRule.answered.is_(False))
                      .order_by(ReplyRule.id)).all()
    for rule in rules:
        if rule.keyword.casefold() in text:
            rule.answered = True
            world.schedule(s, now + rule.delay_seconds, "mail", "deliver",
                           _reply_payload(s, rule, message))


def _reply_payload(s: Session, rule: ReplyRule, message: Message) -> dict[str, Any]:
    return {
        "thread_id": message.thread_id,
        "message_id": World.next_id(s, Message.__tablename__),
        "in_reply_to": message.id,
        "sender_name": sender_name_for(s, rule.contact_email),
        "sender_email": rule.contact_email,
        "to": account(s).email,
        "subject": reply_subject(message.subject),
        "body": rule.reply_body,
        "category": "primary",
    }
