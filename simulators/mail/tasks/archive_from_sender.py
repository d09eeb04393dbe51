"""Archive every Inbox conversation from one sender (a bulk action)."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Message, Thread
from ._common import is_update, live_threads, owner, pick, received, verdict

__all__ = ["ArchiveFromSender"]


def inbox_by_sender(world: World) -> dict[str, list[int]]:
    """Sender address → ids of the visible Inbox threads they wrote in."""
    found: dict[str, list[int]] = {}
    with world.session() as s:
        me = owner(s).email
        for thread in live_threads(s, inbox=True, now=world.now):
            for email in sorted({m.sender_email for m in received(thread)} - {me}):
                found.setdefault(email, []).append(thread.id)
    return found


class ArchiveFromSender(TaskFamily):
    """Archive all Inbox conversations from one sender.

    ## Description
    A sender with several conversations in the Inbox is named; the agent archives all of
    them (search `from:`, select, archive) and leaves everything else in place.

    ## Goal
    "Archive every email in my inbox from Ana Souza."

    ## Parameters
    - `sender_name`, `sender_email`: the sender.
    - `thread_ids`: the Inbox conversations they wrote in at the start.

    ## Success criteria
    Each of `thread_ids` is archived (out of the Inbox, not trashed or spam); other
    conversations of that sender may be archived too; nothing else changed except messages
    marked read.
    """

    id = "mail/archive_from_sender"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        by_sender = inbox_by_sender(world)
        several = sorted(e for e, ids in by_sender.items() if len(ids) >= 2)
        email = pick(rng, several or sorted(by_sender), "sender with inbox mail")
        with world.session() as s:
            name = s.scalars(select(Message.sender_name).where(Message.sender_email == email)
                             .order_by(Message.sent_at.desc(), Message.id.desc())).first()
        return TaskInstance(
            family=self.id, instruction=f"Archive every email in my inbox from {name}.",
            params={"sender_name": name, "sender_email": email,
                    "thread_ids": by_sender[email]})

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            threads = [s.get(Thread, i) for i in p["thread_ids"]]
            left = [t.id for t in threads if t is None or t.in_inbox or t.trashed or t.spam]
            theirs = s.scalars(select(Message.thread_id).where(
                Message.sender_email == p["sender_email"]).order_by(Message.thread_id)).all()
        return verdict([Check("all archived", not left, f"not archived: {left}")],
                       diff, is_update("mail_thread", theirs, {"in_inbox"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        selects = [act.check(f"select-{i}") for i in p["thread_ids"]]
        return [act.fill("search-input", f'from:{p["sender_email"]} in:inbox'),
                act.click("search-submit"), *selects, act.click("bulk-archive"), act.stop()]
