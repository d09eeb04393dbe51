"""Answer a question: the tracking number of a shipment (no change allowed)."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._common import answer_check, open_thread_actions, pick, verdict
from ._shipments import shipments

__all__ = ["AnswerTrackingNumber"]


class AnswerTrackingNumber(TaskFamily):
    """Find the tracking number of a named product's shipment and answer with it.

    ## Description
    Shipping notices (Updates) state a tracking number; the agent finds the one for the named
    product and answers with the number. Reading mail is fine; changing anything is not.

    ## Goal
    "What is the tracking number of my Brightnook Desk Lamp shipment? Answer with just the
    tracking number."

    ## Parameters
    - `product`, `tracking`: the product and its tracking number.
    - `thread_id`, `message_id`, `subject`, `sender_name`: the notice that states it.

    ## Success criteria
    The answer, normalised, equals `tracking`; nothing changed except messages marked read.
    """

    id = "mail/answer_tracking_number"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            found = shipments(s)
        # One notice per product: the first, so repeated notices do not weigh the draw.
        first = {item.product: item for item in reversed(found)}
        shipment = pick(rng, [first[p] for p in sorted(first)], "shipping notice")
        return TaskInstance(
            family=self.id, params=shipment.params(),
            instruction=(f"What is the tracking number of my {shipment.product} shipment? "
                         "Answer with just the tracking number."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        return verdict([answer_check(answer, instance.params["tracking"])], diff)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'"{p["product"]}"', p["thread_id"]),
                act.stop(p["tracking"])]
