"""The shopper's profile, address book and saved cards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Account, Address, PaymentCard
from .common import account, clean_text, clock, get_address, get_card, session_now
from .errors import ShopError

__all__ = [
    "NETWORKS", "AddressFields", "add_address", "add_card", "card_expired", "card_expires_at",
    "delete_address", "delete_card", "luhn_valid", "set_default_address", "set_default_card",
    "update_address", "update_profile",
]

NETWORKS = {"4": "Novacard", "5": "Orbit", "3": "Lumen"}  # by the number's first digit
_PHONE = re.compile(r"[0-9+()./ -]*")
_Row = TypeVar("_Row", Address, PaymentCard)
_POSTAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]")


@dataclass(frozen=True)
class AddressFields:
    """The fields of the address form (stripped and checked by the services)."""

    full_name: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str = "United States"
    line2: str = ""
    phone: str = ""


# -- profile ----------------------------------------------------------------------------------
def update_profile(s: Session, name: str, phone: str) -> Account:
    """Change the shopper's name and phone number."""
    clean_name = clean_text(name, 200, "your name")
    clean_phone = _phone(phone)
    owner = account(s)
    owner.name, owner.phone = clean_name, clean_phone
    s.flush()
    return owner


def _phone(phone: object) -> str:
    text = clean_text(phone if phone is not None else "", 60, "a phone number", required=False)
    if not _PHONE.fullmatch(text) or (text and sum(ch.isdigit() for ch in text) < 5):
        raise ShopError(f"{text!r} is not a phone number (digits, spaces, + - ( ) only)")
    return text


# -- addresses --------------------------------------------------------------------------------
def _address_values(fields: AddressFields) -> dict[str, str]:
    values = {
        "full_name": clean_text(fields.full_name, 200, "the full name"),
        "line1": clean_text(fields.line1, 200, "the street address"),
        "line2": clean_text(fields.line2, 200, "the second address line", required=False),
        "city": clean_text(fields.city, 100, "the city"),
        "region": clean_text(fields.region, 100, "the state or region"),
        "postal_code": clean_text(fields.postal_code, 20, "the postal code"),
        "country": clean_text(fields.country, 60, "the country"),
        "phone": _phone(fields.phone),
    }
    if not _POSTAL.fullmatch(values["postal_code"]):
        raise ShopError(f"{values['postal_code']!r} is not a postal code (3–12 letters, digits, "
                        "spaces or dashes)")
    return values


def add_address(s: Session, world: World, fields: AddressFields,
                make_default: bool = False) -> Address:
    """A new address; the first one (or `make_default`) becomes the default."""
    values = _address_values(fields)
    first = s.scalars(select(Address.id).order_by(Address.id)).first() is None
    address = Address(id=World.next_id(s, Address.__tablename__), is_default=False, **values)
    s.add(address)
    s.flush()
    if first or make_default:
        _make_default(s, Address, address)
    return address


def update_address(s: Session, address_id: int, fields: AddressFields,
                   make_default: bool = False) -> Address:
    """Replace an address's fields (orders keep the address they were shipped to)."""
    address = get_address(s, address_id)
    for key, value in _address_values(fields).items():
        setattr(address, key, value)
    if make_default:
        _make_default(s, Address, address)
    s.flush()
    return address


def delete_address(s: Session, address_id: int) -> None:
    """Delete an address that is not the default."""
    address = get_address(s, address_id)
    if address.is_default:
        raise ShopError("This is your default address; make another address the default "
                        "before deleting it")
    s.delete(address)
    s.flush()


def set_default_address(s: Session, address_id: int) -> Address:
    address = get_address(s, address_id)
    _make_default(s, Address, address)
    return address


def _make_default(s: Session, model: type[_Row], row: _Row) -> None:
    """Exactly one default row of `model`: `row`."""
    for other in s.scalars(select(model).where(model.is_default.is_(True))
                           .order_by(model.id)).all():
        other.is_default = False
    row.is_default = True
    s.flush()


# -- cards ------------------------------------------------------------------------------------
def luhn_valid(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def card_expires_at(exp_month: int, exp_year: int) -> int:
    """The first instant after the card's last valid day (cards run to the end of the month)."""
    year, month = (exp_year + 1, 1) if exp_month == 12 else (exp_year, exp_month + 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


def card_expired(card: PaymentCard, at: int) -> bool:
    return at >= card_expires_at(card.exp_month, card.exp_year)


def _card_number(number: object) -> tuple[str, str]:
    """(network, digits) of a typed card number, or ShopError."""
    digits = re.sub(r"[ -]", "", number) if isinstance(number, str) else ""
    if not digits:
        raise ShopError("Enter the card number")
    if not digits.isdigit() or not 15 <= len(digits) <= 16 or not digits.isascii():
        raise ShopError("A card number has 15 or 16 digits")
    if digits[0] not in NETWORKS:
        raise ShopError("Cartwheel accepts Novacard (numbers starting with 4), Orbit (5) and "
                        "Lumen (3) cards")
    if not luhn_valid(digits):
        raise ShopError("That card number is not valid; check for a typo")
    return NETWORKS[digits[0]], digits


def _expiry(s: Session, world: World, exp_month: object, exp_year: object) -> tuple[int, int]:
    year_now = datetime.fromtimestamp(clock(s, world), UTC).year
    for value, low, high, what in ((exp_month, 1, 12, "month"),
                                   (exp_year, year_now, year_now + 20, "year")):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ShopError(f"Choose an expiry {what} from {low} to {high}")
    assert isinstance(exp_month, int) and isinstance(exp_year, int)
    if clock(s, world) >= card_expires_at(exp_month, exp_year):
        raise ShopError(f"This card expired in {exp_month:02d}/{exp_year}; use a current card")
    return exp_month, exp_year


def add_card(s: Session, world: World, number: str, holder: str, exp_month: int,
             exp_year: int, make_default: bool = False) -> PaymentCard:
    """Save a card (Luhn-checked, network by first digit, not expired)."""
    network, digits = _card_number(number)
    clean_holder = clean_text(holder, 200, "the name on the card")
    month, year = _expiry(s, world, exp_month, exp_year)
    same = s.scalars(select(PaymentCard.id).where(
        PaymentCard.network == network, PaymentCard.last4 == digits[-4:],
        PaymentCard.exp_month == month, PaymentCard.exp_year == year)).first()
    if same is not None:
        raise ShopError(f"Your {network} ending in {digits[-4:]} is already saved")
    first = s.scalars(select(PaymentCard.id).order_by(PaymentCard.id)).first() is None
    card = PaymentCard(id=World.next_id(s, PaymentCard.__tablename__), network=network,
                       last4=digits[-4:], holder=clean_holder, exp_month=month, exp_year=year,
                       is_default=False)
    s.add(card)
    s.flush()
    if first or make_default:
        _make_default(s, PaymentCard, card)
    return card


def delete_card(s: Session, card_id: int) -> None:
    """Delete a card that is not the default (orders keep their payment label)."""
    card = get_card(s, card_id)
    if card.is_default:
        raise ShopError("This is your default card; make another card the default before "
                        "deleting it")
    s.delete(card)
    s.flush()


def set_default_card(s: Session, card_id: int) -> PaymentCard:
    """Make a card the default (not an expired one)."""
    card = get_card(s, card_id)
    if card_expired(card, session_now(s)):
        raise ShopError(f"Your {card.network} ending in {card.last4} has expired; it cannot be "
                        "the default card")
    _make_default(s, PaymentCard, card)
    return card
