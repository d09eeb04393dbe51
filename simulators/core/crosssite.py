"""Where sites of one world meet: named services a site provides to the others.

Sites never import each other. A site that can receive email (Mail) provides
`"email.deliver"` and `"email.owner"`; a site that sends email (the Shop's order
confirmations, shipping notices, newsletters) calls `send_email`, which delivers it when the
world holds such a site and does nothing otherwise, exactly like mail sent to an address
nobody reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .world import World

__all__ = ["Email", "email_owner", "send_email"]


@dataclass(frozen=True)
class Email:
    """A message one site sends to the world's owner.

    ## Parameters
    - `sent_at`: when it was sent; `None` means now. Generation may back-date (past orders
      leave their confirmations in the mailbox); it must not be later than `world.now`.
    - `category`: the mailbox tab it lands in (`primary`, `promotions`, `social`, `updates`).
    - `read`: whether a back-dated message arrives already read (the owner saw it then).
    """

    sender_name: str
    sender_email: str
    subject: str
    body: str
    category: str = "updates"
    sent_at: int | None = None
    read: bool = False


def send_email(s: Session, world: World, email: Email) -> bool:
    """Deliver `email` to the owner's mailbox if the world has one; True if delivered."""
    deliver = world.capability("email.deliver")
    if deliver is None:
        return False
    deliver(s, world, email)
    return True


def email_owner(s: Session, world: World) -> tuple[str, str] | None:
    """(name, address) of the mailbox owner, if the world has a mailbox."""
    owner: Any = world.capability("email.owner")
    return None if owner is None else owner(s)
