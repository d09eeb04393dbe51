"""Ask a contact for a fact by email, wait for the reply, and answer with it (multi-step)."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._asking import ask_actions, ask_allowances, ask_checks, askable
from ._common import answer_check, pick, verdict

__all__ = ["AskAndAnswer"]


class AskAndAnswer(TaskFamily):
    """Find out a fact only a contact knows: email them, wait for their answer, report it.

    ## Description
    Nothing in the mailbox states the fact yet. The agent emails the contact asking about it
    (mentioning it by name), waits while time passes until the reply arrives, reads it and
    answers with the value.

    ## Goal
    "Email Priya Raman to ask for the budget code, wait for the answer, and tell me what it
    is. Answer with just the value."

    ## Parameters
    - `rule_id`, `contact_name`, `contact_email`: whom to ask.
    - `keyword`: what their rule listens for; `what`: how the instruction names it (it
      contains `keyword`); `fact`: the value they answer; `delay_seconds`: how long they take.

    ## Success criteria
    A sent message to the contact mentions `keyword`, their reply arrived, and the answer is
    `fact`; besides that conversation nothing changed except messages marked read.
    """

    id = "mail/ask_and_answer"
    difficulty = "hard"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            who = pick(rng, askable(s), "contact who answers questions")
        return TaskInstance(
            family=self.id, params=who.params(),
            instruction=(f"Email {who.contact_name} to ask for the {who.what}, wait for the "
                         "answer, and tell me what it is. Answer with just the value."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        return verdict([*ask_checks(diff, p), answer_check(answer, p["fact"])],
                       diff, *ask_allowances(diff, p))

    def solve(self, instance: TaskInstance) -> list[str]:
        return [*ask_actions(instance.params), act.stop(instance.params["fact"])]
