"""Ask a contact for a fact, wait for the reply, and pass it on in another conversation."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._asking import ask_actions, ask_allowances, ask_checks, askable
from ._common import (
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

__all__ = ["AskAndRelay"]


class AskAndRelay(TaskFamily):
    """Get a fact from one contact and send it, as a reply, to another.

    ## Description
    Another contact's email is waiting for an answer the owner does not have. The agent asks
    the contact who knows (by email, mentioning the topic), waits for the reply, then answers
    the waiting email in its conversation with the fact.

    ## Goal
    "Tom Weber is waiting on the purchase order number in the email "Question about the Q3 budget".
    Ask Priya Raman for it by email, and once the answer arrives, reply to Tom Weber's email
    with it."

    ## Parameters
    - `rule_id`, `contact_name`, `contact_email`, `keyword`, `what`, `fact`, `delay_seconds`:
      whom to ask, about what (`what` names it and contains `keyword`), and what they answer.
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the conversation to
      answer.

    ## Success criteria
    The contact was asked and answered; a reply in the waiting conversation, to its sender,
    contains `fact`; besides these conversations nothing changed except messages marked read.
    """

    id = "mail/ask_and_relay"
    difficulty = "hard"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            who = pick(rng, askable(s), "contact who answers questions")
            others = contact_emails(s) - rule_emails(s)
            primary = [t for t in live_threads(s, inbox=True, now=world.now)
                       if t.category == "primary"]
            refs = [r for r in nameable(primary, all_threads(s)) if r.sender_email in others]
            ref = pick(rng, refs, "conversation with another contact")
        return TaskInstance(
            family=self.id, params={**who.params(), **ref.params()},
            instruction=(f"{ref.sender_name} is waiting on the {who.what} in the email "
                         f'"{ref.subject}". Ask {who.contact_name} for it by email, and once '
                         f"the answer arrives, reply to {ref.sender_name}'s email with it."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        relays = [row for row in inserted_messages(diff, "sent")
                  if row["thread_id"] == p["thread_id"]]
        relay = relays[-1] if relays else None
        return verdict(
            [*ask_checks(diff, p),
             Check("replied in the waiting conversation", len(relays) == 1,
                   f"{len(relays)} replies"),
             Check("to its sender", relay is not None
                   and p["sender_email"] in split_addresses(relay["to_addrs"])),
             Check("passes on the fact", relay is not None and has_text(relay["body"], p["fact"]),
                   f"expected {p['fact']!r}")],
            diff, *ask_allowances(diff, p),
            is_insert("mail_message", lambda row: relay is not None and row["id"] == relay["id"]),
            is_update("mail_thread", [p["thread_id"]], THREAD_ACTIVITY))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        text = f"Hi {p['sender_name'].split()[0]}, the {p['what']} is {p['fact']}."
        return [*ask_actions(p), *open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.click(f"reply-{p['message_id']}"), act.fill("body", text), act.click("send"),
                act.stop()]
