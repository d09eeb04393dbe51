"""Seeded generation of a realistic mailbox (about 45 days of mail up to the world's `now`).

## Description
The owner works at an "employer_peer" company; around them are colleagues, client contacts,
vendors, friends, couriers, shops, newsletters, networks, services and spammers, all from the
committed corpora in `webtwin.seeds`. Every draw comes from a named substream
(`substream(seed, "mail", <what>)`), so adding a kind of mail never shifts the others.

## Guarantees (tested over many seeds in `tests/test_generate.py`)
Invoices with their PDF (newest unread in the Inbox), shipping notices, promotions with codes,
multi-message work threads, Trash and Spam, starred/important/archived threads, nested
labels, drafts and a scheduled send, cold mail from non-contacts with a signature block,
reply rules with a stored `fact`, future deliveries with reserved ids, a filter, a blocked
sender, a signature, a moderate unread count, and (sender, subject) unique per thread.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webtwin.seeds import load_corpus
from webtwin.simulators.core.models import IdCounter, ScheduledEvent
from webtwin.simulators.core.rng import Random, substream
from webtwin.simulators.core.world import World

from .generation import auto_mail, future, people_mail
from .generation.builder import Mailbox, Writer
from .generation.cast import Cast, build_cast
from .generation.labels import apply_labels
from .generation.state import set_flags
from .models import Account, MailBase
from .services import add_contact, block_sender, create_filter

__all__ = ["generate_mail"]


def generate_mail(world: World, seed: int) -> None:
    """Fill a fresh world's mail tables from `seed` (deterministic)."""
    corpus = load_corpus("mail_templates")
    cast = build_cast(_rng(seed, "cast"), load_corpus("people"), load_corpus("companies"),
                      corpus["signature_lines"])
    with world.transaction() as s:
        _create_counters(s)
        _fill(s, world, seed, corpus, cast)


def _create_counters(s: Session) -> None:
    """Id counters of every mail table up front, so the counter rows (part of the digest) are
    the same whichever tables a seed happens to write."""
    tables = [name for name, table in sorted(MailBase.metadata.tables.items())
              if "id" in table.c and name != Account.__tablename__]
    for table in (*tables, ScheduledEvent.__tablename__):
        if s.get(IdCounter, table) is None:
            s.add(IdCounter(table=table, next_id=1))
    s.flush()


def _fill(s: Session, world: World, seed: int, corpus: dict[str, Any], cast: Cast) -> None:
    # No autoflush: generation only appends, and flushing before every query costs time;
    # services flush explicitly where they read back what they wrote.
    with s.no_autoflush:
        owner = cast.owner
        signature = f"{owner.name}\n{owner.title} · {owner.company_name}\n{owner.phone}"
        s.add(Account(id=1, name=owner.name, email=owner.email, signature=signature))
        writer = Writer(corpus, cast, Mailbox(s, world, owner, world.now))
        plans = future.plan_rules(writer, _rng(seed, "rules"))
        _contacts(s, world, cast, {p.person.email for p in plans if p.keyword == "phone number"})
        topics, spammers = _history(writer, seed)
        s.flush()
        labels = apply_labels(s, writer, _rng(seed, "labels"), topics)
        set_flags(writer, _rng(seed, "flags"))
        _settings(s, world, writer, labels, spammers[0])
        future.drafts(s, writer, _rng(seed, "drafts"), signature)
        future.scheduled(s, writer, _rng(seed, "scheduled"), {p.person.email for p in plans})
        future.deliveries(s, writer, _rng(seed, "deliveries"))
        future.reply_rules(s, writer, _rng(seed, "rules", "rows"), plans)


def _rng(seed: int, *what: str) -> Random:
    return substream(seed, "mail", *what)


def _contacts(s: Session, world: World, cast: Cast, phoneless: set[str]) -> None:
    """The address book; someone who will be asked for their phone number has none on file."""
    for person in cast.contacts():
        phone = "" if person.email in phoneless else person.phone
        add_contact(s, world, person.name, person.email, phone=phone,
                    company=person.company_name, title=person.title)


def _history(w: Writer, seed: int) -> tuple[list[str], list[str]]:
    """Every kind of past mail, each from its own substream; returns the two project topics
    and the spammers' addresses."""
    topics = _rng(seed, "projects").sample(w.corpus["topics"], 2)
    people_mail.work(w, _rng(seed, "work"), _rng(seed, "work", "count").randint(32, 38), topics)
    people_mail.meetings(w, _rng(seed, "meetings"), 8)
    people_mail.personal(w, _rng(seed, "personal"), 7)
    people_mail.strangers(w, _rng(seed, "strangers"))
    people_mail.sent_only(w, _rng(seed, "sent"), 4)
    auto_mail.invoices(w, _rng(seed, "invoices"), 4)
    auto_mail.shipping(w, _rng(seed, "shipping"), 4)
    auto_mail.promotions(w, _rng(seed, "promotions"), 11)
    auto_mail.newsletters(w, _rng(seed, "newsletters"), 3)
    auto_mail.social(w, _rng(seed, "social"), 7)
    auto_mail.updates(w, _rng(seed, "updates"), 10)
    spammers = auto_mail.spam(w, _rng(seed, "spam"), 4)
    auto_mail.trash(w, _rng(seed, "trash"), 5)
    return topics, spammers


def _settings(s: Session, world: World, w: Writer, labels: dict[str, int],
              spammer: str) -> None:
    """A filter filing invoices under Receipts, one muting a newsletter, a blocked spammer."""
    create_filter(s, world, subject_contains="invoice", label_id=labels["Receipts"])
    media = w.cast.companies["media"][0]
    create_filter(s, world, from_contains=f"@{media['domain']}", archive=True, mark_read=True)
    block_sender(s, world, spammer)
