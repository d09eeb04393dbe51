"""Save a new payment card, as the default or not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    inserted,
    is_insert,
    is_update,
)
from webtwin.simulators.core.world import World

from ..models import PaymentCard
from ..services.account import NETWORKS
from ..services.common import account
from ._orders import same_text, verdict

__all__ = ["AddPaymentCard", "luhn_number"]

# First digit -> number length (Lumen numbers have 15 digits).
LENGTHS = {"4": 16, "5": 16, "3": 15}


def luhn_number(rng: Random, first: str, length: int) -> str:
    """A fictional card number starting with `first` whose last digit makes it Luhn-valid."""
    body = first + "".join(str(rng.randint(0, 9)) for _ in range(length - 2))
    total = 0
    for index, ch in enumerate(reversed(body)):
        value = int(ch) * (2 if index % 2 == 0 else 1)  # the check digit will sit before it
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def spaced(number: str) -> str:
    """"4539 1488 0343 6467"; 15-digit numbers as "3782 822463 10005"."""
    cuts = (4, 10) if len(number) == 15 else (4, 8, 12)
    parts, start = [], 0
    for cut in (*cuts, len(number)):
        parts.append(number[start:cut])
        start = cut
    return " ".join(parts)


class AddPaymentCard(TaskFamily):
    """Save a card with a given number, holder and expiry; make it the default or not.

    ## Description
    The instruction states a fictional, Luhn-valid card number (Novacard, Orbit or Lumen),
    the name on the card, an expiry month and year after the world's clock, and whether the
    card becomes the default payment method. The agent adds it under Your Payments.

    ## Goal
    "Add this card to my account: number 4539 1488 0343 6467, name on card Vera Lindgren,
    expiring 08/2029. Make it my default payment method."

    ## Parameters
    - `number` (digits), `network`, `last4`, `holder`, `exp_month`, `exp_year`.
    - `make_default`: whether it must become the default; `old_default_id`: the default
      before.

    ## Success criteria
    Exactly one card was saved: its network, last four digits, holder and expiry are the
    given ones and it is the default exactly when asked; besides that (and, when asked, the
    old default losing its flag) nothing changed.
    """

    id = "shop/add_payment_card"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            holder = account(s).name
            cards = list(s.scalars(select(PaymentCard).order_by(PaymentCard.id)))
        taken = {card.last4 for card in cards}
        first = rng.choice(sorted(NETWORKS))
        number = luhn_number(rng, first, LENGTHS[first])
        while number[-4:] in taken:
            number = luhn_number(rng, first, LENGTHS[first])
        year = dt.datetime.fromtimestamp(world.now, dt.UTC).year + rng.randint(1, 6)
        month = rng.randint(1, 12)
        make_default = rng.random() < 0.5
        params = {"number": number, "network": NETWORKS[first], "last4": number[-4:],
                  "holder": holder, "exp_month": month, "exp_year": year,
                  "make_default": make_default,
                  "old_default_id": next((c.id for c in cards if c.is_default), None)}
        default = ("Make it my default payment method." if make_default
                   else "Keep my current default card as the default.")
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Add this card to my account: number {spaced(number)}, name on card "
                         f"{holder}, expiring {month:02d}/{year}. {default}"))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        rows = inserted(diff, "shop_payment_card")
        row = rows[0] if len(rows) == 1 else None
        allows = [is_insert("shop_payment_card", lambda r: r["last4"] == p["last4"])]
        if p["make_default"] and p["old_default_id"] is not None:
            allows.append(is_update("shop_payment_card", [p["old_default_id"]], {"is_default"}))
        return verdict(
            [Check("exactly one card saved", row is not None, f"{len(rows)} cards"),
             Check("the number", row is not None and row["network"] == p["network"]
                   and row["last4"] == p["last4"], f"{p['network']} ending in {p['last4']}"),
             Check("the holder", row is not None and same_text(row["holder"], p["holder"])),
             Check("the expiry", row is not None
                   and (row["exp_month"], row["exp_year"]) == (p["exp_month"], p["exp_year"]),
                   f"expected {p['exp_month']:02d}/{p['exp_year']}"),
             Check("default as asked", row is not None
                   and bool(row["is_default"]) == p["make_default"],
                   f"make_default={p['make_default']}")],
            diff, *allows)

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        steps = [act.click("nav-account"), act.click("nav-payments"), act.click("new-card"),
                 act.fill("card-number", spaced(p["number"])), act.fill("card-holder", p["holder"]),
                 act.select_option("card-exp-month", str(p["exp_month"])),
                 act.select_option("card-exp-year", str(p["exp_year"]))]
        if p["make_default"]:
            steps.append(act.check("card-make-default"))
        return [*steps, act.click("save-card"), act.stop()]
