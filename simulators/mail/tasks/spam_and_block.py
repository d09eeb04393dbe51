"""Report a conversation as spam and block its sender."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import BlockedSender, Message, Thread
from ._common import (
    all_threads,
    contact_emails,
    inserted,
    is_insert,
    is_update,
    live_threads,
    nameable,
    open_thread_actions,
    pick,
    verdict,
)

__all__ = ["SpamAndBlock"]

# Reporting spam and blocking move the sender's conversations out of the Inbox and into Spam.
SPAM_FIELDS = {"spam", "in_inbox"}


class SpamAndBlock(TaskFamily):
    """Report a promotional conversation as spam and block the sender.

    ## Description
    A promotion in the Inbox comes from a sender the owner does not know; the agent reports
    the conversation as spam and adds the sender to the blocked senders.

    ## Goal
    "I never signed up for mail from Brightnook. Report their email "New arrivals are here"
    as spam and block the sender."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation.

    ## Success criteria
    The thread is in Spam and `sender_email` is a blocked sender; other conversations of that
    sender may move to Spam too; nothing else changed except messages marked read.
    """

    id = "mail/spam_and_block"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            known = contact_emails(s) | set(s.scalars(select(BlockedSender.email)))
            promos = [t for t in live_threads(s, inbox=True, now=world.now)
                      if t.category == "promotions"]
            refs = [r for r in nameable(promos, all_threads(s)) if r.sender_email not in known]
            ref = pick(rng, refs, "promotion from an unknown sender")
        return TaskInstance(
            family=self.id, params=ref.params(),
            instruction=(f"I never signed up for mail from {ref.sender_name}. Report their email "
                         f'"{ref.subject}" as spam and block the sender.'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            thread = s.get(Thread, p["thread_id"])
            is_spam = thread is not None and thread.spam
            blocked = {row["email"] for row in inserted(diff, "mail_blocked_sender")}
            theirs = s.scalars(select(Message.thread_id).where(
                Message.sender_email == p["sender_email"]).order_by(Message.thread_id)).all()
        return verdict(
            [Check("reported as spam", is_spam, f"thread {p['thread_id']}"),
             Check("sender blocked", p["sender_email"] in blocked, f"blocked: {sorted(blocked)}")],
            diff, is_update("mail_thread", theirs, SPAM_FIELDS),
            is_insert("mail_blocked_sender", lambda row: row["email"] == p["sender_email"]))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.click("spam"), act.click("nav-blocked"),
                act.fill("block-email", p["sender_email"]), act.click("block-submit"), act.stop()]
