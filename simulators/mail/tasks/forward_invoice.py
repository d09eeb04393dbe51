"""Forward an invoice, with its attachment, to a colleague with a note."""

from __future__ import annotations

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import Check, TaskFamily, TaskInstance, Verdict, agent_changes
from webtwin.simulators.core.world import World

from ..models import Contact
from ._common import (
    THREAD_ACTIVITY,
    domain_of,
    has_text,
    inserted,
    inserted_messages,
    is_insert,
    is_update,
    open_thread_actions,
    pick,
    rule_emails,
    split_addresses,
    verdict,
)
from ._invoices import invoices

__all__ = ["ForwardInvoice"]

NOTES = (
    "Please process this payment.",
    "Can you pay this one before the due date?",
    "For your records, please file this.",
    "Please check this against the budget and pay it.",
)


class ForwardInvoice(TaskFamily):
    """Forward a vendor's invoice email, attachment included, to a colleague with a note.

    ## Description
    One of the invoices in the mailbox is named by vendor and number; the agent forwards that
    email (so the PDF goes along) to a named contact and writes the given note.

    ## Goal
    "Forward invoice INV-2041 from Kestrel Supplies to Tom Weber (tom.weber@fernhill.test)
    with the note: "Please process this payment.""

    ## Parameters
    - `thread_id`, `message_id`, `attachment_id`, `filename`, `invoice_no`, `payee`, ...:
      the invoice (see `_invoices.Invoice`).
    - `to_name`, `to_email`: the colleague; `note`: the text the body must contain.

    ## Success criteria
    Exactly one message was sent, to `to_email` only, its body contains `note`, and it carries
    a copy of the invoice attachment; nothing else changed except messages marked read.
    """

    id = "mail/forward_invoice"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            invoice = pick(rng, invoices(s), "invoice")
            quiet = rule_emails(s)
            colleagues = [c for c in s.scalars(select(Contact).order_by(Contact.id))
                          if c.email not in quiet
                          and domain_of(c.email) != domain_of(invoice.sender_email)]
            colleague = pick(rng, colleagues, "colleague to forward to")
            name, email = colleague.name, colleague.email
        note = rng.choice(NOTES)
        return TaskInstance(
            family=self.id,
            params={**invoice.params(), "to_name": name, "to_email": email, "note": note},
            instruction=(f"Forward invoice {invoice.invoice_no} from {invoice.payee} to {name} "
                         f'({email}) with the note: "{note}"'))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        sent = inserted_messages(diff, "sent")
        fwd = sent[0] if len(sent) == 1 else None
        fwd_id = fwd["id"] if fwd else None
        files = [a["filename"] for a in inserted(diff, "mail_attachment")
                 if a["message_id"] == fwd_id]
        new_threads = {fwd["thread_id"]} if fwd else set()
        return verdict(
            [Check("exactly one message sent", fwd is not None, f"{len(sent)} sent"),
             Check("to the colleague", fwd is not None and split_addresses(
                 f'{fwd["to_addrs"]}, {fwd["cc_addrs"]}') == {p["to_email"]}),
             Check("has the note", fwd is not None and has_text(fwd["body"], p["note"])),
             Check("invoice attached", p["filename"] in files, f"attachments: {files}")],
            diff, is_insert("mail_message", lambda row: row["id"] == fwd_id),
            is_insert("mail_attachment", lambda row: row["message_id"] == fwd_id),
            is_insert("mail_thread", lambda row: row["id"] in new_threads),
            is_update("mail_thread", [p["thread_id"]], THREAD_ACTIVITY))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'"{p["invoice_no"]}"', p["thread_id"]),
                act.click(f"forward-{p['message_id']}"), act.fill("to", p["to_email"]),
                act.fill("body", p["note"]), act.click("send"), act.stop()]
