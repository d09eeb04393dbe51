"""Mail task families: one per module, each a `TaskFamily` (sample / verify / solve).

`FAMILIES` lists them sorted by id; the site spec hands it to the registry.
"""

from __future__ import annotations

from webtwin.simulators.core.tasks import TaskFamily

from .add_contact_from_signature import AddContactFromSignature
from .answer_invoice_amount import AnswerInvoiceAmount
from .answer_tracking_number import AnswerTrackingNumber
from .archive_from_sender import ArchiveFromSender
from .ask_and_answer import AskAndAnswer
from .ask_and_relay import AskAndRelay
from .compose_with_cc import ComposeWithCc
from .create_filter import CreateFilter
from .create_label_apply import CreateLabelApply
from .forward_invoice import ForwardInvoice
from .mark_read_category import MarkReadCategory
from .reply_with_content import ReplyWithContent
from .restore_from_trash import RestoreFromTrash
from .save_draft import SaveDraft
from .schedule_send import ScheduleSend
from .snooze_thread import SnoozeThread
from .spam_and_block import SpamAndBlock
from .star_thread import StarThread
from .trash_promotions_from import TrashPromotionsFrom
from .vacation_responder import VacationResponder

FAMILIES: list[type[TaskFamily]] = [
    AddContactFromSignature,
    AnswerInvoiceAmount,
    AnswerTrackingNumber,
    ArchiveFromSender,
    AskAndAnswer,
    AskAndRelay,
    ComposeWithCc,
    CreateFilter,
    CreateLabelApply,
    ForwardInvoice,
    MarkReadCategory,
    ReplyWithContent,
    RestoreFromTrash,
    SaveDraft,
    ScheduleSend,
    SnoozeThread,
    SpamAndBlock,
    StarThread,
    TrashPromotionsFrom,
    VacationResponder,
]

__all__ = [
    "AddContactFromSignature", "AnswerInvoiceAmount", "AnswerTrackingNumber", "ArchiveFromSender",
    "AskAndAnswer", "AskAndRelay", "ComposeWithCc", "CreateFilter", "CreateLabelApply", "FAMILIES",
    "ForwardInvoice", "MarkReadCategory", "ReplyWithContent", "RestoreFromTrash", "SaveDraft",
    "ScheduleSend", "SnoozeThread", "SpamAndBlock", "StarThread", "TrashPromotionsFrom",
    "VacationResponder",
]
