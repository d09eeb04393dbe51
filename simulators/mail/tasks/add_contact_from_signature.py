"""Add a new correspondent to the contacts, with the details of their signature."""

from __future__ import annotations

import re
from typing import Any

from webtwin.simulators.core import actions as act
from webtwin.simulators.core.rng import Random
from webtwin.simulators.core.state import Row
from webtwin.simulators.core.tasks import (
    Check,
    TaskFamily,
    TaskInstance,
    Verdict,
    agent_changes,
    normalize_answer,
)
from webtwin.simulators.core.world import World

from ..models import Message
from ._common import (
    all_threads,
    contact_emails,
    inserted,
    is_insert,
    live_threads,
    nameable,
    open_thread_actions,
    pick,
    verdict,
)

__all__ = ["AddContactFromSignature", "signature_of"]

# The generator's phone format ("+1 555 0147 962"); a line of only these characters.
PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")


def signature_of(message: Message) -> dict[str, str] | None:
    """Name, title, company and phone from a body ending in that four-line block."""
    lines = [line.strip() for line in message.body.strip().splitlines()]
    if len(lines) < 4:
        return None
    name, title, company, phone = lines[-4:]
    if name != message.sender_name or not (title and company) or not PHONE.fullmatch(phone):
        return None
    return {"name": name, "title": title, "company": company, "phone": phone}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def contact_problems(row: Row, p: dict[str, Any]) -> list[str]:
    """Fields of a new contact row that differ from the signature."""
    wrong = [f"{key}={row[key]!r}" for key in ("name", "company", "title")
             if normalize_answer(row[key]) != normalize_answer(p[key])]
    if (row["email"] or "").lower() != p["email"]:
        wrong.append(f"email={row['email']!r}")
    if _digits(row["phone"]) != _digits(p["phone"]):
        wrong.append(f"phone={row['phone']!r}")
    return wrong


class AddContactFromSignature(TaskFamily):
    """Add someone who wrote for the first time to the contacts, from their signature.

    ## Description
    A person not in the address book wrote an email ending with a signature block (name,
    job title, company, phone). The agent adds them as a contact with all five details.

    ## Goal
    "Ana Souza from Fernhill Analytics emailed me about "Quick sync on the Q3 budget?". Add
    this person to my contacts with their name, email address, phone number, company and job
    title from their signature."

    ## Parameters
    - `thread_id`, `message_id`, `subject`, `sender_name`, `sender_email`: the email.
    - `name`, `email`, `title`, `company`, `phone`: the contact to create.

    ## Success criteria
    Exactly one contact was added, with those details (phone compared by digits, text without
    regard to case); nothing else changed except messages marked read.
    """

    id = "mail/add_contact_from_signature"
    difficulty = "medium"

    def sample(self, world: World, rng: Random) -> TaskInstance:
        with world.session() as s:
            known = contact_emails(s)
            primary = [t for t in live_threads(s, inbox=True, now=world.now)
                       if t.category == "primary"]
            found = []
            for ref in nameable(primary, all_threads(s)):
                signature = signature_of(s.get(Message, ref.message_id))
                if ref.sender_email not in known and signature is not None:
                    found.append((ref, signature))
            ref, signature = pick(rng, found, "email from a stranger with a signature")
        return TaskInstance(
            family=self.id, params={**ref.params(), **signature, "email": ref.sender_email},
            instruction=(f'{ref.sender_name} from {signature["company"]} emailed me about '
                         f'"{ref.subject}". Add this person to my contacts with their name, '
                         "email address, phone number, company and job title from their "
                         "signature."))

    def verify(self, instance: TaskInstance, before: World, after: World,
               answer: str | None) -> Verdict:
        diff = agent_changes(before, after)
        p = instance.params
        added = inserted(diff, "mail_contact")
        wrong = contact_problems(added[0], p) if added else ["no contact added"]
        return verdict(
            [Check("exactly one contact added", len(added) == 1, f"{len(added)} added"),
             Check("details from the signature", len(added) == 1 and not wrong,
                   "; ".join(wrong))],
            diff, is_insert("mail_contact"))

    def solve(self, instance: TaskInstance) -> list[str]:
        p = instance.params
        fields = [act.fill(f"contact-{key}", p[key])
                  for key in ("name", "email", "phone", "company", "title")]
        return [*open_thread_actions(f'from:{p["sender_email"]}', p["thread_id"]),
                act.click(f"add-contact-{p['message_id']}"), *fields, act.click("save-contact"),
                act.stop()]
