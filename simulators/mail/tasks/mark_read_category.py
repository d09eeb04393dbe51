"""Mark every unread conversation of one Inbox tab as read (read state is the task)."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Message, Thread
from ._common import changed, live_threads, owner, pick, received, verdict

__all__ = ["MarkReadCategory"]

TABS = {"promotions": "Promotions", "social": "Social", "updates": "Updates"}


def unread_in_tab(world: World, category: str) -> list[int] | None:
    """Ids of the tab's unread threads, or None when some are past the tab's first page."""
    with world.session() as s:
        page_size = owner(s).page_size
        tab = [t for t in live_threads(s, inbox=True, now=world.now) if t.category == category]
        # The Inbox order: newest activity first (a thread back from snooze counts from then).
        tab.sort(key=lambda t: (max(t.last_message_at, t.snoozed_until or 0), t.id), reverse=True)
        unread = [i for i, t in enumerate(tab) if any(not m.is_read for m in received(t))]
        if unread and unread[-1] >= page_size:
            return None
        return sorted(tab[i].id for i in unread)


class MarkReadCategory(TaskFamily):
    """Mark everything unread in one Inbox tab (Promotions, Social, Updates) as read.

    ## Description
    The agent opens the tab, selects its unread conversations and marks them read. Here read
    state is the task: marking anything else read (for instance by opening it) is a change.

    ## Goal
    "Mark every unread email in the Social tab as read."

    ## Parameters
    - `category`: `promotions`, `social` or `updates`.
    - `thread_ids`: the tab's conversations with unread mail at the start.

    ## Success criteria
    Every received message of `thread_ids` is read; only messages of that category changed,
    and only their read state.
    """

    id = "mail/mark_read_category"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        found = {c: unread_in_tab(world, c) for c in sorted(TABS)}
        category = pick(rng, [c for c, ids in found.items() if ids], "tab with unread mail")
        return TaskInstance(
            family=self.id,
            instruction=f"Mark every unread email in the {TABS[category]} tab as read.",
            params={"category": category, "thread_ids": found[category]})

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            unread = s.scalars(select(Message.thread_id).where(
                Message.thread_id.in_(p["thread_ids"]), Message.status == "received",
                Message.is_read.is_(False)).order_by(Message.thread_id)).all()
            in_tab = set(s.scalars(select(Message.id).join(Thread).where(
                Thread.category == p["category"])))

        def marking(table: str, kind: str, old: dict | None, new: dict | None) -> bool:
            return (table == "mail_message" and kind == "updated" and new is not None
                    and new["id"] in in_tab and changed(old, new) == {"is_read"}
                    and bool(new["is_read"]))
        return verdict([Check("all read", not unread, f"still unread in {sorted(set(unread))}")],
                       diff, marking, reading=False)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [act.click(f"tab-{p['category']}"),
                *[act.check(f"select-{i}") for i in p["thread_ids"]],
                act.click("bulk-read"), act.stop()]
