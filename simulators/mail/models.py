"""Mail tables. Addresses are stored lower-case; lists of addresses are ", "-joined."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "MailBase", "Account", "Contact", "Thread", "Message", "Attachment", "Label", "ThreadLabel",
    "Filter", "BlockedSender", "ReplyRule", "CATEGORIES", "MESSAGE_STATUSES",
]

CATEGORIES = ("primary", "promotions", "social", "updates")
MESSAGE_STATUSES = ("received", "sent", "draft", "scheduled")


class MailBase(DeclarativeBase):
    """Declarative base of the mail site (its own metadata)."""


class Account(MailBase):
    """The mailbox owner and their settings (exactly one row, id 1)."""

    __tablename__ = "mail_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    signature: Mapped[str] = mapped_column(Text, default="")
    vacation_enabled: Mapped[bool] = mapped_column(default=False)
    vacation_start: Mapped[int | None] = mapped_column(Integer, default=None)
    vacation_end: Mapped[int | None] = mapped_column(Integer, default=None)
    vacation_subject: Mapped[str] = mapped_column(String(300), default="")
    vacation_body: Mapped[str] = mapped_column(Text, default="")
    page_size: Mapped[int] = mapped_column(Integer, default=50)


class Contact(MailBase):
    """An address-book entry."""

    __tablename__ = "mail_contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[str] = mapped_column(String(60), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Thread(MailBase):
    """A conversation; system labels (inbox, star, spam, trash, ...) are thread flags."""

    __tablename__ = "mail_thread"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(20), default="primary")
    in_inbox: Mapped[bool] = mapped_column(default=True)
    starred: Mapped[bool] = mapped_column(default=False)
    important: Mapped[bool] = mapped_column(default=False)
    spam: Mapped[bool] = mapped_column(default=False)
    trashed: Mapped[bool] = mapped_column(default=False)
    trashed_at: Mapped[int | None] = mapped_column(Integer, default=None)
    snoozed_until: Mapped[int | None] = mapped_column(Integer, default=None)
    last_message_at: Mapped[int] = mapped_column(Integer, index=True)
    messages: Mapped[list[Message]] = relationship(
        back_populates="thread", order_by="(Message.sent_at, Message.id)")


class Message(MailBase):
    """One message of a thread: received, sent, a draft, or scheduled to send."""

    __tablename__ = "mail_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("mail_thread.id"), index=True)
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_email: Mapped[str] = mapped_column(String(200), index=True)
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    bcc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="received")
    is_read: Mapped[bool] = mapped_column(default=False)
    in_reply_to: Mapped[int | None] = mapped_column(Integer, default=None)
    scheduled_at: Mapped[int | None] = mapped_column(Integer, default=None)
    thread: Mapped[Thread] = relationship(back_populates="messages")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")

    # Unread, draft and scheduled counts (every page's navigation) and the Sent view read
    # only this index: a scan of the table would read every message body.
    __table_args__ = (Index("ix_mail_message_status", "status", "is_read", "thread_id"),)


class Attachment(MailBase):
    """A file attached to a message; `content` is its viewable text (e.g. an invoice)."""

    __tablename__ = "mail_attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("mail_message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(100), default="text/plain")
    content: Mapped[str] = mapped_column(Text, default="")


class Label(MailBase):
    """A user label; nesting is by name, Gmail-style: "Clients/Northwind"."""

    __tablename__ = "mail_label"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    color: Mapped[str] = mapped_column(String(20), default="gray")


class ThreadLabel(MailBase):
    """A user label applied to a thread."""

    __tablename__ = "mail_thread_label"
    thread_id: Mapped[int] = mapped_column(ForeignKey("mail_thread.id"), primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("mail_label.id"), primary_key=True)


class Filter(MailBase):
    """Criteria (all given ones must match) and actions applied to incoming mail."""

    __tablename__ = "mail_filter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_contains: Mapped[str] = mapped_column(String(200), default="")
    to_contains: Mapped[str] = mapped_column(String(200), default="")
    subject_contains: Mapped[str] = mapped_column(String(200), default="")
    has_words: Mapped[str] = mapped_column(String(200), default="")
    has_attachment: Mapped[bool] = mapped_column(default=False)
    label_id: Mapped[int | None] = mapped_column(ForeignKey("mail_label.id"), default=None)
    archive: Mapped[bool] = mapped_column(default=False)
    star: Mapped[bool] = mapped_column(default=False)
    mark_read: Mapped[bool] = mapped_column(default=False)
    delete: Mapped[bool] = mapped_column(default=False)
    forward_to: Mapped[str] = mapped_column(String(200), default="")


class BlockedSender(MailBase):
    """Mail from a blocked address goes straight to Spam."""

    __tablename__ = "mail_blocked_sender"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)


class ReplyRule(MailBase):
    """Hidden world logic: how a contact answers mail from the owner that mentions `keyword`.

    Never shown in a page; it makes replies deterministic (a contact who is asked for the
    purchase-order number answers with it `delay_seconds` later).
    """

    __tablename__ = "mail_reply_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_email: Mapped[str] = mapped_column(String(200), index=True)
    keyword: Mapped[str] = mapped_column(String(200))
    reply_body: Mapped[str] = mapped_column(Text)
    # The one value the reply states ("PO-48213"), so tasks read it without parsing prose.
    fact: Mapped[str] = mapped_column(String(200), default="")
    delay_seconds: Mapped[int] = mapped_column(Integer, default=300)
    answered: Mapped[bool] = mapped_column(default=False)
