"""What happens next: drafts, a scheduled send, contacts' reply rules and mail still to arrive.

Future deliveries get their thread, message and attachment ids reserved now, so the rows they
create have the same ids whatever the agent does before they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import Attachment, Message, ReplyRule, Thread
from ..services import Compose, save_draft, schedule
from ..services.replies import reply_subject
from .auto_mail import sender
from .builder import Writer
from .cast import Person
from .text import DAY, HOUR, fill, format_date, invoice_number, phone_number, tracking_number

__all__ = ["RulePlan", "deliveries", "drafts", "plan_rules", "reply_rules", "scheduled"]


@dataclass(frozen=True)
class RulePlan:
    """A contact who will answer a question about `keyword` with `fact`."""

    person: Person
    keyword: str
    fact: str
    sentence: str


_FACTS = (
    ("purchase order", "PO-{n5}", "The purchase order number is {fact}."),
    ("room number", "{floor}.{room}", "The room number is {fact}."),
    ("budget code", "BC-{n4}", "The budget code is {fact}."),
    ("phone number", "{phone}", "My direct phone number is {fact}."),
    ("flight number", "KW{n3}", "My flight number is {fact}."),
    ("order number", "ORD-{n6}", "The order number is {fact}."),
)


def plan_rules(w: Writer, rng: Random) -> list[RulePlan]:
    """4–5 contacts (colleagues, clients, vendors), each knowing one fact."""
    clients = [p for name in sorted(w.cast.clients) for p in w.cast.clients[name]]
    people = rng.sample([*w.cast.colleagues, *clients, *w.cast.vendors], rng.randint(4, 5))
    facts = rng.sample(_FACTS, len(people))
    plans = []
    for person, (keyword, pattern, sentence) in zip(people, facts, strict=True):
        fact = pattern.format(n3=rng.randint(100, 999), n4=rng.randint(1000, 9999),
                              n5=rng.randint(10000, 99999), n6=rng.randint(100000, 999999),
                              floor=rng.randint(1, 6), room=f"{rng.randint(1, 30):02d}",
                              phone=phone_number(rng))
        plans.append(RulePlan(person, keyword, fact, sentence.format(fact=fact)))
    return plans


def reply_rules(s: Session, w: Writer, rng: Random, plans: list[RulePlan]) -> None:
    """Store the plans as hidden ReplyRule rows."""
    for plan in plans:
        body = f"Hi {w.cast.owner.first},\n\n{plan.sentence}\n\nBest,\n{plan.person.first}"
        s.add(ReplyRule(id=World.next_id(s, ReplyRule.__tablename__),
                        contact_email=plan.person.email, keyword=plan.keyword,
                        reply_body=body, fact=plan.fact, delay_seconds=rng.randint(240, 900)))


def drafts(s: Session, w: Writer, rng: Random, signature: str) -> None:
    """A half-written reply in a work thread and a new message to a colleague."""
    owner, sign = w.cast.owner, f"\n\n-- \n{signature}"
    replies = [t for t in w.box.tagged("work")
               if w.box.messages[t.id][-1].sender_email != owner.email]
    if replies:
        last = w.box.messages[rng.choice(replies).id][-1]
        body = f"Hi {last.sender_name.split()[0]},\n\nThanks for this — I'll get back to " \
               f"you on the details by Friday.{sign}"
        save_draft(s, w.box.world, Compose(to=last.sender_email, subject=f"Re: {last.subject}",
                                           body=body, in_reply_to=last.id))
    colleague = rng.choice(w.cast.colleagues)
    topic = rng.choice(w.corpus["topics"])
    save_draft(s, w.box.world, Compose(
        to=colleague.email, subject=f"Thoughts on {topic}",
        body=f"Hi {colleague.first},\n\nA few thoughts on {topic} before we meet:\n\n- {sign}"))
    save_draft(s, w.box.world, Compose(subject="", body=f"Reminder to self: {topic} 📝"))


def scheduled(s: Session, w: Writer, rng: Random, avoid: set[str]) -> None:
    """A follow-up to a client, scheduled for a morning in the next days."""
    clients = [p for name in sorted(w.cast.clients) for p in w.cast.clients[name]
               if p.email not in avoid]
    client, topic = rng.choice(clients), rng.choice(w.corpus["topics"])
    at = (w.now // DAY + rng.randint(1, 3)) * DAY + 8 * HOUR
    body = (f"Hi {client.first},\n\nJust following up on {topic}. Could we find 20 minutes "
            f"this week to close the open points?\n\nBest regards,\n{w.cast.owner.first}")
    schedule(s, w.box.world, Compose(to=client.email, subject=f"Following up: {topic}",
                                     body=body), at)


def deliveries(s: Session, w: Writer, rng: Random) -> None:
    """6–8 messages arriving 1–6 hours from now, with reserved ids."""
    world = w.box.world
    payloads = [_new_mail(s, w, rng, rng.choice(w.cast.colleagues), "work"),
                _new_mail(s, w, rng, rng.choice(w.cast.colleagues), "meeting"),
                _promo(s, w, rng), _shipping(s, w, rng), _notice(s, w, rng, "social"),
                _notice(s, w, rng, "update"), _invoice(s, w, rng), _reply(s, w, rng)]
    for payload in payloads:
        if payload is not None:
            due = w.now + rng.randint(HOUR, 6 * HOUR)
            world.schedule(s, due, "mail", "deliver", payload)


def _payload(s: Session, w: Writer, author: Any, subject: str, body: str, category: str,
             **extra: Any) -> dict[str, Any]:
    w.box.claim(subject, [author.email])
    return {"thread_id": World.next_id(s, Thread.__tablename__),
            "message_id": World.next_id(s, Message.__tablename__),
            "sender_name": author.name, "sender_email": author.email,
            "to": w.cast.owner.email, "subject": subject, "body": body,
            "category": category, **extra}


def _new_mail(s: Session, w: Writer, rng: Random, author: Person,
              kind: str) -> dict[str, Any] | None:
    picked = w.pick(rng, kind, author, w.cast.owner)
    return _payload(s, w, author, picked[0], picked[1], "primary") if picked else None


def _promo(s: Session, w: Writer, rng: Random) -> dict[str, Any] | None:
    author = sender(rng.choice(w.cast.companies["retailer"]), "deals")
    coded = [t for t in w.corpus["newsletter"] if "{promo_code}" in t["body"]
             and "{sender_first}" not in t["body"]]
    picked = w.pick(rng, coded, author, w.cast.owner)
    return _payload(s, w, author, picked[0], picked[1], "promotions") if picked else None


def _shipping(s: Session, w: Writer, rng: Random) -> dict[str, Any] | None:
    used = {m.get("product") for m in w.box.meta.values()}
    product = rng.choice([p for p in w.corpus["products"] if p not in used])
    author = sender(rng.choice(w.cast.companies["courier"]), "tracking")
    picked = w.pick(rng, "shipping", author, w.cast.owner, product=product,
                    tracking=tracking_number(rng))
    return _payload(s, w, author, picked[0], picked[1], "updates") if picked else None


def _notice(s: Session, w: Writer, rng: Random, kind: str) -> dict[str, Any] | None:
    company_kind, category = ("social", "social") if kind == "social" else ("service", "updates")
    author = sender(rng.choice(w.cast.companies[company_kind]), "notifications")
    templates = [t for t in w.corpus[kind] if not t["subject"].startswith("Your booking")]
    picked = w.pick(rng, templates, author, w.cast.owner)
    return _payload(s, w, author, picked[0], picked[1], category) if picked else None


def _invoice(s: Session, w: Writer, rng: Random) -> dict[str, Any] | None:
    vendor, number = rng.choice(w.cast.vendors), invoice_number(rng)
    picked = w.pick(rng, "invoice", vendor, w.cast.owner, invoice_no=number,
                    date=format_date(w.now))
    if picked is None:
        return None
    pdf = {"id": World.next_id(s, Attachment.__tablename__), "filename": f"invoice-{number}.pdf",
           "mime_type": "application/pdf",
           "content": fill(w.corpus["invoice_attachment"], picked[2])}
    return _payload(s, w, vendor, picked[0], picked[1], "primary", attachments=[pdf])


def _reply(s: Session, w: Writer, rng: Random) -> dict[str, Any] | None:
    """A partner answering a work thread where the owner wrote last."""
    owner = w.cast.owner
    waiting = [t for t in w.box.tagged("work")
               if w.box.messages[t.id][-1].sender_email == owner.email]
    if not waiting:
        return None
    thread = rng.choice(waiting)
    last, partner = w.box.messages[thread.id][-1], w.box.meta[thread.id]["partner"]
    body = fill(rng.choice(w.corpus["work_reply"])["body"],
                w.values(rng, partner, owner, topic=w.box.meta[thread.id]["topic"]))
    return {"thread_id": thread.id, "message_id": World.next_id(s, Message.__tablename__),
            "in_reply_to": last.id, "sender_name": partner.name,
            "sender_email": partner.email, "to": owner.email,
            "subject": reply_subject(thread.subject), "body": body, "category": "primary"}
