"""Answer a question: when an order on its way is expected to arrive."""

from __future__ import annotations

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Order
from ._orders import (
    date_check,
    one_per_order,
    open_order_actions,
    order_refs,
    pick,
    short_date,
    verdict,
)

__all__ = ["AnswerDeliveryDate"]


class AnswerDeliveryDate(TaskFamily):
    """Answer when an order that has not arrived yet is expected, naming it by an item.

    ## Description
    An order that is placed or shipped (not out for delivery, which arrives today) is named
    by one of its items; the agent finds it and answers with its estimated delivery date.
    Reading is fine; changing anything is not.

    ## Goal
    'When is my order with the "Summitfox Kite Sleeping Bag" expected to arrive? Answer with
    the date.'

    ## Parameters
    - `order_id`, `number`, `placed_at`, `item_id`, `product_id`, `item_name`: the order.
    - `estimated_delivery`: UTC midnight of the expected day.

    ## Success criteria
    The answer names that day ("Tue, Mar 10", "March 10", "Mar 10, 2026", "2026-03-10"...;
    a stated year or weekday must be right, and no other date may be named); nothing
    changed.
    """

    id = "shop/answer_delivery_date"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            refs = one_per_order(order_refs(s, ("placed", "shipped")))
            ref = pick(rng, refs, "order on its way")
            order = s.get(Order, ref.order_id)
            assert order is not None
            when = order.estimated_delivery
        return TaskInstance(
            family=self.id, params={**ref.params(), "estimated_delivery": when},
            instruction=(f'When is my order with the "{ref.item_name}" expected to arrive? '
                         "Answer with the date."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        return verdict([date_check(answer, instance.params["estimated_delivery"])], diff)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_order_actions(p["order_id"]), act.stop(short_date(p["estimated_delivery"]))]
