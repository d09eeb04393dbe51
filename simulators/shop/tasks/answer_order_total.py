"""Answer a question: the total of an order, by its number."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ._orders import money, money_check, open_order_actions, orders, pick, verdict

__all__ = ["AnswerOrderTotal"]


class AnswerOrderTotal(TaskFamily):
    """Look up an order by its number and answer with its grand total.

    ## Description
    Any of the shopper's orders (delivered, cancelled, in transit...) is named by its order
    number; the agent finds it in Your Orders (older ones only under a longer period) and
    answers with the total it was charged. Reading is fine; changing anything is not.

    ## Goal
    "What was the total of my order 902-3639132-1327159? Answer with just the amount."

    ## Parameters
    - `order_id`, `number`: the order; `total_cents`: its grand total.

    ## Success criteria
    The answer states the total (e.g. "$123.45", "123.45" or "$123.45 USD"; no other
    amount); nothing changed.
    """

    id = "shop/answer_order_total"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            order = pick(rng, orders(s), "order")
            params = {"order_id": order.id, "number": order.number,
                      "total_cents": order.total_cents}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"What was the total of my order {params['number']}? Answer with "
                         "just the amount."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        return verdict([money_check(answer, instance.params["total_cents"])], diff)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_order_actions(p["order_id"]), act.stop(money(p["total_cents"]))]
