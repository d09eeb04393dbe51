"""Labels and contacts pages."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from webtwin.simulators.core.web import Form, FormDep, WorldDep, see_other
from webtwin.simulators.core.world import UserError, World

from . import queries, services
from .models import Contact
from .pages_common import IdPath, chrome, optional_id, render_page, with_notice

__all__ = ["router"]

router = APIRouter()
CONTACT_FIELDS = ("name", "email", "phone", "company", "title", "notes")


# -- labels ---------------------------------------------------------------------------------
@router.get("/labels", response_class=HTMLResponse)
async def labels_page(request: Request, world: WorldDep) -> HTMLResponse:
    """Every label, with rename and delete, and the new-label form."""
    with world.session() as s:
        ui = chrome(s, world, request, active="labels")
        return render_page("mail/labels.html", ui=ui, labels=queries.label_tree(s))


@router.post("/labels")
async def create_label(form: FormDep, world: WorldDep) -> Response:
    """Create a label (optionally nested under a parent)."""
    parent = optional_id(form.get("parent_id"), "parent_id")
    with world.transaction() as s:
        services.create_label(s, world, form.get("name"), parent)
    return see_other(with_notice("/labels", "label_created"))


@router.post("/labels/{label_id}/rename")
async def rename_label(form: FormDep, world: WorldDep, label_id: IdPath) -> Response:
    """Rename a label (its full name; children follow)."""
    with world.transaction() as s:
        services.rename_label(s, label_id, form.get("name"))
    return see_other(with_notice("/labels", "label_renamed"))


@router.post("/labels/{label_id}/delete")
async def delete_label(world: WorldDep, label_id: IdPath) -> Response:
    """Delete a label (conversations keep existing, without it)."""
    with world.transaction() as s:
        services.delete_label(s, label_id)
    return see_other(with_notice("/labels", "label_deleted"))


# -- contacts -------------------------------------------------------------------------------
@dataclass
class ContactForm:
    """The contact form's values, its target, and a refusal message to show."""

    values: dict[str, str]
    contact_id: int | None = None
    error: str = ""

    @property
    def action(self) -> str:
        return f"/contacts/{self.contact_id}" if self.contact_id else "/contacts"


def _contact(s: Session, contact_id: int) -> Contact:
    found = s.get(Contact, contact_id)
    if found is None:
        raise HTTPException(404, f"there is no contact with id {contact_id}")
    return found


def _render_form(request: Request, world: World, form: ContactForm,
                 status: int = 200) -> HTMLResponse:
    with world.session() as s:
        ui = chrome(s, world, request, active="contacts")
        return render_page("mail/contact_form.html", status, ui=ui, form=form)


@router.get("/contacts", response_class=HTMLResponse)
async def contacts_page(request: Request, world: WorldDep, q: str = "") -> HTMLResponse:
    """The address book."""
    with world.session() as s:
        ui = chrome(s, world, request, active="contacts")
        return render_page("mail/contacts.html", ui=ui, contacts=queries.contact_rows(s, q))


@router.get("/contacts/new", response_class=HTMLResponse)
async def new_contact(request: Request, world: WorldDep, name: str = "",
                      email: str = "") -> HTMLResponse:
    """The new-contact form (prefilled from ?name=&email=)."""
    values = dict.fromkeys(CONTACT_FIELDS, "") | {"name": name[:200], "email": email[:200]}
    return _render_form(request, world, ContactForm(values))


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
async def contact_page(request: Request, world: WorldDep, contact_id: IdPath) -> HTMLResponse:
    """One contact."""
    with world.session() as s:
        contact = _contact(s, contact_id)
        ui = chrome(s, world, request, active="contacts")
        return render_page("mail/contact.html", ui=ui, contact=contact)


@router.get("/contacts/{contact_id}/edit", response_class=HTMLResponse)
async def edit_contact(request: Request, world: WorldDep, contact_id: IdPath) -> HTMLResponse:
    """The edit form of a contact."""
    with world.session() as s:
        contact = _contact(s, contact_id)
        values = {key: str(getattr(contact, key) or "") for key in CONTACT_FIELDS}
    return _render_form(request, world, ContactForm(values, contact_id))


def _save_contact(request: Request, world: World, form: Form,
                  contact_id: int | None) -> Response:
    values = {key: form.get(key) for key in CONTACT_FIELDS}
    try:
        with world.transaction() as s:
            if contact_id is None:
                contact = services.add_contact(s, world, **values)
            else:
                _contact(s, contact_id)
                contact = services.update_contact(s, contact_id, **values)
            saved = contact.id
    except UserError as error:
        return _render_form(request, world, ContactForm(values, contact_id, str(error)), 422)
    return see_other(with_notice(f"/contacts/{saved}", "contact_saved"))


@router.post("/contacts")
async def create_contact(request: Request, form: FormDep, world: WorldDep) -> Response:
    """Add a contact."""
    return _save_contact(request, world, form, None)


@router.post("/contacts/{contact_id}")
async def update_contact(request: Request, form: FormDep, world: WorldDep,
                         contact_id: IdPath) -> Response:
    """Save a contact's fields."""
    return _save_contact(request, world, form, contact_id)


@router.post("/contacts/{contact_id}/delete")
async def delete_contact(world: WorldDep, contact_id: IdPath) -> Response:
    """Remove a contact."""
    with world.transaction() as s:
        _contact(s, contact_id)
        services.delete_contact(s, contact_id)
    return see_other(with_notice("/contacts", "contact_deleted"))
