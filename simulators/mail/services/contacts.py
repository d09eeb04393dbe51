"""The address book."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Contact
from .common import check_length, validate_email
from .errors import MailError

__all__ = ["add_contact", "delete_contact", "update_contact"]


def add_contact(s: Session, world: World, name: str, email: str, phone: str = "",
                company: str = "", title: str = "", notes: str = "") -> Contact:
    """A new contact; the email must be valid and not in the address book yet."""
    fields = _fields(s, None, name, email, phone, company, title, notes)
    contact = Contact(id=World.next_id(s, Contact.__tablename__), **fields)
    s.add(contact)
    s.flush()
    return contact


def update_contact(s: Session, contact_id: int, name: str, email: str, phone: str = "",
                   company: str = "", title: str = "", notes: str = "") -> Contact:
    """Replace every field of a contact."""
    contact = _get(s, contact_id)
    for key, value in _fields(s, contact.id, name, email, phone, company, title, notes).items():
        setattr(contact, key, value)
    s.flush()
    return contact


def delete_contact(s: Session, contact_id: int) -> None:
    """Remove a contact from the address book."""
    s.delete(_get(s, contact_id))
    s.flush()


def _get(s: Session, contact_id: int) -> Contact:
    contact = s.get(Contact, int(contact_id))
    if contact is None:
        raise MailError(f"there is no contact with id {contact_id}")
    return contact


def _fields(s: Session, contact_id: int | None, name: str, email: str, phone: str,
            company: str, title: str, notes: str) -> dict[str, str]:
    """Validated, stripped fields (MailError naming the first bad one)."""
    name = (name or "").strip()
    if not name:
        raise MailError("enter the contact's name")
    address = validate_email(email or "")
    for value, limit, what in ((name, 200, "the name"), (address, 200, "the email"),
                               (phone, 60, "the phone number"), (company, 200, "the company"),
                               (title, 200, "the job title"), (notes, 10_000, "the notes")):
        check_length((value or "").strip(), limit, what)
    clash = s.scalars(select(Contact).where(Contact.email == address).order_by(Contact.id)).first()
    if clash is not None and clash.id != contact_id:
        raise MailError(f"{address} is already in your contacts ({clash.name})")
    return {"name": name, "email": address, "phone": (phone or "").strip(),
            "company": (company or "").strip(), "title": (title or "").strip(),
            "notes": (notes or "").strip()}
