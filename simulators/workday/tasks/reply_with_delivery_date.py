"""Tell a colleague, by reply, when the item ordered for them will arrive."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    pick,
)
from webtwin.simulators.core.world import World
from webtwin.simulators.shop.models import Order
from webtwin.simulators.shop.services.common import DAY, HOUR, short_date
from webtwin.simulators.shop.services.notices import order_items

from ._common import (
    SHOP,
    THREAD_ACTIVITY,
    is_update,
    mail_reply_checks,
    new_text,
    open_mail_thread,
    owner_first,
    pick_writer,
    plant_email,
    reply_actions,
    verdict,
)
from ._dates import mentions_date

__all__ = ["ReplyWithDeliveryDate"]

SUBJECTS = ("When will it arrive?", "Delivery date?", "Quick question about the delivery")
IN_TRANSIT = ("shipped", "out_for_delivery")


@dataclass(frozen=True)
class Shipment:
    order_id: int
    order_number: str
    title: str  # the order's first item
    estimated_delivery: int
    placed_at: int


def in_transit(s: Session) -> list[Shipment]:
    """Orders on their way (shipped or out for delivery), by id."""
    orders = s.scalars(select(Order).where(Order.status.in_(IN_TRANSIT)).order_by(Order.id))
    return [Shipment(o.id, o.number, order_items(s, o.id)[0].title, o.estimated_delivery,
                     o.placed_at) for o in orders]


def _sent_at(rng: Random, now: int, shipment: Shipment) -> int:
    """A recent moment after the order, never on the delivery day itself: the reply's quote
    of the email carries its date, which must not pass for an answer."""
    at = max(shipment.placed_at + HOUR, now - rng.randint(10, 8 * 60) * 60)
    if at // DAY == shipment.estimated_delivery // DAY:
        at = shipment.estimated_delivery - rng.randint(1, 4) * HOUR
    return at


class ReplyWithDeliveryDate(TaskFamily):
    """Reply to a colleague with the estimated delivery date of the order made for them.

    ## Description
    A colleague asks by email when the item the owner ordered for them will arrive. The
    agent finds that in-transit order in the shop (or its notices), reads its estimated
    delivery date, and replies in the conversation with the date.

    ## Goal
    "Karim Benali asked when the thing you ordered for them will arrive. Reply to the email
    with its estimated delivery date."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the planted email.
    - `order_id`, `order_number`, `title`, `estimated_delivery` (UTC midnight of the day),
      `placed_at`: the order; `date`: the date as the shop writes it ("Tue, Jun 9").

    ## Success criteria
    Exactly one message sent, in the conversation, to the colleague, whose own text (quotes
    left out) names the estimated delivery day in a usual format ("Tue, Jun 9", "June 9th",
    "9 June", "2026-06-09", "6/9"...); nothing else changed except mail marked read.
    """

    id = "workday/reply_with_delivery_date"
    difficulty = "medium"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.transaction() as s:
            shipment = pick(rng, in_transit(s), "order in transit")
            writer = pick_writer(s, rng, "any")
            body = (f"Hi {owner_first(s)},\n\nDo you know when the {shipment.title} you "
                    f"ordered for me will arrive? I would like to plan around it.\n\n"
                    f"Thanks,\n{writer.first}")
            planted = plant_email(s, world, writer, rng.choice(SUBJECTS), body,
                                  _sent_at(rng, world.now, shipment))
        return TaskInstance(
            family=self.id, params={**planted.params(), **asdict(shipment),
                                    "date": short_date(shipment.estimated_delivery)},
            instruction=(f"{writer.name} asked when the thing you ordered for them "
                         "will arrive. Reply to the email with its estimated delivery date."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        reply, checks = mail_reply_checks(diff, p)
        own = new_text(reply["body"]) if reply is not None else ""
        checks.append(Check("gives the delivery date",
                            mentions_date(own, p["estimated_delivery"]),
                            f"expected {p['date']}"))
        reply_id = reply["id"] if reply is not None else None
        return verdict(checks, diff,
                       lambda table, kind, old, new: (table == "mail_message"
                                                      and kind == "inserted" and new is not None
                                                      and new["id"] == reply_id),
                       is_update("mail_thread", [p["thread_id"]], THREAD_ACTIVITY))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        first = p["sender_name"].split(" ")[0]
        return [*open_mail_thread(f"from:{p['sender_email']}", p["thread_id"]),
                act.goto(f"{SHOP}/orders/{p['order_id']}"),
                *reply_actions(p, f"Hi {first},\n\nIt should arrive on {p['date']}.\n\nBest"),
                act.stop()]
