"""Return, as damaged, the item a contact says arrived broken (named only in their email)."""

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
    inserted,
    pick,
)
from webtwin.simulators.core.world import World
from webtwin.simulators.shop.models import Order, OrderItem
from webtwin.simulators.shop.services.common import DAY, HOUR
from webtwin.simulators.shop.services.returns import RETURN_WINDOW_DAYS

from ._common import (
    SHOP,
    open_mail_thread,
    owner_first,
    pick_writer,
    plant_email,
    quiet_reply,
    received_shop_mail,
    verdict,
)
from ._shopping import order_allowances

__all__ = ["ReturnDamagedItem"]

# The agent's whole episode fits well inside this margin before a return window closes.
MARGIN = 6 * HOUR
DAMAGE = ("the box was crushed and the contents are cracked",
          "the parcel came with a big dent in one side",
          "everything was broken when I opened the box",
          "the packaging was soaked and everything inside is ruined")
SUBJECTS = ("Bad news about the package", "The parcel arrived damaged", "Package problem")


@dataclass(frozen=True)
class Returnable:
    order_id: int
    order_number: str
    item_id: int
    title: str
    quantity: int
    delivered_at: int


def returnable(s: Session, now: int) -> list[Returnable]:
    """Items of delivered orders inside their return window, never returned, by item id."""
    rows = s.execute(select(OrderItem, Order).join(Order, Order.id == OrderItem.order_id)
                     .where(Order.status == "delivered", OrderItem.returned_quantity == 0)
                     .order_by(OrderItem.id)).all()
    return [Returnable(order.id, order.number, item.id, item.title, item.quantity,
                       order.delivered_at)
            for item, order in rows if order.delivered_at is not None
            and now + MARGIN < order.delivered_at + RETURN_WINDOW_DAYS * DAY]


def _body(owner: str, writer: str, item: Returnable, damage: str) -> str:
    one = item.quantity == 1
    what = "the" if one else ("both" if item.quantity == 2 else f"all {item.quantity}")
    return (f"Hi {owner},\n\nI'm sorry to say that {what} {item.title} you ordered for me "
            f"arrived damaged: {damage}. Could you send {'it' if one else 'them'} back to the "
            f"shop for a refund?\n\nThanks so much,\n{writer}")


class ReturnDamagedItem(TaskFamily):
    """Return the item a contact's email says arrived damaged, with reason "damaged".

    ## Description
    A contact emails that something the owner ordered for them arrived damaged; only the
    email names the item. The agent reads it, finds the delivered order holding that item in
    the shop, and returns every unit of it with the reason "damaged".

    ## Goal
    "Ana Souza emailed that something you ordered for them arrived damaged. Find out what it
    was and return it on Cartwheel."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the planted email.
    - `order_id`, `order_number`, `item_id`, `title`, `quantity`: the item and its order.

    ## Success criteria
    Returns of `item_id` only, all `quantity` units in all, each with reason `damaged` (one
    return of every unit or several smaller ones). Nothing else changed besides what the
    returns write (refund, notice, refund email), an optional reply to the contact in their
    conversation, and mail marked read.
    """

    id = "workday/return_damaged_item"
    difficulty = "medium"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.transaction() as s:
            item = pick(rng, returnable(s, world.now), "delivered item inside its return window")
            writer = pick_writer(s, rng, "any")
            sent_at = max(item.delivered_at + HOUR, world.now - rng.randint(30, 36 * 60) * 60)
            planted = plant_email(s, world, writer, rng.choice(SUBJECTS),
                                  _body(owner_first(s), writer.first, item, rng.choice(DAMAGE)),
                                  min(sent_at, world.now - 5 * 60))
        return TaskInstance(
            family=self.id, params={**planted.params(), **asdict(item)},
            instruction=(f"{writer.name} emailed that something you ordered for them "
                         "arrived damaged. Find out what it was and return it on Cartwheel."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        returns = inserted(diff, "shop_return")
        items = {row["order_item_id"] for row in returns}
        units = sum(row["quantity"] for row in returns)
        reasons = {row["reason"] for row in returns}
        checks = [
            Check("returned", bool(returns), "no return"),
            Check("only the damaged item", items <= {p["item_id"]}, f"items {sorted(items)}"),
            Check("every unit", units == p["quantity"], f"{units} of {p['quantity']} units"),
            Check("reason: damaged", reasons <= {"damaged"}, f"reasons {sorted(reasons)}"),
        ]
        return verdict(checks, diff, *order_allowances(diff, {p["order_id"]}, cart=False),
                       *received_shop_mail(diff), *quiet_reply(p))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_mail_thread(f"from:{p['sender_email']}", p["thread_id"]),
                act.goto(f"{SHOP}/orders/{p['order_id']}"), act.click(f"return-{p['item_id']}"),
                act.select_option("return-quantity", str(p["quantity"])),
                act.select_option("return-reason", "damaged"),
                act.fill("return-comment", "Arrived damaged."), act.click("submit-return"),
                act.stop()]
