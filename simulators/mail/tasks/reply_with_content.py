"""Reply in a conversation with a given message."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._common import (
    REPLY_LINES,
    THREAD_ACTIVITY,
    all_threads,
    contact_emails,
    has_text,
    inserted_messages,
    is_insert,
    is_update,
    live_threads,
    nameable,
    open_thread_actions,
    pick,
    rule_emails,
    split_addresses,
    verdict,
)

__all__ = ["ReplyWithContent"]


class ReplyWithContent(TaskFamily):
    """Reply to a contact's email, in its conversation, with a given sentence.

    ## Description
    A Primary conversation whose latest message comes from a contact is named by sender and
    subject; the agent replies in that conversation with the given text.

    ## Goal
    "Reply to Ana Souza's email "Quick sync on the Q3 budget?" with this message:
    "Thursday at 3 pm works for me.""

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation.
    - `text`: the sentence the reply must contain.

    ## Success criteria
    Exactly one message was sent; it is in the conversation, addressed to the sender, and its
    body contains `text`; nothing else changed except messages marked read.
    """

    id = "mail/reply_with_content"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            people = contact_emails(s) - rule_emails(s)
            primary = [t for t in live_threads(s, inbox=True, now=world.now)
                       if t.category == "primary"]
            refs = [r for r in nameable(primary, all_threads(s)) if r.sender_email in people]
            ref = pick(rng, refs, "conversation with a contact")
        text = rng.choice(REPLY_LINES)
        return TaskInstance(
            family=self.id, params={**ref.params(), "text": text},
            instruction=(f'Reply to {ref.sender_name}\'s email "{ref.subject}" with this '
                         f'message: "{text}"'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        sent = inserted_messages(diff, "sent")
        reply = sent[0] if len(sent) == 1 else None
        return verdict(
            [Check("exactly one message sent", reply is not None, f"{len(sent)} sent"),
             Check("in the conversation",
                   reply is not None and reply["thread_id"] == p["thread_id"]),
             Check("to the sender", reply is not None
                   and p["sender_email"] in split_addresses(reply["to_addrs"])),
             Check("says the text", reply is not None and has_text(reply["body"], p["text"]))],
            diff, is_insert("mail_message", lambda row: row["status"] == "sent"),
            is_update("mail_thread", [p["thread_id"]], THREAD_ACTIVITY))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.click(f"reply-{p['message_id']}"), act.fill("body", p["text"]),
                act.click("send"), act.stop()]
