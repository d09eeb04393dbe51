"""Delete every promotion from one retailer (a bulk action)."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Message, Thread
from ._common import domain_of, is_update, live_threads, pick, received, verdict

__all__ = ["TrashPromotionsFrom"]

TRASH_FIELDS = {"trashed", "trashed_at", "in_inbox"}


def promotions_by_domain(world: World) -> dict[str, list[Thread]]:
    """Sender domain → live Promotions threads from it (Inbox or archived), by id."""
    found: dict[str, list[Thread]] = {}
    with world.session() as s:
        for thread in live_threads(s):
            if thread.category == "promotions":
                for domain in sorted({domain_of(m.sender_email) for m in received(thread)}):
                    found.setdefault(domain, []).append(thread)
    return found


class TrashPromotionsFrom(TaskFamily):
    """Delete (move to Trash) every promotional email from one retailer.

    ## Description
    A retailer sends several promotions, some in the Inbox, some archived; the agent deletes
    all of them and nothing else.

    ## Goal
    "Delete all the promotional emails from Brightnook."

    ## Parameters
    - `retailer`: the name the retailer signs with (the sender name).
    - `domain`: its mail domain.
    - `thread_ids`: its Promotions conversations at the start (not yet trashed or spam).

    ## Success criteria
    Each of `thread_ids` is in the Trash; other mail from that domain may be trashed too;
    nothing else changed except messages marked read.
    """

    id = "mail/trash_promotions_from"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        by_domain = promotions_by_domain(world)
        domain = pick(rng, sorted(by_domain), "retailer with promotions")
        threads = by_domain[domain]
        retailer = received(threads[-1])[-1].sender_name
        return TaskInstance(
            family=self.id, instruction=f"Delete all the promotional emails from {retailer}.",
            params={"retailer": retailer, "domain": domain,
                    "thread_ids": [t.id for t in threads]})

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            threads = [s.get(Thread, i) for i in p["thread_ids"]]
            left = [t.id for t in threads if t is not None and not t.trashed]
            # the threads with mail received from the domain (two columns, not every thread)
            received_from = s.execute(select(Message.thread_id, Message.sender_email)
                                      .where(Message.status == "received"))
            theirs = sorted({thread_id for thread_id, email in received_from
                             if domain_of(email) == p["domain"]})
        return verdict([Check("all trashed", not left, f"not trashed: {left}")],
                       diff, is_update("mail_thread", theirs, TRASH_FIELDS))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        selects = [act.check(f"select-{i}") for i in p["thread_ids"]]
        return [act.fill("search-input", f'from:{p["domain"]} category:promotions'),
                act.click("search-submit"), *selects, act.click("bulk-trash"), act.stop()]
