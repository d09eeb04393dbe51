"""Write and send a new message to two contacts with a third in cc."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._common import compose_actions, verdict
from ._outgoing import (
    BODIES,
    SUBJECTS,
    message_checks,
    new_message_allowances,
    one_new,
    pick_contacts,
)

__all__ = ["ComposeWithCc"]


class ComposeWithCc(TaskFamily):
    """Send a new email to two contacts, cc a third, with a subject and a sentence.

    ## Description
    The people are named as a person would name them; the agent looks up their addresses in
    the contacts and sends one message.

    ## Goal
    "Send an email to Ana Souza and Tom Weber, with Priya Raman in cc, with the subject
    "Office move" that says: "Please bring your laptop and the latest figures.""

    ## Parameters
    - `to_names`, `to_emails`: the two recipients; `cc_name`, `cc_email`: the cc.
    - `subject`, `text`: the subject and the sentence the body must contain.

    ## Success criteria
    Exactly one message was sent, to exactly `to_emails`, cc exactly `cc_email`, no bcc, with
    the subject and a body containing `text`; nothing else changed except messages marked read.
    """

    id = "mail/compose_with_cc"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        (a_name, a), (b_name, b), (c_name, c) = pick_contacts(world, rng, 3)
        subject, text = rng.choice(SUBJECTS), rng.choice(BODIES)
        return TaskInstance(
            family=self.id,
            params={"to_names": [a_name, b_name], "to_emails": [a, b], "cc_name": c_name,
                    "cc_email": c, "subject": subject, "text": text},
            instruction=(f"Send an email to {a_name} and {b_name}, with {c_name} in cc, with the "
                         f'subject "{subject}" that says: "{text}"'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        row, exactly_one = one_new(diff, "sent")
        checks = message_checks(row, p["to_emails"], [p["cc_email"]], p["subject"], p["text"])
        return verdict([exactly_one, *checks], diff, *new_message_allowances(row))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*compose_actions(", ".join(p["to_emails"]), p["subject"], p["text"],
                                 cc=p["cc_email"]), act.click("send"), act.stop()]
