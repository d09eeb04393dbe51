"""Snooze one conversation until a given moment."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Thread
from ._common import (
    all_threads,
    day_start,
    fmt_when,
    is_update,
    live_threads,
    nameable,
    open_thread_actions,
    pick,
    to_datetime_local,
    verdict,
)

__all__ = ["SnoozeThread"]


class SnoozeThread(TaskFamily):
    """Snooze a named conversation until a given day and time.

    ## Description
    An Inbox conversation is named by sender and subject; the agent snoozes it until a
    moment one to five days ahead (UTC).

    ## Goal
    "Snooze the email from Ana Souza about "Draft for review: the Q3 budget" until
    Thursday 12 March 2026 at 09:00 UTC."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation.
    - `until`: the snooze end, epoch seconds (UTC, on the minute).

    ## Success criteria
    The thread's snooze ends exactly at `until`; nothing else changed except messages marked
    read.
    """

    id = "mail/snooze_thread"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            inbox = live_threads(s, inbox=True, now=world.now)
            ref = pick(rng, nameable(inbox, all_threads(s)), "inbox conversation")
        until = day_start(world.now) + rng.randint(1, 5) * 86400 + rng.choice([8, 9, 13, 17]) * 3600
        return TaskInstance(
            family=self.id, params={**ref.params(), "until": until},
            instruction=(f'Snooze the email from {ref.sender_name} about "{ref.subject}" '
                         f"until {fmt_when(until)}."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        thread_id, until = instance.params["thread_id"], instance.params["until"]
        with after.session() as s:
            thread = s.get(Thread, thread_id)
            got = thread.snoozed_until if thread is not None else None
        return verdict([Check("snoozed until the given time", got == until,
                              f"expected {until}, got {got}")],
                       diff, is_update("mail_thread", [thread_id], {"snoozed_until"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.fill("snooze-until", to_datetime_local(p["until"])), act.click("snooze"),
                act.stop()]
