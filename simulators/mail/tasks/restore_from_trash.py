"""Bring a trashed conversation back to the Inbox."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Thread
from ._common import (
    WITH_MESSAGES,
    all_threads,
    is_update,
    nameable,
    open_thread_actions,
    pick,
    verdict,
)

__all__ = ["RestoreFromTrash"]


class RestoreFromTrash(TaskFamily):
    """Restore a conversation from the Trash to the Inbox.

    ## Description
    A trashed conversation is named by sender and subject; the agent finds it in the Trash
    and moves it back to the Inbox.

    ## Goal
    "I deleted the email from Ana Souza about "Status update – the Q3 budget" by mistake.
    Please put it back in my inbox."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation.

    ## Success criteria
    The thread is no longer in the Trash and is in the Inbox; nothing else changed except
    messages marked read.
    """

    id = "mail/restore_from_trash"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            query = (select(Thread).options(WITH_MESSAGES)
                     .where(Thread.trashed.is_(True), Thread.spam.is_(False)))
            trashed = list(s.scalars(query.order_by(Thread.id)))
            ref = pick(rng, nameable(trashed, all_threads(s)), "trashed conversation")
        return TaskInstance(
            family=self.id, params=ref.params(),
            instruction=(f'I deleted the email from {ref.sender_name} about "{ref.subject}" by '
                         "mistake. Please put it back in my inbox."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        thread_id = instance.params["thread_id"]
        with after.session() as s:
            thread = s.get(Thread, thread_id)
            restored = thread is not None and not thread.trashed
            in_inbox = thread is not None and thread.in_inbox and not thread.spam
        return verdict(
            [Check("out of the trash", restored, f"thread {thread_id}"),
             Check("in the inbox", in_inbox, f"thread {thread_id}")],
            diff, is_update("mail_thread", [thread_id], {"trashed", "trashed_at", "in_inbox"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'in:trash from:{p["sender_email"]}', p["thread_id"]),
                act.click("restore"), act.stop()]
