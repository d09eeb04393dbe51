"""Mail services: the only code that changes the mail site's state.

Every function validates first and raises `MailError` (a `UserError`) with a message a user
can act on, before changing anything. Pages, the JSON API, the generator and tasks call these.
"""

from __future__ import annotations

from .common import account
from .compose import (
    Compose,
    cancel_scheduled,
    discard_draft,
    parse_addresses,
    save_draft,
    schedule,
    send,
)
from .contacts import add_contact, delete_contact, update_contact
from .delivery import EVENT_HANDLERS
from .errors import MailError
from .labels import create_label, delete_label, rename_label
from .settings import block_sender, create_filter, delete_filter, unblock_sender, update_settings
from .threads import open_thread, thread_op

__all__ = [
    "EVENT_HANDLERS", "Compose", "MailError", "account", "add_contact", "block_sender",
    "cancel_scheduled", "create_filter", "create_label", "delete_contact", "delete_filter",
    "delete_label", "discard_draft", "open_thread", "parse_addresses", "rename_label",
    "save_draft", "schedule", "send", "thread_op", "unblock_sender", "update_contact",
    "update_settings",
]
