"""Settings: signature, vacation responder, filters and blocked senders."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webtwin.simulators.core.world import World

from ..models import Account, BlockedSender, Filter, Label
from .common import account, check_length, validate_email
from .errors import MailError

__all__ = [
    "MAX_SIGNATURE", "block_sender", "create_filter", "delete_filter", "unblock_sender",
    "update_settings",
]

MAX_SIGNATURE = 10_000


def update_settings(s: Session, signature: str, vacation_enabled: bool,
                    vacation_start: int | None, vacation_end: int | None,
                    vacation_subject: str, vacation_body: str) -> Account:
    """Save the signature and the vacation responder (dates are epoch seconds, inclusive)."""
    signature, subject, body = signature or "", (vacation_subject or "").strip(), \
        vacation_body or ""
    check_length(signature, MAX_SIGNATURE, "the signature")
    check_length(subject, 300, "the vacation subject")
    check_length(body, MAX_SIGNATURE, "the vacation message")
    if vacation_enabled:
        _check_vacation(vacation_start, vacation_end, subject)
    owner = account(s)
    owner.signature, owner.vacation_enabled = signature, bool(vacation_enabled)
    owner.vacation_start = int(vacation_start) if vacation_start is not None else None
    owner.vacation_end = int(vacation_end) if vacation_end is not None else None
    owner.vacation_subject, owner.vacation_body = subject, body
    s.flush()
    return owner


def _check_vacation(start: int | None, end: int | None, subject: str) -> None:
    if start is None or end is None:
        raise MailError("set the first and last day of the vacation responder")
    if int(start) > int(end):
        raise MailError("the vacation's last day is before its first day")
    if not subject:
        raise MailError("enter a subject for the vacation reply")


def create_filter(s: Session, world: World, *, from_contains: str = "", to_contains: str = "",
                  subject_contains: str = "", has_words: str = "", has_attachment: bool = False,
                  label_id: int | None = None, archive: bool = False, star: bool = False,
                  mark_read: bool = False, delete: bool = False, forward_to: str = "") -> Filter:
    """A filter: every given criterion must match; at least one criterion and one action."""
    texts = {"from_contains": from_contains, "to_contains": to_contains,
             "subject_contains": subject_contains, "has_words": has_words}
    texts = {key: (value or "").strip() for key, value in texts.items()}
    for key, value in texts.items():
        check_length(value, 200, key.replace("_", " "))
    if not (any(texts.values()) or has_attachment):
        raise MailError("give at least one criterion (from, to, subject, words or attachment)")
    forward = validate_email(forward_to, "address to forward to") if forward_to.strip() else ""
    if label_id is not None and s.get(Label, int(label_id)) is None:
        raise MailError(f"there is no label with id {label_id}")
    if not (label_id is not None or archive or star or mark_read or delete or forward):
        raise MailError("choose at least one action (label, archive, star, mark read, delete "
                        "or forward)")
    rule = Filter(id=World.next_id(s, Filter.__tablename__), **texts,
                  has_attachment=bool(has_attachment), label_id=label_id, archive=bool(archive),
                  star=bool(star), mark_read=bool(mark_read), delete=bool(delete),
                  forward_to=forward)
    s.add(rule)
    s.flush()
    return rule


def delete_filter(s: Session, filter_id: int) -> None:
    """Remove a filter."""
    rule = s.get(Filter, int(filter_id))
    if rule is None:
        raise MailError(f"there is no filter with id {filter_id}")
    s.delete(rule)
    s.flush()


def block_sender(s: Session, world: World, email: str) -> BlockedSender:
    """Send future mail from `email` to Spam; refuses an address that is already blocked."""
    address = validate_email(email)
    if s.scalars(select(BlockedSender).where(BlockedSender.email == address)
                 .order_by(BlockedSender.id)).first() is not None:
        raise MailError(f"{address} is already blocked")
    blocked = BlockedSender(id=World.next_id(s, BlockedSender.__tablename__), email=address)
    s.add(blocked)
    s.flush()
    return blocked


def unblock_sender(s: Session, blocked_id: int) -> None:
    """Stop blocking an address."""
    blocked = s.get(BlockedSender, int(blocked_id))
    if blocked is None:
        raise MailError(f"there is no blocked sender with id {blocked_id}")
    s.delete(blocked)
    s.flush()
