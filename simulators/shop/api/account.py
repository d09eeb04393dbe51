"""API: the profile, the address book and saved cards."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import WorldDep

from .. import queries, services
from ..models import Account, Address, PaymentCard
from .schemas import AccountOut, AddressIn, AddressOut, CardIn, CardOut, IdPath, ProfileIn

__all__ = ["router"]

router = APIRouter(tags=["account"])


def _person(s: Session) -> Account:
    person = queries.account(s)
    if person is None:
        raise HTTPException(404, "this world has no shop account")
    return person


def _address(address: Address) -> AddressOut:
    return AddressOut.model_validate(address, from_attributes=True)


def _fields(body: AddressIn) -> services.AddressFields:
    return services.AddressFields(**body.model_dump(exclude={"make_default"}))


def _card(card: PaymentCard, now: int) -> CardOut:
    fields = {name: getattr(card, name) for name in CardOut.model_fields if name != "expired"}
    return CardOut(**fields, expired=queries.card_expired(card, now))


def _cards(s: Session, now: int) -> list[CardOut]:
    return [_card(c, now) for c in queries.cards(s)]


# -- profile ------------------------------------------------------------------------------------
@router.get("/account", response_model=AccountOut)
async def get_account(world: WorldDep) -> AccountOut:
    """The shopper's profile."""
    with world.session() as s:
        return AccountOut.model_validate(_person(s), from_attributes=True)


@router.patch("/account", response_model=AccountOut)
async def update_profile(world: WorldDep, body: ProfileIn) -> AccountOut:
    """Change the name and/or the phone number (omitted fields stay as they are)."""
    with world.transaction() as s:
        person = _person(s)
        name = person.name if body.name is None else body.name
        phone = person.phone if body.phone is None else body.phone
        services.update_profile(s, name, phone)
        return AccountOut.model_validate(person, from_attributes=True)


# -- addresses ----------------------------------------------------------------------------------
@router.get("/addresses", response_model=list[AddressOut])
async def list_addresses(world: WorldDep) -> list[AddressOut]:
    """The address book, default first."""
    with world.session() as s:
        return [_address(a) for a in queries.addresses(s)]


@router.post("/addresses", response_model=AddressOut, status_code=201)
async def add_address(world: WorldDep, body: AddressIn) -> AddressOut:
    """Add an address."""
    with world.transaction() as s:
        return _address(services.add_address(s, world, _fields(body), body.make_default))


@router.put("/addresses/{address_id}", response_model=AddressOut)
async def update_address(world: WorldDep, address_id: IdPath, body: AddressIn) -> AddressOut:
    """Replace an address's fields (`make_default` also makes it the default)."""
    with world.transaction() as s:
        return _address(services.update_address(s, address_id, _fields(body),
                                                body.make_default))


@router.delete("/addresses/{address_id}", response_model=list[AddressOut])
async def delete_address(world: WorldDep, address_id: IdPath) -> list[AddressOut]:
    """Remove an address (not the default one); answers the address book."""
    with world.transaction() as s:
        services.delete_address(s, address_id)
        return [_address(a) for a in queries.addresses(s)]


@router.post("/addresses/{address_id}/default", response_model=list[AddressOut])
async def set_default_address(world: WorldDep, address_id: IdPath) -> list[AddressOut]:
    """Make an address the default; answers the address book (default first)."""
    with world.transaction() as s:
        services.set_default_address(s, address_id)
        return [_address(a) for a in queries.addresses(s)]


# -- cards --------------------------------------------------------------------------------------
@router.get("/cards", response_model=list[CardOut])
async def list_cards(world: WorldDep) -> list[CardOut]:
    """Saved cards, default first."""
    with world.session() as s:
        return _cards(s, world.now)


@router.post("/cards", response_model=CardOut, status_code=201)
async def add_card(world: WorldDep, body: CardIn) -> CardOut:
    """Save a card."""
    with world.transaction() as s:
        card = services.add_card(s, world, body.number, body.holder, body.exp_month,
                                 body.exp_year, body.make_default)
        return _card(card, world.now)


@router.delete("/cards/{card_id}", response_model=list[CardOut])
async def delete_card(world: WorldDep, card_id: IdPath) -> list[CardOut]:
    """Remove a card (not the default one); answers the saved cards."""
    with world.transaction() as s:
        services.delete_card(s, card_id)
        return _cards(s, world.now)


@router.post("/cards/{card_id}/default", response_model=list[CardOut])
async def set_default_card(world: WorldDep, card_id: IdPath) -> list[CardOut]:
    """Make a card (not an expired one) the default; answers the saved cards."""
    with world.transaction() as s:
        services.set_default_card(s, card_id)
        return _cards(s, world.now)
