"""Your account: profile, address book and saved cards."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from webtwin.simulators.core.web import Form, FormDep, WorldDep, see_other

from . import queries, services
from .models import Address
from .pages_common import (
    chrome,
    form_int,
    path_id,
    render_page,
    safe_back,
    set_back,
    with_notice,
)

__all__ = ["ADDRESS_FIELDS", "router"]

router = APIRouter()
# (form name, label, data-bid suffix)
ADDRESS_FIELDS = (("full_name", "Full name (first and last name)", "full-name"),
                  ("line1", "Street address", "line1"),
                  ("line2", "Apt, suite, unit, building, floor (optional)", "line2"),
                  ("city", "City", "city"), ("region", "State / Province / Region", "region"),
                  ("postal_code", "ZIP / Postal code", "postal-code"),
                  ("country", "Country", "country"), ("phone", "Phone number", "phone"))


@router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Your account: profile form and links to addresses and payments."""
    with world.session() as s:
        return render_page("shop/account.html", ui=chrome(s, world, request, active="account"),
                           person=queries.account_row(s))


@router.post("/account")
async def save_profile(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Change your name and phone number."""
    set_back(request, "/account")
    with world.transaction() as s:
        services.update_profile(s, form.get("name"), form.get("phone"))
    return see_other(with_notice("/account", "profile_saved"))


# -- addresses --------------------------------------------------------------------------------
@router.get("/account/addresses", response_class=HTMLResponse)
async def addresses_page(request: Request, world: WorldDep) -> HTMLResponse:
    """The address book."""
    with world.session() as s:
        return render_page("shop/addresses.html",
                           ui=chrome(s, world, request, active="account"),
                           addresses=queries.addresses(s))


def _address_form(request: Request, world: WorldDep, address: Address | None,
                  back: str) -> HTMLResponse:
    values = {name: getattr(address, name) if address else "" for name, _, _ in ADDRESS_FIELDS}
    if address is None:
        values["country"] = "United States"
    with world.session() as s:
        return render_page("shop/address_form.html",
                           ui=chrome(s, world, request, active="account"), address=address,
                           values=values, fields=ADDRESS_FIELDS, back=back)


@router.get("/account/addresses/new", response_class=HTMLResponse)
async def new_address(request: Request, world: WorldDep, back: str = "") -> HTMLResponse:
    """The new-address form (`?back=` is where saving returns to)."""
    return _address_form(request, world, None, safe_back(back, ""))


@router.get("/account/addresses/{address_id}/edit", response_class=HTMLResponse)
async def edit_address(request: Request, world: WorldDep, address_id: str) -> HTMLResponse:
    """The edit form of an address."""
    aid = path_id(address_id, "address")
    with world.session() as s:
        address = s.get(Address, aid)
    if address is None:
        raise HTTPException(404, f"there is no address {aid}")
    return _address_form(request, world, address, "")


def _fields(form: Form) -> services.AddressFields:
    return services.AddressFields(**{name: form.get(name) for name, _, _ in ADDRESS_FIELDS})


@router.post("/account/addresses")
async def create_address(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Add an address (then go back to `back`, e.g. checkout)."""
    back = safe_back(form.get("back"), "")
    set_back(request, "/account/addresses/new" + (f"?{urlencode({'back': back})}" if back else ""))
    with world.transaction() as s:
        services.add_address(s, world, _fields(form), form.flag("make_default"))
    return see_other(with_notice(back or "/account/addresses", "address_saved"))


@router.post("/account/addresses/{address_id}")
async def update_address(request: Request, form: FormDep, world: WorldDep,
                         address_id: str) -> Response:
    """Save an address's fields."""
    aid = path_id(address_id, "address")
    set_back(request, f"/account/addresses/{aid}/edit")
    with world.transaction() as s:
        services.update_address(s, aid, _fields(form), form.flag("make_default"))
    return see_other(with_notice("/account/addresses", "address_saved"))


@router.post("/account/addresses/{address_id}/delete")
async def delete_address(request: Request, world: WorldDep, address_id: str) -> Response:
    """Remove an address (not the default one)."""
    aid = path_id(address_id, "address")
    set_back(request, "/account/addresses")
    with world.transaction() as s:
        services.delete_address(s, aid)
    return see_other(with_notice("/account/addresses", "address_deleted"))


@router.post("/account/addresses/{address_id}/default")
async def default_address(request: Request, world: WorldDep, address_id: str) -> Response:
    """Make an address the default."""
    aid = path_id(address_id, "address")
    set_back(request, "/account/addresses")
    with world.transaction() as s:
        services.set_default_address(s, aid)
    return see_other(with_notice("/account/addresses", "address_default"))


# -- payments ---------------------------------------------------------------------------------
@router.get("/account/payments", response_class=HTMLResponse)
async def payments_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Saved cards."""
    with world.session() as s:
        return render_page("shop/payments.html", ui=chrome(s, world, request, active="account"),
                           cards=queries.cards(s), now=world.now, expired=queries.card_expired)


@router.get("/account/payments/new", response_class=HTMLResponse)
async def new_card(request: Request, world: WorldDep, back: str = "") -> HTMLResponse:
    """The add-a-card form."""
    year = dt.datetime.fromtimestamp(world.now, dt.UTC).year
    with world.session() as s:
        return render_page("shop/card_form.html", ui=chrome(s, world, request, active="account"),
                           years=list(range(year, year + 11)), back=safe_back(back, ""))


@router.post("/account/payments")
async def create_card(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Save a card."""
    back = safe_back(form.get("back"), "")
    set_back(request, "/account/payments/new" + (f"?{urlencode({'back': back})}" if back else ""))
    month = form_int(form.get("exp_month"), "the expiry month", 1, 12)
    year = form_int(form.get("exp_year"), "the expiry year", 1000, 9999)
    with world.transaction() as s:
        services.add_card(s, world, form.get("card_number")[:100], form.get("holder"), month,
                          year, form.flag("make_default"))
    return see_other(with_notice(back or "/account/payments", "card_saved"))


@router.post("/account/payments/{card_id}/delete")
async def delete_card(request: Request, world: WorldDep, card_id: str) -> Response:
    """Remove a card (not the default one)."""
    cid = path_id(card_id, "card")
    set_back(request, "/account/payments")
    with world.transaction() as s:
        services.delete_card(s, cid)
    return see_other(with_notice("/account/payments", "card_deleted"))


@router.post("/account/payments/{card_id}/default")
async def default_card(request: Request, world: WorldDep, card_id: str) -> Response:
    """Make a card the default."""
    cid = path_id(card_id, "card")
    set_back(request, "/account/payments")
    with world.transaction() as s:
        services.set_default_card(s, cid)
    return see_other(with_notice("/account/payments", "card_default"))
