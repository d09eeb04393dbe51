"""New outgoing messages (sent, drafts, scheduled): recipients to pick, texts, and checks."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row, WorldDiff
from webtwin.simulators.core.tasks import Check, normalize_answer
from webtwin.simulators.core.world import World

from ..models import Contact
from ._common import (
    Allow,
    has_text,
    inserted_messages,
    is_insert,
    pick,
    rule_emails,
    split_addresses,
)

__all__ = ["SUBJECTS", "BODIES", "message_checks", "new_message_allowances", "pick_contacts"]

SUBJECTS = (
    "Team lunch on Friday", "Agenda for next week", "Updated project timeline", "Office move",
    "Quarterly review prep", "Notes from today's call", "Travel plans for the offsite",
)
BODIES = (
    "Let's meet in the small conference room at 10.",
    "The details will follow tomorrow morning.",
    "Please bring your laptop and the latest figures.",
    "The new timeline moves the launch by two weeks.",
    "Lunch is on the team budget this time.",
    "Could you each send me your availability by Wednesday?",
)


def pick_contacts(world: World, rng: Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct contacts (name, email) who never auto-reply, in a seeded order."""
    with world.session() as s:
        quiet = rule_emails(s)
        pool = [(c.name, c.email) for c in s.scalars(select(Contact).order_by(Contact.id))
                if c.email not in quiet]
    chosen: list[tuple[str, str]] = []
    for _ in range(count):
        choice = pick(rng, [c for c in pool if c not in chosen], "contact")
        chosen.append(choice)
    return chosen


def one_new(diff: WorldDiff, status: str) -> tuple[Row | None, Check]:
    """The single new message of `status`, and the check that there is exactly one."""
    rows = inserted_messages(diff, status)
    return (rows[0] if len(rows) == 1 else None,
            Check(f"exactly one {status} message", len(rows) == 1, f"{len(rows)} found"))


def message_checks(row: Row | None, to: list[str], cc: list[str], subject: str,
                   text: str) -> list[Check]:
    """Recipients, subject and body of a new message, each as its own check."""
    if row is None:
        return [Check("message written", False)]
    return [
        Check("to", split_addresses(row["to_addrs"]) == set(to), f"got {row['to_addrs']!r}"),
        Check("cc", split_addresses(row["cc_addrs"]) == set(cc), f"got {row['cc_addrs']!r}"),
        Check("no bcc", not split_addresses(row["bcc_addrs"]), f"got {row['bcc_addrs']!r}"),
        Check("subject", normalize_answer(row["subject"]) == normalize_answer(subject),
              f"got {row['subject']!r}"),
        Check("body", has_text(row["body"], text)),
    ]


def new_message_allowances(row: Row | None) -> list[Allow]:
    """The new message may be inserted, with the new conversation that holds it."""
    if row is None:
        return []
    return [is_insert("mail_message", lambda r: r["id"] == row["id"]),
            is_insert("mail_thread", lambda r: r["id"] == row["thread_id"])]
