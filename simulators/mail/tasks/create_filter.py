"""Create a filter: mail from an address skips the Inbox and gets a label."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Filter, Label, Message
from ._common import (
    contact_emails,
    inserted,
    is_insert,
    is_update,
    live_threads,
    pick,
    received,
    verdict,
)

__all__ = ["CreateFilter"]

# Every other criterion and action must stay at its default: the filter does only what was asked.
DEFAULTS = {"to_contains": "", "subject_contains": "", "has_words": "", "has_attachment": False,
            "star": False, "mark_read": False, "delete": False, "forward_to": ""}


def bulk_senders(world: World) -> list[str]:
    """Addresses of non-contacts who send Promotions, Social or Updates mail, sorted."""
    with world.session() as s:
        people = contact_emails(s) | set(s.scalars(select(Filter.from_contains)))
        return sorted({m.sender_email for t in live_threads(s) if t.category != "primary"
                       for m in received(t)} - people)


def filter_problems(row: Row, sender: str, label_id: int) -> list[str]:
    """What differs between a filter row and the one asked for."""
    wrong = [f"{k}={row[k]!r}" for k, v in DEFAULTS.items() if bool(row[k]) != bool(v)]
    if (row["from_contains"] or "").strip().lower() != sender:
        wrong.append(f"from_contains={row['from_contains']!r}")
    if row["label_id"] != label_id:
        wrong.append(f"label_id={row['label_id']!r}")
    if not row["archive"]:
        wrong.append("archive is off")
    return wrong


class CreateFilter(TaskFamily):
    """Create a filter that labels mail from one address and skips the Inbox.

    ## Description
    A bulk sender (newsletters, notifications) clutters the Inbox; the agent creates a filter
    matching their address that applies an existing label and archives.

    ## Goal
    "Create a filter so that mail from news@brightnook.example skips the inbox and gets the
    label "Shopping"."

    ## Parameters
    - `sender_email`: the address to match (`from`).
    - `label_id`, `label_name`: the existing label to apply.

    ## Success criteria
    Exactly one filter was created, with `from` = `sender_email`, label `label_id`, archive on,
    and no other criterion or action; mail delivered meanwhile may be filtered by it; nothing
    else changed except messages marked read.
    """

    id = "mail/create_filter"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        sender = pick(rng, bulk_senders(world), "bulk sender")
        with world.session() as s:
            labels = list(s.scalars(select(Label).order_by(Label.id)))
            label = pick(rng, labels, "label")
            label_id, label_name = label.id, label.name
        return TaskInstance(
            family=self.id,
            params={"sender_email": sender, "label_id": label_id, "label_name": label_name},
            instruction=(f"Create a filter so that mail from {sender} skips the inbox and gets "
                         f'the label "{label_name}".'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        made = inserted(diff, "mail_filter")
        wrong = filter_problems(made[0], p["sender_email"], p["label_id"]) if made else ["none"]
        with after.session() as s:
            theirs = s.scalars(select(Message.thread_id).where(
                Message.sender_email == p["sender_email"]).order_by(Message.thread_id)).all()
        return verdict(
            [Check("exactly one filter created", len(made) == 1, f"{len(made)} created"),
             Check("filter as asked", len(made) == 1 and not wrong, "; ".join(wrong))],
            diff, is_insert("mail_filter"), is_update("mail_thread", theirs, {"in_inbox"}),
            is_insert("mail_thread_label", lambda row: row["thread_id"] in theirs
                      and row["label_id"] == p["label_id"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click("nav-filters"), act.fill("filter-from", p["sender_email"]),
                act.select_option("filter-label", p["label_name"]), act.check("filter-archive"),
                act.click("create-filter"), act.stop()]
