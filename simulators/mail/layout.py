"""The reads behind every mail page's layout: the owner, the navigation's counts, the labels.

## Description
Every page shows these, so they are plain SQL (`sql_rows`) into plain values, not ORM objects.
`queries` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy.orm import Session

from webtwin.simulators.core.memo import memo
from webtwin.simulators.core.web import sql_rows

__all__ = ["LabelInfo", "NavCounts", "Owner", "label_tree", "nav_counts", "owner"]


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    color: str


@dataclass
class NavCounts:
    """Numbers next to the left navigation's entries."""

    inbox_unread: int = 0
    drafts: int = 0
    scheduled: int = 0
    spam_unread: int = 0
    snoozed: int = 0
    label_unread: dict[int, int] = field(default_factory=dict)


class Owner(NamedTuple):
    """The mailbox owner's row as plain values (every page reads it; no ORM object)."""

    name: str
    email: str
    signature: str
    vacation_enabled: int  # 0/1
    vacation_start: int | None
    vacation_end: int | None
    vacation_subject: str
    vacation_body: str
    page_size: int


def owner(s: Session) -> Owner:
    """The mailbox owner and their settings, read-only (once per session between flushes)."""
    return memo(s, owner, _owner)


_OWNER = f"SELECT {', '.join(Owner._fields)} FROM mail_account WHERE id = 1"


def _owner(s: Session) -> Owner:
    rows = sql_rows(s, _OWNER)
    if not rows:
        raise LookupError("this world has no mail account")
    return Owner(*rows[0])


_NAV_COUNTS = """
SELECT
  (SELECT count(*) FROM mail_thread t WHERE t.in_inbox AND NOT t.spam AND NOT t.trashed
     AND t.category = 'primary' AND NOT (t.snoozed_until IS NOT NULL AND t.snoozed_until > :now)
     AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')),
  (SELECT count(*) FROM mail_thread t WHERE t.spam AND NOT t.trashed
     AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')),
  (SELECT count(*) FROM mail_thread t WHERE NOT t.spam AND NOT t.trashed
     AND t.snoozed_until IS NOT NULL AND t.snoozed_until > :now),
  (SELECT count(*) FROM mail_message m JOIN mail_thread t ON t.id = m.thread_id
     WHERE m.status = 'draft' AND NOT t.trashed),
  (SELECT count(*) FROM mail_message m JOIN mail_thread t ON t.id = m.thread_id
     WHERE m.status = 'scheduled' AND NOT t.trashed)
"""
_LABEL_UNREAD = """
SELECT tl.label_id, count(*) FROM mail_thread_label tl JOIN mail_thread t ON t.id = tl.thread_id
WHERE NOT t.spam AND NOT t.trashed
  AND t.id IN (SELECT thread_id FROM mail_message WHERE NOT is_read AND status = 'received')
GROUP BY tl.label_id ORDER BY tl.label_id
"""


def nav_counts(s: Session, now: int) -> NavCounts:
    """Unread/draft/scheduled numbers for the left navigation.

    Plain SQL, two statements: every page shows these, so they must cost next to nothing.
    The conditions are those of `queries.view_condition` (inbox, spam, snoozed) and
    `search.unread()`.
    """
    [(inbox, spam, sleeping, drafts, scheduled)] = sql_rows(s, _NAV_COUNTS, {"now": now})
    counts = NavCounts(inbox_unread=inbox, spam_unread=spam, snoozed=sleeping, drafts=drafts,
                       scheduled=scheduled)
    counts.label_unread = dict(sql_rows(s, _LABEL_UNREAD))
    return counts


def label_tree(s: Session) -> list[tuple[LabelInfo, int]]:
    """Every label sorted by name (case-insensitive), with its nesting depth ("A/B" → 1)."""
    return memo(s, label_tree, _label_tree)


_LABELS = "SELECT id, name, color FROM mail_label ORDER BY lower(name), id"


def _label_tree(s: Session) -> list[tuple[LabelInfo, int]]:
    return [(LabelInfo(*row), row[1].count("/")) for row in sql_rows(s, _LABELS)]
