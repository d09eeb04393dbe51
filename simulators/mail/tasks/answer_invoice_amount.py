"""Answer a question: the amount due on an invoice, read from its attachment."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    normalize_answer,
)
from webtwin.simulators.core.world import World

from ._common import open_thread_actions, pick, verdict
from ._invoices import invoices

__all__ = ["AnswerInvoiceAmount", "amount_matches"]

_CURRENCY = re.compile(r"[$€£]")
_AMOUNT = re.compile(r"^[$€£]?\s*\d{1,3}(?:,?\d{3})*(?:\.\d{1,2})?\s*[$€£]?$")


def _value(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[^\d.]", "", text))
    except InvalidOperation:
        return None


def amount_matches(answer: str | None, expected: str) -> bool:
    """Same amount: "$1,284.50" is matched by "1284.50" or "$1,284.5", not by "€1,284.50"."""
    got = normalize_answer(answer)
    if got == normalize_answer(expected):
        return True
    if not _AMOUNT.match(got):
        return False
    symbols = set(_CURRENCY.findall(got))
    if symbols and symbols != set(_CURRENCY.findall(expected)):
        return False
    value = _value(got)
    return value is not None and value == _value(expected)


class AnswerInvoiceAmount(TaskFamily):
    """Find an invoice by number and vendor and answer with its amount due.

    ## Description
    Each invoice email carries a PDF (its text is viewable) stating the amount due; the agent
    opens it and answers with that amount. Reading is fine; changing anything is not.

    ## Goal
    "How much is due on invoice INV-20417 from Kestrel Supplies? Answer with the amount as
    written on the invoice."

    ## Parameters
    - `invoice_no`, `payee`, `amount`, `due_date`: the facts printed on the invoice.
    - `thread_id`, `message_id`, `attachment_id`, `filename`, ...: where it is.

    ## Success criteria
    The answer is `amount` (currency symbol and thousands separators may be left out);
    nothing changed except messages marked read.
    """

    id = "mail/answer_invoice_amount"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            invoice = pick(rng, invoices(s), "invoice")
        return TaskInstance(
            family=self.id, params=invoice.params(),
            instruction=(f"How much is due on invoice {invoice.invoice_no} from {invoice.payee}? "
                         "Answer with the amount as written on the invoice."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        expected = instance.params["amount"]
        return verdict([Check("answer", amount_matches(answer, expected),
                              f"expected {expected!r}, got {answer!r}")], diff)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        return [*open_thread_actions(f'"{p["invoice_no"]}"', p["thread_id"]),
                act.click(f"attachment-{p['attachment_id']}"), act.stop(p["amount"])]
