"""Mail: a Gmail-like mailbox.

## Description
Inbox with categories, threads with attachments, labels, search with Gmail operators, drafts,
scheduled send, snooze, contacts, filters, vacation responder and blocked senders. New mail
arrives as the virtual clock advances; contacts answer mail that asks them something.

## Registered ids
`webtwin/mail-text-v0` (and every multi-site id whose site set includes `mail`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from webtwin.simulators.core.site import SiteSpec

from .generate import generate_mail
from .models import MailBase
from .routes import build_app
from .search import create_search_index, sync_search_index
from .services import EVENT_HANDLERS
from .services.delivery import deliver_email, mailbox_owner

if TYPE_CHECKING:
    from webtwin.simulators.core.tasks import TaskFamily


def _task_families() -> Sequence[type[TaskFamily]]:
    from .tasks import FAMILIES

    return FAMILIES


SITE = SiteSpec(
    name="mail",
    title="Mail",
    metadata=MailBase.metadata,
    generate=generate_mail,
    build_app=build_app,
    task_families=_task_families,
    event_handlers=EVENT_HANDLERS,
    start_path="/inbox",
    after_create=create_search_index,
    after_commit=sync_search_index,
    templates_dir=Path(__file__).parent / "templates",
    provides={"email.deliver": deliver_email, "email.owner": mailbox_owner},
)

__all__ = ["SITE"]
