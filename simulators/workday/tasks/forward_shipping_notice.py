"""Forward the shop's shipping notice of a named order to a contact."""

from __future__ import annotations

import re
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
from webtwin.simulators.mail.models import Message
from webtwin.simulators.shop.models import Order
from webtwin.simulators.shop.services.notices import order_items

from ._common import (
    has_text,
    open_mail_thread,
    pick_writer,
    sent_messages,
    split_addresses,
    verdict,
)

__all__ = ["ForwardShippingNotice"]

SHIPPING = "shipping@cartwheel.example"
ORDER_NO = re.compile(r"Order #(\d{3}-\d{7}-\d{7})")


@dataclass(frozen=True)
class Notice:
    """A shipping notice in the mailbox and the order it is about."""

    thread_id: int
    message_id: int
    subject: str
    order_id: int
    order_number: str
    title: str  # the order's first item, as the notice's subject names it
    tracking: str


def notices(s: Session) -> list[Notice]:
    """The "Shipped:" emails in the mailbox, by message id, with their orders."""
    found = []
    for message in s.scalars(select(Message).where(Message.sender_email == SHIPPING,
                                                   Message.subject.startswith("Shipped:"))
                             .order_by(Message.id)):
        number = ORDER_NO.search(message.body)
        order = s.scalars(select(Order).where(Order.number == number.group(1))).first() \
            if number else None
        if order is None or not order.tracking_number:
            continue
        items = order_items(s, order.id)
        found.append(Notice(message.thread_id, message.id, message.subject, order.id,
                            order.number, items[0].title, order.tracking_number))
    return found


class ForwardShippingNotice(TaskFamily):
    """Forward Cartwheel's shipping notice of a named order to a contact.

    ## Description
    The shop mails a "Shipped:" notice (carrier and tracking number) when an order leaves the
    warehouse. The instruction names the order by its first item; the agent finds that notice
    among the order's confirmation, delivery notice and other mail, and forwards it.

    ## Goal
    "Forward the shipping notice for my Cartwheel order of "Keystrel Ridge Max LED Desk Lamp,
    5 Colour Modes" to Tom Weber (tom.weber@fernhill.test)."

    ## Parameters
    - `thread_id`, `message_id`, `subject`: the notice; `order_id`, `order_number`, `title`,
      `tracking`: its order, first item and tracking number.
    - `to_name`, `to_email`: the contact.

    ## Success criteria
    Exactly one message sent, to `to_email` only, whose subject contains the notice's subject
    and whose body contains the tracking number; nothing else changed except mail marked read.
    """

    id = "workday/forward_shipping_notice"
    difficulty = "medium"
    sites = ("mail", "shop")

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            notice = pick(rng, notices(s), "shipping notice in the mailbox")
            contact = pick_writer(s, rng, "any")
        return TaskInstance(
            family=self.id,
            params={**asdict(notice), "to_name": contact.name, "to_email": contact.email},
            instruction=(f'Forward the shipping notice for my Cartwheel order of "{notice.title}" '
                         f"to {contact.name} ({contact.email})."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        sent = sent_messages(diff)
        fwd = sent[0] if len(sent) == 1 else None
        fwd_id = fwd["id"] if fwd is not None else None
        thread = fwd["thread_id"] if fwd is not None else None
        return verdict(
            [Check("exactly one message sent", fwd is not None, f"{len(sent)} sent"),
             Check("to the contact only", fwd is not None and split_addresses(
                 f"{fwd['to_addrs']}, {fwd['cc_addrs']}, {fwd['bcc_addrs']}") == {p["to_email"]}),
             Check("forwards the notice", fwd is not None and has_text(fwd["subject"],
                                                                       p["subject"])),
             Check("carries the tracking number",
                   fwd is not None and has_text(fwd["body"], p["tracking"]))],
            diff,
            lambda table, kind, old, new: kind == "inserted" and new is not None and (
                (table == "mail_message" and new["id"] == fwd_id)
                or (table == "mail_thread" and new["id"] == thread)))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_mail_thread(f"from:{SHIPPING}", p["thread_id"]),
                act.click(f"forward-{p['message_id']}"), act.fill("to", p["to_email"]),
                act.click("send"), act.stop()]
