"""The shopper: account, address book, cards and the store's promo codes."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from webtwin.simulators.core.crosssite import email_owner
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.world import World

from ..models import Account, Address, PaymentCard, PromoCode
from ..services.account import AddressFields, add_address, add_card
from ..services.common import DAY, money

__all__ = ["dollars", "make_account", "make_addresses", "make_cards", "make_promos", "phone_number"]

# Letters NFKD does not split into base + accent.
_SPECIAL = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae",
                          "Æ": "ae", "đ": "d", "Đ": "d", "ı": "i", "œ": "oe", "þ": "th",
                          "ð": "d"})


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def dollars(cents: int) -> str:
    """"$50" for whole dollars, else "$12.50"."""
    return f"${cents // 100:,}" if cents % 100 == 0 else money(cents)


def phone_number(rng: Random) -> str:
    """A fictional number in the reserved 555-01xx range."""
    return f"+1 555 01{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}"


def make_account(s: Session, world: World, rng: Random, corpus: dict[str, Any],
                 people: list[dict[str, str]]) -> Account:
    """The shopper: the mailbox owner when the world has a mailbox, else someone new."""
    person = rng.choice(people)
    name = f"{person['first']} {person['last']}"
    email = (f"{ascii_slug(person['first'])}.{ascii_slug(person['last'])}"
             f"@{rng.choice(corpus['personal_domains'])}")
    phone, days = phone_number(rng), rng.randint(400, 2500)
    owner = email_owner(s, world)
    if owner is not None:
        name, email = owner
    account = Account(id=1, name=name, email=email, phone=phone, cart_promo_code=None,
                      member_since=world.now - days * DAY)
    s.add(account)
    s.flush()
    return account


def _fields(rng: Random, corpus: dict[str, Any], name: str, phone: str,
            unit: bool) -> AddressFields:
    place = rng.choice(corpus["cities"])
    return AddressFields(
        full_name=name, line1=f"{rng.randint(2, 2999)} {rng.choice(corpus['streets'])}",
        line2=rng.choice(corpus["units"]) if unit else "", city=place["city"],
        region=place["region"], postal_code=f"{place['postal']}{rng.randint(0, 99):02d}",
        phone=phone)


def make_addresses(s: Session, world: World, rng: Random, corpus: dict[str, Any],
                   account: Account, people: list[dict[str, str]]) -> list[Address]:
    """Home (default), then some of: work, a relative's home, a holiday flat (2–4 in all)."""
    count = rng.randint(2, 4)
    relative = rng.choice([p for p in people if f"{p['first']} {p['last']}" != account.name])
    plans = [(account.name, account.phone, rng.random() < 0.4),
             (account.name, "", True),
             (f"{relative['first']} {relative['last']}", phone_number(rng), False),
             (account.name, account.phone, True)][:count]
    made = []
    for name, phone, unit in plans:
        made.append(add_address(s, world, _fields(rng, corpus, name, phone, unit)))
    return made


def _luhn_number(rng: Random, first: str, length: int) -> str:
    body = first + "".join(str(rng.randint(0, 9)) for _ in range(length - 2))
    total = 0
    for index, ch in enumerate(reversed(body)):
        value = int(ch) * (1 if index % 2 else 2)  # the check digit will sit at index 0
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _month_offset(now: int, months: int) -> tuple[int, int]:
    """(month, year) `months` from the month of `now` (negative: before)."""
    moment = datetime.fromtimestamp(now, UTC)
    index = moment.year * 12 + moment.month - 1 + months
    return index % 12 + 1, index // 12


def make_cards(s: Session, world: World, rng: Random, holder: str) -> list[PaymentCard]:
    """A valid default card, an expired one, sometimes a third valid one."""
    networks = [("4", 16), ("5", 16), ("3", 15)]
    rng.shuffle(networks)
    month, year = _month_offset(world.now, rng.randint(12, 48))
    cards = [add_card(s, world, _luhn_number(rng, *networks[0]), holder, month, year)]
    month, year = _month_offset(world.now, -rng.randint(1, 10))
    last4 = _luhn_number(rng, *networks[1])[-4:]
    expired = PaymentCard(id=World.next_id(s, PaymentCard.__tablename__),
                          network={"4": "Novacard", "5": "Orbit", "3": "Lumen"}[networks[1][0]],
                          last4=last4, holder=holder, exp_month=month, exp_year=year,
                          is_default=False)
    s.add(expired)
    cards.append(expired)
    if rng.random() < 0.5:
        month, year = _month_offset(world.now, rng.randint(6, 36))
        cards.append(add_card(s, world, _luhn_number(rng, *networks[2]), holder, month, year))
    s.flush()
    return cards


def make_promos(s: Session, world: World, rng: Random, corpus: dict[str, Any]) -> list[PromoCode]:
    """5–8 codes: ≥ 2 valid without minimum, 1 valid with a minimum spend, ≥ 1 expired, 1 not
    started yet. Windows run from midnight to midnight (UTC)."""
    today = world.now // DAY * DAY
    kinds = ["open", "open", "minimum", "expired", "future"]
    kinds += rng.choices(["open", "expired", "minimum"], k=rng.randint(0, 3))
    words = {kind: rng.sample(corpus["promo_words"][kind], len(corpus["promo_words"][kind]))
             for kind in ("percent", "amount")}
    promos = []
    for role in kinds:
        kind = "percent" if rng.random() < 0.6 or not words["amount"] else "amount"
        promos.append(_promo(s, rng, role, kind, words[kind].pop(), today))
    s.flush()
    return promos


def _promo(s: Session, rng: Random, role: str, kind: str, word: str, today: int) -> PromoCode:
    value = rng.choice((10, 15, 20, 25)) if kind == "percent" else rng.choice((5, 10, 15)) * 100
    minimum = rng.choice((50, 75, 100)) * 100 if role == "minimum" else 0
    if role == "expired":
        expires = today - rng.randint(3, 25) * DAY
        starts = expires - rng.randint(14, 45) * DAY
    elif role == "future":
        starts = today + rng.randint(2, 10) * DAY
        expires = starts + rng.randint(7, 30) * DAY
    else:
        starts = today - rng.randint(3, 30) * DAY
        expires = today + rng.randint(6, 40) * DAY
    code = f"{word}{value if kind == 'percent' else value // 100}"
    off = f"{value}% off" if kind == "percent" else f"{dollars(value)} off"
    terms = f"orders of {dollars(minimum)} or more" if minimum else "any order"
    promo = PromoCode(id=World.next_id(s, PromoCode.__tablename__), code=code, kind=kind,
                      value=value, min_subtotal_cents=minimum, starts_at=starts,
                      expires_at=expires, description=f"{off} {terms}")
    s.add(promo)
    return promo
