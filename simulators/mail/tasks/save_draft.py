"""Write a message and keep it as a draft, unsent."""

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

__all__ = ["SaveDraft"]


class SaveDraft(TaskFamily):
    """Prepare a message to a contact as a draft without sending it.

    ## Description
    The agent writes the message with the given recipient, subject and sentence and saves it
    as a draft; sending it fails the task.

    ## Goal
    "Write an email to Ana Souza (ana.souza@fernhill.test) with the subject "Office move"
    saying "Lunch is on the team budget this time." Save it as a draft; don't send it yet."

    ## Parameters
    - `to_name`, `to_email`: the recipient; `subject`, `text`: subject and body sentence.

    ## Success criteria
    Exactly one new draft, to `to_email`, with the subject and a body containing `text`; no
    message sent; nothing else changed except messages marked read.
    """

    id = "mail/save_draft"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        [(name, email)] = pick_contacts(world, rng, 1)
        subject, text = rng.choice(SUBJECTS), rng.choice(BODIES)
        return TaskInstance(
            family=self.id,
            params={"to_name": name, "to_email": email, "subject": subject, "text": text},
            instruction=(f'Write an email to {name} ({email}) with the subject "{subject}" '
                         f'saying "{text}" Save it as a draft; don\'t send it yet.'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        row, exactly_one = one_new(diff, "draft")
        checks = message_checks(row, [p["to_email"]], [], p["subject"], p["text"])
        return verdict([exactly_one, *checks], diff, *new_message_allowances(row))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*compose_actions(p["to_email"], p["subject"], p["text"]),
                act.click("save-draft"), act.stop()]
