"""Make another saved address the default."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    is_update,
)
from webtwin.simulators.core.world import World

from ..models import Address
from ._orders import pick, verdict

__all__ = ["ChangeDefaultAddress"]

_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z]?\s+")


class ChangeDefaultAddress(TaskFamily):
    """Make the saved address on a named street in a named city the default.

    ## Description
    One of the address book's other addresses is named by its street and city (with the house
    number only when two addresses share the street in that city); the agent makes it the
    default, from the address book or the edit form.

    ## Goal
    "Make my address on Clementine Walk in Tallis Ford my default address."

    ## Parameters
    - `address_id`: the address; `street`, `city`: how the instruction names it.
    - `old_default_id`: the default before.

    ## Success criteria
    Exactly one address is the default, and it is `address_id`; besides the default flags
    nothing changed (no address edited, added or removed).
    """

    id = "shop/change_default_address"
    difficulty = "easy"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            book = list(s.scalars(select(Address).order_by(Address.id)))
            old = next((a.id for a in book if a.is_default), None)
            streets = Counter((_street(a.line1).casefold(), a.city.casefold()) for a in book)
            target = pick(rng, [a for a in book if not a.is_default], "address to make default")
            street = _street(target.line1)
            if streets[(street.casefold(), target.city.casefold())] > 1:
                street = target.line1
            params = {"address_id": target.id, "street": street, "city": target.city,
                      "old_default_id": old}
        return TaskInstance(
            family=self.id, params=params,
            instruction=(f"Make my address on {params['street']} in {params['city']} my "
                         "default address."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        with after.session() as s:
            defaults = list(s.scalars(select(Address.id).where(Address.is_default.is_(True))
                                      .order_by(Address.id)))
        return verdict(
            [Check("the address is the default", defaults == [p["address_id"]],
                   f"defaults: {defaults}, expected [{p['address_id']}]")],
            diff, is_update("shop_address", [p["address_id"], p["old_default_id"]],
                            {"is_default"}))

    def solve(self, instance: TaskInstance) -> list[str]:
        return [act.click("nav-account"), act.click("nav-addresses"),
                act.click(f"default-address-{instance.params['address_id']}"), act.stop()]


def _street(line1: str) -> str:
    """"626 Clementine Walk" -> "Clementine Walk"."""
    return _HOUSE_NUMBER.sub("", line1.strip()) or line1
