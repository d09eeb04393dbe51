"""Star one conversation."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Thread
from ._common import (
    all_threads,
    is_update,
    live_threads,
    nameable,
    open_thread_actions,
    pick,
    verdict,
)

__all__ = ["StarThread"]


class StarThread(TaskFamily):
    """Star the conversation a person names by sender and subject.

    ## Description
    An unstarred conversation in the Inbox is named by its sender and subject; the agent
    finds it (search or scrolling) and stars it.

    ## Goal
    "Star the email from Ana Souza with the subject "Question about the Q3 budget"."

    ## Parameters
    - `thread_id`, `message_id`: the conversation and its latest received message.
    - `subject`, `sender_name`, `sender_email`: how the instruction names it.

    ## Success criteria
    The thread is starred; nothing else changed except messages marked read.
    """

    id = "mail/star_thread"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            everyone = all_threads(s)
            unstarred = [t for t in live_threads(s, inbox=True, now=world.now) if not t.starred]
            ref = pick(rng, nameable(unstarred, everyone), "unstarred inbox conversation")
        return TaskInstance(
            family=self.id, params=ref.params(),
            instruction=f'Star the email from {ref.sender_name} with the subject "{ref.subject}".')

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        thread_id = instance.params["thread_id"]
        with after.session() as s:
            thread = s.get(Thread, thread_id)
            starred = thread is not None and thread.starred
        return verdict([Check("thread starred", starred, f"thread {thread_id}")], diff,
                       is_update("mail_thread", [thread_id], {"starred"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.click("star"), act.stop()]
